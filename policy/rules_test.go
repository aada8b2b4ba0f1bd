package policy

import (
	"context"
	"strings"
	"testing"
)

func mustLoad(t *testing.T) *Pack {
	t.Helper()
	p, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func fixture(t *testing.T) *stackDoc {
	t.Helper()
	s, err := loadStackDoc("testdata/compliant_stack.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func evaluate(t *testing.T, p *Pack, s *stackDoc) *Report {
	t.Helper()
	rep, err := p.Evaluate(context.Background(), s.rs)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestFixtureIsCompliant: the hand-written stack (both EKS shapes, pinned
// and spread node pools) passes every rule, mandatory and advisory.
func TestFixtureIsCompliant(t *testing.T) {
	p := mustLoad(t)
	rep := evaluate(t, p, fixture(t))
	if len(rep.Violations) > 0 {
		t.Fatalf("compliant fixture has violations:%s", describe(rep.Violations))
	}
}

// TestMutationsOnFixture: every mutation applies to the fixture and its rule
// reports it with the expected message (the non-compliant case of each rule).
func TestMutationsOnFixture(t *testing.T) {
	p := mustLoad(t)
	base := fixture(t)
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			s := base.clone()
			if !m.apply(s) {
				t.Fatalf("mutation does not apply to the fixture")
			}
			rep := evaluate(t, p, s)
			if !caught(rep, m) {
				t.Fatalf("rule %s did not report %q; got:%s", m.rule, m.want, describe(rep.Violations))
			}
		})
	}
}

func caught(rep *Report, m mutation) bool {
	for _, v := range rep.ByRule(m.rule) {
		if strings.Contains(v.Message, m.want) {
			return true
		}
	}
	return false
}

// TestRemoteComponentChildShape: the EKS rules match the child
// aws:eks/cluster:Cluster a real preview sees (shape from the pulumi-aws v6
// schema: vpcConfig, encryptionConfig), not only the component's inputs.
func TestRemoteComponentChildShape(t *testing.T) {
	p := mustLoad(t)
	cases := []struct {
		name, rule, want string
		edit             func(r map[string]any)
	}{
		{"public endpoint, default CIDRs", "deny_eks_endpoint_private", "vpcConfig.endpointPublicAccess is true", func(r map[string]any) {
			setIn(r, true, "vpcConfig", "endpointPublicAccess")
		}},
		{"endpoint public by default", "deny_eks_endpoint_private", "unset, default true", func(r map[string]any) {
			setIn(r, nil, "vpcConfig", "endpointPublicAccess")
		}},
		{"public to ::/0", "deny_eks_endpoint_private", "::/0", func(r map[string]any) {
			setIn(r, true, "vpcConfig", "endpointPublicAccess")
			setIn(r, []any{"::/0"}, "vpcConfig", "publicAccessCidrs")
		}},
		{"no encryptionConfig", "deny_eks_secrets_encryption", "does not encrypt resources [secrets]", func(r map[string]any) {
			setIn(r, nil, "encryptionConfig")
		}},
		{"encryptionConfig without secrets", "deny_eks_secrets_encryption", "does not encrypt resources [secrets]", func(r map[string]any) {
			setIn(r, []any{}, "encryptionConfig", "resources")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := fixture(t)
			child := s.first(eksCT)
			if child == nil {
				t.Fatal("fixture lacks the aws:eks/cluster:Cluster child")
			}
			c.edit(child)
			vs, err := p.EvaluateResource(context.Background(), child)
			if err != nil {
				t.Fatal(err)
			}
			rep := &Report{Violations: vs}
			if !caught(rep, mutation{rule: c.rule, want: c.want}) {
				t.Fatalf("child shape: %s did not report %q; got:%s", c.rule, c.want, describe(vs))
			}
		})
	}
	// Limited CIDRs are allowed on the child too.
	s := fixture(t)
	child := s.first(eksCT)
	setIn(child, true, "vpcConfig", "endpointPublicAccess")
	setIn(child, []any{"203.0.113.0/24"}, "vpcConfig", "publicAccessCidrs")
	vs, err := p.EvaluateResource(context.Background(), child)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) > 0 {
		t.Fatalf("public endpoint limited to 203.0.113.0/24 should pass:%s", describe(vs))
	}
}

