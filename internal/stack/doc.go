// Package stack composes one region of the platform from the typed config:
// network, cluster, node groups, the AWS Load Balancer Controller and
// tiered storage first (infra.go), the cross-region listener's security
// group, then the Kafka platform (kafka.go), observability and the DR wiring
// (dr.go: Vault, and on a DR stack VPC peering or a transit gateway by
// drNetworkPath, and MirrorMaker 2) on top. Dependencies name concrete
// resources, never components. It is the one place that decides which component gets
// which part of the config and which outputs flow where; main.go and the
// offline render both call New.
package stack
