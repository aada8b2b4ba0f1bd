package v1

import "github.com/tradingfirm/kafka-platform/internal/kube"

// RebalanceTemplateAnnotation marks a KafkaRebalance as a template that
// Cruise Control auto-rebalancing uses instead of running it.
const RebalanceTemplateAnnotation = "strimzi.io/rebalance-template"

// KafkaRebalance asks Cruise Control for a rebalance, or (annotated as a
// template) holds the goals auto-rebalancing uses.
type KafkaRebalance struct {
	kube.Header
	Spec KafkaRebalanceSpec `json:"spec"`
}

// NewKafkaRebalanceTemplate returns a rebalance template of cluster.
func NewKafkaRebalanceTemplate(namespace, name, cluster string, spec KafkaRebalanceSpec) *KafkaRebalance {
	h := newHeader("KafkaRebalance", namespace, name, cluster)
	h.Metadata.Annotations = map[string]string{RebalanceTemplateAnnotation: "true"}
	return &KafkaRebalance{Header: h, Spec: spec}
}

// KafkaRebalanceSpec is KafkaRebalance.spec.
type KafkaRebalanceSpec struct {
	// Goals, in priority order; empty: Cruise Control's default goals.
	Goals []string `json:"goals,omitempty"`
	// SkipHardGoalCheck lets goals omit configured hard goals.
	SkipHardGoalCheck *bool `json:"skipHardGoalCheck,omitempty"`
}
