// Command render runs one stack under Pulumi's mock engine, with that
// stack's config file, and writes what it would deploy: resources.json (the
// policy analyzer's view), outputs.json, manifests/ and userdata/. No cloud
// credentials are needed. A bad config exits non-zero and writes nothing.
//
//	go run ./cmd/render -stack prod -out build/prod
//	go run ./cmd/render -stack dr -out build/dr -stack-ref build/prod/outputs.json
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tradingfirm/kafka-platform/internal/offline"
	"github.com/tradingfirm/kafka-platform/internal/render"
)

func main() {
	var o offline.Options
	var out string
	flag.StringVar(&o.Dir, "dir", ".", "directory holding Pulumi.yaml and Pulumi.<stack>.yaml")
	flag.StringVar(&o.Stack, "stack", "", "stack to render (prod, dr)")
	flag.StringVar(&out, "out", "", "output directory (replaced)")
	flag.StringVar(&o.StackRefOutputs, "stack-ref", "", "outputs.json of the stack a DR stack references")
	flag.Parse()
	if o.Stack == "" || out == "" {
		fmt.Fprintln(os.Stderr, "usage: render -stack <name> -out <dir> [-stack-ref <outputs.json>]")
		os.Exit(2)
	}
	if err := run(o, out); err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
}

func run(o offline.Options, out string) error {
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
	return nil
}
