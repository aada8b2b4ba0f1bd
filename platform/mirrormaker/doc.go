// Package mirrormaker owns MirrorMaker 2 in the DR cluster: the
// KafkaMirrorMaker2 it builds (typed in platform/strimzi/api/v1 with the
// rest of the Strimzi v1 API) and validates against the Strimzi 1.2.0 CRD, the replication choices (identity policy,
// offset-syncs on the target, topic-config and consumer-offset sync), the
// DR-side KafkaUser MirrorMaker writes with, and the exact ACL set of the
// primary-side source user (SourceACLs) that the Kafka layer creates.
//
// It does not own the Kafka clusters, the network path (infra/peering) or
// how the source credentials arrive (platform/vault: Vault and the Vault
// Secrets Operator put them in the Secret this package references).
package mirrormaker
