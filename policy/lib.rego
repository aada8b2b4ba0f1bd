# METADATA
# title: Kafka platform guardrails
# description: Mandatory and advisory rules for the self-managed Kafka platform (Strimzi on EKS).
# scope: package
package kafka_platform

# Shared helpers. Nothing here is a policy: the analyzer only treats rules
# named deny*/violation*/warn*/stack_* as policies.

kafka_type := "kubernetes:kafka.strimzi.io/v1:Kafka"

node_pool_type := "kubernetes:kafka.strimzi.io/v1:KafkaNodePool"

topic_type := "kubernetes:kafka.strimzi.io/v1:KafkaTopic"

user_type := "kubernetes:kafka.strimzi.io/v1:KafkaUser"

mm2_type := "kubernetes:kafka.strimzi.io/v1:KafkaMirrorMaker2"

bucket_types := {"aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"}

zone_key := "topology.kubernetes.io/zone"

# num is x as a number: Strimzi config values arrive as numbers or strings.
num(x) = n {
	is_number(x)
	n := x
}

num(x) = n {
	is_string(x)
	n := to_number(x)
}

# at_least holds when x is a number (or numeric string) >= min.
at_least(x, min) {
	num(x) >= min
}

# is_true holds for true and "true" (launch-template EBS flags are strings).
is_true(x) {
	x == true
}

is_true(x) {
	is_string(x)
	lower(x) == "true"
}

# label is the resource's display name in messages: the Kubernetes
# namespace/name when there is one, else the Pulumi logical name.
label(r) = s {
	s := sprintf("%s/%s", [r.metadata.namespace, r.metadata.name])
} else = s {
	s := r.metadata.name
} else = s {
	s := r.__name
}

# as_array turns a JSON-policy field that may be a string or a list into a list.
as_array(x) = x {
	is_array(x)
} else = [x] {
	true
}

# policy_doc parses an IAM/bucket policy given as a JSON string or an object.
# It is undefined for values only known after apply (e.g. "[unknown]").
policy_doc(p) = d {
	is_string(p)
	json.is_valid(p)
	d := json.unmarshal(p)
} else = p {
	is_object(p)
}

# statements of a policy document, always a list.
statements(doc) = s {
	s := as_array(doc.Statement)
}

# actions of a statement, always a list.
actions(st) = as_array(object.get(st, "Action", []))

# principal_is_everyone holds for "*" and {"AWS": "*"} (or ["*"]).
principal_is_everyone(p) {
	p == "*"
}

principal_is_everyone(p) {
	is_object(p)
	as_array(object.get(p, "AWS", []))[_] == "*"
}

# open_cidrs are the "anywhere" ranges.
open_cidrs := {"0.0.0.0/0", "::/0"}

# unverifiable holds for values only known after apply.
unverifiable(v) {
	is_string(v)
	not json.is_valid(v)
}

# related holds when resource r refers to bucket b: through its dependencies
# (what the engine records) or through the bucket name it names.
related(r, b) {
	r.dependencies[_] == b.__urn
}

related(r, b) {
	is_string(b.bucket)
	r.bucket == b.bucket
}

# Cross-region routes (deny_cross_region_route_supernet,
# stack_deny_cross_region_route_exact, stack_warn_unverifiable_policy).

vpc_route_type := "aws:ec2/route:Route"

tgw_route_type := "aws:ec2transitgateway/route:Route"

# cross_region_route holds for a VPC route through a peering connection or
# a transit gateway, and for every transit-gateway route that is not a
# blackhole (a transit gateway here exists only for the cross-region path).
cross_region_route(r) {
	r.__type == vpc_route_type
	non_empty(object.get(r, "vpcPeeringConnectionId", ""))
}

cross_region_route(r) {
	r.__type == vpc_route_type
	non_empty(object.get(r, "transitGatewayId", ""))
}

cross_region_route(r) {
	r.__type == tgw_route_type
	not is_true(object.get(r, "blackhole", false))
}

non_empty(x) {
	is_string(x)
	x != ""
}

# cross_region_target names the link a route uses, for messages.
cross_region_target(r) = s {
	non_empty(object.get(r, "vpcPeeringConnectionId", ""))
	s := sprintf("VPC peering connection %s", [r.vpcPeeringConnectionId])
} else = s {
	non_empty(object.get(r, "transitGatewayId", ""))
	s := sprintf("transit gateway %s", [r.transitGatewayId])
} else = s {
	s := sprintf("transit gateway route table %v", [object.get(r, "transitGatewayRouteTableId", "unknown")])
}

# route_destinations are a route's CIDR destinations as given (IPv4 and
# IPv6); a prefix-list destination is not among them.
route_destinations(r) = {d | d := [object.get(r, "destinationCidrBlock", ""), object.get(r, "destinationIpv6CidrBlock", "")][_]; non_empty(d)}

# known_destinations are the destinations known at preview (valid CIDRs).
known_destinations(r) = {d | d := route_destinations(r)[_]; net.cidr_is_valid(d)}

unverifiable_destination(r) {
	d := route_destinations(r)[_]
	not net.cidr_is_valid(d)
}

prefix_length(cidr) = n {
	net.cidr_is_valid(cidr)
	n := to_number(split(cidr, "/")[1])
}

xr_routes := [r | r := input.resources[_]; cross_region_route(r)]

provider_of(r) = object.get(r, "__provider", "")

# Sides of a cross-region link are providers (regions): the DR stack builds
# the primary's side of the link with a second provider.
xr_sides := {provider_of(r) | r := xr_routes[_]}

vpcs := [v | v := input.resources[_]; v.__type == "aws:ec2/vpc:Vpc"]

all_sides := xr_sides | {provider_of(v) | v := vpcs[_]}

vpc_cidr_fields := ["cidrBlock", "ipv6CidrBlock"]

# to_own_vpc_attachment holds for a transit-gateway route to a VPC
# attachment of the stack (its own side's VPC), found by dependency.
to_own_vpc_attachment(r) {
	r.__type == tgw_route_type
	a := input.resources[_]
	a.__type == "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
	r.dependencies[_] == a.__urn
}

side_has_vpc(side) {
	provider_of(vpcs[_]) == side
}

# side_vpc_cidrs: the side's VPC CIDRs - its VPC resources' CIDRs, or, for a
# side whose VPC is not in the stack, what its transit-gateway routes to its
# own VPC attachment declare.
side_vpc_cidrs(side) = s {
	side_has_vpc(side)
	s := {c | v := vpcs[_]; provider_of(v) == side; c := object.get(v, vpc_cidr_fields[_], ""); net.cidr_is_valid(c)}
} else = s {
	s := {d | r := xr_routes[_]; provider_of(r) == side; to_own_vpc_attachment(r); d := known_destinations(r)[_]}
}

# side_unknown: a VPC of the side whose IPv4 CIDR is not known at preview
# (computed, or allocated from IPAM).
side_unknown(side) {
	v := vpcs[_]
	provider_of(v) == side
	not net.cidr_is_valid(object.get(v, "cidrBlock", ""))
}

other_side_cidrs(side) = {c | t := all_sides[_]; t != side; c := side_vpc_cidrs(t)[_]}

other_side_unknown(side) {
	t := all_sides[_]
	t != side
	side_unknown(t)
}
