package kafka_platform

# METADATA
# title: EKS API endpoint is private or limited to listed CIDRs
# description: The EKS API server endpoint is not open to the internet - endpointPublicAccess false, or public access limited to listed CIDRs that are not 0.0.0.0/0 or ::/0. Matches both the pulumi-eks component's inputs (eks:index:Cluster, what the render sees; endpointPublicAccess defaults to true there) and its child aws:eks/cluster:Cluster (vpcConfig, what a real preview sees; publicAccessCidrs defaults to 0.0.0.0/0).
# custom:
#   message: Set endpointPublicAccess false (reach the API through the VPC), or list the operator CIDRs in publicAccessCidrs.
deny_eks_endpoint_private[msg] {
	input.__type == "eks:index:Cluster"
	object.get(input, "endpointPublicAccess", true) != false
	cidrs := object.get(input, "publicAccessCidrs", [])
	not cidrs_limited(cidrs)
	msg := sprintf("EKS cluster %s: the API endpoint is public (endpointPublicAccess %v) to %v: set endpointPublicAccess false or limit publicAccessCidrs", [input.__name, object.get(input, "endpointPublicAccess", "unset, default true"), cidrs])
}

deny_eks_endpoint_private[msg] {
	input.__type == "aws:eks/cluster:Cluster"
	vpc := object.get(input, "vpcConfig", {})
	object.get(vpc, "endpointPublicAccess", true) != false
	cidrs := object.get(vpc, "publicAccessCidrs", [])
	not cidrs_limited(cidrs)
	msg := sprintf("EKS cluster %s: vpcConfig.endpointPublicAccess is %v with publicAccessCidrs %v: set it false or limit the CIDRs", [input.__name, object.get(vpc, "endpointPublicAccess", "unset, default true"), cidrs])
}

# cidrs_limited holds for a non-empty CIDR list without an "anywhere" range
# (an empty list means AWS's default, 0.0.0.0/0).
cidrs_limited(cidrs) {
	count(cidrs) > 0
	count({c | c := cidrs[_]; open_cidrs[c]}) == 0
}
