package kafka_platform

# METADATA
# title: Policies and routes that could not be checked at preview time
# description: A bucket policy or role trust policy whose JSON is only known after apply (it embeds an ARN not yet created) cannot be checked by the bucket and IRSA rules during preview; nor can a cross-region route whose destination, or a VPC CIDR it is compared with, is only known after apply (stack_deny_cross_region_route_exact skips it). The render resolves every value, so there the mandatory rules always see the document; in a first real preview this warning names what was skipped.
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

# Cross-region routes (stack_deny_cross_region_route_exact) whose destination,
# or a VPC CIDR they are compared with, is only known after apply.
stack_warn_unverifiable_policy[msg] {
	r := xr_routes[_]
	unverifiable_destination(r)
	msg := sprintf("%s %s: its destination is not known before apply, so it was not checked against the VPC CIDRs", [r.__type, r.__name])
}

stack_warn_unverifiable_policy[msg] {
	count(xr_routes) > 0
	v := vpcs[_]
	not net.cidr_is_valid(object.get(v, "cidrBlock", ""))
	msg := sprintf("aws:ec2/vpc:Vpc %s: cidrBlock is not known before apply, so cross-region routes to or from it were not checked", [v.__name])
}
