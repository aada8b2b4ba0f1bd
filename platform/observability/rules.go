package observability

import (
	"fmt"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/tradingfirm/kafka-platform/internal/kube"
)

// PrometheusRule is the monitoring.coreos.com/v1 PrometheusRule custom
// resource. Its Spec is exactly a Prometheus rule file, so the same value is
// applied to the cluster and written for promtool (RuleFiles).
type PrometheusRule struct {
	kube.Header
	Spec RuleFile `json:"spec"`
}

// RuleFile is a Prometheus rule file: the body of a PrometheusRule.
type RuleFile struct {
	Groups []RuleGroup `json:"groups"`
}

// RuleGroup is one evaluation group.
type RuleGroup struct {
	Name     string `json:"name"`
	Interval string `json:"interval,omitempty"`
	Rules    []Rule `json:"rules"`
}

// Rule is a recording rule (Record set) or an alerting rule (Alert set).
type Rule struct {
	Record      string            `json:"record,omitempty"`
	Alert       string            `json:"alert,omitempty"`
	Expr        string            `json:"expr"`
	For         string            `json:"for,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Severity is the alert severity label Alertmanager routes on.
type Severity string

// Severities.
const (
	// SeverityCritical pages the on-call engineer.
	SeverityCritical Severity = "critical"
	// SeverityWarning goes to the team mailbox.
	SeverityWarning Severity = "warning"
)

// SLOLabel marks alerts that encode a row of the SLO table; Alertmanager
// sends those to ServiceNow as well.
const SLOLabel = "slo"

// Job labels the PodMonitors set (relabelling `job`), so rules select a
// component without depending on PodMonitor names or namespaces.
const (
	JobBroker          = "kafka-broker"
	JobController      = "kafka-controller"
	JobKafkaExporter   = "kafka-exporter"
	JobCruiseControl   = "cruise-control"
	JobEntityOperator  = "strimzi-entity-operator"
	JobClusterOperator = "strimzi-cluster-operator"
	JobMirrorMaker2    = "mirrormaker2"
	JobCanary          = "kafka-canary"
)

// AvailabilityObjective is the broker/controller availability SLO (99.99%):
// the error budget is 1 - objective.
const AvailabilityObjective = 0.9999

// Burn-rate thresholds of the standard multi-window, multi-burn-rate alerts
// (Google SRE workbook, "Alerting on SLOs", table 5-8): 14.4x over 1h
// (confirmed by 5m) spends 2% of a 30-day budget in an hour; 6x over 6h
// (confirmed by 30m) spends 5% in six hours.
const (
	fastBurnRate float64 = 14.4
	slowBurnRate float64 = 6
)

// RuleArgs is everything the rules depend on. It is plain data so the same
// rules can be rendered to files without a Pulumi program.
type RuleArgs struct {
	// KafkaNamespace and ClusterName select the Strimzi cluster's series
	// (labels namespace and strimzi_io_cluster set by the PodMonitors).
	KafkaNamespace string
	ClusterName    string
	// Brokers and Controllers are the expected pod counts: a pod that is not
	// running at all has no `up` series, so availability is measured against
	// these counts rather than against the targets Prometheus happens to see.
	Brokers     int
	Controllers int
	// CanaryZones is the number of canary Deployments (one per zone).
	CanaryZones int
	// StrategyConsumerGroup and LagAlertRecords make the consumer lag SLO.
	StrategyConsumerGroup string
	LagAlertRecords       int
	// MirrorMaker2 adds the DR RPO rules (DR stacks run MirrorMaker 2).
	MirrorMaker2 bool
	// MirrorLagAlertSeconds is the RPO threshold.
	MirrorLagAlertSeconds int
	// TieredCopyLagAlertBytes is the tiered-storage copy lag threshold.
	TieredCopyLagAlertBytes int
	// NVMeMountPath is where the broker's local hot window is mounted
	// (topology.NVMeMountPath); node-exporter reports it as mountpoint.
	NVMeMountPath string
	// RunbookBaseURL is prefixed to every runbook_url (no trailing slash).
	RunbookBaseURL string
}

// alertDef is an alert plus where its runbook lives.
type alertDef struct {
	rule    Rule
	runbook string // file under docs/runbooks, without .md
	slo     string // SLO row id (see SLOs) or ""
}

func (a RuleArgs) sel(job string) string {
	return fmt.Sprintf(`job=%q,namespace=%q,strimzi_io_cluster=%q`, job, a.KafkaNamespace, a.ClusterName)
}

func (a RuleArgs) nodesSel() string {
	return fmt.Sprintf(`job=~"%s|%s",namespace=%q,strimzi_io_cluster=%q`, JobBroker, JobController, a.KafkaNamespace, a.ClusterName)
}

// availabilityGroup holds the availability recording rules and the
// burn-rate alerts built on them.
const availabilityGroup = "kafka-slo-availability"

// Window names of the availability recording rules.
var burnWindows = []string{"5m", "30m", "1h", "6h"}

// availabilityRecord is the recorded unavailability ratio over a window.
func availabilityRecord(window string) string {
	return "kafka:node_unavailability:ratio_avg" + window
}

func (a RuleArgs) recordingRules() []Rule {
	expected := a.Brokers + a.Controllers
	rules := []Rule{{
		Record: "kafka:node_unavailability:ratio",
		// `or vector(0)` keeps the error ratio at 1 when no target is up at all
		// (an empty sum would otherwise record nothing and burn no budget).
		Expr:   fmt.Sprintf(`clamp_min(1 - ((sum(up{%s}) or vector(0)) / %d), 0)`, a.nodesSel(), expected),
		Labels: map[string]string{"strimzi_io_cluster": a.ClusterName},
	}}
	for _, w := range burnWindows {
		rules = append(rules, Rule{
			Record: availabilityRecord(w),
			Expr:   fmt.Sprintf(`avg_over_time(kafka:node_unavailability:ratio{strimzi_io_cluster=%q}[%s])`, a.ClusterName, w),
		})
	}
	return rules
}

func ann(summary, description string) map[string]string {
	return map[string]string{"summary": summary, "description": description}
}

func sev(s Severity) map[string]string { return map[string]string{"severity": string(s)} }

// alerts returns every alert, grouped by rule group name.
func (a RuleArgs) alerts() map[string][]alertDef {
	budget := 1 - AvailabilityObjective
	groups := map[string][]alertDef{
		"kafka-slo-latency": {
			{slo: "produce-ack-p99", runbook: "latency", rule: Rule{
				Alert: "KafkaProduceAckLatencyP99High",
				Expr: fmt.Sprintf(`histogram_quantile(0.99, sum by (zone, le) (rate(kafka_canary_produce_ack_seconds_bucket{job=%q}[5m]))) > 0.005`,
					JobCanary),
				For:         "5m",
				Labels:      sev(SeverityCritical),
				Annotations: ann("Produce-ack p99 above 5 ms in {{ $labels.zone }}", "The canary's acks=all produce latency p99 in zone {{ $labels.zone }} is {{ $value | humanizeDuration }} over 5m (SLO: p99 < 5 ms for the order journal)."),
			}},
			{slo: "e2e-p99", runbook: "latency", rule: Rule{
				Alert: "KafkaEndToEndLatencyP99High",
				Expr: fmt.Sprintf(`histogram_quantile(0.99, sum by (zone, le) (rate(kafka_canary_e2e_seconds_bucket{job=%q}[5m]))) > 0.008`,
					JobCanary),
				For:         "5m",
				Labels:      sev(SeverityCritical),
				Annotations: ann("Produce-to-consume p99 above 8 ms in {{ $labels.zone }}", "The canary's produce-to-consume latency p99 in zone {{ $labels.zone }} is {{ $value | humanizeDuration }} over 5m (SLO: p99 < 8 ms)."),
			}},
		},
		"kafka-slo-consumers": {
			{slo: "strategy-lag", runbook: "consumer-lag", rule: Rule{
				Alert: "KafkaStrategyConsumerLagHigh",
				Expr: fmt.Sprintf(`sum by (consumergroup, topic) (kafka_consumergroup_lag{%s,consumergroup=%q}) > %d`,
					a.sel(JobKafkaExporter), a.StrategyConsumerGroup, a.LagAlertRecords),
				For:         "2m",
				Labels:      sev(SeverityCritical),
				Annotations: ann("Strategy engine lag above "+fmt.Sprint(a.LagAlertRecords)+" records", "Consumer group {{ $labels.consumergroup }} lags {{ $value }} records behind on {{ $labels.topic }} (SLO: < "+fmt.Sprint(a.LagAlertRecords)+")."),
			}},
		},
		"kafka-slo-replication": {
			{slo: "urp", runbook: "replication", rule: Rule{
				Alert:       "KafkaUnderReplicatedPartitions",
				Expr:        fmt.Sprintf(`sum by (strimzi_io_cluster) (kafka_server_replicamanager_underreplicatedpartitions{%s}) > 0`, a.sel(JobBroker)),
				For:         "5m",
				Labels:      sev(SeverityCritical),
				Annotations: ann("{{ $value }} under-replicated partitions", "Cluster {{ $labels.strimzi_io_cluster }} has had {{ $value }} under-replicated partitions for 5 minutes (SLO: 0). A zone outage now could lose acknowledged writes."),
			}},
			{slo: "offline-partitions", runbook: "replication", rule: Rule{
				Alert:       "KafkaOfflinePartitions",
				Expr:        fmt.Sprintf(`sum by (strimzi_io_cluster) (kafka_controller_kafkacontroller_offlinepartitionscount{%s}) > 0`, a.nodesSel()),
				For:         "1m",
				Labels:      sev(SeverityCritical),
				Annotations: ann("{{ $value }} offline partitions", "Cluster {{ $labels.strimzi_io_cluster }} has {{ $value }} partitions without a leader: they accept neither writes nor reads (SLO: 0)."),
			}},
			{slo: "active-controller", runbook: "controller", rule: Rule{
				Alert: "KafkaActiveControllerCountNotOne",
				// absent(...) - 1 turns "no controller scraped at all" into a 0 count.
				Expr: fmt.Sprintf(`(sum by (strimzi_io_cluster) (kafka_controller_kafkacontroller_activecontrollercount{%[1]s}) != 1) or (absent(kafka_controller_kafkacontroller_activecontrollercount{%[1]s}) - 1)`,
					a.sel(JobController)),
				For:         "1m",
				Labels:      sev(SeverityCritical),
				Annotations: ann("{{ $value }} active KRaft controllers", "Cluster {{ $labels.strimzi_io_cluster }} reports {{ $value }} active controllers (SLO: exactly 1). 0 means no metadata changes (leader elections, topic changes) are possible; >1 means a split quorum."),
			}},
		},
		availabilityGroup: {
			{slo: "availability", runbook: "availability", rule: Rule{
				Alert: "KafkaAvailabilityBudgetBurnFast",
				Expr: fmt.Sprintf(`%s > (%g * %g) and %s > (%g * %g)`,
					availabilityRecord("1h"), fastBurnRate, budget, availabilityRecord("5m"), fastBurnRate, budget),
				For:         "2m",
				Labels:      sev(SeverityCritical),
				Annotations: ann("Broker/controller availability budget burning 14.4x", "Brokers and controllers of {{ $labels.strimzi_io_cluster }} were unavailable {{ $value | humanizePercentage }} of the last hour and still are (5m window): above 14.4x the 99.99% budget, 2% of the monthly budget gone in an hour."),
			}},
			{slo: "availability", runbook: "availability", rule: Rule{
				Alert: "KafkaAvailabilityBudgetBurnSlow",
				Expr: fmt.Sprintf(`%s > (%g * %g) and %s > (%g * %g)`,
					availabilityRecord("6h"), slowBurnRate, budget, availabilityRecord("30m"), slowBurnRate, budget),
				For:         "15m",
				Labels:      sev(SeverityCritical),
				Annotations: ann("Broker/controller availability budget burning 6x", "Brokers and controllers of {{ $labels.strimzi_io_cluster }} were unavailable {{ $value | humanizePercentage }} of the last 6 hours and still are (30m window): above 6x the 99.99% budget, 5% of the monthly budget gone in six hours."),
			}},
		},
		"kafka-storage": {
			{runbook: "disk", rule: Rule{
				Alert: "KafkaHotWindowDiskUsageHigh",
				Expr: fmt.Sprintf(`100 * (1 - node_filesystem_avail_bytes{mountpoint=%[1]q} / node_filesystem_size_bytes{mountpoint=%[1]q}) > 80`,
					a.NVMeMountPath),
				For:         "10m",
				Labels:      sev(SeverityWarning),
				Annotations: ann("NVMe hot window {{ $value | printf \"%.0f\" }}% full on {{ $labels.instance }}", "The local NVMe array ({{ $labels.mountpoint }}) holding Kafka's hot window on {{ $labels.instance }} is {{ $value | printf \"%.1f\" }}% used. Check tiered-storage copy lag and local.retention settings before it fills."),
			}},
			{runbook: "disk", rule: Rule{
				Alert: "KafkaHotWindowDiskUsageCritical",
				Expr: fmt.Sprintf(`100 * (1 - node_filesystem_avail_bytes{mountpoint=%[1]q} / node_filesystem_size_bytes{mountpoint=%[1]q}) > 90`,
					a.NVMeMountPath),
				For:         "5m",
				Labels:      sev(SeverityCritical),
				Annotations: ann("NVMe hot window {{ $value | printf \"%.0f\" }}% full on {{ $labels.instance }}", "The local NVMe array ({{ $labels.mountpoint }}) on {{ $labels.instance }} is {{ $value | printf \"%.1f\" }}% used; a full log directory takes the broker offline."),
			}},
			{runbook: "tiered-storage", rule: Rule{
				Alert: "KafkaTieredStorageCopyLagHigh",
				// topic="" selects the broker-wide aggregate, not the per-topic series.
				Expr: fmt.Sprintf(`sum by (strimzi_io_cluster, kubernetes_pod_name) (kafka_server_brokertopicmetrics_remotecopylagbytes{%s,topic=""}) > %d`,
					a.sel(JobBroker), a.TieredCopyLagAlertBytes),
				For:         "15m",
				Labels:      sev(SeverityWarning),
				Annotations: ann("{{ $labels.kubernetes_pod_name }} is {{ $value | humanize1024 }}B behind copying to S3", "Closed segments not yet copied to remote storage on {{ $labels.kubernetes_pod_name }}: {{ $value | humanize1024 }}B. They cannot leave the local hot window until copied."),
			}},
			{runbook: "tiered-storage", rule: Rule{
				Alert:       "KafkaTieredStorageCopyErrors",
				Expr:        fmt.Sprintf(`sum by (strimzi_io_cluster, kubernetes_pod_name) (rate(kafka_server_brokertopicmetrics_remotecopyerrorspersec_total{%s,topic=""}[5m])) > 0`, a.sel(JobBroker)),
				For:         "10m",
				Labels:      sev(SeverityWarning),
				Annotations: ann("Tiered-storage copy errors on {{ $labels.kubernetes_pod_name }}", "{{ $labels.kubernetes_pod_name }} fails to copy segments to S3 ({{ $value | printf \"%.2f\" }}/s for 10m). Check the broker log for RemoteStorageException and the IRSA role."),
			}},
		},
		"kafka-brokers": {
			{runbook: "broker-saturation", rule: Rule{
				Alert: "KafkaRequestHandlerIdleLow",
				// The Yammer meter accumulates idle nanoseconds per handler
				// thread, so its per-second rate / 1e9 is the idle ratio.
				Expr:        fmt.Sprintf(`sum by (strimzi_io_cluster, kubernetes_pod_name) (rate(kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent_total{%s}[5m])) / 1e9 < 0.3`, a.sel(JobBroker)),
				For:         "10m",
				Labels:      sev(SeverityWarning),
				Annotations: ann("Request handlers of {{ $labels.kubernetes_pod_name }} {{ $value | humanizePercentage }} idle", "Request handler threads of {{ $labels.kubernetes_pod_name }} are only {{ $value | humanizePercentage }} idle: requests queue and produce latency rises. Add num.io.threads or brokers."),
			}},
			{runbook: "broker-saturation", rule: Rule{
				Alert:       "KafkaNetworkProcessorIdleLow",
				Expr:        fmt.Sprintf(`min by (strimzi_io_cluster, kubernetes_pod_name) (kafka_network_socketserver_networkprocessoravgidlepercent{%s}) < 0.3`, a.sel(JobBroker)),
				For:         "10m",
				Labels:      sev(SeverityWarning),
				Annotations: ann("Network threads of {{ $labels.kubernetes_pod_name }} {{ $value | humanizePercentage }} idle", "Network processor threads of {{ $labels.kubernetes_pod_name }} are only {{ $value | humanizePercentage }} idle. Add num.network.threads."),
			}},
		},
		"kafka-certificates": {
			{runbook: "certificates", rule: Rule{
				Alert: "KafkaCertificateExpiresSoon",
				// Strimzi renews 30 days before expiry by default (renewalDays):
				// 21 days left means the renewal did not happen.
				Expr:        fmt.Sprintf(`min by (cluster, type, resource_namespace) (strimzi_certificate_expiration_timestamp_ms{cluster=%q,resource_namespace=%q}) / 1000 - time() < 21 * 86400`, a.ClusterName, a.KafkaNamespace),
				For:         "1h",
				Labels:      sev(SeverityWarning),
				Annotations: ann("{{ $labels.type }} certificate of {{ $labels.cluster }} expires in {{ $value | humanizeDuration }}", "The {{ $labels.type }} certificate of cluster {{ $labels.cluster }} in {{ $labels.resource_namespace }} expires in {{ $value | humanizeDuration }}; Strimzi should have renewed it at 30 days."),
			}},
			{runbook: "certificates", rule: Rule{
				Alert:       "KafkaCertificateExpiresCritical",
				Expr:        fmt.Sprintf(`min by (cluster, type, resource_namespace) (strimzi_certificate_expiration_timestamp_ms{cluster=%q,resource_namespace=%q}) / 1000 - time() < 7 * 86400`, a.ClusterName, a.KafkaNamespace),
				For:         "10m",
				Labels:      sev(SeverityCritical),
				Annotations: ann("{{ $labels.type }} certificate of {{ $labels.cluster }} expires in {{ $value | humanizeDuration }}", "The {{ $labels.type }} certificate of cluster {{ $labels.cluster }} expires in {{ $value | humanizeDuration }}: every TLS client and broker link fails when it does."),
			}},
		},
		"kafka-canary": {
			{runbook: "canary", rule: Rule{
				Alert:       "KafkaCanaryNotMeasuring",
				Expr:        fmt.Sprintf(`(count(kafka_canary_up{job=%q} == 1) or vector(0)) < %d`, JobCanary, a.CanaryZones),
				For:         "5m",
				Labels:      sev(SeverityCritical),
				Annotations: ann("Only {{ $value }} of "+fmt.Sprint(a.CanaryZones)+" canaries are measuring", "Only {{ $value }} zone canaries report kafka_canary_up == 1: the latency SLO alerts are blind in the other zones."),
			}},
			{runbook: "canary", rule: Rule{
				Alert:       "KafkaCanaryRecordsLost",
				Expr:        fmt.Sprintf(`sum by (zone, partition) (increase(kafka_canary_records_gap_total{job=%q}[10m])) > 0`, JobCanary),
				Labels:      sev(SeverityCritical),
				Annotations: ann("Canary saw acknowledged records go missing (zone {{ $labels.zone }}, partition {{ $labels.partition }})", "The canary found {{ $value }} sequence gaps on partition {{ $labels.partition }} in the last 10m: acknowledged writes were not delivered. Treat as possible data loss of the journal."),
			}},
			{runbook: "canary", rule: Rule{
				Alert:       "KafkaCanaryDuplicates",
				Expr:        fmt.Sprintf(`sum by (zone, partition) (increase(kafka_canary_records_duplicate_total{job=%q}[10m])) > 0`, JobCanary),
				For:         "10m",
				Labels:      sev(SeverityWarning),
				Annotations: ann("Canary sees duplicate records (zone {{ $labels.zone }}, partition {{ $labels.partition }})", "The canary received {{ $value }} duplicate records on partition {{ $labels.partition }} in 10m: idempotent produce is off or retries are duplicating."),
			}},
			{runbook: "canary", rule: Rule{
				Alert:       "KafkaCanaryProduceErrors",
				Expr:        fmt.Sprintf(`sum by (zone) (rate({__name__=~"kafka_canary_produce_errors_total|kafka_canary_produce_timeouts_total",job=%q}[5m])) > 0`, JobCanary),
				For:         "5m",
				Labels:      sev(SeverityWarning),
				Annotations: ann("Canary produce errors in {{ $labels.zone }}", "The canary in {{ $labels.zone }} fails or times out {{ $value | printf \"%.2f\" }} produces/s."),
			}},
		},
	}
	if a.MirrorMaker2 {
		groups["kafka-slo-dr"] = []alertDef{
			{slo: "dr-rpo", runbook: "mirrormaker", rule: Rule{
				Alert: "KafkaMirrorMakerReplicationLagHigh",
				Expr: fmt.Sprintf(`max by (source, target, topic) (kafka_connect_mirror_mirrorsourceconnector_replication_latency_ms_max{job=%q}) > %d`,
					JobMirrorMaker2, a.MirrorLagAlertSeconds*1000),
				For:         "2m",
				Labels:      sev(SeverityCritical),
				Annotations: ann("MirrorMaker 2 is {{ $value | printf \"%.0f\" }} ms behind on {{ $labels.topic }}", "Replication from {{ $labels.source }} to {{ $labels.target }} of {{ $labels.topic }} lags {{ $value | printf \"%.0f\" }} ms (RPO: "+fmt.Sprint(a.MirrorLagAlertSeconds)+" s). A failover now would lose that much."),
			}},
			{slo: "dr-rpo", runbook: "mirrormaker", rule: Rule{
				Alert:       "KafkaMirrorMakerDown",
				Expr:        fmt.Sprintf(`(sum(up{job=%q}) or vector(0)) < 1`, JobMirrorMaker2),
				For:         "5m",
				Labels:      sev(SeverityCritical),
				Annotations: ann("MirrorMaker 2 is not running", "No MirrorMaker 2 pod is scraped: nothing replicates to the DR region and the RPO grows by the minute."),
			}},
		}
	}
	return groups
}

// Rules returns the rule file: the availability recording rules and every
// alert, each with severity, summary, description and runbook_url.
func Rules(a RuleArgs) RuleFile {
	var f RuleFile
	groups := a.alerts()
	names := make([]string, 0, len(groups))
	for n := range groups {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		g := RuleGroup{Name: n}
		if n == availabilityGroup {
			// Rules of one group run in order: the burn-rate alerts always see
			// the recordings of the same evaluation.
			g.Rules = a.recordingRules()
		}
		for _, d := range groups[n] {
			r := d.rule
			r.Labels = copyMap(r.Labels)
			r.Annotations = copyMap(r.Annotations)
			if d.slo != "" {
				r.Labels[SLOLabel] = "true"
				r.Labels["slo_id"] = d.slo
			}
			r.Annotations["runbook_url"] = fmt.Sprintf("%s/%s.md#%s", a.RunbookBaseURL, d.runbook, strings.ToLower(r.Alert))
			g.Rules = append(g.Rules, r)
		}
		f.Groups = append(f.Groups, g)
	}
	return f
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// RuleFileName is the file RuleFiles writes the rules to.
const RuleFileName = "kafka-platform-rules.yaml"

// RuleFiles returns the plain Prometheus rule files (file name to content)
// that promtool checks and the render writes beside the manifests.
func RuleFiles(a RuleArgs) (map[string][]byte, error) {
	b, err := yaml.Marshal(Rules(a))
	if err != nil {
		return nil, fmt.Errorf("marshal rules: %w", err)
	}
	return map[string][]byte{RuleFileName: b}, nil
}

// AlertNames lists every alert in f, sorted.
func AlertNames(f RuleFile) []string {
	var out []string
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if r.Alert != "" {
				out = append(out, r.Alert)
			}
		}
	}
	sort.Strings(out)
	return out
}
