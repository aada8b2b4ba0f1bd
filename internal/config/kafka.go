package config

import (
	"fmt"
	"regexp"
)

var (
	keyKafkaNamespace = define(Key{Name: "kafkaNamespace", Type: String, Default: "kafka",
		Description: "Kubernetes namespace of the Kafka cluster, its topics, users and node pools."})
	keyKafkaClusterName = define(Key{Name: "kafkaClusterName", Type: String, Default: "trading",
		Description: "Name of the Strimzi Kafka resource. Strimzi derives pod, service, secret and service-account names from it (the brokers' IRSA service account is `<name>-kafka`). Changing it replaces the cluster."})
	keyReplicationFactor = define(Key{Name: "replicationFactor", Type: Integer, Default: 3,
		Description: "default.replication.factor and the replication of internal topics. 3: one replica per zone."})
	keyMinISR = define(Key{Name: "minInsyncReplicas", Type: Integer, Default: 2,
		Description: "min.insync.replicas: acks=all writes need this many replicas in sync. 2 with RF 3 survives one zone down without losing acknowledged writes."})
)

// KafkaConfig is the Kafka cluster.
type KafkaConfig struct {
	// Namespace holds the cluster.
	Namespace string
	// ClusterName is the Strimzi Kafka name.
	ClusterName string
	// ReplicationFactor and MinISR are cluster-wide defaults.
	ReplicationFactor int
	MinISR            int
}

// BrokerServiceAccount is the service account Strimzi creates for brokers:
// the subject the broker IRSA role trusts.
func (k KafkaConfig) BrokerServiceAccount() string { return k.ClusterName + "-kafka" }

var dnsLabelRe = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)

func (k *KafkaConfig) parse(r *reader) {
	k.Namespace = r.str(keyKafkaNamespace)
	k.ClusterName = r.str(keyKafkaClusterName)
	k.ReplicationFactor = r.integer(keyReplicationFactor)
	k.MinISR = r.integer(keyMinISR)
}

func (k *KafkaConfig) validate(c *Config, p *Problems) {
	if !dnsLabelRe.MatchString(k.Namespace) {
		p.Add(keyKafkaNamespace.Name, k.Namespace, "a DNS label (lowercase letters, digits, dashes)", "fix the namespace")
	}
	if !dnsLabelRe.MatchString(k.ClusterName) || len(k.ClusterName) > 40 {
		p.Add(keyKafkaClusterName.Name, k.ClusterName, "a DNS label of at most 40 characters (Strimzi appends suffixes)", "use e.g. trading")
	}
	if k.ReplicationFactor < 3 {
		p.Addf(keyReplicationFactor.Name, k.ReplicationFactor, "at least 3 (one replica per zone)", "set replicationFactor to 3")
	}
	if k.MinISR < 2 {
		p.Addf(keyMinISR.Name, k.MinISR, "at least 2 (an acknowledged write must exist on two zones)", "set minInsyncReplicas to 2")
	}
	if k.MinISR >= k.ReplicationFactor {
		p.Addf(keyMinISR.Name, k.MinISR, fmt.Sprintf("less than replicationFactor (%d), or one replica down blocks every acks=all write", k.ReplicationFactor),
			fmt.Sprintf("set minInsyncReplicas to %d", k.ReplicationFactor-1))
	}
	if c.Nodes.Brokers > 0 && k.ReplicationFactor > c.Nodes.Brokers {
		p.Addf(keyReplicationFactor.Name, k.ReplicationFactor, fmt.Sprintf("at most the broker count (%d)", c.Nodes.Brokers),
			"add brokers or lower the replication factor")
	}
}
