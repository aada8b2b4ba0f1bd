// Package offline renders a stack without credentials: it loads the stack's
// config exactly as the Pulumi CLI would, validates it, runs the same
// composition main.go runs under the mock engine and returns everything the
// stack would create. cmd/render writes the result to disk; the whole-stack
// tests and the policy tests call it in-process.
package offline

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/config"
	"github.com/tradingfirm/kafka-platform/internal/render"
	"github.com/tradingfirm/kafka-platform/internal/stack"
)

// Options says which stack to render.
type Options struct {
	// Dir holds Pulumi.yaml and the stack files.
	Dir string
	// Stack is the stack name (prod, dr).
	Stack string
	// StackRefOutputs is the path of the primary stack's rendered
	// outputs.json, read in place of the StackReference (DR stacks only).
	StackRefOutputs string
}

// Rendered is a render and the config it was made from.
type Rendered struct {
	*render.Result
	Config *config.Config
}

// Render loads, validates and renders one stack. On a config error nothing
// is rendered and the error lists every problem.
func Render(o Options) (*Rendered, error) {
	src, err := render.LoadStackConfig(o.Dir, o.Stack)
	if err != nil {
		return nil, err
	}
	// Validate with the same environment the program will see.
	check := config.Source{Values: map[string]string{}, Secret: map[string]bool{}}
	for k, v := range src.Values {
		check.Values[k] = v
		check.Secret[k] = src.Secret[k]
	}
	config.AddEnv(check, renderEnv)
	cfg, err := config.Parse(o.Stack, check)
	if err != nil {
		return nil, err
	}
	refs := map[string]map[string]any{}
	if cfg.Stack.Role == config.RoleDR {
		if o.StackRefOutputs == "" {
			return nil, fmt.Errorf("stack %s reads %s through a StackReference: render that stack first and pass its outputs.json with -stack-ref",
				o.Stack, cfg.Stack.ProdStackRef)
		}
		b, err := os.ReadFile(o.StackRefOutputs)
		if err != nil {
			return nil, fmt.Errorf("read -stack-ref outputs: %w", err)
		}
		var outs map[string]any
		if err := json.Unmarshal(b, &outs); err != nil {
			return nil, fmt.Errorf("parse %s: %w", o.StackRefOutputs, err)
		}
		refs[cfg.Stack.ProdStackRef] = outs
	}
	res, err := render.Run(render.Options{Stack: o.Stack, Source: src, Region: cfg.Stack.Region, StackOutputs: refs}, Program)
	if err != nil {
		return nil, err
	}
	return &Rendered{Result: res, Config: cfg}, nil
}

// Files is everything the render writes: the mock engine's view
// (resources.json, outputs.json, manifests/, userdata/) plus the SLO rules as
// plain Prometheus rule files (what promtool checks) and the project's
// Grafana dashboards.
func (r *Rendered) Files() (map[string][]byte, error) {
	files, err := r.Result.Files()
	if err != nil {
		return nil, err
	}
	rules, dashboards, err := stack.ObservabilityFiles(r.Config)
	if err != nil {
		return nil, err
	}
	for name, b := range rules {
		files["prometheus-rules/"+name] = b
	}
	for name, b := range dashboards {
		files["dashboards/"+name] = b
	}
	return files, nil
}

// renderEnv stands in for the deployer's environment: credentials the
// program reads at `pulumi up` (VAULT_TOKEN for the token auth method) are
// redacted placeholders, so any stack renders without them.
func renderEnv(name string) string {
	if name == config.VaultTokenEnv {
		return render.Redacted
	}
	return ""
}

// Program is main.go's program in the render's shape: load and validate
// config from the Pulumi context, build the stack, return its outputs.
func Program(ctx *pulumi.Context) (map[string]pulumi.Input, error) {
	cfg, err := config.LoadEnv(ctx, renderEnv)
	if err != nil {
		return nil, err
	}
	return stack.New(ctx, cfg)
}

// WriteVariant writes a copy of the project in dir into out with stack's
// file extended by set (key without the project prefix → value): a stack
// variant for tests and what-if renders, e.g. the DR stack over a transit
// gateway. A key the stack file already sets is an error, so a variant never
// silently changes what it claims to add.
func WriteVariant(dir, stack, out string, set map[string]string) error {
	proj, err := os.ReadFile(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return err
	}
	file := "Pulumi." + stack + ".yaml"
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return err
	}
	const anchor = "config:\n"
	text := string(b)
	if !strings.Contains(text, anchor) {
		return fmt.Errorf("%s: no %q to extend", file, anchor)
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var add strings.Builder
	for _, k := range keys {
		full := config.Project + ":" + k
		if strings.Contains(text, full+":") {
			return fmt.Errorf("%s already sets %s", file, full)
		}
		fmt.Fprintf(&add, "  %s: %s\n", full, set[k])
	}
	if err := os.WriteFile(filepath.Join(out, "Pulumi.yaml"), proj, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, file), []byte(strings.Replace(text, anchor, anchor+add.String(), 1)), 0o644)
}
