// Package policy is the platform's Pulumi policy pack and its evaluator.
//
// The pack is the *.rego files in this directory plus PulumiPolicy.yaml: the
// layout Pulumi's OPA analyzer (pulumi/pulumi-policy-opa, `runtime: opa`)
// loads with `pulumi preview --policy-pack policy`. CrossGuard has no Go SDK,
// so the rules are Rego; this package embeds the same files and evaluates
// them with OPA's Go library exactly as the analyzer does (one Rego package,
// the analyzer's rule-name prefixes, the Rego v0 parser, one query per rule,
// per-resource and whole-stack inputs), so `go test` and the render's policy
// report see what a real preview would.
//
// It owns the rules, their metadata and the report. It does not produce the
// resources it judges (internal/render and internal/offline do) and it never
// changes them: a violation is fixed in the component that made it.
package policy
