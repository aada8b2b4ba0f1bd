// Package v1 is the typed subset of the Strimzi 1.2.0 `kafka.strimzi.io/v1`
// API this project writes: Kafka, KafkaNodePool, KafkaTopic, KafkaUser and
// KafkaRebalance. Field names and JSON tags follow the CRDs in
// shared/strimzi/1.2.0/crds; Kubernetes core shapes (affinity, tolerations,
// topology spread, resources, security contexts) reuse k8s.io/api types so
// they marshal exactly as the API server expects. Every object built from
// these types is validated against the CRDs in tests (internal/crdvalidate).
//
// It owns only types and small constructors; it creates no resources (see
// platform/strimzi for that). v1beta2 does not exist here: Strimzi 1.0.0
// removed it. KafkaMirrorMaker2 lives with the DR component.
package v1
