// Package canary is the latency canary behind cmd/canary: one instance per
// availability zone produces timestamped, sequence-numbered records with
// acks=all to every partition of the canary topic, consumes the whole topic
// with client.rack set to its own zone (so follower fetching is exercised),
// and exports produce-ack and produce-to-consume latency histograms with
// sub-millisecond buckets, plus counters for errors, timeouts, sequence gaps
// and duplicates.
//
// It exists because Strimzi Canary is archived and its 2-400 ms buckets
// cannot resolve a 5/8 ms latency SLO.
//
// The package owns the record wire format (record.go), the per-partition
// sequence tracker (tracker.go), the metric names and buckets (metrics.go,
// a contract with the alert rules in platform/observability), flag/env
// configuration (config.go) and the produce/consume loops (canary.go). It
// does not own the Kubernetes Deployments, PodMonitor, alert rules or the
// canary topic itself: those live in the platform/observability and
// platform/strimzi components.
//
// Running it: every setting is a flag with an environment fallback named
// CANARY_<FLAG> (see EnvName): -bootstrap-servers, -zone (both required),
// -topic (canary), -interval (100ms), -produce-timeout (2s),
// -metadata-refresh (10s), -stale-after (2s), -listen-addr (:8080),
// -tls-ca-file, -tls-cert-file, -tls-key-file (all three required unless
// -insecure-plaintext-for-tests), -log-level (info). HTTP: /metrics,
// /healthz (200 while running), /readyz (200 once the consumer is
// positioned). Logs are JSON (log/slog) on stderr.
//
// TLS: the client certificate and the cluster CA bundle are re-read for
// every new broker connection (tlsdial.go), so certificates and a cluster CA
// that Strimzi renews in the mounted Secrets are followed without a restart;
// host names are always verified against the broker address dialed.
//
// Limitations: the partition count is read once at start (a canary logs a
// warning and keeps producing to the old partitions if partitions are
// added; restart it). If the canary topic is deleted and recreated (new
// topic ID), kgo refuses to adopt the new ID and the canary reports the
// topic as down (kafka_canary_up 0, timeouts) until it is restarted.
package canary
