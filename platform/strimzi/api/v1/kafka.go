package v1

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/tradingfirm/kafka-platform/internal/kube"
)

// Kafka is the cluster-wide resource (kafka.strimzi.io/v1 Kafka). Replicas,
// storage, resources and JVM options live on KafkaNodePool.
type Kafka struct {
	kube.Header
	Spec KafkaSpec `json:"spec"`
}

// NewKafka returns a Kafka named name in namespace.
func NewKafka(namespace, name string, spec KafkaSpec) *Kafka {
	return &Kafka{Header: newHeader("Kafka", namespace, name, ""), Spec: spec}
}

// KafkaSpec is Kafka.spec.
type KafkaSpec struct {
	// Kafka is the brokers' and controllers' shared configuration.
	Kafka KafkaClusterSpec `json:"kafka"`
	// EntityOperator runs the topic and user operators.
	EntityOperator *EntityOperatorSpec `json:"entityOperator,omitempty"`
	// ClusterCa configures the cluster CA (broker certificates).
	ClusterCa *CertificateAuthority `json:"clusterCa,omitempty"`
	// ClientsCa configures the clients CA (KafkaUser certificates).
	ClientsCa *CertificateAuthority `json:"clientsCa,omitempty"`
	// CruiseControl deploys Cruise Control.
	CruiseControl *CruiseControlSpec `json:"cruiseControl,omitempty"`
	// KafkaExporter deploys Kafka Exporter (consumer lag metrics).
	KafkaExporter *KafkaExporterSpec `json:"kafkaExporter,omitempty"`
}

// KafkaClusterSpec is Kafka.spec.kafka.
type KafkaClusterSpec struct {
	// Version is the Kafka version, e.g. "4.3.1".
	Version string `json:"version,omitempty"`
	// MetadataVersion is the KRaft metadata version, e.g. "4.3-IV0"; pinned
	// so an operator upgrade never bumps it implicitly.
	MetadataVersion string `json:"metadataVersion,omitempty"`
	// Image overrides the broker container image (here: with the tiered
	// storage plugin).
	Image string `json:"image,omitempty"`
	// Listeners are the broker listeners; at least one.
	Listeners []GenericKafkaListener `json:"listeners"`
	// Config is broker configuration (server.properties keys).
	Config map[string]any `json:"config,omitempty"`
	// Authorization is the authorizer.
	Authorization *KafkaAuthorization `json:"authorization,omitempty"`
	// Rack makes broker.rack the node's zone.
	Rack *Rack `json:"rack,omitempty"`
	// MetricsConfig exposes broker metrics.
	MetricsConfig *MetricsConfig `json:"metricsConfig,omitempty"`
	// Template customises pods, services, PDB and service account.
	Template *KafkaClusterTemplate `json:"template,omitempty"`
	// TieredStorage configures the remote storage manager.
	TieredStorage *TieredStorage `json:"tieredStorage,omitempty"`
}

// ListenerType is how a listener is exposed.
type ListenerType string

// Listener types used here.
const (
	ListenerInternal     ListenerType = "internal"
	ListenerLoadBalancer ListenerType = "loadbalancer"
	ListenerClusterIP    ListenerType = "cluster-ip"
)

// ListenerAuthenticationType is how clients authenticate.
type ListenerAuthenticationType string

// Listener authentication types.
const (
	ListenerAuthTLS ListenerAuthenticationType = "tls"
)

// GenericKafkaListener is one listener.
type GenericKafkaListener struct {
	// Name is unique per cluster: lowercase letters and digits, at most 11.
	Name string `json:"name"`
	// Port is the container port (not 9090-9092, 9404, 9999: Strimzi's own).
	Port int32 `json:"port"`
	// Type is internal, loadbalancer, ...
	Type ListenerType `json:"type"`
	// TLS encrypts the listener. Always serialised: required by the CRD.
	TLS bool `json:"tls"`
	// Authentication is the client authentication.
	Authentication *ListenerAuthentication `json:"authentication,omitempty"`
	// Configuration tunes the listener's services.
	Configuration *ListenerConfiguration `json:"configuration,omitempty"`
	// NetworkPolicyPeers may connect; empty: everyone.
	NetworkPolicyPeers []networkingv1.NetworkPolicyPeer `json:"networkPolicyPeers,omitempty"`
}

