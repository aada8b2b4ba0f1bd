package strimzi

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/kube"
	"github.com/tradingfirm/kafka-platform/internal/render"
	"github.com/tradingfirm/kafka-platform/internal/render/rendertest"
	"github.com/tradingfirm/kafka-platform/internal/topology"
	strimziv1 "github.com/tradingfirm/kafka-platform/platform/strimzi/api/v1"
)

const testImage = "000000000000.dkr.ecr.us-east-1.amazonaws.com/kafka-tiered@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func testArgs() Args {
	h := int64(3600 * 1000)
	return Args{
		Namespace: "kafka", OperatorNamespace: "strimzi", ClusterName: "trading",
		StrimziVersion: "1.2.0", DrainCleanerVersion: "1.6.1", CertManagerVersion: "v1.19.1",
		KafkaVersion: "4.3.1", MetadataVersion: "4.3-IV0", BrokerImage: testImage,
		Brokers: 6, BrokerCPUs: 12, BrokerMemoryGiB: 112, BrokerHeapGiB: 6,
		JvmXX:          map[string]string{"UseG1GC": "true", "MaxGCPauseMillis": "20"},
		NetworkThreads: 4, IOThreads: 8, SocketBufferBytes: 1 << 20,
		BrokerStorageGiB: 2968, ControllerVolumeGiB: 20, ReplicationFactor: 3, MinISR: 2,
		PlatformAdmins: []string{"platform-admin"},
		Topics: map[string]Topic{
			"orders.journal":    {Class: Durable, Partitions: 24, Replicas: 3, MinISR: 2, RetentionMs: 2557 * 24 * h, LocalRetentionMs: 6 * h, Tiered: true},
			"risk.positions":    {Class: Durable, Partitions: 12, Replicas: 3, MinISR: 2, RetentionMs: 90 * 24 * h, LocalRetentionMs: 6 * h, Tiered: true},
			"marketdata.quotes": {Class: Ephemeral, Partitions: 48, Replicas: 3, MinISR: 2, RetentionMs: h},
			"canary":            {Class: Ephemeral, Partitions: 6, Replicas: 3, MinISR: 2, RetentionMs: h},
		},
		Users: map[string]User{
			"marketdata-gateway": {Produce: []string{"marketdata.quotes"}, Quotas: Quotas{ProducerByteRate: 200 << 20}},
			"strategy-engine":    {Consume: []string{"marketdata.quotes"}, Group: "strategy-", GroupPrefix: true},
			"order-management":   {Produce: []string{"orders.journal"}, Transactional: true},
			"risk-aggregator":    {Consume: []string{"orders.journal"}, Group: "risk-aggregator", Produce: []string{"risk.positions"}},
			"mirrormaker-dr":     {MirrorSource: true},
			"canary":             {Produce: []string{"canary"}, Consume: []string{"canary"}, Group: "canary-", GroupPrefix: true},
		},
		PeerVpcCidr: "10.41.0.0/16", Region: "us-east-1", TierPrefix: "tiered/",
		TierBucket: pulumi.String("kafka-prod-tier-fake"), BrokerRoleArn: pulumi.String("arn:aws:iam::000000000000:role/kafka-prod-broker"),
	}
}

func allObjects(a Args) []kube.Object {
	objs := []kube.Object{BuildKafka(a), BuildRebalanceTemplate(a)}
	for _, o := range BuildNodePools(a) {
		objs = append(objs, o)
	}
	for _, o := range BuildTopics(a) {
		objs = append(objs, o)
	}
	for _, o := range BuildUsers(a) {
		objs = append(objs, o)
	}
	return objs
}

func TestBuiltObjectsValidateAgainstCRDs(t *testing.T) {
	v := rendertest.CRDs(t)
	for _, variant := range []struct {
		name string
		mod  func(*Args)
	}{{"with peer", func(*Args) {}}, {"without peer", func(a *Args) { a.PeerVpcCidr = "" }}} {
		a := testArgs()
		variant.mod(&a)
		for _, o := range allObjects(a) {
			m, err := kube.ToMap(o)
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Validate(m); err != nil {
				t.Errorf("%s: %v", variant.name, err)
			}
		}
	}
}

