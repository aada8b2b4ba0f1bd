package kafka_platform

# METADATA
# title: IRSA trust policies name one service account and the STS audience
# description: A role assumable with AssumeRoleWithWebIdentity (IRSA) is bound with StringEquals to exactly one service account (<issuer>:sub = system:serviceaccount:<namespace>:<name>, no wildcard) and to the sts.amazonaws.com audience (<issuer>:aud). Otherwise any pod of the cluster, or any token of the OIDC issuer, could take the role (and with it the tiered-storage bucket).
# custom:
#   message: Use StringEquals with <issuer>:sub "system:serviceaccount:<ns>:<sa>" and <issuer>:aud "sts.amazonaws.com" in the trust policy.
deny_irsa_trust[msg] {
	msg := irsa_problem[_]
}

web_identity_statement[[i, st]] {
	input.__type == "aws:iam/role:Role"
	st := statements(policy_doc(input.assumeRolePolicy))[i]
	object.get(st, "Effect", "Allow") == "Allow"
	actions(st)[_] == "sts:AssumeRoleWithWebIdentity"
}

irsa_problem[msg] {
	[i, st] := web_identity_statement[_]
	not exact_service_account(st)
	msg := sprintf("IAM role %s statement %d: web-identity trust is not bound with StringEquals to exactly one service account (<issuer>:sub = system:serviceaccount:<ns>:<name>); condition is %v", [input.__name, i, object.get(st, "Condition", {})])
}

irsa_problem[msg] {
	[i, st] := web_identity_statement[_]
	not sts_audience(st)
	msg := sprintf("IAM role %s statement %d: web-identity trust does not require <issuer>:aud = sts.amazonaws.com", [input.__name, i])
}

irsa_problem[msg] {
	[i, st] := web_identity_statement[_]
	op := object.keys(object.get(st, "Condition", {}))[_]
	op != "StringEquals"
	k := object.keys(st.Condition[op])[_]
	endswith(k, ":sub")
	msg := sprintf("IAM role %s statement %d: %s on %s widens the trust beyond one service account", [input.__name, i, op, k])
}

exact_service_account(st) {
	subs := [k | v := st.Condition.StringEquals[k]; endswith(k, ":sub")]
	count(subs) == 1
	vals := as_array(st.Condition.StringEquals[subs[0]])
	count(vals) == 1
	regex.match(`^system:serviceaccount:[a-z0-9]([-a-z0-9.]*[a-z0-9])?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`, vals[0])
}

sts_audience(st) {
	v := st.Condition.StringEquals[k]
	endswith(k, ":aud")
	as_array(v) == ["sts.amazonaws.com"]
}
