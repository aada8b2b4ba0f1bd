package crdvalidate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUpstreamLoadsEveryRenderedKind(t *testing.T) {
	kinds := strings.Join(upstream(t).Kinds(), " ")
	for _, k := range []string{
		"kafka.strimzi.io/v1/Kafka", "kafka.strimzi.io/v1/KafkaMirrorMaker2",
		"monitoring.coreos.com/v1/PodMonitor", "monitoring.coreos.com/v1/PrometheusRule",
		"monitoring.coreos.com/v1/ServiceMonitor",
		"secrets.hashicorp.com/v1beta1/VaultConnection", "secrets.hashicorp.com/v1beta1/VaultAuth",
		"secrets.hashicorp.com/v1beta1/VaultStaticSecret",
	} {
		if !strings.Contains(" "+kinds+" ", " "+k+" ") {
			t.Errorf("%s not loaded; have %s", k, kinds)
		}
	}
}

func TestModuleDirMissingNamesTheCommand(t *testing.T) {
	t.Setenv("GOMODCACHE", t.TempDir())
	_, err := PrometheusOperator.Dir()
	if err == nil {
		t.Fatal("Dir found CRDs in an empty module cache")
	}
	for _, w := range []string{"go mod download -json github.com/prometheus-operator/prometheus-operator@v0.85.0", "make crds"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

// Module paths with capitals are stored escaped in the cache ("!a" for "A").
func TestModuleDirEscapesThePath(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("GOMODCACHE", cache)
	want := filepath.Join(cache, "github.com", "!some!org", "crds@v1.0.0", "deploy")
	if err := os.MkdirAll(want, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := Module{Path: "github.com/SomeOrg/crds", Version: "v1.0.0", Subdir: "deploy"}.Dir()
	if err != nil || got != want {
		t.Fatalf("Dir = %q, %v; want %q", got, err, want)
	}
}

const podMonitor = `
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: kafka, namespace: monitoring, labels: {release: kps}}
spec:
  namespaceSelector: {matchNames: [kafka]}
  selector: {matchLabels: {strimzi.io/kind: Kafka}}
  podMetricsEndpoints:
    - port: tcp-prometheus
      path: /metrics
      interval: 15s
`

const prometheusRule = `
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: kafka-slo, namespace: monitoring}
spec:
  groups:
    - name: kafka
      rules:
        - alert: UnderReplicated
          expr: sum(kafka_server_replicamanager_underreplicatedpartitions) > 0
          for: 1m
          labels: {severity: page}
`

const staticSecret = `
apiVersion: secrets.hashicorp.com/v1beta1
kind: VaultStaticSecret
metadata: {name: creds, namespace: kafka}
spec:
  vaultAuthRef: sync
  mount: kafka-platform
  type: kv-v2
  path: mirrormaker/prod/source-credentials
  refreshAfter: 60s
  destination: {name: source-credentials, create: true}
`

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: exporter, namespace: monitoring}
spec:
  replicas: 1
  selector: {matchLabels: {app: exporter}}
  template:
    metadata: {labels: {app: exporter}}
    spec:
      containers: [{name: exporter, image: "example.invalid/exporter:1"}]
`

func TestRejectsBrokenUpstreamObjects(t *testing.T) {
	v := upstream(t)
	for _, base := range []string{podMonitor, prometheusRule, staticSecret, deployment} {
		if err := v.ValidateAny(mustDoc(t, base)); err != nil {
			t.Fatalf("fixture must be valid: %v", err)
		}
	}
	spec := func(m map[string]any) map[string]any { return m["spec"].(map[string]any) }
	cases := []struct {
		name   string
		base   string
		mutate func(m map[string]any)
		want   []string
	}{
		{"PodMonitor misspelt podMetricsEndpoints", podMonitor, func(m map[string]any) {
			spec(m)["podMetricsEndpoint"] = spec(m)["podMetricsEndpoints"]
			delete(spec(m), "podMetricsEndpoints")
		}, []string{"PodMonitor/kafka", "spec.podMetricsEndpoint", "unknown field"}},
		{"PodMonitor endpoint interval not a duration", podMonitor, func(m map[string]any) {
			spec(m)["podMetricsEndpoints"].([]any)[0].(map[string]any)["interval"] = "15 seconds"
		}, []string{"spec.podMetricsEndpoints[0].interval"}},
		{"PrometheusRule expr is not a string", prometheusRule, func(m map[string]any) {
			r := spec(m)["groups"].([]any)[0].(map[string]any)["rules"].([]any)[0].(map[string]any)
			r["expr"] = []any{"up == 0"}
		}, []string{"spec.groups[0].rules[0].expr"}},
		{"PrometheusRule label value not a string", prometheusRule, func(m map[string]any) {
			r := spec(m)["groups"].([]any)[0].(map[string]any)["rules"].([]any)[0].(map[string]any)
			r["labels"] = map[string]any{"severity": 1}
		}, []string{"spec.groups[0].rules[0].labels.severity", "string"}},
		{"VaultStaticSecret missing required path", staticSecret, func(m map[string]any) {
			delete(spec(m), "path")
		}, []string{"VaultStaticSecret/creds", "spec.path", "Required"}},
		{"VaultStaticSecret destination missing name", staticSecret, func(m map[string]any) {
			delete(spec(m)["destination"].(map[string]any), "name")
		}, []string{"spec.destination.name", "Required"}},
		{"VaultStaticSecret at an unserved version", staticSecret, func(m map[string]any) {
			m["apiVersion"] = "secrets.hashicorp.com/v1"
		}, []string{"apiVersion", "secrets.hashicorp.com/v1beta1"}},
		{"custom kind without a CRD", podMonitor, func(m map[string]any) {
			m["kind"] = "PodMonitr"
		}, []string{"no CRD for monitoring.coreos.com PodMonitr"}},
		{"k8s.io group served by a CRD, none loaded", podMonitor, func(m map[string]any) {
			m["apiVersion"], m["kind"] = "gateway.networking.k8s.io/v1", "HTTPRoute"
		}, []string{"no CRD for gateway.networking.k8s.io HTTPRoute"}},
		{"built-in unknown field", deployment, func(m map[string]any) {
			spec(m)["replica"] = 1
		}, []string{"Deployment/exporter", `unknown field "spec.replica"`}},
		{"built-in wrong type", deployment, func(m map[string]any) {
			spec(m)["replicas"] = "one"
		}, []string{"Deployment/exporter", "replicas"}},
		{"built-in version no longer served", deployment, func(m map[string]any) {
			m["apiVersion"] = "extensions/v1beta1"
		}, []string{"apiVersion", "apps/v1"}},
		{"built-in unknown kind", deployment, func(m map[string]any) {
			m["kind"] = "Deploymnet"
		}, []string{"kind", "Deploymnet"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := mustDoc(t, tc.base)
			tc.mutate(m)
			err := v.ValidateAny(m)
			if err == nil {
				t.Fatal("accepted an invalid object")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// A multi-document file with a multi-version CRD: each object is checked
// against the schema of the version its apiVersion names; an unserved
// version is not accepted.
const multiVersionCRDs = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  versions:
    - name: v1alpha1
      served: true
      storage: false
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties: {size: {type: string}}
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [replicas]
              properties: {replicas: {type: integer}}
    - name: v0
      served: false
      storage: false
      schema:
        openAPIV3Schema: {type: object}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {kind: Gadget, plural: gadgets, singular: gadget, listKind: GadgetList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {on: {type: boolean}}}}}
`

func TestMultiDocumentMultiVersionCRDs(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "crds.yaml"), []byte(multiVersionCRDs), 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(v.Kinds(), " "); got != "example.com/v1/Gadget example.com/v1/Widget example.com/v1alpha1/Widget" {
		t.Fatalf("kinds = %s", got)
	}
	obj := func(apiVersion, kind string, spec map[string]any) map[string]any {
		return map[string]any{"apiVersion": apiVersion, "kind": kind,
			"metadata": map[string]any{"name": "w", "namespace": "ns"}, "spec": spec}
	}
	for _, ok := range []map[string]any{
		obj("example.com/v1alpha1", "Widget", map[string]any{"size": "L"}),
		obj("example.com/v1", "Widget", map[string]any{"replicas": 2}),
	} {
		if err := v.Validate(ok); err != nil {
			t.Errorf("valid %v rejected: %v", ok["apiVersion"], err)
		}
	}
	for _, tc := range []struct {
		obj  map[string]any
		want string
	}{
		// v1alpha1's field is unknown at v1 (and v1's required field missing).
		{obj("example.com/v1", "Widget", map[string]any{"size": "L"}), "spec.size"},
		{obj("example.com/v1", "Widget", map[string]any{"size": "L"}), "spec.replicas"},
		{obj("example.com/v1alpha1", "Widget", map[string]any{"replicas": 2}), "spec.replicas"},
		{obj("example.com/v0", "Widget", map[string]any{}), "example.com/v1alpha1"},
	} {
		err := v.Validate(tc.obj)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: got %v, want an error mentioning %s", tc.obj["apiVersion"], tc.obj["spec"], err, tc.want)
		}
	}
	if _, err := Load(dir, dir); err == nil || !strings.Contains(err.Error(), "defined twice") {
		t.Errorf("loading the same CRDs twice: got %v, want a 'defined twice' error", err)
	}
}

// The Makefile's crds target must fetch exactly the modules Upstream reads,
// or `make test` on a fresh clone fails (or fetches something unused).
func TestMakefileFetchesExactlyUpstreamModules(t *testing.T) {
	b, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "UPSTREAM_CRD_MODULES :="); ok {
			got = strings.Fields(rest)
		}
	}
	var want []string
	for _, m := range UpstreamModules {
		want = append(want, m.String())
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("Makefile UPSTREAM_CRD_MODULES = %v, crdvalidate.UpstreamModules = %v", got, want)
	}
}
