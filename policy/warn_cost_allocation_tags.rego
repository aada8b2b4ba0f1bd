package kafka_platform

# METADATA
# title: AWS resources carry cost-allocation tags
# description: The AWS provider's defaultTags include owner and cost-center, so every AWS resource is attributed in Cost Explorer. Checked on each pulumi:providers:aws resource (the provider passes nested config as JSON text, so both forms are read).
# custom:
#   message: Set owner and cost-center in the stack's tags config (the AWS provider's defaultTags).
warn_cost_allocation_tags[msg] {
	input.__type == "pulumi:providers:aws"
	tag := required_cost_tags[_]
	not non_empty_string(object.get(provider_default_tags, tag, ""))
	msg := sprintf("AWS provider %s has no default tag %q: its resources are not cost-allocated", [input.__name, tag])
}

required_cost_tags := ["owner", "cost-center"]

provider_default_tags = t {
	dt := input.defaultTags
	is_string(dt)
	t := object.get(json.unmarshal(dt), "tags", {})
} else = t {
	t := object.get(input.defaultTags, "tags", {})
} else = {} {
	true
}
