// Command render runs one stack under Pulumi's mock engine, with that
// stack's config file, and writes what it would deploy: resources.json (the
// policy analyzer's view), outputs.json, manifests/ and userdata/. No cloud
// credentials are needed. A bad config exits non-zero and writes nothing.
// The policy pack is then evaluated on the render (as `pulumi preview
// --policy-pack policy` would) and a mandatory violation exits non-zero
// after the files are written, so they can be inspected.
//
//	go run ./cmd/render -stack prod -out build/prod
//	go run ./cmd/render -stack dr -out build/dr -stack-ref build/prod/outputs.json
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/tradingfirm/kafka-platform/internal/offline"
	"github.com/tradingfirm/kafka-platform/internal/render"
	"github.com/tradingfirm/kafka-platform/policy"
)

func main() {
	var o offline.Options
	var out string
	var withPolicy bool
	flag.StringVar(&o.Dir, "dir", ".", "directory holding Pulumi.yaml and Pulumi.<stack>.yaml")
	flag.StringVar(&o.Stack, "stack", "", "stack to render (prod, dr)")
	flag.StringVar(&out, "out", "", "output directory (replaced)")
	flag.StringVar(&o.StackRefOutputs, "stack-ref", "", "outputs.json of the stack a DR stack references")
	flag.BoolVar(&withPolicy, "policy", true, "evaluate the policy pack (policy/) on the render, print the report and exit 1 on a mandatory violation")
	flag.Parse()
	if o.Stack == "" || out == "" {
		fmt.Fprintln(os.Stderr, "usage: render -stack <name> -out <dir> [-stack-ref <outputs.json>] [-policy]")
		os.Exit(2)
	}
	if err := run(o, out, withPolicy); err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
}

// checkPolicy evaluates the pack the way `pulumi preview --policy-pack
// policy` would and prints the report; mandatory violations are an error.
func checkPolicy(stack string, r *render.Result) error {
	pack, err := policy.Load()
	if err != nil {
		return err
	}
	rep, err := pack.Evaluate(context.Background(), r.AnalyzerInputs())
	if err != nil {
		return err
	}
	fmt.Printf("policy %s (pack %s, %d rules):\n", stack, pack.Name, len(pack.Rules))
	if err := rep.Write(os.Stdout); err != nil {
		return err
	}
	if n := len(rep.Mandatory()); n > 0 {
		return fmt.Errorf("stack %s: %d mandatory policy violations (see the report above)", stack, n)
	}
	return nil
}

func run(o offline.Options, out string, withPolicy bool) error {
	r, err := offline.Render(o)
	if err != nil {
		return err
	}
	files, err := r.Files()
	if err != nil {
		return err
	}
	if err := render.WriteDir(out, files); err != nil {
		return err
	}
	fmt.Printf("render %s: %d resources, %d outputs, %d files -> %s\n", o.Stack, len(r.Resources), len(r.Outputs), len(files), out)
	if withPolicy {
		return checkPolicy(o.Stack, r.Result)
	}
	return nil
}
