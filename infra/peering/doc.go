// Package peering owns the network path between the primary and the DR
// region: the inter-region VPC peering connection (requested from the DR
// region, accepted in the primary's through a second AWS provider), the
// routes to the other VPC in every private route table on both sides, and
// the security group that opens exactly the primary's cross-region Kafka
// listener port to the DR VPC CIDR.
//
// It does not own the VPCs, route tables or the Kafka listener itself
// (infra/vpc and platform/strimzi), nor the load balancer the listener's
// Service creates: the AWS Load Balancer Controller attaches the listener
// security group when the Service names it.
package peering
