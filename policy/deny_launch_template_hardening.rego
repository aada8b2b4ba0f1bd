package kafka_platform

# METADATA
# title: Launch templates require IMDSv2 and encrypted volumes
# description: Node launch templates require IMDSv2 session tokens (metadataOptions.httpTokens required, or the metadata endpoint disabled) so a pod cannot replay a node-role credential request (SSRF), and declare every EBS volume, including the root volume, encrypted rather than relying on the account default.
# custom:
#   message: Set metadataOptions.httpTokens required and blockDeviceMappings[].ebs.encrypted "true" for the root volume and every other EBS volume.
deny_launch_template_hardening[msg] {
	msg := launch_template_problem[_]
}

launch_template_problem[msg] {
	input.__type == "aws:ec2/launchTemplate:LaunchTemplate"
	md := object.get(input, "metadataOptions", {})
	object.get(md, "httpEndpoint", "enabled") != "disabled"
	object.get(md, "httpTokens", "optional") != "required"
	msg := sprintf("launch template %s: metadataOptions.httpTokens is %v: set it to required (IMDSv2)", [input.__name, object.get(md, "httpTokens", "unset, default optional")])
}

launch_template_problem[msg] {
	input.__type == "aws:ec2/launchTemplate:LaunchTemplate"
	m := input.blockDeviceMappings[_]
	m.ebs
	not is_true(object.get(m.ebs, "encrypted", false))
	msg := sprintf("launch template %s: EBS volume %v is not encrypted: set ebs.encrypted \"true\"", [input.__name, object.get(m, "deviceName", "?")])
}

launch_template_problem[msg] {
	input.__type == "aws:ec2/launchTemplate:LaunchTemplate"
	count([m | m := object.get(input, "blockDeviceMappings", [])[_]; m.ebs]) == 0
	msg := sprintf("launch template %s declares no EBS block device: the root volume's encryption is left to the account default; map the root device with ebs.encrypted \"true\"", [input.__name])
}
