package offline

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderedRuleFilesPassPromtool runs `promtool check rules` on the rule
// files exactly as both stacks' renders write them (the alert rules' own
// unit tests live in platform/observability; this proves the files the
// render hands to operators are what promtool accepts).
func TestRenderedRuleFilesPassPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatal("promtool not found: apt-get install prometheus (.ci/run does)")
	}
	p, d := renderBoth(t)
	for _, r := range []*Rendered{p, d} {
		files, err := r.Files()
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		var rules []string
		for name, b := range files {
			if !strings.HasPrefix(name, "prometheus-rules/") {
				continue
			}
			path := filepath.Join(dir, filepath.Base(name))
			must(t, os.WriteFile(path, b, 0o644))
			rules = append(rules, path)
		}
		if len(rules) == 0 {
			t.Fatalf("%s: the render wrote no prometheus-rules/ files", r.Stack)
		}
		out, err := exec.Command(promtool, append([]string{"check", "rules"}, rules...)...).CombinedOutput()
		if err != nil {
			t.Errorf("%s: promtool check rules:\n%s", r.Stack, out)
		}
		if !strings.Contains(string(out), "SUCCESS") {
			t.Errorf("%s: promtool did not report success:\n%s", r.Stack, out)
		}
	}
}
