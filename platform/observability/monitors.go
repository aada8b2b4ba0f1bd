package observability

import (
	"github.com/tradingfirm/kafka-platform/internal/kube"
)

// PodMonitor is the monitoring.coreos.com/v1 PodMonitor subset this project
// sets.
type PodMonitor struct {
	kube.Header
	Spec PodMonitorSpec `json:"spec"`
}

// PodMonitorSpec selects pods and their metrics endpoints.
type PodMonitorSpec struct {
	Selector            LabelSelector        `json:"selector"`
	NamespaceSelector   NamespaceSelector    `json:"namespaceSelector"`
	PodMetricsEndpoints []PodMetricsEndpoint `json:"podMetricsEndpoints"`
}

// LabelSelector is a Kubernetes label selector.
type LabelSelector struct {
	MatchLabels      map[string]string          `json:"matchLabels,omitempty"`
	MatchExpressions []LabelSelectorRequirement `json:"matchExpressions,omitempty"`
}

// LabelSelectorRequirement is one matchExpressions entry.
type LabelSelectorRequirement struct {
	Key      string   `json:"key"`
	Operator string   `json:"operator"`
	Values   []string `json:"values,omitempty"`
}

// NamespaceSelector picks the namespaces to look in.
type NamespaceSelector struct {
	Any        bool     `json:"any,omitempty"`
	MatchNames []string `json:"matchNames,omitempty"`
}

// PodMetricsEndpoint is one scraped port.
type PodMetricsEndpoint struct {
	Port        string          `json:"port"`
	Path        string          `json:"path,omitempty"`
	Interval    string          `json:"interval,omitempty"`
	Relabelings []RelabelConfig `json:"relabelings,omitempty"`
}

// RelabelConfig is a Prometheus relabelling step.
type RelabelConfig struct {
	SourceLabels []string `json:"sourceLabels,omitempty"`
	Regex        string   `json:"regex,omitempty"`
	TargetLabel  string   `json:"targetLabel,omitempty"`
	Replacement  string   `json:"replacement,omitempty"`
	Action       string   `json:"action,omitempty"`
}

// MonitorArgs says where the scraped components run.
type MonitorArgs struct {
	// MonitoringNamespace holds the PodMonitors.
	MonitoringNamespace string
	// KafkaNamespace and ClusterName locate the Strimzi cluster.
	KafkaNamespace string
	ClusterName    string
	// ScrapeInterval of the latency-critical targets (brokers, canary).
	ScrapeInterval string
}

// ScrapeTarget is one component that must be scraped, and the PodMonitor
// (by job label) that scrapes it; tests check the list is covered.
type ScrapeTarget struct {
	Component string
	Job       string
}

// ScrapeTargets are the components the issue requires to be scraped.
var ScrapeTargets = []ScrapeTarget{
	{"Kafka brokers", JobBroker},
	{"KRaft controllers", JobController},
	{"Strimzi cluster operator", JobClusterOperator},
	{"Strimzi entity operator (topic and user operators)", JobEntityOperator},
	{"Kafka Exporter", JobKafkaExporter},
	{"Cruise Control", JobCruiseControl},
	{"MirrorMaker 2", JobMirrorMaker2},
	{"latency canary", JobCanary},
}

// strimziRelabelings copy the pod's strimzi.io/* labels (strimzi_io_cluster,
// strimzi_io_kind, ...), namespace, pod and node onto every series, as
// Strimzi's upstream PodMonitor does (its dashboards filter on them), and
// set job to a stable name the rules select on.
func strimziRelabelings(job string) []RelabelConfig {
	return []RelabelConfig{
		{Action: "labelmap", Regex: "__meta_kubernetes_pod_label_(strimzi_io_.+)", Replacement: "$1"},
		{SourceLabels: []string{"__meta_kubernetes_namespace"}, TargetLabel: "namespace", Action: "replace"},
		{SourceLabels: []string{"__meta_kubernetes_pod_name"}, TargetLabel: "kubernetes_pod_name", Action: "replace"},
		{SourceLabels: []string{"__meta_kubernetes_pod_node_name"}, TargetLabel: "node_name", Action: "replace"},
		{TargetLabel: "job", Replacement: job, Action: "replace"},
	}
}

