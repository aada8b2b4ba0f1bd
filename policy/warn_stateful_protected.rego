package kafka_platform

# METADATA
# title: Stateful resources are protected
# description: Buckets, KMS keys and the EKS cluster carry the protect option, so a mistaken rename or stack removal cannot delete the order journal's storage or the keys that decrypt it.
# custom:
#   message: Add pulumi.Protect(true) (and pulumi.RetainOnDelete(true)) to the resource.
warn_stateful_protected[msg] {
	stateful_types[input.__type]
	not input.__options.protect == true
	msg := sprintf("%s %s is not protected: pulumi destroy or a rename would delete it", [input.__type, input.__name])
}

stateful_types := {"aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket", "aws:kms/key:Key", "eks:index:Cluster", "aws:eks/cluster:Cluster"}
