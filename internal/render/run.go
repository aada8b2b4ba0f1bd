package render

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/config"
)

// Program is the stack program the render runs: it returns the outputs it
// would export. cmd/render passes the same composition main.go runs.
type Program func(ctx *pulumi.Context) (map[string]pulumi.Input, error)

// Options says what to render.
type Options struct {
	Stack  string
	Source config.Source
	Region string
	// StackOutputs answers StackReference reads (the DR stack reads prod's).
	StackOutputs map[string]map[string]any
}

// Result is everything a render produced.
type Result struct {
	Stack     string
	Resources []*Resource
	// Outputs are the stack outputs with secrets replaced by Redacted.
	Outputs map[string]any
	// SecretValues are the plaintexts the run handled as secrets; none may
	// appear in Files() (the render tests check every file).
	SecretValues []string
}

// Run executes program under the mock engine with the stack's config.
func Run(opts Options, program Program) (*Result, error) {
	m := NewMocks(config.Project, opts.Stack, opts.Region)
	for k, v := range opts.StackOutputs {
		m.StackOutputs[k] = v
	}
	var (
		mu      sync.Mutex
		values  = map[string]any{}
		outputs = map[string]pulumi.Output{}
	)
	cfgOpt := func(info *pulumi.RunInfo) {
		info.Config = map[string]string{}
		for k, v := range opts.Source.Values {
			info.Config[k] = v
		}
		info.ConfigSecretKeys = nil
		for k, s := range opts.Source.Secret {
			if s {
				info.ConfigSecretKeys = append(info.ConfigSecretKeys, k)
			}
		}
		sort.Strings(info.ConfigSecretKeys)
	}
	err := m.Run(func(ctx *pulumi.Context) error {
		outs, err := program(ctx)
		if err != nil {
			return err
		}
		for name, in := range outs {
			name := name
			// Export the recording apply itself: the runtime waits for exported
			// outputs before RunErr returns, so every value is recorded by
			// then (a side apply on the original output could still be
			// running when RunErr returns).
			rec := pulumi.ToOutput(in).ApplyT(func(v any) (any, error) {
				mu.Lock()
				defer mu.Unlock()
				values[name] = v
				return v, nil
			})
			outputs[name] = rec
			ctx.Export(name, rec)
		}
		return nil
	}, cfgOpt)
	if err != nil {
		return nil, err
	}
	res := &Result{Stack: opts.Stack, Resources: m.Resources(), Outputs: map[string]any{}}
	for name, o := range outputs {
		if pulumi.IsSecret(o) {
			res.Outputs[name] = Redacted
			if s, ok := values[name].(string); ok && s != "" {
				res.SecretValues = append(res.SecretValues, s)
			}
			continue
		}
		// Round-trip through JSON so typed slices and maps become plain values.
		b, err := json.Marshal(values[name])
		if err != nil {
			return nil, fmt.Errorf("output %s: %w", name, err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, err
		}
		res.Outputs[name] = v
	}
	for k, secret := range opts.Source.Secret {
		if v := opts.Source.Values[k]; secret && v != "" && v != Redacted {
			res.SecretValues = append(res.SecretValues, v)
		}
	}
	res.SecretValues = append(res.SecretValues, m.SecretValues()...)
	sort.Strings(res.SecretValues)
	return res, nil
}

// AnalyzerInput is the resource as Pulumi's OPA analyzer hands it to a
// per-resource policy: input properties overlaid at top level plus the
// analyzer's metadata; `dependencies` is what stack policies read.
func (r *Resource) AnalyzerInput() map[string]any {
	out := map[string]any{}
	for k, v := range r.Inputs {
		out[k] = v
	}
	deps := r.DependsOn
	if deps == nil {
		deps = []string{}
	}
	out["__type"] = r.Type
	out["__urn"] = r.URN
	out["__name"] = r.Name
	out["__provider"] = r.Provider
	out["__properties"] = r.Inputs
	out["__options"] = map[string]any{
		"parent":         r.Parent,
		"protect":        r.Protect,
		"provider":       r.Provider,
		"dependsOn":      deps,
		"retainOnDelete": r.Retain,
	}
	allDeps := r.Dependencies
	if allDeps == nil {
		allDeps = []string{}
	}
	out["dependencies"] = allDeps
	return out
}

// AnalyzerInputs returns every resource's analyzer input, sorted by URN.
func (res *Result) AnalyzerInputs() []map[string]any {
	out := make([]map[string]any, 0, len(res.Resources))
	for _, r := range res.Resources {
		out = append(out, r.AnalyzerInput())
	}
	return out
}
