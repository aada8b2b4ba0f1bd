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
