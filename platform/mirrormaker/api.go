package mirrormaker

import (
	"github.com/tradingfirm/kafka-platform/internal/kube"
)

// APIVersion is the only Strimzi API served since 1.0.0.
const APIVersion = "kafka.strimzi.io/v1"

// KafkaMirrorMaker2 is the v1 resource (the subset this program sets).
type KafkaMirrorMaker2 struct {
	kube.Header
	Spec KafkaMirrorMaker2Spec `json:"spec"`
}

// KafkaMirrorMaker2Spec is .spec. v1 has target + mirrors[].source; the
// clusters list, connectCluster and the heartbeat connector are gone.
type KafkaMirrorMaker2Spec struct {
	Version       string         `json:"version"`
	Replicas      int            `json:"replicas"`
	Target        Target         `json:"target"`
	Mirrors       []Mirror       `json:"mirrors"`
	Resources     *Resources     `json:"resources,omitempty"`
	Rack          *Rack          `json:"rack,omitempty"`
	MetricsConfig *MetricsConfig `json:"metricsConfig,omitempty"`
	Template      *Template      `json:"template,omitempty"`
}

// Target is the cluster MM2 writes to and runs its Connect group on.
type Target struct {
	Alias              string          `json:"alias"`
	BootstrapServers   string          `json:"bootstrapServers"`
	GroupID            string          `json:"groupId"`
	ConfigStorageTopic string          `json:"configStorageTopic"`
	OffsetStorageTopic string          `json:"offsetStorageTopic"`
	StatusStorageTopic string          `json:"statusStorageTopic"`
	TLS                *TLS            `json:"tls,omitempty"`
	Authentication     *Authentication `json:"authentication,omitempty"`
	Config             map[string]any  `json:"config,omitempty"`
}

// Source is a cluster MM2 reads from.
type Source struct {
	Alias            string          `json:"alias"`
	BootstrapServers string          `json:"bootstrapServers"`
	TLS              *TLS            `json:"tls,omitempty"`
	Authentication   *Authentication `json:"authentication,omitempty"`
	Config           map[string]any  `json:"config,omitempty"`
}

// TLS lists the CA certificates to trust.
type TLS struct {
	TrustedCertificates []CertSecretSource `json:"trustedCertificates"`
}

// CertSecretSource is one certificate in a Secret.
type CertSecretSource struct {
	SecretName  string `json:"secretName"`
	Certificate string `json:"certificate"`
}

// Authentication is mTLS (type tls) with a certificate and key in a Secret.
type Authentication struct {
	Type              string             `json:"type"`
	CertificateAndKey *CertificateAndKey `json:"certificateAndKey,omitempty"`
}

// CertificateAndKey names the Secret and its keys.
type CertificateAndKey struct {
	SecretName  string `json:"secretName"`
	Certificate string `json:"certificate"`
	Key         string `json:"key"`
}

// Mirror is one source-to-target flow.
type Mirror struct {
	Source              Source     `json:"source"`
	SourceConnector     *Connector `json:"sourceConnector,omitempty"`
	CheckpointConnector *Connector `json:"checkpointConnector,omitempty"`
	TopicsPattern       string     `json:"topicsPattern,omitempty"`
	GroupsPattern       string     `json:"groupsPattern,omitempty"`
}

// Connector is a MirrorMaker connector's tasks and config.
type Connector struct {
	TasksMax    int            `json:"tasksMax,omitempty"`
	Config      map[string]any `json:"config,omitempty"`
	AutoRestart *AutoRestart   `json:"autoRestart,omitempty"`
}

// AutoRestart lets the operator restart failed connectors and tasks.
type AutoRestart struct {
	Enabled bool `json:"enabled"`
}

// Resources are container requests and limits.
type Resources struct {
	Requests map[string]string `json:"requests,omitempty"`
	Limits   map[string]string `json:"limits,omitempty"`
}

// Rack sets client.rack from a node label.
type Rack struct {
	TopologyKey string `json:"topologyKey"`
}

// MetricsConfig selects the metrics exporter.
type MetricsConfig struct {
	Type string `json:"type"`
}

// Template customises the pods.
type Template struct {
	Pod *PodTemplate `json:"pod,omitempty"`
}

// PodTemplate is the subset of pod settings used.
type PodTemplate struct {
	Affinity                  map[string]any   `json:"affinity,omitempty"`
	TopologySpreadConstraints []map[string]any `json:"topologySpreadConstraints,omitempty"`
}
