package kafka_platform

# METADATA
# title: S3 default encryption names SSE-KMS (or SSE-S3 for an access-log target)
# description: Every bucket server-side-encryption configuration sets an explicit default algorithm - aws:kms or aws:kms:dsse, so reading the data also needs kms:Decrypt on the platform key. AES256 (SSE-S3) is not decided here - suppression with reason - the S3 User Guide documents SSE-S3 as the only default encryption supported on the target bucket of S3 server access logging (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html), and whether a bucket is such a target is only visible on the whole stack (its aws:s3/bucketLoggingV2), which a per-resource rule does not see. stack_deny_s3_bucket_guardrails therefore allows AES256 only on a bucket that is the target of another bucket's BucketLoggingV2 (and requires it there) and denies it everywhere else. Anything else (unset, unknown algorithms) is refused here.
# custom:
#   message: Set rules[].applyServerSideEncryptionByDefault.sseAlgorithm to aws:kms with kmsMasterKeyId the platform key (AES256 only on a server-access-log target bucket).
deny_s3_sse_kms[msg] {
	input.__type == sse_config_type
	rule := object.get(input, "rules", [{}])[_]
	alg := object.get(object.get(rule, "applyServerSideEncryptionByDefault", {}), "sseAlgorithm", "unset")
	not kms_algorithms[alg]
	alg != access_log_sse_algorithm
	msg := sprintf("S3 encryption configuration %s uses sseAlgorithm %v, must be aws:kms", [input.__name, alg])
}

sse_config_type := "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"

kms_algorithms := {"aws:kms", "aws:kms:dsse"}

# access_log_sse_algorithm is SSE-S3, the only default encryption S3 server
# access logging supports on its target bucket.
access_log_sse_algorithm := "AES256"
