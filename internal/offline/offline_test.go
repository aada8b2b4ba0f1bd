package offline

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/config"
	"github.com/tradingfirm/kafka-platform/internal/render"
	"github.com/tradingfirm/kafka-platform/internal/stack"
)

// repoRoot is where Pulumi.yaml and the stack files live.
const repoRoot = "../.."

var (
	once             sync.Once
	prod, dr         *Rendered
	prodErr, drErr   error
	prodOutputsFile  string
	renderedFilesDir string
)

// renderBoth renders prod, writes its outputs.json, then renders dr reading
// it, exactly as `make render` does. Shared by the tests of this package.
func renderBoth(t *testing.T) (*Rendered, *Rendered) {
	t.Helper()
	once.Do(func() {
		prod, prodErr = Render(Options{Dir: repoRoot, Stack: "prod"})
		if prodErr != nil {
			return
		}
		files, err := prod.Files()
		if err != nil {
			prodErr = err
			return
		}
		renderedFilesDir, _ = os.MkdirTemp("", "render-test-")
		prodOutputsFile = filepath.Join(renderedFilesDir, "outputs.json")
		if err := os.WriteFile(prodOutputsFile, files["outputs.json"], 0o644); err != nil {
			prodErr = err
			return
		}
		dr, drErr = Render(Options{Dir: repoRoot, Stack: "dr", StackRefOutputs: prodOutputsFile})
	})
	if prodErr != nil {
		t.Fatalf("render prod: %v", prodErr)
	}
	if drErr != nil {
		t.Fatalf("render dr: %v", drErr)
	}
	return prod, dr
}

func TestBothStacksRender(t *testing.T) {
	p, d := renderBoth(t)
	for _, r := range []*Rendered{p, d} {
		if len(r.Resources) < 20 {
			t.Errorf("%s: only %d resources", r.Stack, len(r.Resources))
		}
		for _, k := range []string{"region", "vpcId", "clusterName", "kubeconfig", "tieredStorageBucket", "brokerRoleArn"} {
			if _, ok := r.Outputs[k]; !ok {
				t.Errorf("%s: output %s missing", r.Stack, k)
			}
		}
		if r.Outputs["kubeconfig"] != render.Redacted {
			t.Errorf("%s: kubeconfig output is not redacted", r.Stack)
		}
	}
	if p.Outputs["region"] != "us-east-1" || d.Outputs["region"] != "us-west-2" {
		t.Errorf("regions: %v %v", p.Outputs["region"], d.Outputs["region"])
	}
}

// TestDRReadsProdOutputs: the DR render resolves its StackReference from
// prod's rendered outputs.json, not from anything of its own.
func TestDRReadsProdOutputs(t *testing.T) {
	_, d := renderBoth(t)
	var ref *render.Resource
	for _, r := range d.Resources {
		if r.Type == "pulumi:pulumi:StackReference" {
			ref = r
		}
	}
	if ref == nil {
		t.Fatal("dr has no StackReference")
	}
	if ref.Name != d.Config.Stack.ProdStackRef && ref.Inputs["name"] != d.Config.Stack.ProdStackRef {
		t.Errorf("stack reference %s (%v) does not name %s", ref.Name, ref.Inputs["name"], d.Config.Stack.ProdStackRef)
	}
	if _, err := Render(Options{Dir: repoRoot, Stack: "dr"}); err == nil || !strings.Contains(err.Error(), "-stack-ref") {
		t.Errorf("dr without -stack-ref: %v", err)
	}
}

// TestRenderIsDeterministic: renders of one commit are byte-identical. The
// mock engine registers resources concurrently, so an ordering bug (a map
// walked unsorted, or a dependency on a component, which the Go SDK expands
// into whichever children have registered so far) shows up only in some
// runs: render each stack several times.
func TestRenderIsDeterministic(t *testing.T) {
	p, d := renderBoth(t)
	for _, first := range []*Rendered{p, d} {
		a, err := first.Files()
		if err != nil {
			t.Fatal(err)
		}
		for run := 0; run < 4; run++ {
			again, err := Render(Options{Dir: repoRoot, Stack: first.Stack, StackRefOutputs: prodOutputsFile})
			if err != nil {
				t.Fatal(err)
			}
			b, err := again.Files()
			if err != nil {
				t.Fatal(err)
			}
			if len(a) != len(b) {
				t.Fatalf("%s: file count %d vs %d", first.Stack, len(a), len(b))
			}
			for name, content := range a {
				if !bytes.Equal(content, b[name]) {
					t.Errorf("%s: %s differs between renders (run %d)", first.Stack, name, run+2)
				}
			}
		}
	}
}

