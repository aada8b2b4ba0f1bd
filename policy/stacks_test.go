package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/tradingfirm/kafka-platform/internal/offline"
)

// The real stacks are rendered in-process with the same code cmd/render
// runs (internal/offline), from the repository's Pulumi.yaml and stack
// files, so `go test ./policy/` alone checks what `make render` writes.
var (
	renderOnce sync.Once
	rendered   map[string]*stackDoc
	renderErr  error
)

func realStacks(t *testing.T) map[string]*stackDoc {
	t.Helper()
	renderOnce.Do(func() { rendered, renderErr = renderBoth() })
	if renderErr != nil {
		t.Fatalf("render the real stacks: %v", renderErr)
	}
	return rendered
}

func renderBoth() (map[string]*stackDoc, error) {
	out := map[string]*stackDoc{}
	prod, err := offline.Render(offline.Options{Dir: "..", Stack: "prod"})
	if err != nil {
		return nil, fmt.Errorf("prod: %w", err)
	}
	dir, err := os.MkdirTemp("", "policy-render")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	outs, err := json.Marshal(prod.Outputs)
	if err != nil {
		return nil, err
	}
	refPath := filepath.Join(dir, "outputs.json")
	if err := os.WriteFile(refPath, outs, 0o600); err != nil {
		return nil, err
	}
	dr, err := offline.Render(offline.Options{Dir: "..", Stack: "dr", StackRefOutputs: refPath})
	if err != nil {
		return nil, fmt.Errorf("dr: %w", err)
	}
	// The DR stack's other network path (drNetworkPath: transit-gateway),
	// rendered like internal/stack's TestDRTransitGatewayExact does: the
	// repository's Pulumi.yaml and Pulumi.dr.yaml with the key added, in a
	// temporary project directory.
	tgwDir, err := tgwProject(dir)
	if err != nil {
		return nil, err
	}
	tgw, err := offline.Render(offline.Options{Dir: tgwDir, Stack: "dr", StackRefOutputs: refPath})
	if err != nil {
		return nil, fmt.Errorf("dr (transit-gateway): %w", err)
	}
	for name, r := range map[string][]map[string]any{"prod": prod.AnalyzerInputs(), "dr": dr.AnalyzerInputs(), "dr-tgw": tgw.AnalyzerInputs()} {
		b, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		var rs []map[string]any
		if err := json.Unmarshal(b, &rs); err != nil {
			return nil, err
		}
		out[name] = &stackDoc{rs: rs}
	}
	return out, nil
}

// tgwProject writes, below parent, a project directory holding the
// repository's Pulumi.yaml and Pulumi.dr.yaml with drNetworkPath:
// transit-gateway added.
func tgwProject(parent string) (string, error) {
	dir := filepath.Join(parent, "dr-tgw")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", err
	}
	return dir, offline.WriteVariant("..", "dr", dir, map[string]string{"drNetworkPath": "transit-gateway"})
}

// realStackNames are the rendered stacks every real-stack test covers:
// prod, dr (VPC peering, the default) and dr-tgw (drNetworkPath:
// transit-gateway).
var realStackNames = []string{"prod", "dr", "dr-tgw"}

// TestRealStacksPass: both rendered stacks have zero mandatory violations.
// Advisory findings are logged.
func TestRealStacksPass(t *testing.T) {
	p := mustLoad(t)
	for _, name := range realStackNames {
		s := realStacks(t)[name]
		rep := evaluate(t, p, s)
		if mv := rep.Mandatory(); len(mv) > 0 {
			t.Errorf("stack %s has %d mandatory violations:%s", name, len(mv), describe(mv))
		}
		t.Logf("stack %s: %d resources, advisory:%s", name, rep.Resources, describe(rep.Advisory()))
	}
}