// ListenerAuthentication is a listener's client authentication.
type ListenerAuthentication struct {
	// Type is tls (mTLS), scram-sha-512 or custom.
	Type ListenerAuthenticationType `json:"type"`
}

// ListenerConfiguration tunes a listener.
type ListenerConfiguration struct {
	// Bootstrap customises the bootstrap service.
	Bootstrap *ListenerBootstrap `json:"bootstrap,omitempty"`
	// LoadBalancerSourceRanges restrict loadbalancer listeners to CIDRs.
	LoadBalancerSourceRanges []string `json:"loadBalancerSourceRanges,omitempty"`
	// PerBrokerAnnotationsTemplate annotates each per-broker service.
	PerBrokerAnnotationsTemplate map[string]string `json:"perBrokerAnnotationsTemplate,omitempty"`
	// ExternalTrafficPolicy is Local or Cluster.
	ExternalTrafficPolicy string `json:"externalTrafficPolicy,omitempty"`
	// Class is the load balancer class (loadBalancerClass).
	Class string `json:"class,omitempty"`
	// UseServiceDNSDomain advertises the full cluster DNS name.
	UseServiceDNSDomain *bool `json:"useServiceDnsDomain,omitempty"`
	// CreateBootstrapService false leaves the bootstrap Service to the
	// caller (loadbalancer listeners).
	CreateBootstrapService *bool `json:"createBootstrapService,omitempty"`
	// MaxConnections per broker on this listener.
	MaxConnections *int32 `json:"maxConnections,omitempty"`
}

// ListenerBootstrap customises the bootstrap service.
type ListenerBootstrap struct {
	// Annotations on the bootstrap service.
	Annotations map[string]string `json:"annotations,omitempty"`
	// Labels on the bootstrap service.
	Labels map[string]string `json:"labels,omitempty"`
	// AlternativeNames are extra SANs in the broker certificates.
	AlternativeNames []string `json:"alternativeNames,omitempty"`
}

// AuthorizationType is the authorizer.
type AuthorizationType string

// Authorizers.
const (
	// AuthorizationSimple is Kafka's StandardAuthorizer with KafkaUser ACLs.
	AuthorizationSimple AuthorizationType = "simple"
)

// KafkaAuthorization is Kafka.spec.kafka.authorization.
type KafkaAuthorization struct {
	// Type is simple.
	Type AuthorizationType `json:"type"`
	// SuperUsers bypass ACLs, e.g. "CN=platform-admin".
	SuperUsers []string `json:"superUsers,omitempty"`
}

// Rack is rack awareness.
type Rack struct {
	// TopologyKey is the node label whose value becomes broker.rack.
	TopologyKey string `json:"topologyKey"`
}

// TieredStorage is Kafka.spec.kafka.tieredStorage.
type TieredStorage struct {
	// Type is custom.
	Type string `json:"type"`
	// RemoteStorageManager is the RSM plugin.
	RemoteStorageManager *RemoteStorageManager `json:"remoteStorageManager,omitempty"`
}

// TieredStorageCustom is the only tiered storage type.
const TieredStorageCustom = "custom"

// RemoteStorageManager is a tiered-storage plugin; Strimzi prefixes Config
// keys with rsm.config.
type RemoteStorageManager struct {
	// ClassName of the RemoteStorageManager implementation.
	ClassName string `json:"className"`
	// ClassPath holds the plugin jars inside the broker image.
	ClassPath string `json:"classPath"`
	// Config is the plugin configuration without the rsm.config. prefix.
	Config map[string]string `json:"config,omitempty"`
}

// KafkaClusterTemplate is Kafka.spec.kafka.template.
type KafkaClusterTemplate struct {
	// Pod applies to every broker and controller pod (node pools override).
	Pod *PodTemplate `json:"pod,omitempty"`
	// PodDisruptionBudget is the brokers' PDB.
	PodDisruptionBudget *PodDisruptionBudgetTemplate `json:"podDisruptionBudget,omitempty"`
	// ServiceAccount carries the IRSA annotation (node pools have none).
	ServiceAccount *ResourceTemplate `json:"serviceAccount,omitempty"`
	// KafkaContainer customises the broker container.
	KafkaContainer *ContainerTemplate `json:"kafkaContainer,omitempty"`
	// ExternalBootstrapService customises external bootstrap services.
	ExternalBootstrapService *ResourceTemplate `json:"externalBootstrapService,omitempty"`
	// PerPodService customises per-broker external services.
	PerPodService *ResourceTemplate `json:"perPodService,omitempty"`
}