func TestNoPlaintextListenerAndMTLSEverywhere(t *testing.T) {
	for _, peer := range []string{"", "10.41.0.0/16"} {
		a := testArgs()
		a.PeerVpcCidr = peer
		k := BuildKafka(a)
		want := 1
		if peer != "" {
			want = 2
		}
		if len(k.Spec.Kafka.Listeners) != want {
			t.Fatalf("peer %q: %d listeners, want %d", peer, len(k.Spec.Kafka.Listeners), want)
		}
		for _, l := range k.Spec.Kafka.Listeners {
			if !l.TLS || l.Authentication == nil || l.Authentication.Type != strimziv1.ListenerAuthTLS {
				t.Errorf("listener %s: tls=%v auth=%+v, want TLS with mTLS", l.Name, l.TLS, l.Authentication)
			}
			if l.Type == strimziv1.ListenerLoadBalancer {
				c := l.Configuration
				if c == nil || !reflect.DeepEqual(c.LoadBalancerSourceRanges, []string{peer}) {
					t.Errorf("cross-region listener reachable from %v, want only %s", c, peer)
				}
				if c.PerBrokerAnnotationsTemplate["service.beta.kubernetes.io/aws-load-balancer-scheme"] != "internal" {
					t.Error("cross-region NLBs must be internal")
				}
			}
		}
	}
	for _, u := range BuildUsers(testArgs()) {
		if u.Spec.Authentication == nil || u.Spec.Authentication.Type != strimziv1.UserAuthTLS {
			t.Errorf("user %s is not mTLS", u.Metadata.Name)
		}
		if u.Spec.Authorization == nil || u.Spec.Authorization.Type != strimziv1.AuthorizationSimple || len(u.Spec.Authorization.Acls) == 0 {
			t.Errorf("user %s has no ACLs", u.Metadata.Name)
		}
	}
	k := BuildKafka(testArgs())
	if k.Spec.Kafka.Authorization.Type != strimziv1.AuthorizationSimple || !reflect.DeepEqual(k.Spec.Kafka.Authorization.SuperUsers, []string{"CN=platform-admin"}) {
		t.Errorf("authorization %+v: want simple with only the platform admin", k.Spec.Kafka.Authorization)
	}
}

func TestBrokerConfigDurabilityAndLatency(t *testing.T) {
	c := BuildKafka(testArgs()).Spec.Kafka
	want := map[string]any{
		"default.replication.factor": 3, "min.insync.replicas": 2, "offsets.topic.replication.factor": 3,
		"transaction.state.log.replication.factor": 3, "transaction.state.log.min.isr": 2,
		"unclean.leader.election.enable": false, "auto.create.topics.enable": false,
		"replica.selector.class": RackAwareReplicaSelector, "num.network.threads": 4, "num.io.threads": 8,
		"socket.send.buffer.bytes": 1 << 20, "allow.everyone.if.no.acl.found": false,
		"rlmm.config.remote.log.metadata.topic.replication.factor": 3,
	}
	for k, v := range want {
		if c.Config[k] != v {
			t.Errorf("broker config %s = %v, want %v", k, c.Config[k], v)
		}
	}
	if c.Rack == nil || c.Rack.TopologyKey != topology.ZoneLabel {
		t.Errorf("rack %+v", c.Rack)
	}
	if c.Version != "4.3.1" || c.MetadataVersion != "4.3-IV0" || c.Image != testImage {
		t.Errorf("version/metadata/image = %s/%s/%s", c.Version, c.MetadataVersion, c.Image)
	}
	if c.Template.PodDisruptionBudget == nil || *c.Template.PodDisruptionBudget.MaxUnavailable != 1 {
		t.Error("PDB maxUnavailable must be 1")
	}
}