// TestMutationKillRate applies every mutation to every real stack it fits,
// re-evaluates the targeted rule and counts a kill only for a new violation
// carrying the expected message. It fails below 100% and when a mandatory
// rule is killed by no mutation of a real stack.
func TestMutationKillRate(t *testing.T) {
	p := mustLoad(t)
	stacks := realStacks(t)
	applied, killed := 0, 0
	killedRules := map[string][]string{}
	var lines []string
	for _, name := range realStackNames {
		base := stacks[name]
		baseline := map[string]bool{}
		rep, err := p.Evaluate(context.Background(), base.rs)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range rep.Violations {
			baseline[v.Rule+"|"+v.Message] = true
		}
		for _, m := range mutations {
			s := base.clone()
			if !m.apply(s) {
				lines = append(lines, fmt.Sprintf("%-6s n/a    %s", name, m.name))
				continue
			}
			applied++
			rep, err := p.Only(m.rule).Evaluate(context.Background(), s.rs)
			if err != nil {
				t.Fatal(err)
			}
			hit := false
			for _, v := range rep.Violations {
				if strings.Contains(v.Message, m.want) && !baseline[v.Rule+"|"+v.Message] {
					hit = true
					break
				}
			}
			if hit {
				killed++
				killedRules[m.rule] = append(killedRules[m.rule], name+": "+m.name)
				lines = append(lines, fmt.Sprintf("%-6s killed %s (%s)", name, m.name, m.rule))
			} else {
				lines = append(lines, fmt.Sprintf("%-6s SURVIVED %s: %s reported%s", name, m.name, m.rule, describe(rep.Violations)))
				t.Errorf("stack %s: mutation %q survived: %s did not report %q", name, m.name, m.rule, m.want)
			}
		}
	}
	t.Logf("mutations:\n%s", strings.Join(lines, "\n"))
	if applied == 0 {
		t.Fatal("no mutation applied to the real stacks")
	}
	rate := float64(killed) / float64(applied) * 100
	t.Logf("kill rate: %d/%d = %.1f%%", killed, applied, rate)
	if killed < applied {
		t.Errorf("kill rate %.1f%% is under 100%%", rate)
	}
	var uncovered []string
	for _, r := range p.Rules {
		if r.Level == Mandatory && len(killedRules[r.Name]) == 0 {
			uncovered = append(uncovered, r.Name)
		}
	}
	sort.Strings(uncovered)
	if len(uncovered) > 0 {
		t.Errorf("mandatory rules no mutation of a real stack kills: %v", uncovered)
	}
}

// zoneCounts evaluates the zone rule's own placement computation
// (zone_counts) for role on every Kafka cluster of s: cluster -> zone -> pods.
func zoneCounts(t *testing.T, s *stackDoc, role string) map[string]map[string]int {
	t.Helper()
	modules := map[string]string{}
	err := fs.WalkDir(packFS, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".rego" {
			b, rerr := packFS.ReadFile(path)
			modules[path] = string(b)
			return rerr
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	compiler, err := ast.CompileModulesWithOpt(modules, ast.CompileOpts{ParserOptions: ast.ParserOptions{RegoVersion: ast.RegoV0}})
	if err != nil {
		t.Fatal(err)
	}
	in, err := plain(map[string]any{"resources": s.rs})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rego.New(
		rego.Query(`out := {label(k): zone_counts(k, role) | k := kafka_cluster[_]}`),
		rego.Package("kafka_platform"), rego.Compiler(compiler), rego.SetRegoVersion(ast.RegoV0),
		rego.Input(in), rego.Imports([]string{"data.kafka_platform"}),
		rego.Module("role.rego", fmt.Sprintf("package kafka_platform\nrole := %q\n", role)),
	).Eval(context.Background())
	if err != nil || len(rs) != 1 {
		t.Fatalf("zone_counts(%s): %v %v", role, rs, err)
	}
	b, _ := json.Marshal(rs[0].Bindings["out"])
	var out map[string]map[string]int
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRealStacksZonePlacement: the zone rule sees the real placement -
// spread node pools over the zones of the node groups their role label
// selects - as 3 zones with 2+2+2 brokers and 1+1+1 controllers in prod and
// 1+1+1 / 1+1+1 in dr, not merely "no violation".
func TestRealStacksZonePlacement(t *testing.T) {
	stacks := realStacks(t)
	for _, c := range []struct {
		stack                string
		brokers, controllers int // per zone
	}{{"prod", 2, 1}, {"dr", 1, 1}} {
		for role, per := range map[string]int{"broker": c.brokers, "controller": c.controllers} {
			got := zoneCounts(t, stacks[c.stack], role)
			if len(got) != 1 {
				t.Fatalf("%s: want one Kafka cluster, got %v", c.stack, got)
			}
			for k, zones := range got {
				if len(zones) != 3 {
					t.Errorf("%s %s %ss in %d zones %v, want 3", c.stack, k, role, len(zones), zones)
				}
				for z, n := range zones {
					if n != per {
						t.Errorf("%s %s: %d %ss in %s, want %d", c.stack, k, n, role, z, per)
					}
				}
				t.Logf("%s %s %ss by zone: %v", c.stack, k, role, zones)
			}
		}
	}
}
