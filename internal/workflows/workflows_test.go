package workflows

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"sigs.k8s.io/yaml"
)

const dir = "../../.github/workflows"

func linter(t *testing.T) *actionlint.Linter {
	t.Helper()
	opts := &actionlint.LinterOptions{ConfigFile: "../../.github/actionlint.yaml"}
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Fatal("shellcheck not installed (apt-get install shellcheck; .ci/run does): the workflows' run: scripts must be shellchecked")
	}
	opts.Shellcheck = sc
	l, err := actionlint.NewLinter(io.Discard, opts)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func workflowFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"*.yml", "*.yaml"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no workflows in %s", dir)
	}
	return files
}

// TestWorkflowsLintClean: actionlint reports nothing on any workflow.
func TestWorkflowsLintClean(t *testing.T) {
	l := linter(t)
	for _, f := range workflowFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		errs, err := l.Lint(f, b, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range errs {
			t.Errorf("%s:%d:%d: %s [%s]", filepath.Base(f), e.Line, e.Column, e.Message, e.Kind)
		}
	}
}

// TestLinterCatchesBrokenWorkflows proves the lint above can fail: each
// broken workflow must produce at least one error of the expected kind.
func TestLinterCatchesBrokenWorkflows(t *testing.T) {
	cases := map[string]struct{ kind, yaml string }{
		"unknown job key": {"syntax-check", `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    enviroment: production
    steps:
      - run: echo hi
`},
		"undefined expression context": {"expression", `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo ${{ secretz.TOKEN }}
`},
		"needs an unknown job": {"job-needs", `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    needs: nope
    steps:
      - run: echo hi
`},
		"bad action input": {"action", `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          no-such-input: x
`},
	}
	l := linter(t)
	for name, c := range cases {
		errs, err := l.Lint("broken.yml", []byte(c.yaml), nil)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range errs {
			if e.Kind == c.kind {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: actionlint found no %s error (got %d errors: %v)", name, c.kind, len(errs), errs)
		}
	}
}

type workflow struct {
	On map[string]any `json:"on"`
	// OnYAML11 catches `on:` read as the YAML 1.1 boolean true, which is
	// what sigs.k8s.io/yaml does with that key.
	OnYAML11    map[string]any `json:"true"`
	Permissions map[string]any `json:"permissions"`
	Jobs        map[string]struct {
		Needs       any               `json:"needs"`
		Environment any               `json:"environment"`
		Permissions map[string]string `json:"permissions"`
		Steps       []struct {
			Uses string            `json:"uses"`
			Run  string            `json:"run"`
			With map[string]string `json:"with"`
			Env  map[string]string `json:"env"`
		} `json:"steps"`
	} `json:"jobs"`
}

func load(t *testing.T, name string) workflow {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestDeploymentGuarantees checks what actionlint cannot: every job that
// talks to AWS assumes a role through OIDC (id-token: write, role-to-assume,
// no access keys); every preview/up runs the policy pack after installing
// the OPA analyzer; ups sit behind the production environment, dr after prod.
func TestDeploymentGuarantees(t *testing.T) {
	for _, f := range workflowFiles(t) {
		name := filepath.Base(f)
		raw, _ := os.ReadFile(f)
		for _, bad := range []string{"aws-access-key-id", "aws-secret-access-key", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
			if strings.Contains(string(raw), bad) {
				t.Errorf("%s mentions %s: use OIDC (role-to-assume), not stored keys", name, bad)
			}
		}
		w := load(t, name)
		for jn, j := range w.Jobs {
			usesAWS, analyzer, pulumiCmd := false, false, ""
			for _, s := range j.Steps {
				if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") {
					usesAWS = true
					if s.With["role-to-assume"] == "" {
						t.Errorf("%s job %s: configure-aws-credentials without role-to-assume", name, jn)
					}
				}
				if strings.Contains(s.Run, "pulumi plugin install analyzer policy-opa") {
					analyzer = true
				}
				if strings.Contains(s.Run, "pulumi preview") || strings.Contains(s.Run, "pulumi up") {
					pulumiCmd = s.Run
					if !strings.Contains(s.Run, "--policy-pack policy") {
						t.Errorf("%s job %s runs %q without --policy-pack policy", name, jn, s.Run)
					}
					if !analyzer {
						t.Errorf("%s job %s runs pulumi before installing the policy-opa analyzer", name, jn)
					}
				}
			}
			if usesAWS && j.Permissions["id-token"] != "write" {
				t.Errorf("%s job %s assumes an AWS role but lacks permissions id-token: write", name, jn)
			}
			if strings.Contains(pulumiCmd, "pulumi up") && j.Environment != "production" {
				t.Errorf("%s job %s runs pulumi up outside environment production (got %v)", name, jn, j.Environment)
			}
		}
	}
	d := load(t, "deploy.yml")
	if d.Jobs["up-dr"].Needs != "up-prod" {
		t.Errorf("deploy.yml: up-dr needs %v, want up-prod (dr reads prod's outputs)", d.Jobs["up-dr"].Needs)
	}
	if d.Jobs["up-prod"].Needs != "test" {
		t.Errorf("deploy.yml: up-prod needs %v, want test", d.Jobs["up-prod"].Needs)
	}
	if _, ok := triggers(load(t, "pull-request.yml"))["pull_request"]; !ok {
		t.Error("pull-request.yml does not run on pull_request")
	}
	if _, ok := triggers(d)["push"]; !ok {
		t.Error("deploy.yml does not run on push")
	}
}

func triggers(w workflow) map[string]any {
	if w.On != nil {
		return w.On
	}
	return w.OnYAML11
}