func TestTieredStorageUsesIRSAAndReachesBrokers(t *testing.T) {
	k := BuildKafka(testArgs()).Spec.Kafka
	ts := k.TieredStorage
	if ts == nil || ts.Type != "custom" || ts.RemoteStorageManager.ClassName != AivenRSM {
		t.Fatalf("tiered storage %+v", ts)
	}
	cfg := ts.RemoteStorageManager.Config
	for key, want := range map[string]string{
		"storage.backend.class": AivenS3Storage, "storage.s3.bucket.name": PlaceholderTierBucket, "storage.s3.region": "us-east-1",
		"key.prefix": "tiered/", "storage.aws.credentials.provider.class": WebIdentityProvider,
	} {
		if cfg[key] != want {
			t.Errorf("rsm config %s = %q, want %q", key, cfg[key], want)
		}
	}
	for key := range cfg {
		if strings.Contains(strings.ToLower(key), "access.key") || strings.Contains(strings.ToLower(key), "secret") {
			t.Errorf("static credential key %s in plugin config", key)
		}
	}
	if k.Template.ServiceAccount.Metadata.Annotations["eks.amazonaws.com/role-arn"] != PlaceholderBrokerRoleArn {
		t.Error("broker service account lacks the IRSA annotation")
	}
	var brokerEnv []strimziv1.ContainerEnvVar
	for _, np := range BuildNodePools(testArgs()) {
		if np.Metadata.Name == BrokerPool {
			brokerEnv = np.Spec.Template.KafkaContainer.Env
		}
	}
	found := false
	for _, e := range brokerEnv {
		found = found || (e.Name == "AWS_EC2_METADATA_DISABLED" && e.Value == "true")
	}
	if !found {
		t.Error("brokers must not be able to reach IMDS (node role fallback)")
	}
	for _, tp := range BuildTopics(testArgs()) {
		tiered := tp.Spec.Config["remote.storage.enable"] == true
		switch tp.Spec.TopicName {
		case "orders.journal", "risk.positions":
			if !tiered || tp.Spec.Config["local.retention.ms"] == nil {
				t.Errorf("%s must be tiered with local retention: %v", tp.Spec.TopicName, tp.Spec.Config)
			}
		default:
			if tiered {
				t.Errorf("%s must not be tiered", tp.Spec.TopicName)
			}
		}
		if tp.Spec.Replicas != 3 || tp.Spec.Config["min.insync.replicas"] != 2 {
			t.Errorf("%s: replicas %d min ISR %v", tp.Spec.TopicName, tp.Spec.Replicas, tp.Spec.Config["min.insync.replicas"])
		}
	}
}

func TestPlacementGuaranteedAndSpread(t *testing.T) {
	a := testArgs()
	for _, np := range BuildNodePools(a) {
		role := topology.RoleBroker
		if np.Metadata.Name == ControllerPool {
			role = topology.RoleController
		}
		r := np.Spec.Resources
		for _, res := range []string{"cpu", "memory"} {
			req, lim := r.Requests[corev1ResourceName(res)], r.Limits[corev1ResourceName(res)]
			if req.Cmp(lim) != 0 || req.IsZero() {
				t.Errorf("%s %s: requests %s limits %s, want equal (Guaranteed QoS)", np.Metadata.Name, res, req.String(), lim.String())
			}
		}
		if cpu := r.Limits[corev1ResourceName("cpu")]; cpu.MilliValue()%1000 != 0 {
			t.Errorf("%s cpu %s: want whole CPUs for the static CPU manager", np.Metadata.Name, cpu.String())
		}
		p := np.Spec.Template.Pod
		terms := p.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
		if terms[0].MatchExpressions[0].Key != topology.RoleLabel || terms[0].MatchExpressions[0].Values[0] != role {
			t.Errorf("%s not pinned to %s nodes", np.Metadata.Name, role)
		}
		if len(p.Tolerations) != 1 || p.Tolerations[0].Key != topology.DedicatedTaintKey || p.Tolerations[0].Value != role {
			t.Errorf("%s tolerations %+v", np.Metadata.Name, p.Tolerations)
		}
		if len(p.TopologySpreadConstraints) != 1 || p.TopologySpreadConstraints[0].TopologyKey != topology.ZoneLabel ||
			p.TopologySpreadConstraints[0].MaxSkew != 1 || p.TopologySpreadConstraints[0].WhenUnsatisfiable != "DoNotSchedule" {
			t.Errorf("%s not spread evenly over zones: %+v", np.Metadata.Name, p.TopologySpreadConstraints)
		}
		if aa := p.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution; len(aa) != 1 || aa[0].TopologyKey != topology.HostnameLabel ||
			aa[0].LabelSelector.MatchLabels["strimzi.io/pool-name"] != np.Metadata.Name {
			t.Errorf("%s: want one pod per node: %+v", np.Metadata.Name, aa)
		}
		if p.PriorityClassName != PriorityClass {
			t.Errorf("%s priority class %q", np.Metadata.Name, p.PriorityClassName)
		}
	}
	pools := BuildNodePools(a)
	if pools[0].Spec.Replicas != 3 || pools[1].Spec.Replicas != 6 {
		t.Errorf("replicas controllers=%d brokers=%d", pools[0].Spec.Replicas, pools[1].Spec.Replicas)
	}
	if s := pools[1].Spec.Storage; s.Type != strimziv1.StorageEphemeral || s.SizeLimit != "2968Gi" {
		t.Errorf("broker storage %+v", s)
	}
	if s := pools[0].Spec.Storage.Volumes[0]; s.Class != ControllerStorageClass || s.KraftMetadata != "shared" || *s.DeleteClaim {
		t.Errorf("controller storage %+v", s)
	}
	if j := pools[1].Spec.JvmOptions; j.Xms != "6g" || j.Xmx != "6g" || j.XX["MaxGCPauseMillis"] != "20" {
		t.Errorf("broker JVM %+v", j)
	}
}

