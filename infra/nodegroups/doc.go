// Package nodegroups owns the EKS managed node groups of one cluster
// (component kafka-platform:infra:NodeGroups): the node IAM role, the KMS key
// of the nodes' root volumes, one launch template per group and the groups
// themselves, all on AL2023 with nodeadm.
//
// Layout (zone == Kafka rack, so scaling never unbalances zones):
//   - system: operators, monitoring, canaries; across the three private
//     subnets; labelled, not tainted.
//   - controller-<zone>: one KRaft controller node per zone; labelled and
//     tainted kafka-platform/dedicated=controller:NoSchedule.
//   - broker-<zone>: BrokersPerZone nodes of an i-family type in that zone's
//     subnet only, min = max = desired; local NVMe striped (RAID0) by nodeadm,
//     static CPU manager and topology manager, labelled and tainted
//     kafka-platform/dedicated=broker:NoSchedule, kernel tuned by
//     scripts/tune-node.sh. NIC IRQ/RPS/XPS steering survives reboots: the
//     tuning script installs scripts/irq-steer.sh as
//     /usr/local/sbin/kafka-platform-irq-steer with its cpuset in
//     /etc/kafka-platform/tuning.env and enables
//     kafka-platform-irq-steer.service (oneshot, every boot); irqbalance is
//     masked.
//
// Broker groups and controller groups each update one zone at a time (every
// group depends on the previous zone's), so a node-group roll never takes
// two replicas of a partition, or two controllers of the quorum, down at
// once.
//
// User data is MIME multipart (UserData, a pure function): a nodeadm
// NodeConfig part and, on Kafka nodes, the tuning script with its settings
// exported as KP_* variables. Role labels and dedicated taints are set on
// the node groups through the EKS API (labels, taints), never as kubelet
// flags in the NodeConfig: EKS applies them through its own NodeConfig part,
// so a second source could only drift. Labels, taints and the NVMe mount
// path come from internal/topology.
//
// Not owned here: the cluster, its add-ons and OIDC provider (infra/eks),
// the VPC and subnets (infra/vpc), what runs on the nodes (platform/*).
// Node group names are physical names: changing the instance type or the
// zones replaces a group, which for brokers is a migration (add new groups
// under a new name, move the Kafka node pools, then remove the old groups),
// not a plain `pulumi up`.
package nodegroups
