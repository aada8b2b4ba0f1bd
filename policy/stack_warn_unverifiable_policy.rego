package kafka_platform

# METADATA
# title: Policies that could not be checked at preview time
# description: A bucket policy or role trust policy whose JSON is only known after apply (it embeds an ARN not yet created) cannot be checked by the bucket and IRSA rules during preview. The render resolves every value, so there the mandatory rules always see the document; in a first real preview this warning names what was skipped.
# custom:
#   message: Re-run the preview after the first apply, or check the render's policy report, which sees the resolved document.
stack_warn_unverifiable_policy[msg] {
	r := input.resources[_]
	field := unverifiable_fields[r.__type]
	unverifiable(object.get(r, field, "{}"))
	msg := sprintf("%s %s: %s is not known before apply, so it was not checked", [r.__type, r.__name, field])
}

unverifiable_fields := {
	"aws:s3/bucketPolicy:BucketPolicy": "policy",
	"aws:iam/role:Role": "assumeRolePolicy",
}
