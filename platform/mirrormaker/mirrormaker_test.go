package mirrormaker

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/config"
	"github.com/tradingfirm/kafka-platform/internal/kube"
	"github.com/tradingfirm/kafka-platform/internal/render"
	"github.com/tradingfirm/kafka-platform/internal/render/rendertest"
	strimziv1 "github.com/tradingfirm/kafka-platform/platform/strimzi/api/v1"
)

func testSpec() Spec {
	return Spec{
		Namespace: "kafka", Name: "dr-mirror", Replicas: 3, TasksMax: 6,
		TargetAlias: "dr", SourceAlias: "prod",
		TargetBootstrap: "trading-kafka-bootstrap.kafka.svc:9093", TargetCASecret: "trading-cluster-ca-cert",
		TargetUserSecret: "mirrormaker", SourceBootstrap: "kafka-xregion.prod.invalid:9096",
		SourceCredentialsSecret: "mirrormaker-source-credentials",
		TopicsPattern:           config.DefaultMirroredTopicsPattern, GroupsPattern: ".*", ReplicationFactor: 3,
		KafkaVersion: config.DefaultKafkaVersion,
	}
}

// TestBuildValidAgainstCRD validates the resource against Strimzi 1.2.0's
// KafkaMirrorMaker2 CRD, and checks the validator does reject a broken one
// (v1beta2 layout: no target, a clusters list).
func TestBuildValidAgainstCRD(t *testing.T) {
	v := rendertest.CRDs(t)
	obj, err := kube.ToMap(Build(testSpec()))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Validate(obj); err != nil {
		t.Fatalf("KafkaMirrorMaker2 invalid: %v", err)
	}
	bad, _ := kube.ToMap(Build(testSpec()))
	spec := bad["spec"].(map[string]any)
	delete(spec, "target")
	spec["clusters"] = []any{map[string]any{"alias": "prod", "bootstrapServers": "x:9093"}}
	if err := v.Validate(bad); err == nil {
		t.Fatal("validator accepted a v1beta2-style KafkaMirrorMaker2 without spec.target")
	}
}

// TestReplicationChoices pins the settings the failover procedure relies on.
func TestReplicationChoices(t *testing.T) {
	mm := Build(testSpec())
	m := mm.Spec.Mirrors[0]
	for _, c := range []map[string]any{m.SourceConnector.Config, m.CheckpointConnector.Config} {
		if c["replication.policy.class"] != IdentityReplicationPolicy {
			t.Errorf("replication.policy.class = %v", c["replication.policy.class"])
		}
		if c["offset-syncs.topic.location"] != "target" {
			t.Errorf("offset-syncs.topic.location = %v, want target (the source user has no write ACL)", c["offset-syncs.topic.location"])
		}
	}
	if m.SourceConnector.Config["sync.topic.configs.enabled"] != true || m.SourceConnector.Config["replication.factor"] != 3 {
		t.Errorf("source connector config %v", m.SourceConnector.Config)
	}
	if m.CheckpointConnector.Config["sync.group.offsets.enabled"] != true {
		t.Errorf("checkpoints must sync group offsets")
	}
	if m.SourceConnector.TasksMax != 6 || mm.Spec.Replicas != 3 {
		t.Errorf("tasksMax %d replicas %d", m.SourceConnector.TasksMax, mm.Spec.Replicas)
	}
	if mm.Spec.Rack == nil || mm.Spec.Rack.TopologyKey != "topology.kubernetes.io/zone" {
		t.Errorf("rack %+v", mm.Spec.Rack)
	}
	if mm.Spec.MetricsConfig == nil || mm.Spec.MetricsConfig.Type != "strimziMetricsReporter" {
		t.Errorf("metrics %+v", mm.Spec.MetricsConfig)
	}
	src := m.Source
	if src.Authentication.Type != "tls" || src.Authentication.CertificateAndKey.SecretName != "mirrormaker-source-credentials" ||
		src.TLS.TrustedCertificates[0].SecretName != "mirrormaker-source-credentials" {
		t.Errorf("source must use mTLS with the Vault-synced secret: %+v %+v", src.Authentication, src.TLS)
	}
	if mm.Spec.Target.Authentication.Type != "tls" || mm.Spec.Target.TLS == nil {
		t.Errorf("target must use mTLS")
	}
}

// TestTopicsPattern: the default pattern, applied as MM2 does (whole name),
// mirrors every durable topic and none of the ephemeral ones.
func TestTopicsPattern(t *testing.T) {
	// The default topics of internal/config (kafkaTopics) plus near misses.
	durable := []string{"orders.journal", "risk.positions", "orders.journal.desk-a", "risk.positions.eod"}
	ephemeral := []string{"marketdata.quotes", "canary", "orders.journal-scratch", "x.orders.journal", "risk.positionsx"}
	re, err := config.MirrorPattern(config.DefaultMirroredTopicsPattern)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range durable {
		if !re.MatchString(d) {
			t.Errorf("durable topic %s not mirrored", d)
		}
	}
	if got := config.EphemeralMatches(config.DefaultMirroredTopicsPattern, ephemeral); len(got) != 0 {
		t.Errorf("ephemeral topics mirrored: %v", got)
	}
	if got := config.EphemeralMatches(".*", ephemeral); len(got) != len(ephemeral) {
		t.Errorf("the check must catch a catch-all pattern, got %v", got)
	}
}

