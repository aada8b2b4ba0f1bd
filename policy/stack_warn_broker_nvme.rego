package kafka_platform

# METADATA
# title: Broker nodes have local NVMe
# description: Node groups labelled for brokers (kafka-platform/role broker) use instance types with instance-store NVMe (i-families such as i4i/i3en/im4gn, or d-variants such as m6id/r7gd). On EBS-only types the log directory lands on network storage and p99 produce latency leaves single-digit milliseconds. Instance types come from the node group or, when it uses a launch template, from that template.
# custom:
#   message: Use an NVMe instance type (e.g. i4i.2xlarge, i3en.2xlarge, m6id.4xlarge) for the broker node group.
stack_warn_broker_nvme[msg] {
	ng := input.resources[_]
	ng.__type == "aws:eks/nodeGroup:NodeGroup"
	object.get(object.get(ng, "labels", {}), "kafka-platform/role", "") == "broker"
	t := node_group_instance_types(ng)[_]
	not nvme_instance_type(t)
	msg := sprintf("broker node group %s uses %s, which has no instance-store NVMe", [ng.__name, t])
}

node_group_instance_types(ng) = ts {
	ts := ng.instanceTypes
	count(ts) > 0
} else = ts {
	ts := [t |
		lt := input.resources[_]
		lt.__type == "aws:ec2/launchTemplate:LaunchTemplate"
		ng.dependencies[_] == lt.__urn
		t := lt.instanceType
	]
}

# nvme_instance_type: i-families (i3, i3en, i4i, i4g, im4gn, is4gen, i7ie,
# i8g) and families with a "d" (local disk) attribute (m6id, c6gd, r7gd, x2idn).
nvme_instance_type(t) {
	regex.match(`^(i[a-z]*[0-9][a-z0-9-]*|[a-z]+[0-9]+[a-z-]*d[a-z-]*)\.`, t)
}
