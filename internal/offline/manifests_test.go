package offline

import (
	"path"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/tradingfirm/kafka-platform/internal/crdvalidate"
	"github.com/tradingfirm/kafka-platform/internal/render"
)

var (
	crdOnce sync.Once
	crdVal  *crdvalidate.Validator
	crdErr  error
)

// upstreamCRDs loads Strimzi 1.2.0, prometheus-operator and Vault Secrets
// Operator CRDs once. Missing CRDs fail with the command that fetches them
// (`make crds`); the test never skips.
func upstreamCRDs(t *testing.T) *crdvalidate.Validator {
	t.Helper()
	crdOnce.Do(func() { crdVal, crdErr = crdvalidate.Upstream() })
	if crdErr != nil {
		t.Fatal(crdErr)
	}
	return crdVal
}

// stripPlaceholders removes fields whose value the render replaced by a
// placeholder (secrets are "[secret]", unresolved outputs "[unknown]"): the
// real value never reaches the render, so only the rest of the object can be
// checked. It returns the dotted paths removed.
func stripPlaceholders(v any, at string) []string {
	var removed []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && (s == render.Redacted || s == "[unknown]") {
				delete(x, k)
				removed = append(removed, at+"."+k)
				continue
			}
			removed = append(removed, stripPlaceholders(e, at+"."+k)...)
		}
	case []any:
		for _, e := range x {
			removed = append(removed, stripPlaceholders(e, at+"[]")...)
		}
	}
	return removed
}

// TestRenderedManifestsMatchUpstreamSchemas validates every object of every
// manifests/*.yaml of both stacks (the files `make render` writes; Helm
// releases under manifests/helm/ are values, not objects): custom resources
// against their upstream CRD (Strimzi, prometheus-operator, VSO), with
// unknown fields that the API server would prune counted as failures;
// built-in kinds by served apiVersion/kind and strict decoding. A custom
// group with no loaded CRD fails.
func TestRenderedManifestsMatchUpstreamSchemas(t *testing.T) {
	v := upstreamCRDs(t)
	p, d := renderBoth(t)
	for _, r := range []*Rendered{p, d} {
		files, err := r.Files()
		if err != nil {
			t.Fatalf("%s: %v", r.Stack, err)
		}
		var names []string
		for name := range files {
			if path.Dir(name) == "manifests" && strings.HasSuffix(name, ".yaml") {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		if len(names) == 0 {
			t.Fatalf("%s: no manifests/*.yaml rendered", r.Stack)
		}
		seen := map[string]int{} // apiVersion/kind -> objects checked
		for _, name := range names {
			docs, err := crdvalidate.SplitYAML(files[name])
			if err != nil {
				t.Fatalf("%s %s: %v", r.Stack, name, err)
			}
			for _, obj := range docs {
				if removed := stripPlaceholders(obj, ""); len(removed) > 0 {
					md, _ := obj["metadata"].(map[string]any)
					t.Logf("%s %s %v/%v: placeholder fields not checked: %s", r.Stack, name, obj["kind"], md["name"], strings.Join(removed, ", "))
				}
				if err := v.ValidateAny(obj); err != nil {
					t.Errorf("%s %s: %v", r.Stack, name, err)
				}
				seen[obj["apiVersion"].(string)+" "+obj["kind"].(string)]++
			}
		}
		// The render must still contain the custom resources this test
		// exists for; if one disappears from the manifests, it would
		// silently stop being checked.
		want := []string{
			"kafka.strimzi.io/v1 Kafka", "kafka.strimzi.io/v1 KafkaNodePool", "kafka.strimzi.io/v1 KafkaTopic",
			"kafka.strimzi.io/v1 KafkaUser", "monitoring.coreos.com/v1 PodMonitor", "monitoring.coreos.com/v1 PrometheusRule",
		}
		if r.Stack == "dr" {
			want = append(want, "kafka.strimzi.io/v1 KafkaMirrorMaker2", "secrets.hashicorp.com/v1beta1 VaultConnection",
				"secrets.hashicorp.com/v1beta1 VaultAuth", "secrets.hashicorp.com/v1beta1 VaultStaticSecret")
		}
		for _, k := range want {
			if seen[k] == 0 {
				t.Errorf("%s: no %s in manifests/*.yaml (checked %v)", r.Stack, k, seen)
			}
		}
		t.Logf("%s: checked %v", r.Stack, seen)
	}
}

// TestRenderedManifestCheckCanFail breaks real rendered objects the way a
// typed-struct slip would (a misspelt json tag, a wrong type, a dropped
// required field) and expects the same validation to reject each one, so a
// pass of TestRenderedManifestsMatchUpstreamSchemas means something.
func TestRenderedManifestCheckCanFail(t *testing.T) {
	v := upstreamCRDs(t)
	_, d := renderBoth(t)
	files, err := d.Files()
	if err != nil {
		t.Fatal(err)
	}
	find := func(file, kind string) map[string]any {
		t.Helper()
		docs, err := crdvalidate.SplitYAML(files["manifests/"+file])
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range docs {
			if o["kind"] == kind {
				return o
			}
		}
		t.Fatalf("no %s in manifests/%s", kind, file)
		return nil
	}
	spec := func(o map[string]any) map[string]any { return o["spec"].(map[string]any) }
	cases := []struct {
		name, file, kind string
		mutate           func(o map[string]any)
		want             string
	}{
		{"PodMonitor misspelt endpoints", "observability.yaml", "PodMonitor", func(o map[string]any) {
			spec(o)["podMetricsEndpoint"] = spec(o)["podMetricsEndpoints"]
			delete(spec(o), "podMetricsEndpoints")
		}, "spec.podMetricsEndpoint"},
		{"PrometheusRule expr not a string", "observability.yaml", "PrometheusRule", func(o map[string]any) {
			spec(o)["groups"].([]any)[0].(map[string]any)["rules"].([]any)[0].(map[string]any)["expr"] = map[string]any{"q": "up"}
		}, "spec.groups[0].rules[0].expr"},
		{"VaultStaticSecret without mount", "vaultsync.yaml", "VaultStaticSecret", func(o map[string]any) {
			delete(spec(o), "mount")
		}, "spec.mount"},
		{"VaultAuth unknown field", "vaultsync.yaml", "VaultAuth", func(o map[string]any) {
			spec(o)["vaultConnection"] = spec(o)["vaultConnectionRef"]
		}, "spec.vaultConnection"},
		{"Deployment unknown field", "observability.yaml", "Deployment", func(o map[string]any) {
			spec(o)["replica"] = 1
		}, "spec.replica"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := find(tc.file, tc.kind)
			stripPlaceholders(o, "")
			if err := v.ValidateAny(o); err != nil {
				t.Fatalf("rendered %s must be valid before the mutation: %v", tc.kind, err)
			}
			tc.mutate(o)
			err := v.ValidateAny(o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error at %s", err, tc.want)
			}
		})
	}
}