// TestSourceACLsExact: exactly Describe/DescribeConfigs/Read (sorted, the
// Kafka layer's order) on each mirrored topic, Describe on groups and the
// cluster, nothing else.
func TestSourceACLsExact(t *testing.T) {
	got := SourceACLs([]string{"risk.positions", "orders.journal", "orders.journal"})
	lit := strimziv1.PatternLiteral
	want := []strimziv1.AclRule{
		{Resource: strimziv1.AclRuleResource{Type: strimziv1.AclTopic, Name: "orders.journal", PatternType: lit}, Operations: []strimziv1.AclOperation{"Describe", "DescribeConfigs", "Read"}},
		{Resource: strimziv1.AclRuleResource{Type: strimziv1.AclTopic, Name: "risk.positions", PatternType: lit}, Operations: []strimziv1.AclOperation{"Describe", "DescribeConfigs", "Read"}},
		{Resource: strimziv1.AclRuleResource{Type: strimziv1.AclGroup, Name: "*", PatternType: lit}, Operations: []strimziv1.AclOperation{"Describe"}},
		{Resource: strimziv1.AclRuleResource{Type: strimziv1.AclCluster}, Operations: []strimziv1.AclOperation{"Describe"}},
	}
	if !reflect.DeepEqual(got, want) {
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(want)
		t.Fatalf("source ACLs\n got %s\nwant %s", a, b)
	}
	for _, r := range got {
		for _, op := range r.Operations {
			switch op {
			case strimziv1.OpWrite, strimziv1.OpCreate, strimziv1.OpAlter, strimziv1.OpAlterConfigs, strimziv1.OpDelete, strimziv1.OpAll:
				t.Errorf("source user may %s %s", op, r.Resource.Name)
			}
		}
	}
}

// TestComponent renders the component under mocks: the user and the MM2
// resource exist, on the DR provider, with the stack-reference bootstrap
// resolved into the spec, and the rendered spec still validates.
func TestComponent(t *testing.T) {
	m := render.NewMocks("kafka-platform", "dr", "us-west-2")
	err := m.Run(func(ctx *pulumi.Context) error {
		prov, err := kubernetes.NewProvider(ctx, "dr-k8s", &kubernetes.ProviderArgs{})
		if err != nil {
			return err
		}
		_, err = New(ctx, "dr-mirror", Args{
			Provider: prov, Spec: testSpec(), TargetCluster: "trading",
			MirroredTopics: []string{"orders.journal", "risk.positions"}, SourceBootstrap: pulumi.String("boot.prod.invalid:9096"),
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var mm, user *render.Resource
	mm = m.Find("kubernetes:kafka.strimzi.io/v1:KafkaMirrorMaker2", "dr-mirror")
	user = m.Find("kubernetes:kafka.strimzi.io/v1:KafkaUser", "dr-mirror-target-user")
	if mm == nil || user == nil {
		for _, r := range m.Resources() {
			t.Logf("%s %s %v", r.Type, r.Name, r.Inputs)
		}
		t.Fatalf("want a KafkaMirrorMaker2 and a KafkaUser")
	}
	if !strings.Contains(mm.Provider, "dr-k8s") || !strings.Contains(user.Provider, "dr-k8s") {
		t.Errorf("not on the DR cluster provider: %s %s", mm.Provider, user.Provider)
	}
	obj := map[string]any{"apiVersion": mm.Inputs["apiVersion"], "kind": mm.Inputs["kind"], "metadata": mm.Inputs["metadata"], "spec": mm.Inputs["spec"]}
	spec, _ := obj["spec"].(map[string]any)
	mirrors, _ := spec["mirrors"].([]any)
	if len(mirrors) != 1 {
		t.Fatalf("spec %v", spec)
	}
	src := mirrors[0].(map[string]any)["source"].(map[string]any)
	if src["bootstrapServers"] != "boot.prod.invalid:9096" {
		t.Errorf("source bootstrap %v", src["bootstrapServers"])
	}
	if err := rendertest.CRDs(t).Validate(obj); err != nil {
		t.Errorf("rendered KafkaMirrorMaker2 invalid: %v", err)
	}
	userObj := map[string]any{"apiVersion": user.Inputs["apiVersion"], "kind": user.Inputs["kind"], "metadata": user.Inputs["metadata"], "spec": user.Inputs["spec"]}
	if err := rendertest.CRDs(t).Validate(userObj); err != nil {
		t.Errorf("rendered KafkaUser invalid: %v", err)
	}
}
