package crdvalidate

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// onceValidator loads one set of CRDs once per test binary; every test
// using it shares the validator, or fails with the same error (a missing
// source fails, with the command that fetches it; it never skips).
type onceValidator struct {
	once sync.Once
	v    *Validator
	err  error
}

func (o *onceValidator) get(t *testing.T, load func() (*Validator, error)) *Validator {
	t.Helper()
	o.once.Do(func() { o.v, o.err = load() })
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.v
}

var strimziCRDs, upstreamCRDs onceValidator

// strimzi loads the Strimzi CRDs (FindDir's directory).
func strimzi(t *testing.T) *Validator {
	t.Helper()
	return strimziCRDs.get(t, func() (*Validator, error) {
		dir, err := FindDir()
		if err != nil {
			return nil, err
		}
		return LoadDir(dir)
	})
}

// upstream loads Strimzi, prometheus-operator and VSO CRDs.
func upstream(t *testing.T) *Validator {
	t.Helper()
	return upstreamCRDs.get(t, Upstream)
}

func TestLoadsEveryStrimziKindAtV1Only(t *testing.T) {
	v := strimzi(t)
	want := []string{"Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "KafkaMirrorMaker2", "KafkaRebalance", "KafkaConnect", "StrimziPodSet"}
	kinds := strings.Join(v.Kinds(), " ")
	for _, k := range want {
		if !strings.Contains(kinds, "kafka.strimzi.io/v1/"+k) && !strings.Contains(kinds, "core.strimzi.io/v1/"+k) {
			t.Errorf("kind %s at v1 not loaded; have %s", k, kinds)
		}
	}
	if strings.Contains(kinds, "v1beta2") {
		t.Errorf("Strimzi 1.2.0 serves only v1, loaded %s", kinds)
	}
}

func TestFindDirMissingFailsWithInstructions(t *testing.T) {
	t.Setenv(EnvVar, filepath.Join(t.TempDir(), "nope"))
	_, err := FindDir()
	if err == nil || !strings.Contains(err.Error(), EnvVar) {
		t.Fatalf("FindDir with a bad %s: got %v, want an error naming the variable", EnvVar, err)
	}
	t.Setenv(EnvVar, "")
	wd, _ := os.Getwd()
	t.Chdir(t.TempDir())
	defer t.Chdir(wd)
	_, err = FindDir()
	if err == nil || !strings.Contains(err.Error(), "shared/") || !strings.Contains(err.Error(), EnvVar) {
		t.Fatalf("FindDir outside the repo: got %v, want instructions to set %s or check out shared/", err, EnvVar)
	}
}

// The upstream examples are valid by construction: the validator must
// accept every Strimzi document in them, or it is stricter than the API
// server and its failures would be noise.
func TestUpstreamExamplesValidate(t *testing.T) {
	v := strimzi(t)
	dir, err := FindDir()
	if err != nil {
		t.Fatal(err)
	}
	// The examples sit beside the CRDs in shared/strimzi/1.2.0; elsewhere (a
	// Strimzi release archive: install/cluster-operator and examples/)
	// STRIMZI_EXAMPLES names them. Nested directories are walked.
	examples := os.Getenv("STRIMZI_EXAMPLES")
	if examples == "" {
		examples = filepath.Join(dir, "..", "examples")
	}
	var files []string
	err = filepath.WalkDir(examples, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no upstream examples in %s (set STRIMZI_EXAMPLES to a Strimzi 1.2.0 examples directory): %v", examples, err)
	}
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := SplitYAML(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, d := range docs {
			if av, _ := d["apiVersion"].(string); !strings.HasPrefix(av, "kafka.strimzi.io/") {
				continue
			}
			// kubectl fills the namespace from the context; our objects
			// always set it, so the validator insists on it.
			d["metadata"].(map[string]any)["namespace"] = "kafka"
			if err := v.Validate(d); err != nil {
				t.Errorf("%s: %v", filepath.Base(f), err)
			}
			checked++
		}
	}
	if checked < 20 {
		t.Fatalf("only %d Strimzi documents checked; the examples directory looks incomplete", checked)
	}
}

const goodUser = `
apiVersion: kafka.strimzi.io/v1
kind: KafkaUser
metadata:
  name: app
  namespace: kafka
  labels: {strimzi.io/cluster: trading}
spec:
  authentication: {type: tls}
  authorization:
    type: simple
    acls:
      - resource: {type: topic, name: orders, patternType: literal}
        operations: [Read, Describe]
`

const goodKafka = `
apiVersion: kafka.strimzi.io/v1
kind: Kafka
metadata: {name: trading, namespace: kafka}
spec:
  kafka:
    version: 4.3.1
    metadataVersion: 4.3-IV0
    listeners:
      - {name: tls, port: 9093, type: internal, tls: true, authentication: {type: tls}}
    rack: {topologyKey: topology.kubernetes.io/zone}
  entityOperator:
    topicOperator: {}
    userOperator: {}
`

func mustDoc(t *testing.T, s string) map[string]any {
	t.Helper()
	docs, err := SplitYAML([]byte(s))
	if err != nil || len(docs) != 1 {
		t.Fatalf("bad fixture: %v", err)
	}
	return docs[0]
}

func TestRejectsBrokenObjectsWithPath(t *testing.T) {
	v := strimzi(t)
	for _, base := range []string{goodUser, goodKafka} {
		if err := v.Validate(mustDoc(t, base)); err != nil {
			t.Fatalf("fixture must be valid: %v", err)
		}
	}
	cases := []struct {
		name   string
		base   string
		mutate func(m map[string]any)
		want   []string // substrings of the error
	}{
		{"unknown field is pruned", goodUser, func(m map[string]any) {
			m["spec"].(map[string]any)["authentication"].(map[string]any)["flavour"] = "x"
		}, []string{"spec.authentication.flavour", "unknown field"}},
		{"v1 acl uses operations not operation", goodUser, func(m map[string]any) {
			acl := m["spec"].(map[string]any)["authorization"].(map[string]any)["acls"].([]any)[0].(map[string]any)
			delete(acl, "operations")
			acl["operation"] = "Read"
		}, []string{"spec.authorization.acls[0].operation"}},
		{"wrong type", goodKafka, func(m map[string]any) {
			m["spec"].(map[string]any)["kafka"].(map[string]any)["listeners"].([]any)[0].(map[string]any)["port"] = "9093"
		}, []string{"spec.kafka.listeners[0].port", "integer"}},
		{"enum", goodUser, func(m map[string]any) {
			m["spec"].(map[string]any)["authentication"].(map[string]any)["type"] = "plain"
		}, []string{"spec.authentication.type", "Unsupported value"}},
		{"CEL rule: validity days only with tls", goodUser, func(m map[string]any) {
			m["spec"].(map[string]any)["authentication"] = map[string]any{"type": "tls-external", "validityDays": int64(30)}
		}, []string{"spec.authentication"}},
		{"CEL rule: renewal before validity", goodUser, func(m map[string]any) {
			m["spec"].(map[string]any)["authentication"] = map[string]any{"type": "tls", "validityDays": int64(30), "renewalDays": int64(60)}
		}, []string{"spec.authentication", "'renewalDays' must be less than 'validityDays'"}},
		{"CEL rule: rack topology-label needs a key", goodKafka, func(m map[string]any) {
			m["spec"].(map[string]any)["kafka"].(map[string]any)["rack"] = map[string]any{"topologyKey": ""}
		}, []string{"spec.kafka.rack"}},
		{"v1beta2 is not served", goodUser, func(m map[string]any) {
			m["apiVersion"] = "kafka.strimzi.io/v1beta2"
		}, []string{"apiVersion", "kafka.strimzi.io/v1"}},
		{"missing namespace", goodUser, func(m map[string]any) {
			delete(m["metadata"].(map[string]any), "namespace")
		}, []string{"metadata.namespace"}},
		{"required field", goodKafka, func(m map[string]any) {
			delete(m["spec"].(map[string]any)["kafka"].(map[string]any), "listeners")
		}, []string{"spec.kafka.listeners", "Required"}},
		{"unknown kind", goodUser, func(m map[string]any) { m["kind"] = "KafkaUsr" }, []string{"kind"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := mustDoc(t, tc.base)
			tc.mutate(m)
			err := v.Validate(m)
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

func TestValidateDoesNotMutateInput(t *testing.T) {
	v := strimzi(t)
	m := mustDoc(t, goodUser)
	m["spec"].(map[string]any)["extra"] = true
	_ = v.Validate(m)
	if _, ok := m["spec"].(map[string]any)["extra"]; !ok {
		t.Fatal("Validate pruned the caller's object")
	}
}