// PodMonitors returns one PodMonitor per scrape target. The Strimzi ports
// are Strimzi's: tcp-prometheus (9404, the Strimzi Metrics Reporter on
// brokers, controllers and MirrorMaker 2, and Kafka Exporter and Cruise
// Control metrics), healthcheck-to/-uo (entity operator), http (cluster
// operator), per Strimzi's packaging/examples/metrics PodMonitors.
func PodMonitors(a MonitorArgs) []PodMonitor {
	kafkaNS := NamespaceSelector{MatchNames: []string{a.KafkaNamespace}}
	cluster := func(extra map[string]string) LabelSelector {
		m := map[string]string{"strimzi.io/cluster": a.ClusterName}
		for k, v := range extra {
			m[k] = v
		}
		return LabelSelector{MatchLabels: m}
	}
	ep := func(port, job, interval string) []PodMetricsEndpoint {
		return []PodMetricsEndpoint{{Port: port, Path: "/metrics", Interval: interval, Relabelings: strimziRelabelings(job)}}
	}
	pm := func(name string, sel LabelSelector, ns NamespaceSelector, eps []PodMetricsEndpoint) PodMonitor {
		h := kube.NewHeader("monitoring.coreos.com/v1", "PodMonitor", a.MonitoringNamespace, name)
		h.Metadata.Labels = map[string]string{"app.kubernetes.io/part-of": "kafka-platform"}
		return PodMonitor{Header: h, Spec: PodMonitorSpec{Selector: sel, NamespaceSelector: ns, PodMetricsEndpoints: eps}}
	}
	return []PodMonitor{
		pm(a.ClusterName+"-brokers", cluster(map[string]string{"strimzi.io/broker-role": "true"}), kafkaNS,
			ep("tcp-prometheus", JobBroker, a.ScrapeInterval)),
		pm(a.ClusterName+"-controllers", cluster(map[string]string{"strimzi.io/controller-role": "true"}), kafkaNS,
			ep("tcp-prometheus", JobController, a.ScrapeInterval)),
		pm(a.ClusterName+"-kafka-exporter", cluster(map[string]string{"strimzi.io/name": a.ClusterName + "-kafka-exporter"}), kafkaNS,
			ep("tcp-prometheus", JobKafkaExporter, "")),
		pm(a.ClusterName+"-cruise-control", cluster(map[string]string{"strimzi.io/name": a.ClusterName + "-cruise-control"}), kafkaNS,
			ep("tcp-prometheus", JobCruiseControl, "")),
		pm(a.ClusterName+"-entity-operator", cluster(map[string]string{"strimzi.io/name": a.ClusterName + "-entity-operator"}), kafkaNS,
			append(ep("healthcheck-to", JobEntityOperator, ""), ep("healthcheck-uo", JobEntityOperator, "")...)),
		// The operator may live in its own namespace (the Helm release's).
		pm("strimzi-cluster-operator", LabelSelector{MatchLabels: map[string]string{"strimzi.io/kind": "cluster-operator"}},
			NamespaceSelector{Any: true}, ep("http", JobClusterOperator, "")),
		// Only DR stacks run MirrorMaker 2; the monitor is harmless elsewhere.
		pm("mirrormaker2", LabelSelector{MatchLabels: map[string]string{"strimzi.io/kind": "KafkaMirrorMaker2"}},
			kafkaNS, ep("tcp-prometheus", JobMirrorMaker2, "")),
		pm("kafka-canary", LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": CanaryAppName}}, kafkaNS,
			[]PodMetricsEndpoint{{Port: canaryMetricsPort, Path: "/metrics", Interval: a.ScrapeInterval, Relabelings: []RelabelConfig{
				{SourceLabels: []string{"__meta_kubernetes_namespace"}, TargetLabel: "namespace", Action: "replace"},
				{SourceLabels: []string{"__meta_kubernetes_pod_name"}, TargetLabel: "kubernetes_pod_name", Action: "replace"},
				{TargetLabel: "job", Replacement: JobCanary, Action: "replace"},
			}}}),
	}
}
