// Package vault owns the Vault side of the platform's secrets, configured
// with pulumi-vault: the KV v2 mount for Kafka platform secrets, one
// Kubernetes auth backend per cluster (bound to that cluster's API server,
// CA and service-account issuer), policies built from typed rules scoped to
// exact paths, and roles bound to exact service accounts.
//
// It also owns the two in-cluster halves of the MirrorMaker credential
// path: on the primary, the Pusher that keeps the `mirrormaker-dr`
// KafkaUser's certificate and key and the cluster CA certificate in Vault
// as Strimzi rotates them; on the DR cluster, the Sync that materialises
// them as a Kubernetes Secret with the Vault Secrets Operator, because
// Strimzi's KafkaMirrorMaker2 reads TLS material only from Secrets.
//
// It does not own the Vault server, its unseal or its audit devices, nor
// the KafkaUser (platform/strimzi) or MirrorMaker 2 (platform/mirrormaker).
// docs/secrets.md explains the choices.
package vault
