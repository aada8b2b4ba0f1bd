package v1

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/tradingfirm/kafka-platform/internal/kube"
)

// KafkaNodePool is a group of Kafka nodes sharing roles, storage and
// resources (kafka.strimzi.io/v1 KafkaNodePool).
type KafkaNodePool struct {
	kube.Header
	Spec KafkaNodePoolSpec `json:"spec"`
}

// NewKafkaNodePool returns a node pool of cluster.
func NewKafkaNodePool(namespace, name, cluster string, spec KafkaNodePoolSpec) *KafkaNodePool {
	return &KafkaNodePool{Header: newHeader("KafkaNodePool", namespace, name, cluster), Spec: spec}
}

// ProcessRole is a KRaft role.
type ProcessRole string

// KRaft roles.
const (
	RoleController ProcessRole = "controller"
	RoleBroker     ProcessRole = "broker"
)

// KafkaNodePoolSpec is KafkaNodePool.spec.
type KafkaNodePoolSpec struct {
	// Replicas is the node count. Always serialised: required.
	Replicas int32 `json:"replicas"`
	// Roles are controller and/or broker.
	Roles []ProcessRole `json:"roles"`
	// Storage is the data storage.
	Storage Storage `json:"storage"`
	// Resources of the Kafka container.
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
	// JvmOptions of the Kafka JVM.
	JvmOptions *JvmOptions `json:"jvmOptions,omitempty"`
	// Template customises pods and containers of this pool.
	Template *KafkaNodePoolTemplate `json:"template,omitempty"`
}

// StorageType is the kind of storage.
type StorageType string

// Storage types.
const (
	StorageEphemeral       StorageType = "ephemeral"
	StoragePersistentClaim StorageType = "persistent-claim"
	StorageJBOD            StorageType = "jbod"
)

// KRaftMetadataShared puts the KRaft metadata log on this volume.
const KRaftMetadataShared = "shared"

// Storage is a node pool's storage or one JBOD volume.
type Storage struct {
	// Type is ephemeral, persistent-claim or jbod.
	Type StorageType `json:"type"`
	// ID numbers a JBOD volume.
	ID *int32 `json:"id,omitempty"`
	// Size of a persistent-claim volume, e.g. "100Gi".
	Size string `json:"size,omitempty"`
	// SizeLimit of an ephemeral (emptyDir) volume.
	SizeLimit string `json:"sizeLimit,omitempty"`
	// Class is the storage class of a persistent claim.
	Class string `json:"class,omitempty"`
	// DeleteClaim deletes the PVC when the node is removed.
	DeleteClaim *bool `json:"deleteClaim,omitempty"`
	// KraftMetadata "shared" stores the metadata log on this volume.
	KraftMetadata string `json:"kraftMetadata,omitempty"`
	// Volumes are the JBOD volumes.
	Volumes []Storage `json:"volumes,omitempty"`
}

// KafkaNodePoolTemplate is KafkaNodePool.spec.template.
type KafkaNodePoolTemplate struct {
	// Pod customises this pool's pods (replaces the Kafka-level pod template).
	Pod *PodTemplate `json:"pod,omitempty"`
	// KafkaContainer customises the Kafka container.
	KafkaContainer *ContainerTemplate `json:"kafkaContainer,omitempty"`
	// PersistentVolumeClaim customises PVCs.
	PersistentVolumeClaim *ResourceTemplate `json:"persistentVolumeClaim,omitempty"`
}