// EntityOperatorSpec is Kafka.spec.entityOperator.
type EntityOperatorSpec struct {
	// TopicOperator reconciles KafkaTopic resources.
	TopicOperator *EntityTopicOperatorSpec `json:"topicOperator,omitempty"`
	// UserOperator reconciles KafkaUser resources.
	UserOperator *EntityUserOperatorSpec `json:"userOperator,omitempty"`
	// Template customises the entity operator pod.
	Template *EntityOperatorTemplate `json:"template,omitempty"`
}

// EntityTopicOperatorSpec configures the topic operator.
type EntityTopicOperatorSpec struct {
	// WatchedNamespace defaults to the Kafka namespace.
	WatchedNamespace string `json:"watchedNamespace,omitempty"`
	// ReconciliationIntervalMs between full reconciliations.
	ReconciliationIntervalMs *int64 `json:"reconciliationIntervalMs,omitempty"`
	// Resources of the container.
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
}

// EntityUserOperatorSpec configures the user operator.
type EntityUserOperatorSpec struct {
	// WatchedNamespace defaults to the Kafka namespace.
	WatchedNamespace string `json:"watchedNamespace,omitempty"`
	// ReconciliationIntervalMs between full reconciliations.
	ReconciliationIntervalMs *int64 `json:"reconciliationIntervalMs,omitempty"`
	// Resources of the container.
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
}

// EntityOperatorTemplate customises the entity operator.
type EntityOperatorTemplate struct {
	// Pod customises its pod.
	Pod *PodTemplate `json:"pod,omitempty"`
}

// KafkaExporterSpec is Kafka.spec.kafkaExporter.
type KafkaExporterSpec struct {
	// TopicRegex selects topics; GroupRegex consumer groups.
	TopicRegex string `json:"topicRegex,omitempty"`
	GroupRegex string `json:"groupRegex,omitempty"`
	// Resources of the container.
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
	// Template customises the deployment.
	Template *DeploymentComponentTemplate `json:"template,omitempty"`
}

// DeploymentComponentTemplate customises a Deployment-based component.
type DeploymentComponentTemplate struct {
	// Pod customises its pod.
	Pod *PodTemplate `json:"pod,omitempty"`
}

// CruiseControlSpec is Kafka.spec.cruiseControl.
type CruiseControlSpec struct {
	// Resources of the container.
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
	// Config is cruisecontrol.properties.
	Config map[string]any `json:"config,omitempty"`
	// BrokerCapacity tells the analyzer each broker's limits.
	BrokerCapacity *BrokerCapacity `json:"brokerCapacity,omitempty"`
	// AutoRebalance rebalances when brokers are added or removed.
	AutoRebalance []AutoRebalanceConfiguration `json:"autoRebalance,omitempty"`
	// Template customises the deployment.
	Template *DeploymentComponentTemplate `json:"template,omitempty"`
	// MetricsConfig exposes Cruise Control metrics.
	MetricsConfig *MetricsConfig `json:"metricsConfig,omitempty"`
}

// BrokerCapacity is Cruise Control's view of a broker.
type BrokerCapacity struct {
	// CPU per broker, e.g. "14" (cores).
	CPU string `json:"cpu,omitempty"`
	// InboundNetwork and OutboundNetwork per broker, e.g. "1250MiB/s".
	InboundNetwork  string `json:"inboundNetwork,omitempty"`
	OutboundNetwork string `json:"outboundNetwork,omitempty"`
}

// AutoRebalanceMode is when auto-rebalancing runs.
type AutoRebalanceMode string

// Auto-rebalance modes.
const (
	AutoRebalanceAddBrokers    AutoRebalanceMode = "add-brokers"
	AutoRebalanceRemoveBrokers AutoRebalanceMode = "remove-brokers"
)

// AutoRebalanceConfiguration is one auto-rebalance mode.
type AutoRebalanceConfiguration struct {
	// Mode is add-brokers or remove-brokers.
	Mode AutoRebalanceMode `json:"mode"`
	// Template names a KafkaRebalance template (goals) for this mode.
	Template *corev1.LocalObjectReference `json:"template,omitempty"`
}
