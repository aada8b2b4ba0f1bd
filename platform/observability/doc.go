// Package observability owns the monitoring of one region: the
// kube-prometheus-stack Helm release (Prometheus, Alertmanager, Grafana,
// kube-state-metrics, node-exporter on every node), the PodMonitors that
// scrape Strimzi's components and the canary, the SLO PrometheusRule (the
// same typed value is written as a plain rule file for promtool), the
// Alertmanager routing (SLO breaches to ServiceNow, the rest by severity),
// Grafana dashboards (Strimzi's upstream ones by pinned URL, the project's
// SLO dashboard as code), Grafana's Ingress on an internal ALB (HTTPS only,
// an ACM certificate, inbound CIDRs limited to the VPC and the allowed
// ranges; the AWS Load Balancer Controller of infra/lbcontroller serves it)
// and the per-zone canary Deployments.
//
// It does not own the Kafka cluster, the canary's KafkaUser, topic and ACLs
// (platform/strimzi), nor the canary binary and image (cmd/canary,
// images/canary). It reads no config: internal/stack/observability.go maps
// the config onto Args.
package observability
