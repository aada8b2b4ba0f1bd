package kafka_platform

# METADATA
# title: S3 object ownership enforced, no ACL grants
# description: Bucket ownership controls use BucketOwnerEnforced (ACLs disabled); no bucket sets an ACL other than private or any grants, and no BucketAclV2 grants access. ACL grants are the classic way a bucket becomes public without a policy.
# custom:
#   message: Use aws.s3.BucketOwnershipControls with objectOwnership BucketOwnerEnforced and remove acl/grants and BucketAclV2 resources.
deny_s3_acl[msg] {
	msg := s3_acl_problem[_]
}

s3_acl_problem[msg] {
	input.__type == "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	o := object.get(object.get(input, "rule", {}), "objectOwnership", "unset")
	o != "BucketOwnerEnforced"
	msg := sprintf("S3 ownership controls %s: objectOwnership is %v, must be BucketOwnerEnforced", [input.__name, o])
}

s3_acl_problem[msg] {
	bucket_types[input.__type]
	acl := object.get(input, "acl", "private")
	acl != "private"
	msg := sprintf("S3 bucket %s sets acl %q: remove it (ownership is enforced, ACLs are disabled)", [input.__name, acl])
}

s3_acl_problem[msg] {
	bucket_types[input.__type]
	count(object.get(input, "grants", [])) > 0
	msg := sprintf("S3 bucket %s has ACL grants: remove them", [input.__name])
}

s3_acl_problem[msg] {
	input.__type == "aws:s3/bucketAclV2:BucketAclV2"
	not bucket_acl_private
	msg := sprintf("S3 bucket ACL %s grants access (acl %v): remove the BucketAclV2 resource", [input.__name, object.get(input, "acl", "with accessControlPolicy")])
}

bucket_acl_private {
	input.acl == "private"
	not input.accessControlPolicy
}
