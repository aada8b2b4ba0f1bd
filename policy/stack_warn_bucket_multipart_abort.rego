package kafka_platform

# METADATA
# title: Buckets abort incomplete multipart uploads
# description: Tiered storage uploads segments in multipart chunks; a broker killed mid-upload leaves parts that are billed forever unless a lifecycle rule aborts them (Aiven tiered-storage plugin documentation).
# custom:
#   message: Add a BucketLifecycleConfigurationV2 rule with abortIncompleteMultipartUpload.daysAfterInitiation (e.g. 1).
stack_warn_bucket_multipart_abort[msg] {
	b := input.resources[_]
	bucket_types[b.__type]
	not aborts_multipart(b)
	msg := sprintf("S3 bucket %s has no lifecycle rule aborting incomplete multipart uploads", [b.__name])
}

aborts_multipart(b) {
	r := input.resources[_]
	r.__type == "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	related(r, b)
	rule := r.rules[_]
	object.get(rule, "status", "Enabled") == "Enabled"
	rule.abortIncompleteMultipartUpload.daysAfterInitiation > 0
}
