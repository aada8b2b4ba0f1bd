package v1

import "github.com/tradingfirm/kafka-platform/internal/kube"

// KafkaTopic is a topic managed by the topic operator.
type KafkaTopic struct {
	kube.Header
	Spec KafkaTopicSpec `json:"spec"`
}

// NewKafkaTopic returns a topic of cluster. Kubernetes names cannot hold
// every Kafka topic name (dots are fine, underscores are not), so the
// resource name and Spec.TopicName are separate.
func NewKafkaTopic(namespace, name, cluster string, spec KafkaTopicSpec) *KafkaTopic {
	return &KafkaTopic{Header: newHeader("KafkaTopic", namespace, name, cluster), Spec: spec}
}

// KafkaTopicSpec is KafkaTopic.spec.
type KafkaTopicSpec struct {
	// TopicName is the Kafka topic name; empty: metadata.name.
	TopicName string `json:"topicName,omitempty"`
	// Partitions can only grow.
	Partitions int32 `json:"partitions,omitempty"`
	// Replicas is the replication factor.
	Replicas int32 `json:"replicas,omitempty"`
	// Config is topic configuration (retention.ms, min.insync.replicas, ...).
	Config map[string]any `json:"config,omitempty"`
}