func acl(t strimziv1.AclResourceType, name string, pt strimziv1.AclPatternType, ops ...strimziv1.AclOperation) string {
	o := make([]string, len(ops))
	for i, op := range ops {
		o[i] = string(op)
	}
	sort.Strings(o)
	return fmt.Sprintf("%s:%s:%s=%s", t, name, pt, strings.Join(o, ","))
}

func aclStrings(rules []strimziv1.AclRule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, acl(r.Resource.Type, r.Resource.Name, r.Resource.PatternType, r.Operations...))
	}
	sort.Strings(out)
	return out
}

func TestACLsLeastPrivilege(t *testing.T) {
	a := testArgs()
	durable := DurableTopics(a)
	const (
		R, W, D, DC = strimziv1.OpRead, strimziv1.OpWrite, strimziv1.OpDescribe, strimziv1.OpDescribeConfigs
		lit, pre    = strimziv1.PatternLiteral, strimziv1.PatternPrefix
		topic, grp  = strimziv1.AclTopic, strimziv1.AclGroup
	)
	want := map[string][]string{
		"marketdata-gateway": {acl(topic, "marketdata.quotes", lit, W, D)},
		"strategy-engine":    {acl(topic, "marketdata.quotes", lit, R, D), acl(grp, "strategy-", pre, R)},
		"order-management":   {acl(topic, "orders.journal", lit, W, D), acl(strimziv1.AclTransactionalID, "order-management", pre, D, W)},
		"risk-aggregator":    {acl(topic, "orders.journal", lit, R, D), acl(topic, "risk.positions", lit, W, D), acl(grp, "risk-aggregator", lit, R)},
		"mirrormaker-dr": {acl(topic, "orders.journal", lit, R, D, DC), acl(topic, "risk.positions", lit, R, D, DC),
			acl(grp, "*", lit, D), acl(strimziv1.AclCluster, "", "", D)},
		"canary": {acl(topic, "canary", lit, R, W, D), acl(grp, "canary-", pre, R)},
	}
	for name, u := range a.Users {
		got := aclStrings(UserACLs(name, u, durable))
		w := append([]string{}, want[name]...)
		sort.Strings(w)
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s ACLs:\n got %v\nwant %v", name, got, w)
		}
		for _, r := range UserACLs(name, u, durable) {
			for _, op := range r.Operations {
				if op == strimziv1.OpAll || op == strimziv1.OpAlter || op == strimziv1.OpDelete || op == strimziv1.OpCreate || op == strimziv1.OpAlterConfigs || op == strimziv1.OpClusterAction {
					t.Errorf("%s has %s on %+v", name, op, r.Resource)
				}
			}
			if r.Resource.Type == topic && r.Resource.PatternType != lit {
				t.Errorf("%s: topic ACL %+v must be literal", name, r.Resource)
			}
		}
	}
	for _, r := range UserACLs("mirrormaker-dr", a.Users["mirrormaker-dr"], durable) {
		for _, op := range r.Operations {
			if op == W {
				t.Errorf("the DR mirror user must not write on prod: %+v", r)
			}
		}
		if r.Resource.Name == "marketdata.quotes" {
			t.Error("the DR mirror user must not read ephemeral topics")
		}
	}
}

