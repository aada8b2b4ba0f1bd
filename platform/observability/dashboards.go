package observability

import (
	"encoding/json"
	"fmt"
)

// Dashboard is the subset of Grafana's dashboard JSON model this project
// writes. The SLO dashboard is built from it, so it is code, reviewed and
// tested like the rules it mirrors.
type Dashboard struct {
	UID           string     `json:"uid"`
	Title         string     `json:"title"`
	Tags          []string   `json:"tags"`
	Timezone      string     `json:"timezone"`
	SchemaVersion int        `json:"schemaVersion"`
	Refresh       string     `json:"refresh"`
	Time          TimeRange  `json:"time"`
	Templating    Templating `json:"templating"`
	Panels        []Panel    `json:"panels"`
}

// TimeRange is the default range.
type TimeRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Templating holds the dashboard variables.
type Templating struct {
	List []Variable `json:"list"`
}

// Variable is a dashboard variable.
type Variable struct {
	Name       string      `json:"name"`
	Label      string      `json:"label,omitempty"`
	Type       string      `json:"type"`
	Query      string      `json:"query"`
	Datasource *Datasource `json:"datasource,omitempty"`
	Multi      bool        `json:"multi,omitempty"`
	IncludeAll bool        `json:"includeAll,omitempty"`
	Refresh    int         `json:"refresh,omitempty"`
}

