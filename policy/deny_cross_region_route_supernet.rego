package kafka_platform

# METADATA
# title: No default or supernet route across regions
# description: A route whose target is a VPC peering connection (vpcPeeringConnectionId) or a transit gateway (transitGatewayId on an aws:ec2/route:Route; every non-blackhole route of an aws:ec2transitgateway/route:Route) must name the peer VPC's CIDR, never 0.0.0.0/0, ::/0 or any prefix shorter than /8. A default or supernet route sends traffic for other networks (the internet, on-premises, other VPCs) across the cross-region link, so "nothing else crosses" no longer holds. Which exact CIDR is right needs the other resources, so stack_deny_cross_region_route_exact checks that; this rule sees one resource, as the analyzer gives it.
# custom:
#   message: Route only the peer VPC's CIDR (its vpcCidr / peerVpcCidr) through the peering connection or transit gateway, one route per route table.
deny_cross_region_route_supernet[msg] {
	cross_region_route(input)
	dest := route_destinations(input)[_]
	too_wide(dest)
	msg := sprintf("route %s sends %s through %s: a cross-region route must name the peer VPC's CIDR, not a default or a prefix shorter than /8", [input.__name, dest, cross_region_target(input)])
}

too_wide(cidr) {
	open_cidrs[cidr]
}

too_wide(cidr) {
	prefix_length(cidr) < 8
}