func TestClientSettingsPerClass(t *testing.T) {
	cs := ClientSettingsFor(testArgs())
	if p := cs["durable"].Producer; p["acks"] != "all" || p["enable.idempotence"] != "true" {
		t.Errorf("durable producer %v", p)
	}
	if p := cs["ephemeral"].Producer; p["acks"] != "1" || p["linger.ms"] == "" {
		t.Errorf("ephemeral producer %v", p)
	}
	if !reflect.DeepEqual(cs["durable"].Topics, []string{"orders.journal", "risk.positions"}) {
		t.Errorf("durable topics %v", cs["durable"].Topics)
	}
	for c, s := range cs {
		if s.Consumer["client.rack"] == "" || s.Producer["security.protocol"] != "SSL" {
			t.Errorf("%s: want client.rack and SSL", c)
		}
	}
}

func TestArgsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*Args)
		want string
	}{
		{"brokers", func(a *Args) { a.Brokers = 4 }, "multiple of 3"},
		{"rf", func(a *Args) { a.MinISR = 3 }, "MinISR"},
		{"tier", func(a *Args) { a.TierBucket = nil }, "TierBucket"},
		{"image tag", func(a *Args) { a.BrokerImage = "quay.io/x:1" }, "sha256"},
		{"unknown topic", func(a *Args) { a.Users["x"] = User{Produce: []string{"nope"}} }, `unknown topic "nope"`},
	} {
		a := testArgs()
		tc.mod(&a)
		if err := a.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
	if err := testArgs().Validate(); err != nil {
		t.Fatal(err)
	}
}

