package observability

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/tradingfirm/kafka-platform/internal/topology"
)

// testRuleArgs are the arguments the promtool test files in testdata/ are
// written for (thresholds and label values appear in their series).
func testRuleArgs() RuleArgs {
	return RuleArgs{
		KafkaNamespace: "kafka", ClusterName: "trading",
		Brokers: 6, Controllers: 3, CanaryZones: 3,
		StrategyConsumerGroup: "strategy-engine", LagAlertRecords: 1000,
		MirrorMaker2: true, MirrorLagAlertSeconds: 60,
		TieredCopyLagAlertBytes: 10 << 30,
		NVMeMountPath:           topology.NVMeMountPath,
		RunbookBaseURL:          "https://github.com/tradingfirm/kafka-platform/blob/main/docs/runbooks",
	}
}

// promtool returns the promtool binary or fails the test: the rule tests are
// a required check, not an optional one.
func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatalf("promtool not found on PATH: apt-get install prometheus (Debian package that ships promtool)")
	}
	return p
}

// writeRules writes the rule file and every testdata/*.test.yaml into a
// temporary directory and returns it.
func writeRules(t *testing.T, a RuleArgs) (dir string, tests []string) {
	t.Helper()
	dir = t.TempDir()
	files, err := RuleFiles(a)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	matches, err := filepath.Glob("testdata/*.test.yaml")
	if err != nil || len(matches) == 0 {
		t.Fatalf("no promtool tests in testdata/: %v", err)
	}
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, filepath.Base(m))
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
		tests = append(tests, dst)
	}
	sort.Strings(tests)
	return dir, tests
}

func TestRulesPassPromtoolCheck(t *testing.T) {
	bin := promtool(t)
	for _, mm2 := range []bool{true, false} {
		a := testRuleArgs()
		a.MirrorMaker2 = mm2
		dir, _ := writeRules(t, a)
		out, err := exec.Command(bin, "check", "rules", filepath.Join(dir, RuleFileName)).CombinedOutput()
		if err != nil {
			t.Fatalf("promtool check rules (mirrorMaker2=%v): %v\n%s", mm2, err, out)
		}
	}
}

func TestRulesPassPromtoolUnitTests(t *testing.T) {
	bin := promtool(t)
	dir, tests := writeRules(t, testRuleArgs())
	cmd := exec.Command(bin, append([]string{"test", "rules"}, tests...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}

// promtoolTest is the part of a promtool test file this check reads.
type promtoolTest struct {
	Tests []struct {
		AlertRuleTests []struct {
			EvalTime  string `json:"eval_time"`
			AlertName string `json:"alertname"`
			ExpAlerts []struct {
				ExpLabels      map[string]string `json:"exp_labels"`
				ExpAnnotations map[string]string `json:"exp_annotations"`
			} `json:"exp_alerts"`
		} `json:"alert_rule_test"`
	} `json:"tests"`
}

// TestEveryAlertHasFiringAndSilentCase cross-checks the rule file against
// testdata: each alert needs a case where it fires (with its labels and
// annotations asserted) and a case where it stays silent.
func TestEveryAlertHasFiringAndSilentCase(t *testing.T) {
	firing, silent := map[string]bool{}, map[string]bool{}
	matches, _ := filepath.Glob("testdata/*.test.yaml")
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		var pt promtoolTest
		if err := yaml.Unmarshal(b, &pt); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		for _, tc := range pt.Tests {
			for _, at := range tc.AlertRuleTests {
				if len(at.ExpAlerts) == 0 {
					silent[at.AlertName] = true
					continue
				}
				for _, ea := range at.ExpAlerts {
					if ea.ExpLabels["severity"] == "" || ea.ExpAnnotations["runbook_url"] == "" || ea.ExpAnnotations["summary"] == "" {
						t.Errorf("%s: firing case of %s must assert severity, summary and runbook_url", m, at.AlertName)
					}
				}
				firing[at.AlertName] = true
			}
		}
	}
	for _, name := range AlertNames(Rules(testRuleArgs())) {
		if !firing[name] {
			t.Errorf("alert %s has no firing case in testdata/*.test.yaml", name)
		}
		if !silent[name] {
			t.Errorf("alert %s has no silent (healthy) case in testdata/*.test.yaml", name)
		}
	}
}

func TestEveryAlertIsAnnotatedAndHasARunbook(t *testing.T) {
	anchorRe := regexp.MustCompile(`^https://github.com/tradingfirm/kafka-platform/blob/main/docs/runbooks/([a-z-]+)\.md#([a-z0-9]+)$`)
	for _, g := range Rules(testRuleArgs()).Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			if s := Severity(r.Labels["severity"]); s != SeverityCritical && s != SeverityWarning {
				t.Errorf("%s: severity %q", r.Alert, s)
			}
			for _, k := range []string{"summary", "description", "runbook_url"} {
				if r.Annotations[k] == "" {
					t.Errorf("%s: no %s annotation", r.Alert, k)
				}
			}
			m := anchorRe.FindStringSubmatch(r.Annotations["runbook_url"])
			if m == nil {
				t.Errorf("%s: runbook_url %q is not a docs/runbooks link", r.Alert, r.Annotations["runbook_url"])
				continue
			}
			doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "runbooks", m[1]+".md"))
			if err != nil {
				t.Errorf("%s: runbook docs/runbooks/%s.md: %v", r.Alert, m[1], err)
				continue
			}
			// GitHub anchors a "## KafkaFooBar" heading as #kafkafoobar.
			if !bytes.Contains(doc, []byte("\n## "+r.Alert+"\n")) || strings.ToLower(r.Alert) != m[2] {
				t.Errorf("%s: docs/runbooks/%s.md has no '## %s' section", r.Alert, m[1], r.Alert)
			}
		}
	}
}

