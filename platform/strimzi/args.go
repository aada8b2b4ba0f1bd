package strimzi

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// TopicClass is durable, standard or ephemeral (see internal/config).
type TopicClass string

// Topic classes.
const (
	Durable   TopicClass = "durable"
	Standard  TopicClass = "standard"
	Ephemeral TopicClass = "ephemeral"
)

// Topic is one topic, already resolved (no zero defaults left).
type Topic struct {
	// Class decides tiering, mirroring and the client settings.
	Class TopicClass
	// Partitions, Replicas and MinISR of the topic.
	Partitions, Replicas, MinISR int
	// RetentionMs total; LocalRetentionMs on NVMe when Tiered.
	RetentionMs, LocalRetentionMs int64
	// Tiered enables remote storage for the topic.
	Tiered bool
	// Config are extra topic settings.
	Config map[string]string
}

// Quotas are a user's client quotas (0: none).
type Quotas struct {
	// ProducerByteRate and ConsumerByteRate in bytes/s per broker.
	ProducerByteRate, ConsumerByteRate int64
	// RequestPercentage of a request thread.
	RequestPercentage int
}

// User is one mTLS client identity; ACLs are derived from it (UserACLs).
type User struct {
	// Produce and Consume list topic names.
	Produce, Consume []string
	// Group is the consumer group (a prefix when GroupPrefix).
	Group       string
	GroupPrefix bool
	// Transactional producers may use transactional IDs prefixed with the
	// user name.
	Transactional bool
	// MirrorSource is the DR MirrorMaker 2 source user (read-only).
	MirrorSource bool
	// Quotas limit the user.
	Quotas Quotas
}

// Args configures the Kafka platform of one region. Plain values decide
// what exists; the two Pulumi inputs come from the tiered-storage component.
type Args struct {
	// Namespace holds Kafka, its node pools, topics and users.
	Namespace string
	// OperatorNamespace holds the Strimzi operator, Drain Cleaner and the
	// operator-side Helm releases.
	OperatorNamespace string
	// ClusterName is the Kafka resource name.
	ClusterName string
	// StrimziVersion is the operator Helm chart version (1.2.0).
	StrimziVersion string
	// DrainCleanerVersion is the Drain Cleaner Helm chart version (1.6.1).
	DrainCleanerVersion string
	// CertManagerVersion is the cert-manager chart installed for Drain
	// Cleaner's webhook certificate; empty: cert-manager is already present.
	CertManagerVersion string
	// KafkaVersion and MetadataVersion are pinned on the cluster.
	KafkaVersion, MetadataVersion string
	// BrokerImage is the broker image with the tiered-storage plugin
	// (registry/repo@sha256:digest).
	BrokerImage string
	// Brokers is the total broker count (a multiple of 3).
	Brokers int
	// BrokerCPUs and BrokerMemoryGiB are Guaranteed per broker; BrokerHeapGiB
	// is -Xms/-Xmx.
	BrokerCPUs, BrokerMemoryGiB, BrokerHeapGiB int
	// JvmXX are broker -XX flags.
	JvmXX map[string]string
	// NetworkThreads, IOThreads and SocketBufferBytes tune brokers.
	NetworkThreads, IOThreads, SocketBufferBytes int
	// BrokerStorageGiB is the ephemeral log volume's size limit.
	BrokerStorageGiB int
	// ControllerVolumeGiB is each controller's gp3 volume.
	ControllerVolumeGiB int
	// ReplicationFactor and MinISR are the cluster defaults (3 and 2).
	ReplicationFactor, MinISR int
	// PlatformAdmins are KafkaUser names made super users.
	PlatformAdmins []string
	// Topics and Users by name.
	Topics map[string]Topic
	Users  map[string]User
	// PeerVpcCidr is the DR VPC; when set, the cross-region listener exists
	// and only this range may reach its load balancers. Empty: no listener.
	PeerVpcCidr string
	// ListenerSecurityGroup names (Name tag) the security group put on the
	// cross-region load balancers instead of the one the AWS Load Balancer
	// Controller would generate (infra/peering ListenerAccess: listener port
	// from PeerVpcCidr only). Empty: the controller's own group.
	ListenerSecurityGroup string
	// Region of the tiered-storage bucket.
	Region string
	// TierPrefix is the bucket key prefix ("tiered/").
	TierPrefix string
	// TierBucket is the tiered-storage bucket name (infra/s3tier).
	TierBucket pulumi.StringInput
	// BrokerRoleArn is the brokers' IRSA role (infra/s3tier).
	BrokerRoleArn pulumi.StringInput
}
