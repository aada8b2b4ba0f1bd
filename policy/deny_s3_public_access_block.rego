package kafka_platform

# METADATA
# title: S3 public-access blocks set all four flags
# description: Every aws:s3 BucketPublicAccessBlock sets blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true. (stack_deny_s3_bucket_guardrails makes sure every bucket has one.)
# custom:
#   message: Set all four flags of the bucket's public-access block to true.
deny_s3_public_access_block[msg] {
	input.__type == "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	flag := pab_flags[_]
	not object.get(input, flag, false) == true
	msg := sprintf("S3 public-access block %s: %s is %v, must be true", [input.__name, flag, object.get(input, flag, "unset")])
}

pab_flags := ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]
