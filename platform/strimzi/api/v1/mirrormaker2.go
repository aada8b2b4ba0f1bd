package v1

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/tradingfirm/kafka-platform/internal/kube"
)

// KafkaMirrorMaker2 is the v1 resource (the subset this program sets). v1
// has spec.target plus spec.mirrors[].source; the clusters list,
// connectCluster and the heartbeat connector are gone.
type KafkaMirrorMaker2 struct {
	kube.Header
	Spec KafkaMirrorMaker2Spec `json:"spec"`
}

// NewKafkaMirrorMaker2 is a KafkaMirrorMaker2 named name in namespace.
func NewKafkaMirrorMaker2(namespace, name string, spec KafkaMirrorMaker2Spec) *KafkaMirrorMaker2 {
	return &KafkaMirrorMaker2{Header: newHeader("KafkaMirrorMaker2", namespace, name, ""), Spec: spec}
}

// KafkaMirrorMaker2Spec is .spec.
type KafkaMirrorMaker2Spec struct {
	// Version is the Kafka version of the Connect workers.
	Version string `json:"version"`
	// Replicas is the Connect worker count (required in v1).
	Replicas int `json:"replicas"`
	// Target is the cluster MM2 writes to and runs its Connect group on.
	Target MirrorMaker2Target `json:"target"`
	// Mirrors are the source-to-target flows.
	Mirrors []MirrorMaker2Mirror `json:"mirrors"`
	// Resources of the Connect container.
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
	// Rack sets the workers' client.rack from a node label.
	Rack *Rack `json:"rack,omitempty"`
	// MetricsConfig selects the metrics exporter.
	MetricsConfig *MetricsConfig `json:"metricsConfig,omitempty"`
	// Template customises the pods.
	Template *KafkaMirrorMaker2Template `json:"template,omitempty"`
}

// KafkaMirrorMaker2Template is .spec.template (the pod part used).
type KafkaMirrorMaker2Template struct {
	Pod *PodTemplate `json:"pod,omitempty"`
}

// MirrorMaker2Target is .spec.target.
type MirrorMaker2Target struct {
	Alias              string                   `json:"alias"`
	BootstrapServers   string                   `json:"bootstrapServers"`
	GroupID            string                   `json:"groupId"`
	ConfigStorageTopic string                   `json:"configStorageTopic"`
	OffsetStorageTopic string                   `json:"offsetStorageTopic"`
	StatusStorageTopic string                   `json:"statusStorageTopic"`
	TLS                *ClientTLS               `json:"tls,omitempty"`
	Authentication     *ClientAuthenticationTLS `json:"authentication,omitempty"`
	Config             map[string]any           `json:"config,omitempty"`
}

// MirrorMaker2Source is .spec.mirrors[].source: a cluster MM2 reads from.
type MirrorMaker2Source struct {
	Alias            string                   `json:"alias"`
	BootstrapServers string                   `json:"bootstrapServers"`
	TLS              *ClientTLS               `json:"tls,omitempty"`
	Authentication   *ClientAuthenticationTLS `json:"authentication,omitempty"`
	Config           map[string]any           `json:"config,omitempty"`
}

// ClientTLS lists the CA certificates a client trusts.
type ClientTLS struct {
	TrustedCertificates []CertSecretSource `json:"trustedCertificates"`
}

// CertSecretSource is one certificate in a Secret.
type CertSecretSource struct {
	SecretName  string `json:"secretName"`
	Certificate string `json:"certificate"`
}

// ClientAuthenticationTLS is mTLS (type tls) with a certificate and key in
// a Secret.
type ClientAuthenticationTLS struct {
	Type              string             `json:"type"`
	CertificateAndKey *CertificateAndKey `json:"certificateAndKey,omitempty"`
}

// CertificateAndKey names the Secret and its keys.
type CertificateAndKey struct {
	SecretName  string `json:"secretName"`
	Certificate string `json:"certificate"`
	Key         string `json:"key"`
}

// MirrorMaker2Mirror is one source-to-target flow.
type MirrorMaker2Mirror struct {
	Source              MirrorMaker2Source     `json:"source"`
	SourceConnector     *MirrorMaker2Connector `json:"sourceConnector,omitempty"`
	CheckpointConnector *MirrorMaker2Connector `json:"checkpointConnector,omitempty"`
	TopicsPattern       string                 `json:"topicsPattern,omitempty"`
	GroupsPattern       string                 `json:"groupsPattern,omitempty"`
}

// MirrorMaker2Connector is a MirrorMaker connector's tasks and config.
type MirrorMaker2Connector struct {
	TasksMax    int            `json:"tasksMax,omitempty"`
	Config      map[string]any `json:"config,omitempty"`
	AutoRestart *AutoRestart   `json:"autoRestart,omitempty"`
}

// AutoRestart lets the operator restart failed connectors and tasks.
type AutoRestart struct {
	Enabled bool `json:"enabled"`
}