func TestEverySLORowHasAnAlert(t *testing.T) {
	for _, mm2 := range []bool{true, false} {
		a := testRuleArgs()
		a.MirrorMaker2 = mm2
		bySLO := map[string][]string{}
		for _, g := range Rules(a).Groups {
			for _, r := range g.Rules {
				if r.Alert != "" && r.Labels[SLOLabel] == "true" {
					bySLO[r.Labels["slo_id"]] = append(bySLO[r.Labels["slo_id"]], r.Alert)
				}
			}
		}
		known := map[string]bool{}
		for _, s := range SLOs {
			known[s.ID] = true
			got := bySLO[s.ID]
			if s.DROnly && !mm2 {
				if len(got) != 0 {
					t.Errorf("SLO %s is DR-only but has alerts without MirrorMaker 2: %v", s.ID, got)
				}
				continue
			}
			sort.Strings(got)
			want := append([]string(nil), s.Alerts...)
			sort.Strings(want)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("SLO %s (%s): alerts %v, want %v", s.ID, s.Objective, got, want)
			}
		}
		for id := range bySLO {
			if !known[id] {
				t.Errorf("alerts carry slo_id %q which is not a row of SLOs", id)
			}
		}
	}
}

// TestRuleThresholdsFollowArgs guards against thresholds hard-coded in the
// expressions instead of taken from the config.
func TestRuleThresholdsFollowArgs(t *testing.T) {
	a := testRuleArgs()
	a.LagAlertRecords, a.MirrorLagAlertSeconds, a.Brokers = 2500, 90, 9
	exprs := map[string]string{}
	for _, g := range Rules(a).Groups {
		for _, r := range g.Rules {
			exprs[r.Alert+r.Record] = r.Expr
		}
	}
	for name, want := range map[string]string{
		"KafkaStrategyConsumerLagHigh":       "> 2500",
		"KafkaMirrorMakerReplicationLagHigh": "> 90000",
		"kafka:node_unavailability:ratio":    "/ 12)",
	} {
		if !strings.Contains(exprs[name], want) {
			t.Errorf("%s: expr %q does not contain %q", name, exprs[name], want)
		}
	}
}