// TestAdvisoryRules: each advisory rule warns on its non-compliant case and
// never produces a mandatory violation.
func TestAdvisoryRules(t *testing.T) {
	p := mustLoad(t)
	cases := []mutation{
		{"EBS-only broker instance", "stack_warn_broker_nvme", "uses m7i.2xlarge", onFirst(ltT, func(r map[string]any) bool {
			setIn(r, "m7i.2xlarge", "instanceType")
			return true
		})},
		{"long retention without tiered storage", "warn_topic_tiered_storage", "without tiered storage", onFirst(topicT, func(r map[string]any) bool {
			setIn(r, nil, "spec", "config", "remote.storage.enable")
			return true
		})},
		{"infinite retention", "warn_topic_tiered_storage", "retention.ms -1", onFirst(topicT, func(r map[string]any) bool {
			setIn(r, -1, "spec", "config", "retention.ms")
			setIn(r, "false", "spec", "config", "remote.storage.enable")
			return true
		})},
		{"no cost-center tag", "warn_cost_allocation_tags", `no default tag "cost-center"`, onFirst("pulumi:providers:aws", func(r map[string]any) bool {
			setIn(r, `{"tags":{"owner":"platform"}}`, "defaultTags")
			return true
		})},
		{"unprotected key", "warn_stateful_protected", "is not protected", onFirst("aws:kms/key:Key", func(r map[string]any) bool {
			setIn(r, false, "__options", "protect")
			return true
		})},
		{"key without rotation", "warn_kms_key_rotation", "does not rotate", onFirst("aws:kms/key:Key", func(r map[string]any) bool {
			setIn(r, nil, "enableKeyRotation")
			return true
		})},
		{"no multipart abort", "stack_warn_bucket_multipart_abort", "no lifecycle rule", func(s *stackDoc) bool {
			r := s.first("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")
			s.remove(r)
			return true
		}},
		{"bucket policy unknown at preview", "stack_warn_unverifiable_policy", "policy is not known before apply", onFirst(polT, func(r map[string]any) bool {
			setIn(r, "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "policy")
			return true
		})},
	}
	for _, m := range cases {
		t.Run(m.name, func(t *testing.T) {
			s := fixture(t)
			if !m.apply(s) {
				t.Fatal("does not apply")
			}
			rep := evaluate(t, p, s)
			if !caught(rep, m) {
				t.Fatalf("%s did not warn %q; got:%s", m.rule, m.want, describe(rep.Violations))
			}
			if mv := rep.Mandatory(); len(mv) > 0 {
				t.Fatalf("advisory case produced mandatory violations:%s", describe(mv))
			}
		})
	}
}

// TestSSEPerResource: the per-resource rule refuses an unset or unknown
// default algorithm and accepts KMS; AES256 is left to the stack rule, which
// alone can see whether the bucket is a server-access-log target (see
// TestMutationsOnFixture: "SSE-S3 on the data bucket" is still denied).
func TestSSEPerResource(t *testing.T) {
	p := mustLoad(t).Only("deny_s3_sse_kms")
	for _, c := range []struct {
		alg  any
		deny bool
	}{{"aws:kms", false}, {"aws:kms:dsse", false}, {"AES256", false}, {"aes256", true}, {"none", true}, {nil, true}} {
		r := map[string]any{"__type": sseT, "__name": "b-sse", "bucket": "b", "rules": []any{map[string]any{}}}
		if c.alg != nil {
			setIn(r, map[string]any{"sseAlgorithm": c.alg}, "rules", 0, "applyServerSideEncryptionByDefault")
		}
		vs, err := p.EvaluateResource(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(vs) > 0; got != c.deny {
			t.Errorf("sseAlgorithm %v: denied %v, want %v:%s", c.alg, got, c.deny, describe(vs))
		}
	}
}
