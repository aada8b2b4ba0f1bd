package eks

import (
	"fmt"

	"github.com/tradingfirm/kafka-platform/internal/iampolicy"
)

// STSAudience is the audience of IRSA tokens and the OIDC provider's only
// client ID.
const STSAudience = iampolicy.STSAudience

// IRSATrustPolicy is the JSON trust policy of a role assumed by exactly one
// Kubernetes service account (iampolicy.IRSATrust).
func IRSATrustPolicy(providerArn, issuerURL, namespace, serviceAccount string) (string, error) {
	doc, err := iampolicy.IRSATrust("", providerArn, issuerURL, namespace, serviceAccount)
	if err != nil {
		return "", fmt.Errorf("irsa trust: %w", err)
	}
	return doc.JSON()
}
