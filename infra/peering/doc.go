// Package peering owns the network path between the primary and the DR
// region, one of two shapes chosen by config (drNetworkPath) over the same
// Link (the two VPCs, their route tables and the peer-region provider):
//   - New: an inter-region VPC peering connection, requested from the DR
//     region and accepted in the primary's through the second provider;
//   - NewTransitGateway: a transit gateway per region with a VPC attachment,
//     a gateway peering attachment and one route table per side holding
//     only static routes (no default association or propagation).
//
// Either way every private route table on both sides gets exactly one route
// to the other VPC's CIDR. NewListenerAccess is the security group that
// opens exactly the cross-region Kafka listener port to the peer VPC CIDR.
//
// It does not own the VPCs, route tables or the Kafka listener itself
// (infra/vpc and platform/strimzi), nor the load balancer the listener's
// Service creates: the AWS Load Balancer Controller attaches the listener
// security group when the Service names it.
package peering
