package kafka_platform

# METADATA
# title: S3 default encryption is SSE-KMS
# description: Every bucket server-side-encryption configuration encrypts by default with KMS (aws:kms or aws:kms:dsse), so access to the data also needs kms:Decrypt on the platform key. SSE-S3 (AES256) is refused. (stack_deny_s3_bucket_guardrails makes sure every bucket has one.)
# custom:
#   message: Set rules[].applyServerSideEncryptionByDefault.sseAlgorithm to aws:kms with kmsMasterKeyId the platform key.
deny_s3_sse_kms[msg] {
	input.__type == "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	rule := object.get(input, "rules", [{}])[_]
	alg := object.get(object.get(rule, "applyServerSideEncryptionByDefault", {}), "sseAlgorithm", "unset")
	not kms_algorithms[alg]
	msg := sprintf("S3 encryption configuration %s uses sseAlgorithm %v, must be aws:kms", [input.__name, alg])
}

kms_algorithms := {"aws:kms", "aws:kms:dsse"}
