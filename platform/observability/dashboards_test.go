package observability

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestSLODashboardParsesAndQueriesAreValidPromQL parses the dashboard JSON
// back, checks the panels the SLO needs exist, and has promtool parse every
// query (written as recording rules, Grafana variables substituted).
func TestSLODashboardParsesAndQueriesAreValidPromQL(t *testing.T) {
	bin := promtool(t)
	files, err := Dashboards(testRuleArgs())
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(files[SLODashboardFile], &d); err != nil {
		t.Fatalf("dashboard is not JSON: %v", err)
	}
	var exprs []string
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	all := strings.Join(exprs, "\n")
	for _, want := range []string{
		`histogram_quantile(0.5, sum by (zone, le) (rate(kafka_canary_produce_ack_seconds_bucket`,
		`histogram_quantile(0.99, sum by (zone, le) (rate(kafka_canary_produce_ack_seconds_bucket`,
		`histogram_quantile(0.999, sum by (zone, le) (rate(kafka_canary_produce_ack_seconds_bucket`,
		`histogram_quantile(0.5, sum by (zone, le) (rate(kafka_canary_e2e_seconds_bucket`,
		`histogram_quantile(0.99, sum by (zone, le) (rate(kafka_canary_e2e_seconds_bucket`,
		`histogram_quantile(0.999, sum by (zone, le) (rate(kafka_canary_e2e_seconds_bucket`,
		`kafka_consumergroup_lag{`,
		`kafka_server_replicamanager_underreplicatedpartitions{`,
		`avg_over_time(kafka:node_unavailability:ratio{strimzi_io_cluster="trading"}[30d])`,
		`kafka_network_requestmetrics_totaltimems{`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("SLO dashboard has no query with %s", want)
		}
	}
	var rf RuleFile
	g := RuleGroup{Name: "dashboard-queries"}
	replacer := strings.NewReplacer(`$__rate_interval`, `1m`, `$zone`, `.*`)
	for i, e := range exprs {
		g.Rules = append(g.Rules, Rule{Record: fmt.Sprintf("dashboard:query%d", i), Expr: replacer.Replace(e)})
	}
	rf.Groups = []RuleGroup{g}
	b, _ := yaml.Marshal(rf)
	f := filepath.Join(t.TempDir(), "dashboard-queries.yaml")
	if err := os.WriteFile(f, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "check", "rules", f).CombinedOutput(); err != nil {
		t.Fatalf("dashboard queries are not valid PromQL: %v\n%s", err, out)
	}
}
