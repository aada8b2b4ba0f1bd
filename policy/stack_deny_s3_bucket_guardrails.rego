package kafka_platform

# METADATA
# title: Every S3 bucket has its guardrails
# description: Pairs each bucket with the resources that protect it (by dependency or bucket name) - a public-access block with all four flags true, BucketOwnerEnforced ownership controls, SSE-KMS default encryption and a bucket policy whose Deny statement refuses any request without TLS (aws:SecureTransport false). A bucket without them is public-capable or readable in transit.
# custom:
#   message: Create, for the bucket, a BucketPublicAccessBlock (all true), BucketOwnershipControls (BucketOwnerEnforced), BucketServerSideEncryptionConfigurationV2 (aws:kms) and a BucketPolicy with a Deny on aws:SecureTransport false.
stack_deny_s3_bucket_guardrails[msg] {
	b := input.resources[_]
	bucket_types[b.__type]
	g := bucket_guardrails[_]
	not bucket_has(g.key, b)
	msg := sprintf("S3 bucket %s has no %s", [b.__name, g.what])
}

bucket_guardrails := [
	{"key": "pab", "what": "public-access block with all four flags true"},
	{"key": "ownership", "what": "ownership controls with BucketOwnerEnforced"},
	{"key": "sse", "what": "SSE-KMS default encryption"},
	{"key": "tls", "what": "bucket policy statement denying requests without TLS (aws:SecureTransport false)"},
]

bucket_has("pab", b) {
	r := input.resources[_]
	r.__type == "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	related(r, b)
	every_flag_true(r)
}

bucket_has("ownership", b) {
	r := input.resources[_]
	r.__type == "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	related(r, b)
	r.rule.objectOwnership == "BucketOwnerEnforced"
}

bucket_has("sse", b) {
	r := input.resources[_]
	r.__type == "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	related(r, b)
	kms_algorithms[r.rules[_].applyServerSideEncryptionByDefault.sseAlgorithm]
}

bucket_has("tls", b) {
	r := input.resources[_]
	r.__type == "aws:s3/bucketPolicy:BucketPolicy"
	related(r, b)
	denies_insecure_transport(statements(policy_doc(r.policy))[_])
}

# A bucket policy only known after apply cannot be checked at preview time:
# stack_warn_unverifiable_policy reports it instead of failing the preview.
bucket_has("tls", b) {
	r := input.resources[_]
	r.__type == "aws:s3/bucketPolicy:BucketPolicy"
	related(r, b)
	unverifiable(r.policy)
}

every_flag_true(r) {
	count([f | f := pab_flags[_]; object.get(r, f, false) == true]) == count(pab_flags)
}

denies_insecure_transport(st) {
	st.Effect == "Deny"
	principal_is_everyone(st.Principal)
	all_actions(st)
	v := st.Condition.Bool["aws:SecureTransport"]
	lower(sprintf("%v", [as_array(v)[_]])) == "false"
}

all_actions(st) {
	actions(st)[_] == "s3:*"
}

all_actions(st) {
	actions(st)[_] == "*"
}
