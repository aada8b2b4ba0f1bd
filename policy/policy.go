package policy

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

//go:embed *.rego PulumiPolicy.yaml
var packFS embed.FS

// Level is a rule's enforcement level, as the analyzer derives it from the
// rule name.
type Level string

const (
	// Mandatory rules (deny*, violation*, stack_deny*, stack_violation*)
	// block `pulumi up` and fail the render.
	Mandatory Level = "mandatory"
	// Advisory rules (warn*, stack_warn*) only warn.
	Advisory Level = "advisory"
)

// Scope says what a rule's input is.
type Scope string

const (
	// ResourceScope rules see one resource at a time.
	ResourceScope Scope = "resource"
	// StackScope rules see {"resources": [...]}, every resource of the stack.
	StackScope Scope = "stack"
)

// The analyzer's rule-name patterns (pulumi-policy-opa policy.go): only rules
// matching one of them are policies, everything else is a helper.
var (
	stackDenyRe = regexp.MustCompile(`^stack_(deny|violation)(_[a-zA-Z0-9]+)*$`)
	stackWarnRe = regexp.MustCompile(`^stack_warn(_[a-zA-Z0-9]+)*$`)
	denyRe      = regexp.MustCompile(`^(deny|violation)(_[a-zA-Z0-9]+)*$`)
	warnRe      = regexp.MustCompile(`^warn(_[a-zA-Z0-9]+)*$`)
)

// Rule is one policy of the pack with the texts its # METADATA gives it.
type Rule struct {
	// Name is the Rego rule name, e.g. deny_kafka_listener_mtls.
	Name string
	// Title, Description and Message come from the rule's # METADATA
	// (title, description, custom.message).
	Title, Description, Message string
	Level                       Level
	Scope                       Scope
	// File is the module (path relative to the pack, without .rego).
	File string

	query rego.PreparedEvalQuery
}

// Pack is the compiled policy pack.
type Pack struct {
	// Name is the Rego package, which the analyzer uses as the pack name.
	Name  string
	Rules []*Rule
}

