package kafka_platform

# METADATA
# title: Cross-region routes name exactly a VPC of the other side
# description: Every route through a VPC peering connection or a transit gateway (see deny_cross_region_route_supernet) must have a CIDR destination equal to the CIDR of a VPC on the other side of the link, so nothing but VPC-to-VPC traffic crosses regions. Sides are AWS providers (regions) - the DR stack builds the primary's side of the link with a second provider. A side's VPC CIDRs are those of its aws:ec2/vpc:Vpc resources in the stack, plus, for a VPC that is not a resource of the stack (the primary's, seen from DR), the destination of that side's transit-gateway route to its own VPC attachment (the only place the stack states that VPC's CIDR). A transit-gateway route to a VPC attachment of the stack must name that side's own VPC CIDR. When nothing in the stack states the other side's CIDR (VPC peering, seen from the side whose peer VPC lives in another stack) the exact value cannot be computed, and the rule requires what it can - all of that side's cross-region routes name one single CIDR, which is not one of its own VPC CIDRs. Destinations or VPC CIDRs only known after apply are skipped here and reported by stack_warn_unverifiable_policy.
# custom:
#   message: Route exactly the peer VPC's CIDR through the link (the same value on every route table), and on each transit gateway route its own VPC's CIDR to its VPC attachment.
stack_deny_cross_region_route_exact[msg] {
	r := xr_routes[_]
	not to_own_vpc_attachment(r)
	dest := known_destinations(r)[_]
	others := other_side_cidrs(r.__provider)
	count(others) > 0
	not others[dest]
	not other_side_unknown(r.__provider)
	msg := sprintf("route %s sends %s through %s, but the VPC CIDRs on the other side of the link are %v: a cross-region route must name exactly one of them", [r.__name, dest, cross_region_target(r), sort(others)])
}

stack_deny_cross_region_route_exact[msg] {
	r := xr_routes[_]
	to_own_vpc_attachment(r)
	dest := known_destinations(r)[_]
	own := side_vpc_cidrs(r.__provider)
	count(own) > 0
	not own[dest]
	not side_unknown(r.__provider)
	msg := sprintf("transit gateway route %s sends %s to its own VPC attachment, but that side's VPC CIDRs are %v", [r.__name, dest, sort(own)])
}

# Nothing in the stack states the other side's CIDR: one peer CIDR per side.
stack_deny_cross_region_route_exact[msg] {
	side := xr_sides[_]
	count(other_side_cidrs(side)) == 0
	not other_side_unknown(side)
	dests := {d | r := xr_routes[_]; r.__provider == side; not to_own_vpc_attachment(r); d := known_destinations(r)[_]}
	count(dests) > 1
	msg := sprintf("cross-region routes of provider %q name %d different peer CIDRs %v; the peer VPC is not in this stack, so every route must name the same one, its CIDR", [side, count(dests), sort(dests)])
}

stack_deny_cross_region_route_exact[msg] {
	r := xr_routes[_]
	not to_own_vpc_attachment(r)
	dest := known_destinations(r)[_]
	side_vpc_cidrs(r.__provider)[dest]
	msg := sprintf("route %s sends %s, its own VPC's CIDR, through %s: a cross-region route must name the peer VPC's CIDR", [r.__name, dest, cross_region_target(r)])
}

stack_deny_cross_region_route_exact[msg] {
	r := xr_routes[_]
	count(route_destinations(r)) == 0
	not unverifiable_destination(r)
	msg := sprintf("route %s through %s has no CIDR destination (a prefix list or nothing): a cross-region route must name the peer VPC's CIDR", [r.__name, cross_region_target(r)])
}
