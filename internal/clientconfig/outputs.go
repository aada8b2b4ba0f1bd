package clientconfig

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Stack output names this package reads (internal/stack/kafka.go exports them).
const (
	OutBootstrapInternal    = "kafkaBootstrapInternal"
	OutBootstrapCrossRegion = "kafkaBootstrapCrossRegion"
	OutClusterCASecret      = "kafkaClusterCaSecret"
	OutUsers                = "kafkaUsers"
	OutTopics               = "kafkaTopics"
	OutClientSettings       = "kafkaClientSettings"
	OutRegion               = "region"
)

// Placeholders for values an outputs file does not carry: `pulumi stack
// output --json` and the render print secret outputs as "[secret]"; the
// render prints values unknown under the mocks as "[unknown]".
const (
	secretPlaceholder  = "[secret]"
	unknownPlaceholder = "[unknown]"
)

// ClassSettings is one entry of kafkaClientSettings: the topics of a topic
// class and the recommended client properties (platform/strimzi.ClientSettings).
type ClassSettings struct {
	// Topics of this class.
	Topics []string `json:"topics"`
	// Producer and Consumer are Kafka client properties; client.rack holds a
	// "<...>" template for the client's zone.
	Producer map[string]string `json:"producer"`
	Consumer map[string]string `json:"consumer"`
}

// Outputs is the subset of a stack's outputs a client needs. None of them
// is secret.
type Outputs struct {
	// BootstrapInternal is the in-cluster TLS bootstrap (host:port).
	BootstrapInternal string `json:"kafkaBootstrapInternal"`
	// BootstrapCrossRegion is the cross-region NLB bootstrap (host:port);
	// empty when the stack has no peer VPC.
	BootstrapCrossRegion string `json:"kafkaBootstrapCrossRegion"`
	// ClusterCASecret is the Secret with ca.crt, ca.p12 and ca.password.
	ClusterCASecret string `json:"kafkaClusterCaSecret"`
	// Users maps KafkaUser name to the Secret with its certificate.
	Users map[string]string `json:"kafkaUsers"`
	// Topics are all topic names.
	Topics []string `json:"kafkaTopics"`
	// ClientSettings maps topic class to its topics and settings.
	ClientSettings map[string]ClassSettings `json:"kafkaClientSettings"`
	// Region is the stack's AWS region (checks -zone).
	Region string `json:"region"`
}

// ParseOutputs reads the JSON object `pulumi stack output --json` prints
// (the same shape as the render's outputs.json). Outputs other than the
// ones above are ignored; the ones every client needs must be present.
func ParseOutputs(b []byte) (*Outputs, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("stack outputs are not a JSON object (want the output of `pulumi stack output --json`): %w", err)
	}
	var missing []string
	for _, k := range []string{OutBootstrapInternal, OutClusterCASecret, OutUsers, OutTopics, OutClientSettings} {
		if _, ok := raw[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("stack outputs lack %v: read them from a stack this program built (`pulumi stack output -s <stack> --json`)", missing)
	}
	var o Outputs
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, fmt.Errorf("stack outputs: %w", err)
	}
	return &o, nil
}

// placeholder reports whether v stands for a value the outputs do not carry.
func placeholder(v string) bool {
	return v == secretPlaceholder || v == unknownPlaceholder
}