// Load compiles the pack embedded in this package.
func Load() (*Pack, error) {
	modules := map[string]string{}
	err := fs.WalkDir(packFS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".rego" {
			return err
		}
		b, err := packFS.ReadFile(path)
		if err != nil {
			return err
		}
		modules[strings.TrimSuffix(path, ".rego")] = string(b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read embedded policy pack: %w", err)
	}
	return compile(modules)
}

// LoadDir compiles the pack in dir the way the analyzer does: every *.rego
// file below dir, named by its path relative to dir.
func LoadDir(dir string) (*Pack, error) {
	modules := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".rego" {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		modules[strings.TrimSuffix(rel, ".rego")] = string(b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read policy pack %s: %w", dir, err)
	}
	return compile(modules)
}

// Modules returns the module names of the embedded pack, sorted.
func Modules() ([]string, error) {
	var out []string
	err := fs.WalkDir(packFS, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".rego" {
			out = append(out, strings.TrimSuffix(path, ".rego"))
		}
		return err
	})
	sort.Strings(out)
	return out, err
}

func compile(modules map[string]string) (*Pack, error) {
	if len(modules) == 0 {
		return nil, fmt.Errorf("policy pack has no .rego files")
	}
	compiler, err := ast.CompileModulesWithOpt(modules, ast.CompileOpts{
		ParserOptions: ast.ParserOptions{RegoVersion: ast.RegoV0, ProcessAnnotation: true},
	})
	if err != nil {
		return nil, fmt.Errorf("compile policy pack: %w", err)
	}
	pack := &Pack{}
	seen := map[string]bool{}
	names := make([]string, 0, len(compiler.Modules))
	for name := range compiler.Modules {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, file := range names {
		mod := compiler.Modules[file]
		pkg := strings.TrimPrefix(mod.Package.Path.String(), "data.")
		if pack.Name == "" {
			pack.Name = pkg
		} else if pack.Name != pkg {
			return nil, fmt.Errorf("module %s is package %s, the pack is %s: the analyzer needs one package", file, pkg, pack.Name)
		}
		for _, r := range mod.Rules {
			name := r.Head.Name.String()
			if name == "" && len(r.Head.Reference) > 0 {
				name = r.Head.Reference[0].String()
			}
			level, scope, ok := classify(name)
			if !ok || seen[name] {
				continue
			}
			seen[name] = true
			rule := &Rule{Name: name, Level: level, Scope: scope, File: file}
			for _, a := range r.Annotations {
				rule.Title, rule.Description = a.Title, a.Description
				if m, ok := a.Custom["message"].(string); ok {
					rule.Message = m
				}
			}
			pack.Rules = append(pack.Rules, rule)
		}
	}
	sort.Slice(pack.Rules, func(i, j int) bool { return pack.Rules[i].Name < pack.Rules[j].Name })
	for _, rule := range pack.Rules {
		q, err := rego.New(
			rego.Query(fmt.Sprintf("data.%s.%s", pack.Name, rule.Name)),
			rego.Compiler(compiler),
			rego.SetRegoVersion(ast.RegoV0),
		).PrepareForEval(context.Background())
		if err != nil {
			return nil, fmt.Errorf("prepare rule %s: %w", rule.Name, err)
		}
		rule.query = q
	}
	return pack, nil
}

// classify applies the analyzer's prefixes, stack ones first.
func classify(name string) (Level, Scope, bool) {
	switch {
	case stackDenyRe.MatchString(name):
		return Mandatory, StackScope, true
	case stackWarnRe.MatchString(name):
		return Advisory, StackScope, true
	case denyRe.MatchString(name):
		return Mandatory, ResourceScope, true
	case warnRe.MatchString(name):
		return Advisory, ResourceScope, true
	}
	return "", "", false
}

// Only returns a pack holding just the named rules (sharing their compiled
// queries), e.g. to re-check one rule on many mutated stacks quickly.
func (p *Pack) Only(names ...string) *Pack {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := &Pack{Name: p.Name}
	for _, r := range p.Rules {
		if want[r.Name] {
			out.Rules = append(out.Rules, r)
		}
	}
	return out
}

// Rule returns the rule called name, or nil.
func (p *Pack) Rule(name string) *Rule {
	for _, r := range p.Rules {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// Violation is one message of one rule.
type Violation struct {
	Rule  string `json:"rule"`
	Level Level  `json:"level"`
	// Resource is the URN of the resource the message is about; for stack
	// rules it is empty (the analyzer reports them on the stack).
	Resource string `json:"resource,omitempty"`
	// Name is the resource's logical name (empty for stack rules).
	Name    string `json:"name,omitempty"`
	Message string `json:"message"`
}

// Report is the outcome of evaluating the pack on a stack.
type Report struct {
	Violations []Violation `json:"violations"`
	// Resources is how many resources were evaluated.
	Resources int `json:"resources"`
}

// Mandatory returns the mandatory violations.
func (r *Report) Mandatory() []Violation { return r.filter(Mandatory) }

// Advisory returns the advisory violations.
func (r *Report) Advisory() []Violation { return r.filter(Advisory) }

func (r *Report) filter(l Level) []Violation {
	var out []Violation
	for _, v := range r.Violations {
		if v.Level == l {
			out = append(out, v)
		}
	}
	return out
}

// ByRule returns the violations of one rule.
func (r *Report) ByRule(rule string) []Violation {
	var out []Violation
	for _, v := range r.Violations {
		if v.Rule == rule {
			out = append(out, v)
		}
	}
	return out
}

// Write prints the report: one line per violation (level, rule, resource,
// message) and a summary line.
func (r *Report) Write(w io.Writer) error {
	for _, v := range r.Violations {
		where := v.Name
		if where == "" {
			where = "(stack)"
		}
		if _, err := fmt.Fprintf(w, "[%s] %s %s: %s\n", v.Level, v.Rule, where, v.Message); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "policy: %d resources, %d mandatory violations, %d advisory\n",
		r.Resources, len(r.Mandatory()), len(r.Advisory()))
	return err
}

// EvaluateResource runs every resource-scope rule on one analyzer input.
func (p *Pack) EvaluateResource(ctx context.Context, resource map[string]any) ([]Violation, error) {
	in, err := plain(resource)
	if err != nil {
		return nil, err
	}
	urn, _ := resource["__urn"].(string)
	name, _ := resource["__name"].(string)
	var out []Violation
	for _, rule := range p.Rules {
		if rule.Scope != ResourceScope {
			continue
		}
		msgs, err := rule.eval(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("resource %s: %w", urn, err)
		}
		for _, m := range msgs {
			out = append(out, Violation{Rule: rule.Name, Level: rule.Level, Resource: urn, Name: name, Message: m})
		}
	}
	return out, nil
}

// EvaluateStack runs every stack-scope rule on {"resources": resources}.
func (p *Pack) EvaluateStack(ctx context.Context, resources []map[string]any) ([]Violation, error) {
	in, err := plain(map[string]any{"resources": resources})
	if err != nil {
		return nil, err
	}
	var out []Violation
	for _, rule := range p.Rules {
		if rule.Scope != StackScope {
			continue
		}
		msgs, err := rule.eval(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			out = append(out, Violation{Rule: rule.Name, Level: rule.Level, Message: m})
		}
	}
	return out, nil
}

// Evaluate runs the whole pack on a stack's analyzer inputs (what
// build/<stack>/resources.json holds under "resources"): every resource rule
// on every resource, then every stack rule once.
func (p *Pack) Evaluate(ctx context.Context, resources []map[string]any) (*Report, error) {
	rep := &Report{Resources: len(resources)}
	for _, r := range resources {
		vs, err := p.EvaluateResource(ctx, r)
		if err != nil {
			return nil, err
		}
		rep.Violations = append(rep.Violations, vs...)
	}
	vs, err := p.EvaluateStack(ctx, resources)
	if err != nil {
		return nil, err
	}
	rep.Violations = append(rep.Violations, vs...)
	return rep, nil
}

// EvaluateFile evaluates a resources.json written by the render.
func (p *Pack) EvaluateFile(ctx context.Context, path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Resources []map[string]any `json:"resources"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return p.Evaluate(ctx, doc.Resources)
}

// eval runs the rule's query; like the analyzer, a rule's value is a set of
// messages (non-strings are formatted).
func (r *Rule) eval(ctx context.Context, input any) ([]string, error) {
	rs, err := r.query.Eval(ctx, rego.EvalInput(input))
	if err != nil {
		return nil, fmt.Errorf("evaluate rule %s: %w", r.Name, err)
	}
	var out []string
	for _, res := range rs {
		for _, e := range res.Expressions {
			arr, ok := e.Value.([]any)
			if !ok {
				continue
			}
			for _, v := range arr {
				s, ok := v.(string)
				if !ok {
					s = fmt.Sprintf("%v", v)
				}
				out = append(out, s)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// plain round-trips v through JSON, giving OPA the same plain values the
// analyzer gives it (property maps become maps, numbers float64).
func plain(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("policy input: %w", err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}
