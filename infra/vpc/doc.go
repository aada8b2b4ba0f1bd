// Package vpc builds the regional network the platform runs in: one VPC over
// exactly three availability zones, a public and a private subnet per zone,
// one NAT gateway per zone with a private route table per zone (so losing a
// zone never takes another zone's egress with it), an S3 gateway endpoint on
// every private route table (tiered-storage traffic never crosses NAT), the
// interface endpoints a private EKS cluster needs, subnet tags for the AWS
// Load Balancer Controller, and VPC flow logs to a KMS-encrypted CloudWatch
// log group.
//
// It does not own the EKS cluster, node or broker security groups, peering or
// transit routes to the other region (infra/eks, infra/nodegroups and the DR
// layer add those; cross-region routes are separate aws:ec2/route:Route
// resources on PrivateRouteTableIDs, which is why this package never uses
// inline routes), and it does not choose CIDRs: internal/config allocates and
// validates them and the stack passes them in.
package vpc