// Datasource references the Prometheus data source through the variable.
type Datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// Panel is a dashboard panel.
type Panel struct {
	ID          int         `json:"id"`
	Type        string      `json:"type"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	GridPos     GridPos     `json:"gridPos"`
	Datasource  Datasource  `json:"datasource"`
	Targets     []Target    `json:"targets"`
	FieldConfig FieldConfig `json:"fieldConfig"`
}

// GridPos places a panel.
type GridPos struct {
	H int `json:"h"`
	W int `json:"w"`
	X int `json:"x"`
	Y int `json:"y"`
}

// Target is one PromQL query.
type Target struct {
	RefID        string `json:"refId"`
	Expr         string `json:"expr"`
	LegendFormat string `json:"legendFormat"`
}

// FieldConfig sets the unit and the objective threshold.
type FieldConfig struct {
	Defaults FieldDefaults `json:"defaults"`
}

// FieldDefaults are a panel's field defaults.
type FieldDefaults struct {
	Unit       string      `json:"unit"`
	Thresholds *Thresholds `json:"thresholds,omitempty"`
}

// Thresholds colour values beyond the objective.
type Thresholds struct {
	Mode  string          `json:"mode"`
	Steps []ThresholdStep `json:"steps"`
}

// ThresholdStep is one threshold; a nil Value is the base.
type ThresholdStep struct {
	Color string   `json:"color"`
	Value *float64 `json:"value"`
}

// SLODashboardFile is the file name of the project's SLO dashboard.
const SLODashboardFile = "kafka-slo.json"

var promDS = Datasource{Type: "prometheus", UID: "${datasource}"}

func objective(v float64) *Thresholds {
	return &Thresholds{Mode: "absolute", Steps: []ThresholdStep{{Color: "green"}, {Color: "red", Value: &v}}}
}

// latencyTargets are p50/p99/p99.9 per zone of a canary histogram.
func latencyTargets(metric string) []Target {
	var ts []Target
	for i, q := range []string{"0.5", "0.99", "0.999"} {
		ts = append(ts, Target{
			RefID:        string(rune('A' + i)),
			Expr:         fmt.Sprintf(`histogram_quantile(%s, sum by (zone, le) (rate(%s_bucket{job=%q,zone=~"$zone"}[$__rate_interval])))`, q, metric, JobCanary),
			LegendFormat: "{{zone}} p" + map[string]string{"0.5": "50", "0.99": "99", "0.999": "99.9"}[q],
		})
	}
	return ts
}

// SLODashboard is the per-zone SLO dashboard for cluster (namespace ns).
func SLODashboard(a RuleArgs) Dashboard {
	sel := fmt.Sprintf(`namespace=%q,strimzi_io_cluster=%q`, a.KafkaNamespace, a.ClusterName)
	budget := 1 - AvailabilityObjective
	panels := []Panel{
		{Type: "timeseries", Title: "Produce-ack latency by zone (SLO p99 < 5 ms)", Targets: latencyTargets("kafka_canary_produce_ack_seconds"),
			FieldConfig: FieldConfig{Defaults: FieldDefaults{Unit: "s", Thresholds: objective(0.005)}}},
		{Type: "timeseries", Title: "Produce-to-consume latency by zone (SLO p99 < 8 ms)", Targets: latencyTargets("kafka_canary_e2e_seconds"),
			FieldConfig: FieldConfig{Defaults: FieldDefaults{Unit: "s", Thresholds: objective(0.008)}}},
		{Type: "timeseries", Title: fmt.Sprintf("Strategy engine lag (SLO < %d records)", a.LagAlertRecords), Targets: []Target{{RefID: "A",
			Expr:         fmt.Sprintf(`sum by (topic) (kafka_consumergroup_lag{job=%q,%s,consumergroup=%q})`, JobKafkaExporter, sel, a.StrategyConsumerGroup),
			LegendFormat: "{{topic}}"}},
			FieldConfig: FieldConfig{Defaults: FieldDefaults{Unit: "short", Thresholds: objective(float64(a.LagAlertRecords))}}},
		{Type: "stat", Title: "Under-replicated partitions (SLO 0)", Targets: []Target{{RefID: "A",
			Expr: fmt.Sprintf(`sum(kafka_server_replicamanager_underreplicatedpartitions{job=%q,%s})`, JobBroker, sel)}},
			FieldConfig: FieldConfig{Defaults: FieldDefaults{Unit: "short", Thresholds: objective(1)}}},
		{Type: "stat", Title: "Offline partitions (SLO 0)", Targets: []Target{{RefID: "A",
			Expr: fmt.Sprintf(`sum(kafka_controller_kafkacontroller_offlinepartitionscount{job=~"%s|%s",%s})`, JobBroker, JobController, sel)}},
			FieldConfig: FieldConfig{Defaults: FieldDefaults{Unit: "short", Thresholds: objective(1)}}},
		{Type: "stat", Title: "Active controllers (SLO 1)", Targets: []Target{{RefID: "A",
			Expr: fmt.Sprintf(`sum(kafka_controller_kafkacontroller_activecontrollercount{job=%q,%s})`, JobController, sel)}},
			FieldConfig: FieldConfig{Defaults: FieldDefaults{Unit: "short"}}},
		{Type: "stat", Title: "Availability error budget left (30 days, 99.99%)", Targets: []Target{{RefID: "A",
			Expr: fmt.Sprintf(`1 - avg_over_time(kafka:node_unavailability:ratio{strimzi_io_cluster=%q}[30d]) / %g`, a.ClusterName, budget)}},
			FieldConfig: FieldConfig{Defaults: FieldDefaults{Unit: "percentunit"}}},
		{Type: "timeseries", Title: "Availability burn rate (page at 14.4x over 1h, 6x over 6h)", Targets: []Target{
			{RefID: "A", Expr: fmt.Sprintf(`%s / %g`, availabilityRecord("1h"), budget), LegendFormat: "1h"},
			{RefID: "B", Expr: fmt.Sprintf(`%s / %g`, availabilityRecord("6h"), budget), LegendFormat: "6h"},
		}, FieldConfig: FieldConfig{Defaults: FieldDefaults{Unit: "short", Thresholds: objective(fastBurnRate)}}},
		{Type: "timeseries", Title: "Broker Produce / Fetch total time p99 (ms)", Targets: []Target{{RefID: "A",
			Expr:         fmt.Sprintf(`max by (request) (kafka_network_requestmetrics_totaltimems{job=%q,%s,request=~"Produce|FetchConsumer|FetchFollower",quantile="0.99"})`, JobBroker, sel),
			LegendFormat: "{{request}}"}},
			FieldConfig: FieldConfig{Defaults: FieldDefaults{Unit: "ms"}}},
		{Type: "timeseries", Title: "ISR shrinks per second", Targets: []Target{{RefID: "A",
			Expr:         fmt.Sprintf(`sum by (kubernetes_pod_name) (rate(kafka_server_replicamanager_isrshrinkspersec_total{job=%q,%s}[$__rate_interval]))`, JobBroker, sel),
			LegendFormat: "{{kubernetes_pod_name}}"}},
			FieldConfig: FieldConfig{Defaults: FieldDefaults{Unit: "ops"}}},
		{Type: "timeseries", Title: "NVMe hot window usage", Targets: []Target{{RefID: "A",
			Expr:         fmt.Sprintf(`1 - node_filesystem_avail_bytes{mountpoint=%[1]q} / node_filesystem_size_bytes{mountpoint=%[1]q}`, a.NVMeMountPath),
			LegendFormat: "{{instance}}"}},
			FieldConfig: FieldConfig{Defaults: FieldDefaults{Unit: "percentunit", Thresholds: objective(0.8)}}},
		{Type: "timeseries", Title: "Canary records lost / duplicated", Targets: []Target{
			{RefID: "A", Expr: fmt.Sprintf(`sum by (zone) (increase(kafka_canary_records_gap_total{job=%q,zone=~"$zone"}[$__rate_interval]))`, JobCanary), LegendFormat: "{{zone}} lost"},
			{RefID: "B", Expr: fmt.Sprintf(`sum by (zone) (increase(kafka_canary_records_duplicate_total{job=%q,zone=~"$zone"}[$__rate_interval]))`, JobCanary), LegendFormat: "{{zone}} duplicate"},
		}, FieldConfig: FieldConfig{Defaults: FieldDefaults{Unit: "short"}}},
	}
	if a.MirrorMaker2 {
		panels = append(panels, Panel{Type: "timeseries", Title: fmt.Sprintf("MirrorMaker 2 replication latency (RPO %d s)", a.MirrorLagAlertSeconds),
			Targets:     []Target{{RefID: "A", Expr: fmt.Sprintf(`max by (topic) (kafka_connect_mirror_mirrorsourceconnector_replication_latency_ms_max{job=%q})`, JobMirrorMaker2), LegendFormat: "{{topic}}"}},
			FieldConfig: FieldConfig{Defaults: FieldDefaults{Unit: "ms", Thresholds: objective(float64(a.MirrorLagAlertSeconds * 1000))}}})
	}
	for i := range panels {
		panels[i].ID = i + 1
		panels[i].Datasource = promDS
		// Two columns of 12x8 panels.
		panels[i].GridPos = GridPos{H: 8, W: 12, X: (i % 2) * 12, Y: (i / 2) * 8}
		for j := range panels[i].Targets {
			if panels[i].Targets[j].RefID == "" {
				panels[i].Targets[j].RefID = "A"
			}
		}
	}
	return Dashboard{
		UID: "kafka-platform-slo", Title: "Kafka SLO (" + a.ClusterName + ")", Tags: []string{"kafka", "slo"},
		Timezone: "utc", SchemaVersion: 39, Refresh: "30s", Time: TimeRange{From: "now-6h", To: "now"},
		Templating: Templating{List: []Variable{
			{Name: "datasource", Label: "Data source", Type: "datasource", Query: "prometheus"},
			{Name: "zone", Label: "Zone", Type: "query", Datasource: &promDS, Multi: true, IncludeAll: true, Refresh: 2,
				Query: fmt.Sprintf(`label_values(kafka_canary_up{job=%q}, zone)`, JobCanary)},
		}},
		Panels: panels,
	}
}

// Dashboards returns the project's own dashboards, file name to JSON.
// Strimzi's upstream dashboards are not here: Grafana downloads them from
// URLs pinned to the Strimzi tag (see StrimziDashboardURL).
func Dashboards(a RuleArgs) (map[string][]byte, error) {
	b, err := json.MarshalIndent(SLODashboard(a), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("marshal SLO dashboard: %w", err)
	}
	return map[string][]byte{SLODashboardFile: b}, nil
}
