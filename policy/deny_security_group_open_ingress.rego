package kafka_platform

# METADATA
# title: No security group ingress from anywhere
# description: No security group, security group rule or VPC security group ingress rule admits traffic from 0.0.0.0/0 or ::/0. Brokers, controllers and the API are reached only from inside the VPC, peered ranges or named security groups.
# custom:
#   message: Replace the 0.0.0.0/0 or ::/0 source with the VPC CIDR, a peer CIDR or a source security group.
deny_security_group_open_ingress[msg] {
	input.__type == "aws:ec2/securityGroup:SecurityGroup"
	rule := input.ingress[_]
	cidr := array.concat(object.get(rule, "cidrBlocks", []), object.get(rule, "ipv6CidrBlocks", []))[_]
	open_cidrs[cidr]
	msg := sprintf("security group %s admits ingress from %s (ports %v-%v)", [input.__name, cidr, object.get(rule, "fromPort", "?"), object.get(rule, "toPort", "?")])
}

deny_security_group_open_ingress[msg] {
	input.__type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	cidr := [object.get(input, "cidrIpv4", ""), object.get(input, "cidrIpv6", "")][_]
	open_cidrs[cidr]
	msg := sprintf("security group ingress rule %s admits traffic from %s", [input.__name, cidr])
}

deny_security_group_open_ingress[msg] {
	input.__type == "aws:ec2/securityGroupRule:SecurityGroupRule"
	input.type == "ingress"
	cidr := array.concat(object.get(input, "cidrBlocks", []), object.get(input, "ipv6CidrBlocks", []))[_]
	open_cidrs[cidr]
	msg := sprintf("security group rule %s admits ingress from %s", [input.__name, cidr])
}