// TestNoSecretInRenderOutput: no plaintext the run handled as a secret
// appears in any rendered file, and secret inputs are marked.
func TestNoSecretInRenderOutput(t *testing.T) {
	p, d := renderBoth(t)
	for _, r := range []*Rendered{p, d} {
		if len(r.SecretValues) == 0 {
			t.Fatalf("%s: the run saw no secret values; the check would be vacuous", r.Stack)
		}
		files, err := r.Files()
		if err != nil {
			t.Fatal(err)
		}
		for name, content := range files {
			for _, s := range r.SecretValues {
				if len(s) >= 8 && bytes.Contains(content, []byte(s)) {
					t.Errorf("%s: %s contains a secret value (%d bytes)", r.Stack, name, len(s))
				}
			}
		}
	}
}

// TestSecretConfigIsRedacted: a secret config value given to the program
// never reaches the files, whatever component uses it.
func TestSecretConfigIsRedacted(t *testing.T) {
	src, err := render.LoadStackConfig(repoRoot, "prod")
	if err != nil {
		t.Fatal(err)
	}
	const plaintext = "render-test-secret-value-0123456789"
	var secretKeys []string
	for _, k := range config.Keys() {
		if k.Secret {
			src.Values[k.FullName()] = plaintext
			src.Secret[k.FullName()] = true
			secretKeys = append(secretKeys, k.Name)
		}
	}
	res, err := render.Run(render.Options{Stack: "prod", Source: src, Region: "us-east-1"}, Program)
	if err != nil {
		t.Fatal(err)
	}
	files, err := res.Files()
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if bytes.Contains(content, []byte(plaintext)) {
			t.Errorf("%s leaks secret config (keys %v)", name, secretKeys)
		}
	}
}

func TestBadConfigFailsBeforeAnyResource(t *testing.T) {
	dir := t.TempDir()
	proj, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), proj, 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "Pulumi.bad.yaml"), []byte(`config:
  aws:region: us-east-1
  kafka-platform:availabilityZones: [use1-az1, use1-az2]
  kafka-platform:brokers: 4
  kafka-platform:brokerInstanceType: m7i.large
`), 0o644))
	_, err = Render(Options{Dir: dir, Stack: "bad"})
	if err == nil {
		t.Fatal("bad config rendered")
	}
	for _, want := range []string{"availabilityZones", "brokers", "brokerInstanceType", "fix:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}

	// A misspelt key is refused rather than silently ignored.
	must(t, os.WriteFile(filepath.Join(dir, "Pulumi.typo.yaml"), []byte(`config:
  aws:region: us-east-1
  kafka-platform:availabilityZones: [use1-az1, use1-az2, use1-az4]
  kafka-platform:brokres: 6
`), 0o644))
	if _, err := Render(Options{Dir: dir, Stack: "typo"}); err == nil || !strings.Contains(err.Error(), "brokres") {
		t.Errorf("misspelt key accepted: %v", err)
	}

	// A value of the wrong type is refused by the Pulumi SDK's own validation.
	must(t, os.WriteFile(filepath.Join(dir, "Pulumi.types.yaml"), []byte(`config:
  aws:region: us-east-1
  kafka-platform:availabilityZones: [use1-az1, use1-az2, use1-az4]
  kafka-platform:brokers: [6]
`), 0o644))
	if _, err := Render(Options{Dir: dir, Stack: "types"}); err == nil || !strings.Contains(err.Error(), "brokers") {
		t.Errorf("wrongly typed key accepted: %v", err)
	}
}

