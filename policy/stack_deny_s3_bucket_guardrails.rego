package kafka_platform

# METADATA
# title: Every S3 bucket has its guardrails
# description: Pairs each bucket with the resources that protect it (by dependency or bucket name) - a public-access block with all four flags true, BucketOwnerEnforced ownership controls, SSE-KMS default encryption and a bucket policy whose Deny statement refuses any request without TLS (aws:SecureTransport false). A bucket without them is public-capable or readable in transit. One exception, with its reason - a bucket that is the target (targetBucket) of an aws:s3/bucketLoggingV2 of another bucket in the stack must use SSE-S3 (AES256) instead, because the S3 User Guide documents SSE-S3 as the only default encryption supported on a server-access-log target bucket (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html; with SSE-KMS logs may silently stop). The target is computed from the BucketLoggingV2 resources (targetBucket equal to the bucket's name, source bucket different), never from naming. An AES256 encryption configuration of any other bucket, in the stack or not, is denied.
# custom:
#   message: Create, for the bucket, a BucketPublicAccessBlock (all true), BucketOwnershipControls (BucketOwnerEnforced), BucketServerSideEncryptionConfigurationV2 (aws:kms) and a BucketPolicy with a Deny on aws:SecureTransport false.
stack_deny_s3_bucket_guardrails[msg] {
	b := input.resources[_]
	bucket_types[b.__type]
	g := bucket_guardrails[_]
	not bucket_has(g.key, b)
	msg := sprintf("S3 bucket %s has no %s", [b.__name, guardrail_what(g, b)])
}

stack_deny_s3_bucket_guardrails[msg] {
	r := input.resources[_]
	r.__type == sse_config_type
	r.rules[_].applyServerSideEncryptionByDefault.sseAlgorithm == access_log_sse_algorithm
	not encrypts_access_log_target(r)
	msg := sprintf("S3 encryption configuration %s uses AES256 (SSE-S3) but its bucket %v is not the target of another bucket's server access logging (aws:s3/bucketLoggingV2) in this stack; only such a bucket may use SSE-S3", [r.__name, object.get(r, "bucket", "unknown")])
}

guardrail_what(g, b) = w {
	g.key == "sse"
	access_log_target(b)
	w := "SSE-S3 (AES256) default encryption, the only default encryption S3 server access logging supports on its target bucket"
} else = g.what {
	true
}

# access_log_target holds for a bucket that another bucket of the stack
# sends its S3 server access logs to.
access_log_target(b) {
	is_string(b.bucket)
	l := input.resources[_]
	l.__type == "aws:s3/bucketLoggingV2:BucketLoggingV2"
	l.targetBucket == b.bucket
	l.bucket != b.bucket
}

encrypts_access_log_target(r) {
	b := input.resources[_]
	bucket_types[b.__type]
	related(r, b)
	access_log_target(b)
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
	not access_log_target(b)
	r := input.resources[_]
	r.__type == sse_config_type
	related(r, b)
	kms_algorithms[r.rules[_].applyServerSideEncryptionByDefault.sseAlgorithm]
}

# The documented exception: a server-access-log target needs SSE-S3.
bucket_has("sse", b) {
	access_log_target(b)
	r := input.resources[_]
	r.__type == sse_config_type
	related(r, b)
	r.rules[_].applyServerSideEncryptionByDefault.sseAlgorithm == access_log_sse_algorithm
	not encrypts_with_kms(r)
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

encrypts_with_kms(r) {
	kms_algorithms[r.rules[_].applyServerSideEncryptionByDefault.sseAlgorithm]
}
