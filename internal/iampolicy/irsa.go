package iampolicy

import (
	"errors"
	"fmt"
	"strings"
)

// STSAudience is the audience of IRSA tokens and the EKS OIDC provider's only
// client ID.
const STSAudience = "sts.amazonaws.com"

// IssuerHost is the OIDC issuer as IAM condition keys spell it: the issuer
// URL without its https:// scheme or a trailing slash.
func IssuerHost(issuer string) (string, error) {
	host := strings.TrimSuffix(strings.TrimPrefix(issuer, "https://"), "/")
	if host == "" || strings.Contains(host, "://") {
		return "", fmt.Errorf("OIDC issuer %q is not an https URL such as https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE", issuer)
	}
	return host, nil
}

// IRSATrust is the trust policy of a role assumed by exactly one Kubernetes
// service account through the cluster's OIDC provider: StringEquals (never
// StringLike) on the token's sub, system:serviceaccount:<namespace>:<name>,
// and on its aud, sts.amazonaws.com, so no other service account or audience
// matches (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html).
// Every IRSA role of the platform is built here; the policy pack's
// deny_irsa_trust rule checks the same shape.
func IRSATrust(sid, providerArn, issuer, namespace, serviceAccount string) (Document, error) {
	host, err := IssuerHost(issuer)
	if err != nil {
		return Document{}, err
	}
	if providerArn == "" {
		return Document{}, errors.New("OIDC provider ARN is empty: pass the cluster's OIDC provider")
	}
	if namespace == "" || serviceAccount == "" {
		return Document{}, errors.New("irsa trust: namespace and service account are required")
	}
	return New(Statement{
		Sid:       sid,
		Effect:    Allow,
		Principal: map[string][]string{"Federated": {providerArn}},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
	}.Cond("StringEquals", host+":sub", "system:serviceaccount:"+namespace+":"+serviceAccount).
		Cond("StringEquals", host+":aud", STSAudience)), nil
}
