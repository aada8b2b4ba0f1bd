package policy

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestPackLoadsLikeTheAnalyzer compiles the pack from disk the way the
// analyzer walks it and checks it matches the embedded copy, that every
// policy has the # METADATA texts the analyzer shows, and that the
// manifest declares the OPA runtime.
func TestPackLoadsLikeTheAnalyzer(t *testing.T) {
	embedded, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	disk, err := LoadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	if embedded.Name != "kafka_platform" || disk.Name != embedded.Name {
		t.Fatalf("package: embedded %q, disk %q, want kafka_platform", embedded.Name, disk.Name)
	}
	names := func(p *Pack) []string {
		var out []string
		for _, r := range p.Rules {
			out = append(out, r.Name)
		}
		return out
	}
	if !reflect.DeepEqual(names(embedded), names(disk)) {
		t.Fatalf("embedded rules %v differ from the rules the analyzer would load from disk %v (a .rego file outside the embed pattern?)", names(embedded), names(disk))
	}
	if len(embedded.Rules) < 15 {
		t.Fatalf("only %d rules loaded: %v", len(embedded.Rules), names(embedded))
	}
	for _, r := range embedded.Rules {
		if r.Title == "" || r.Description == "" || r.Message == "" {
			t.Errorf("rule %s (%s.rego) lacks # METADATA title/description/custom.message: %+v", r.Name, r.File, r)
		}
	}
	b, err := os.ReadFile("PulumiPolicy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var manifest map[string]any
	if err := yaml.Unmarshal(b, &manifest); err != nil {
		t.Fatal(err)
	}
	if manifest["runtime"] != "opa" || manifest["description"] == "" {
		t.Errorf("PulumiPolicy.yaml: runtime %v description %v, want runtime opa and a description", manifest["runtime"], manifest["description"])
	}
}

// TestOnePolicyPerFile keeps the house rule: each rule file holds exactly one
// policy, named like the file.
func TestOnePolicyPerFile(t *testing.T) {
	p, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	byFile := map[string][]string{}
	for _, r := range p.Rules {
		byFile[r.File] = append(byFile[r.File], r.Name)
	}
	files, _ := filepath.Glob("*.rego")
	sort.Strings(files)
	for _, f := range files {
		mod := strings.TrimSuffix(f, ".rego")
		got := byFile[mod]
		if mod == "lib" {
			if len(got) != 0 {
				t.Errorf("lib.rego holds policies %v; it is for helpers only", got)
			}
			continue
		}
		if len(got) != 1 || got[0] != mod {
			t.Errorf("%s holds policies %v, want exactly [%s]", f, got, mod)
		}
	}
}

// TestClassifyMatchesAnalyzerPrefixes pins the prefix rules.
func TestClassifyMatchesAnalyzerPrefixes(t *testing.T) {
	cases := []struct {
		name  string
		level Level
		scope Scope
		ok    bool
	}{
		{"deny", Mandatory, ResourceScope, true},
		{"deny_s3_acl", Mandatory, ResourceScope, true},
		{"violation_x", Mandatory, ResourceScope, true},
		{"warn_cost", Advisory, ResourceScope, true},
		{"stack_deny_zone_loss", Mandatory, StackScope, true},
		{"stack_violation", Mandatory, StackScope, true},
		{"stack_warn_nvme", Advisory, StackScope, true},
		{"denylist", "", "", false},
		{"deny-x", "", "", false},
		{"kafka_type", "", "", false},
		{"listener_mtls_problem", "", "", false},
	}
	for _, c := range cases {
		l, s, ok := classify(c.name)
		if l != c.level || s != c.scope || ok != c.ok {
			t.Errorf("classify(%q) = %v %v %v, want %v %v %v", c.name, l, s, ok, c.level, c.scope, c.ok)
		}
	}
}
