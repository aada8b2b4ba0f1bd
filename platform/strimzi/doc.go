// Package strimzi builds one region's Kafka platform on Strimzi 1.2.0: the
// cluster operator and Drain Cleaner (Helm), the Kafka namespace under the
// restricted Pod Security Standard, the Kafka cluster with its KRaft
// controller and broker node pools, topics, mTLS users with least-privilege
// ACLs, Cruise Control auto-rebalancing, the cross-region bootstrap service
// and the client settings app teams get.
//
// The custom resources are typed (platform/strimzi/api/v1) and built by
// pure functions (Build*) that tests validate against the upstream CRDs;
// New registers them. It does not create AWS resources: the tiered-storage
// bucket and the brokers' IRSA role come from infra/s3tier, node groups and
// their labels/taints from infra (see internal/topology). It never reads
// config: internal/stack/kafka.go maps config onto Args.
package strimzi
