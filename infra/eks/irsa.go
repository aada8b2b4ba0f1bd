package eks

import (
	"fmt"
	"strings"

	"github.com/tradingfirm/kafka-platform/internal/iampolicy"
)

// STSAudience is the audience of IRSA tokens and the OIDC provider's only
// client ID.
const STSAudience = "sts.amazonaws.com"

// IRSATrustPolicy is the trust policy of a role assumed by exactly one
// Kubernetes service account through the cluster's OIDC provider: the
// token's sub must be system:serviceaccount:<namespace>:<serviceAccount>
// and its aud sts.amazonaws.com
// (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html).
// issuerURL may carry the https:// scheme; condition keys use the bare host
// and path.
func IRSATrustPolicy(providerArn, issuerURL, namespace, serviceAccount string) (string, error) {
	host := strings.TrimPrefix(issuerURL, "https://")
	if providerArn == "" || host == "" || namespace == "" || serviceAccount == "" {
		return "", fmt.Errorf("irsa trust: provider ARN, issuer, namespace and service account are all required")
	}
	return iampolicy.New(iampolicy.Statement{
		Effect:    iampolicy.Allow,
		Principal: map[string][]string{"Federated": {providerArn}},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
	}.Cond("StringEquals", host+":sub", "system:serviceaccount:"+namespace+":"+serviceAccount).
		Cond("StringEquals", host+":aud", STSAudience)).JSON()
}
