package stack

import (
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Outputs are the stack outputs other stacks and app teams read, by name.
// Secret values must be Pulumi secrets (pulumi.ToSecret) so the CLI and the
// render redact them.
type Outputs map[string]pulumi.Input

// Export exports every output on the stack.
func (o Outputs) Export(ctx *pulumi.Context) {
	for _, k := range o.Names() {
		ctx.Export(k, o[k])
	}
}

// Names returns the output names in a stable order.
func (o Outputs) Names() []string {
	out := make([]string, 0, len(o))
	for k := range o {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
