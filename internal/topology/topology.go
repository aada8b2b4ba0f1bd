// Package topology holds the node labels, taints and keys that the node
// groups set and the Kafka workloads select on. They are a contract between
// infra/nodegroups (which writes them into nodeadm's NodeConfig) and the
// platform packages (node affinity, tolerations, rack awareness), so they
// live in one place.
package topology

const (
	// ZoneLabel is the well-known zone label kubelet sets from the instance's
	// zone; it is the Kafka rack (broker.rack = zone name).
	ZoneLabel = "topology.kubernetes.io/zone"
	// HostnameLabel spreads one broker per node.
	HostnameLabel = "kubernetes.io/hostname"

	// RoleLabel marks what a node is for: one of the Role* values.
	RoleLabel = "kafka-platform/role"
	// RoleSystem nodes run operators, monitoring and canaries.
	RoleSystem = "system"
	// RoleController nodes run only KRaft controllers.
	RoleController = "controller"
	// RoleBroker nodes (i-family, local NVMe) run only Kafka brokers.
	RoleBroker = "broker"

	// DedicatedTaintKey with value RoleBroker or RoleController and effect
	// NoSchedule keeps everything but Kafka off those nodes.
	DedicatedTaintKey = "kafka-platform/dedicated"
	// TaintEffect is the effect of the dedicated taint.
	TaintEffect = "NoSchedule"

	// NVMeMountPath is where nodeadm's RAID0 local-storage strategy mounts the
	// striped instance-store array (and bind-mounts kubelet, containerd and pod
	// logs onto it, so emptyDir volumes land on NVMe).
	NVMeMountPath = "/mnt/k8s-disks/0"
)