// TestManifestsAndUserData: the render writes Kubernetes objects grouped by
// component and every launch template's user data, decoded.
func TestManifestsAndUserData(t *testing.T) {
	p, _ := renderBoth(t)
	files, err := p.Files()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var userdata int
	for _, n := range names {
		if strings.HasPrefix(n, "userdata/") {
			userdata++
			if !bytes.Contains(files[n], []byte("application/node.eks.aws")) {
				t.Errorf("%s is not nodeadm MIME user data", n)
			}
		}
	}
	lts := 0
	for _, r := range p.Resources {
		if r.Type == "aws:ec2/launchTemplate:LaunchTemplate" {
			lts++
		}
	}
	if lts == 0 || userdata != lts {
		t.Errorf("%d launch templates, %d user data files", lts, userdata)
	}
	var rj struct {
		Resources []map[string]any `json:"resources"`
	}
	if err := json.Unmarshal(files["resources.json"], &rj); err != nil {
		t.Fatal(err)
	}
	for _, r := range rj.Resources {
		for _, k := range []string{"__type", "__urn", "__name", "__options", "__provider", "__properties", "dependencies"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("resource %v lacks %s", r["__urn"], k)
			}
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkRender measures one whole-stack render (config load and
// validation, the composition under the mock engine, every file): the
// offline loop a platform engineer runs after each edit.
func BenchmarkRender(b *testing.B) {
	for _, stack := range []string{"prod", "dr"} {
		b.Run(stack, func(b *testing.B) {
			opts := Options{Dir: repoRoot, Stack: stack}
			if stack == "dr" {
				p, err := Render(Options{Dir: repoRoot, Stack: "prod"})
				if err != nil {
					b.Fatal(err)
				}
				files, err := p.Files()
				if err != nil {
					b.Fatal(err)
				}
				f := filepath.Join(b.TempDir(), "outputs.json")
				if err := os.WriteFile(f, files["outputs.json"], 0o644); err != nil {
					b.Fatal(err)
				}
				opts.StackRefOutputs = f
			}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				r, err := Render(opts)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := r.Files(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(mustRender(b, opts).Resources)), "resources")
		})
	}
}

func mustRender(b *testing.B, o Options) *Rendered {
	r, err := Render(o)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// TestVaultTokenFromEnvironmentStaysSecret: with the token auth method the
// deployer's VAULT_TOKEN reaches the Vault provider as a secret, never a
// file; without it the stack fails before any resource, naming the fix.
func TestVaultTokenFromEnvironmentStaysSecret(t *testing.T) {
	dir := t.TempDir()
	proj, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.yaml"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), proj, 0o644))
	stackFile, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.prod.yaml"))
	must(t, err)
	var kept []string
	for _, line := range strings.Split(string(stackFile), "\n") {
		if strings.Contains(line, "vaultAuthMethod") || strings.Contains(line, "vaultAwsAuthRole") {
			continue // back to the default token method
		}
		kept = append(kept, line)
	}
	must(t, os.WriteFile(filepath.Join(dir, "Pulumi.tok.yaml"), []byte(strings.Join(kept, "\n")), 0o644))
	src, err := render.LoadStackConfig(dir, "tok")
	must(t, err)

	const token = "hvs.render-test-token-0123456789"
	program := func(getenv func(string) string) render.Program {
		return func(ctx *pulumi.Context) (map[string]pulumi.Input, error) {
			cfg, err := config.LoadEnv(ctx, getenv)
			if err != nil {
				return nil, err
			}
			return stack.New(ctx, cfg)
		}
	}
	res, err := render.Run(render.Options{Stack: "tok", Source: src, Region: "us-east-1"}, program(func(n string) string {
		if n == config.VaultTokenEnv {
			return token
		}
		return ""
	}))
	must(t, err)
	var prov *render.Resource
	for _, r := range res.Resources {
		if r.Type == "pulumi:providers:vault" {
			prov = r
		}
	}
	if prov == nil {
		t.Fatal("no Vault provider in the token-method render")
	}
	if prov.Inputs["token"] != render.Redacted {
		t.Errorf("Vault provider token = %v, want it secret", prov.Inputs["token"])
	}
	files, err := res.Files()
	must(t, err)
	for name, content := range files {
		if bytes.Contains(content, []byte(token)) {
			t.Errorf("%s contains the Vault token", name)
		}
	}

	_, err = render.Run(render.Options{Stack: "tok", Source: src, Region: "us-east-1"}, program(func(string) string { return "" }))
	if err == nil || !strings.Contains(err.Error(), config.VaultTokenEnv) || !strings.Contains(err.Error(), "vaultAuthMethod") {
		t.Errorf("token method without VAULT_TOKEN: %v", err)
	}
}

// TestWriteVariant: a variant adds exactly the keys asked for and refuses
// one the stack file already sets.
func TestWriteVariant(t *testing.T) {
	out := t.TempDir()
	must(t, WriteVariant(repoRoot, "dr", out, map[string]string{"drNetworkPath": "transit-gateway"}))
	src, err := render.LoadStackConfig(out, "dr")
	must(t, err)
	if got := src.Values[config.Project+":drNetworkPath"]; got != "transit-gateway" {
		t.Errorf("drNetworkPath = %q", got)
	}
	if got := src.Values[config.Project+":vpcCidr"]; got != "10.41.0.0/16" {
		t.Errorf("the rest of the stack file was not kept: vpcCidr = %q", got)
	}
	if err := WriteVariant(repoRoot, "dr", t.TempDir(), map[string]string{"vpcCidr": "10.99.0.0/16"}); err == nil {
		t.Error("a key the stack file already sets was overridden silently")
	}
}
