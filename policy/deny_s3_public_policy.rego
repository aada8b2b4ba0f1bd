package kafka_platform

# METADATA
# title: No S3 bucket policy allows everyone
# description: No bucket policy statement allows Principal "*" (or AWS "*", or NotPrincipal) without a Condition that restricts it.
# custom:
#   message: Name the principals (role ARNs) in the Allow statement, or add a Condition (e.g. aws:SourceVpce, aws:PrincipalArn).
deny_s3_public_policy[msg] {
	input.__type == "aws:s3/bucketPolicy:BucketPolicy"
	doc := policy_doc(input.policy)
	st := statements(doc)[i]
	st.Effect == "Allow"
	allows_everyone(st)
	count(object.get(st, "Condition", {})) == 0
	msg := sprintf("S3 bucket policy %s statement %d (%v) allows Principal \"*\" with no Condition: the bucket is public", [input.__name, i, object.get(st, "Sid", "no Sid")])
}

allows_everyone(st) {
	principal_is_everyone(st.Principal)
}

allows_everyone(st) {
	st.NotPrincipal
}