// The component under the mock engine: what the render writes must be
// complete, valid objects with the real inputs substituted.
func TestComponentUnderMocks(t *testing.T) {
	v := rendertest.CRDs(t)
	m := render.NewMocks("kafka-platform", "test", "us-east-1")
	var outs struct {
		sync.Mutex
		xregion, internal string
		users             map[string]string
		settings          map[string]any
	}
	err := m.Run(func(ctx *pulumi.Context) error {
		s, err := New(ctx, "kafka", testArgs())
		if err != nil {
			return err
		}
		// Exported so the runtime waits for the recording apply before Run
		// returns.
		ctx.Export("recorded", pulumi.All(s.BootstrapCrossRegion, s.BootstrapInternal, s.UserSecrets, s.ClientSettings).ApplyT(func(xs []any) (bool, error) {
			outs.Lock()
			defer outs.Unlock()
			outs.xregion, outs.internal = xs[0].(string), xs[1].(string)
			outs.users = xs[2].(map[string]string)
			outs.settings = xs[3].(map[string]any)
			return true, nil
		}))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	comp := m.Find("kafka-platform:platform:Strimzi", "kafka")
	if comp == nil {
		t.Fatal("component not registered")
	}
	// Namespaces: restricted Pod Security Standard.
	for _, n := range []string{"kafka-kafka-ns", "kafka-operator-ns"} {
		ns := m.Find("kubernetes:core/v1:Namespace", n)
		if ns == nil {
			t.Fatalf("namespace %s missing", n)
		}
		labels := ns.Inputs["metadata"].(map[string]any)["labels"].(map[string]any)
		if labels["pod-security.kubernetes.io/enforce"] != "restricted" {
			t.Errorf("%s labels %v", n, labels)
		}
	}
	op := m.Find("kubernetes:helm.sh/v3:Release", "kafka-operator")
	if op == nil {
		t.Fatal("operator release missing")
	}
	if op.Inputs["chart"] != OperatorChart || op.Inputs["version"] != "1.2.0" || op.Inputs["namespace"] != "strimzi" {
		t.Errorf("operator release %v %v %v", op.Inputs["chart"], op.Inputs["version"], op.Inputs["namespace"])
	}
	vals := op.Inputs["values"].(map[string]any)
	if vals["replicas"] != float64(2) || vals["leaderElection"].(map[string]any)["enable"] != true ||
		!reflect.DeepEqual(vals["watchNamespaces"], []any{"kafka"}) {
		t.Errorf("operator values %v", vals)
	}
	dc := m.Find("kubernetes:helm.sh/v3:Release", "kafka-drain-cleaner")
	if dc == nil || dc.Inputs["chart"] != DrainCleanerChart || dc.Inputs["values"].(map[string]any)["certManager"].(map[string]any)["create"] != true {
		t.Fatalf("drain cleaner release %+v", dc)
	}
	if m.Find("kubernetes:helm.sh/v3:Release", "kafka-cert-manager") == nil {
		t.Error("cert-manager release missing (Drain Cleaner's webhook certificate)")
	}
	sc := m.Find("kubernetes:storage.k8s.io/v1:StorageClass", "kafka-controller-storage")
	if sc == nil || sc.Inputs["parameters"].(map[string]any)["encrypted"] != "true" || sc.Inputs["parameters"].(map[string]any)["type"] != "gp3" {
		t.Errorf("controller storage class %+v", sc)
	}

	// Every custom resource: parented, after the operator, valid against the CRDs.
	var crs []*render.Resource
	for _, r := range m.Resources() {
		if strings.HasPrefix(r.Type, "kubernetes:kafka.strimzi.io/") {
			crs = append(crs, r)
		}
	}
	kinds := map[string]int{}
	for _, r := range crs {
		obj := map[string]any{}
		for k, v := range r.Inputs {
			obj[k] = v
		}
		kinds[obj["kind"].(string)]++
		if r.Parent != comp.URN {
			t.Errorf("%s not parented to the component", r.Name)
		}
		if !rendertest.Contains(r.DependsOn, op.URN) {
			t.Errorf("%s does not wait for the operator", r.Name)
		}
		if err := v.Validate(obj); err != nil {
			t.Errorf("rendered %s: %v", r.Name, err)
		}
	}
	if kinds["Kafka"] != 1 || kinds["KafkaNodePool"] != 2 || kinds["KafkaTopic"] != 4 || kinds["KafkaUser"] != 6 || kinds["KafkaRebalance"] != 1 {
		t.Errorf("custom resources by kind: %v", kinds)
	}
	kafka := m.Find("kubernetes:kafka.strimzi.io/v1:Kafka", "kafka-kafka-trading")
	b, _ := json.Marshal(kafka.Inputs)
	for _, want := range []string{`"storage.s3.bucket.name":"kafka-prod-tier-fake"`, `"eks.amazonaws.com/role-arn":"arn:aws:iam::000000000000:role/kafka-prod-broker"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("Kafka inputs lack %s", want)
		}
	}
	if strings.Contains(string(b), "${") {
		t.Error("a placeholder reached the rendered Kafka resource")
	}

	svc := m.Find("kubernetes:core/v1:Service", "kafka-xregion-bootstrap")
	if svc == nil {
		t.Fatal("cross-region bootstrap service missing")
	}
	spec := svc.Inputs["spec"].(map[string]any)
	if !reflect.DeepEqual(spec["loadBalancerSourceRanges"], []any{"10.41.0.0/16"}) || spec["type"] != "LoadBalancer" {
		t.Errorf("bootstrap service spec %v", spec)
	}
	outs.Lock()
	defer outs.Unlock()
	if !strings.HasSuffix(outs.xregion, ".invalid:9095") {
		t.Errorf("cross-region bootstrap %q", outs.xregion)
	}
	if outs.internal != "trading-kafka-bootstrap.kafka.svc:9093" || outs.users["mirrormaker-dr"] != "mirrormaker-dr" {
		t.Errorf("outputs internal=%q users=%v", outs.internal, outs.users)
	}
	if _, ok := outs.settings["durable"]; !ok {
		t.Errorf("client settings %v", outs.settings)
	}
}

func TestNoCrossRegionWithoutPeer(t *testing.T) {
	m := render.NewMocks("kafka-platform", "test", "us-east-1")
	a := testArgs()
	a.PeerVpcCidr = ""
	if err := m.Run(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "kafka", a)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(m.ByType("kubernetes:core/v1:Service")) != 0 {
		t.Error("a cross-region service exists without a peer VPC")
	}
	b, _ := json.Marshal(m.Find("kubernetes:kafka.strimzi.io/v1:Kafka", "kafka-kafka-trading").Inputs)
	if strings.Contains(string(b), CrossRegionListener) {
		t.Error("cross-region listener present without a peer VPC")
	}
}
