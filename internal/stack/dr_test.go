package stack_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/tradingfirm/kafka-platform/internal/config"
	"github.com/tradingfirm/kafka-platform/internal/crdvalidate"
	"github.com/tradingfirm/kafka-platform/internal/offline"
	"github.com/tradingfirm/kafka-platform/internal/render"
	"github.com/tradingfirm/kafka-platform/internal/render/rendertest"
	"github.com/tradingfirm/kafka-platform/internal/stack"
	"github.com/tradingfirm/kafka-platform/platform/mirrormaker"
	"github.com/tradingfirm/kafka-platform/platform/strimzi"
	"github.com/tradingfirm/kafka-platform/platform/vault"
)

const repoRoot = "../.."

// onceRender renders one stack once per test binary: every test reading
// it shares the result, or fails with the same error.
type onceRender struct {
	once sync.Once
	r    *offline.Rendered
	err  error
}

func (o *onceRender) get(t *testing.T, what string, render func() (*offline.Rendered, error)) *offline.Rendered {
	t.Helper()
	o.once.Do(func() { o.r, o.err = render() })
	if o.err != nil {
		t.Fatalf("render %s: %v", what, o.err)
	}
	return o.r
}

var (
	prodRender, drRender, tgwRender onceRender
	// prodOutputsJSON is prod's outputs.json, set by renderProd: what every
	// DR render reads.
	prodOutputsJSON []byte
	// tgwDir is the transit-gateway variant's project (tgwProject), removed
	// by TestMain.
	tgwDir string
)

func renderProd(t *testing.T) *offline.Rendered {
	t.Helper()
	return prodRender.get(t, "prod", func() (*offline.Rendered, error) {
		p, err := offline.Render(offline.Options{Dir: repoRoot, Stack: "prod"})
		if err != nil {
			return nil, err
		}
		prodOutputsJSON, err = json.Marshal(p.Outputs)
		return p, err
	})
}

// renderBoth renders prod, then dr reading prod's outputs.json, as `make
// render` does.
func renderBoth(t *testing.T) (*offline.Rendered, *offline.Rendered) {
	t.Helper()
	p := renderProd(t)
	return p, drRender.get(t, "dr", func() (*offline.Rendered, error) {
		return renderDRIn(repoRoot, prodOutputsJSON)
	})
}

// renderTGW renders the dr stack with drNetworkPath: transit-gateway
// against the same prod render as renderBoth.
func renderTGW(t *testing.T) (*offline.Rendered, *offline.Rendered) {
	t.Helper()
	p := renderProd(t)
	d := tgwRender.get(t, "dr (transit-gateway)", func() (*offline.Rendered, error) {
		var err error
		if tgwDir, err = tgwProject(); err != nil {
			return nil, err
		}
		return renderDRIn(tgwDir, prodOutputsJSON)
	})
	if d.Config.DR.NetworkPath != config.NetworkPathTransitGateway {
		t.Fatalf("variant renders drNetworkPath %q", d.Config.DR.NetworkPath)
	}
	return p, d
}

// tgwProject writes a project directory holding the repository's
// Pulumi.yaml and Pulumi.dr.yaml with drNetworkPath: transit-gateway.
func tgwProject() (string, error) {
	dir, err := os.MkdirTemp("", "dr-tgw-project-")
	if err != nil {
		return "", err
	}
	return dir, offline.WriteVariant(repoRoot, "dr", dir, map[string]string{"drNetworkPath": "transit-gateway"})
}

func TestMain(m *testing.M) {
	code := m.Run()
	if tgwDir != "" {
		os.RemoveAll(tgwDir)
	}
	os.Exit(code)
}

// renderDRIn renders the dr stack from the project in dir (Pulumi.yaml and
// Pulumi.dr.yaml) reading prod's outputs.
func renderDRIn(projectDir string, prodOutputs []byte) (*offline.Rendered, error) {
	dir, err := os.MkdirTemp("", "dr-test-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	f := filepath.Join(dir, "outputs.json")
	if err := os.WriteFile(f, prodOutputs, 0o644); err != nil {
		return nil, err
	}
	return offline.Render(offline.Options{Dir: projectDir, Stack: "dr", StackRefOutputs: f})
}

// prodChange is one inconsistent prod output (key set to val, nil keeping
// the key as null) and what the DR render's error must contain.
type prodChange struct {
	key  string
	val  any
	want string
}

// checkRejectsInconsistentProd renders the dr stack of projectDir against
// prod's outputs changed by each case and wants an error naming the key
// to fix. Render prod first.
func checkRejectsInconsistentProd(t *testing.T, projectDir string, cases map[string]prodChange) {
	t.Helper()
	for name, c := range cases {
		outs := map[string]any{}
		if err := json.Unmarshal(prodOutputsJSON, &outs); err != nil {
			t.Fatal(err)
		}
		outs[c.key] = c.val
		b, _ := json.Marshal(outs)
		_, err := renderDRIn(projectDir, b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want an error naming %s, got %v", name, c.want, err)
		}
	}
}

func resourcesOf(r *offline.Rendered, typ string) []*render.Resource {
	var out []*render.Resource
	for _, x := range r.Resources {
		if x.Type == typ {
			out = append(out, x)
		}
	}
	return out
}

func one(t *testing.T, r *offline.Rendered, typ string) *render.Resource {
	t.Helper()
	xs := resourcesOf(r, typ)
	if len(xs) != 1 {
		t.Fatalf("%s: want exactly one %s, got %d", r.Stack, typ, len(xs))
	}
	return xs[0]
}

func strs(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func onProvider(r *render.Resource, p *render.Resource) bool {
	return strings.HasPrefix(r.Provider, p.URN+"::")
}

func str(v any) string { s, _ := v.(string); return s }

// findProdRegionProvider is the DR stack's AWS provider for prod's region,
// or nil.
func findProdRegionProvider(p, d *offline.Rendered) *render.Resource {
	var peerAWS *render.Resource
	for _, x := range resourcesOf(d, "pulumi:providers:aws") {
		if x.Inputs["region"] == p.Outputs["region"] {
			peerAWS = x
		}
	}
	return peerAWS
}

func prodRegionProvider(t *testing.T, p, d *offline.Rendered) *render.Resource {
	t.Helper()
	peerAWS := findProdRegionProvider(p, d)
	if peerAWS == nil {
		t.Fatal("no prod-region provider")
	}
	return peerAWS
}

// TestDRStackReferenceNamesProd: the DR stack reads exactly prodStackRef,
// and the second AWS provider's region is prod's region output.
func TestDRStackReferenceNamesProd(t *testing.T) {
	p, d := renderBoth(t)
	ref := one(t, d, "pulumi:pulumi:StackReference")
	if ref.Name != d.Config.Stack.ProdStackRef || ref.Name != "tradingfirm/kafka-platform/prod" {
		t.Errorf("stack reference %q, want %q", ref.Name, d.Config.Stack.ProdStackRef)
	}
	if refs := resourcesOf(p, "pulumi:pulumi:StackReference"); len(refs) != 0 {
		t.Errorf("prod reads %d stack references; the primary must not depend on DR", len(refs))
	}
	if peerAWS := findProdRegionProvider(p, d); peerAWS == nil || p.Outputs["region"] != "us-east-1" {
		t.Fatalf("no AWS provider for prod's region %v in dr", p.Outputs["region"])
	}
}

// TestDRPeeringRoutesExact: one route to DR's CIDR in every prod private
// route table (through the prod-region provider), one route to prod's CIDR
// in every DR private route table, all via the accepted connection, and
// nothing else rides the peering.
func TestDRPeeringRoutesExact(t *testing.T) {
	p, d := renderBoth(t)
	pcx := d.Outputs["peeringConnectionId"]
	if s, _ := pcx.(string); !strings.HasPrefix(s, "pcx-") {
		t.Fatalf("peeringConnectionId output = %v", pcx)
	}
	conn := one(t, d, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection")
	if conn.Inputs["peerVpcId"] != p.Outputs["vpcId"] || conn.Inputs["vpcId"] != d.Outputs["vpcId"] || conn.Inputs["peerRegion"] != "us-east-1" {
		t.Errorf("peering connection inputs %v", conn.Inputs)
	}
	peerAWS := prodRegionProvider(t, p, d)
	acc := one(t, d, "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter")
	if !onProvider(acc, peerAWS) || acc.Inputs["autoAccept"] != true {
		t.Errorf("accepter not auto-accepting through the prod-region provider: %v %v", acc.Provider, acc.Inputs)
	}

	type route struct{ table, dest string }
	var prodSide, drSide []route
	for _, r := range resourcesOf(d, "aws:ec2/route:Route") {
		if r.Inputs["vpcPeeringConnectionId"] == nil {
			continue
		}
		if r.Inputs["vpcPeeringConnectionId"] != pcx {
			t.Errorf("route %s uses %v, not the accepted connection %v", r.Name, r.Inputs["vpcPeeringConnectionId"], pcx)
		}
		rt := route{r.Inputs["routeTableId"].(string), r.Inputs["destinationCidrBlock"].(string)}
		if onProvider(r, peerAWS) {
			prodSide = append(prodSide, rt)
		} else {
			drSide = append(drSide, rt)
		}
	}
	want := func(tables []string, dest string) []route {
		var out []route
		for _, t := range tables {
			out = append(out, route{t, dest})
		}
		return out
	}
	sortRoutes := func(rs []route) {
		sort.Slice(rs, func(i, j int) bool { return rs[i].table < rs[j].table })
	}
	wantProd := want(strs(p.Outputs["privateRouteTableIds"]), "10.41.0.0/16")
	wantDR := want(strs(d.Outputs["privateRouteTableIds"]), "10.40.0.0/16")
	for _, rs := range [][]route{prodSide, drSide, wantProd, wantDR} {
		sortRoutes(rs)
	}
	if len(wantProd) != config.AZCount || !reflect.DeepEqual(prodSide, wantProd) {
		t.Errorf("prod-side peering routes\n got %v\nwant %v", prodSide, wantProd)
	}
	if len(wantDR) != config.AZCount || !reflect.DeepEqual(drSide, wantDR) {
		t.Errorf("dr-side peering routes\n got %v\nwant %v", drSide, wantDR)
	}
	// The CIDRs are the configured ones, not the internet.
	if d.Outputs["vpcCidr"] != "10.41.0.0/16" || p.Outputs["vpcCidr"] != "10.40.0.0/16" {
		t.Errorf("vpc CIDRs prod %v dr %v", p.Outputs["vpcCidr"], d.Outputs["vpcCidr"])
	}
}

// TestListenerSecurityGroupExact: prod's listener group admits only the
// listener port from DR's CIDR, sends only that port into prod's VPC, and
// the listener's load balancers (bootstrap Service and per-broker
// Services) name exactly this group.
func TestListenerSecurityGroupExact(t *testing.T) {
	p, d := renderBoth(t)
	for _, c := range []struct {
		r          *offline.Rendered
		from, self string
	}{{p, d.Config.Network.VpcCidr.String(), p.Config.Network.VpcCidr.String()}, {d, p.Config.Network.VpcCidr.String(), d.Config.Network.VpcCidr.String()}} {
		r := c.r
		sgID := r.Outputs["crossRegionListenerSecurityGroupId"]
		sgName := stack.ListenerSecurityGroupName(r.Config)
		var sg *render.Resource
		for _, x := range resourcesOf(r, "aws:ec2/securityGroup:SecurityGroup") {
			if x.Inputs["name"] == sgName {
				sg = x
			}
		}
		if sg == nil || sgID == nil || sgName == "" {
			t.Fatalf("%s: no listener security group %q (output %v)", r.Stack, sgName, sgID)
		}
		if tags, _ := sg.Inputs["tags"].(map[string]any); tags["Name"] != sgName {
			t.Errorf("%s: Name tag %v, want %s (the load balancer controller resolves names by it)", r.Stack, tags["Name"], sgName)
		}
		type rule struct {
			proto, cidr string
			from, to    float64
		}
		rules := func(typ string) []rule {
			var out []rule
			for _, x := range resourcesOf(r, typ) {
				if x.Inputs["securityGroupId"] != sgID {
					continue
				}
				in := x.Inputs
				if in["cidrIpv6"] != nil || in["prefixListId"] != nil || in["referencedSecurityGroupId"] != nil {
					t.Errorf("%s: %s opens more than a CIDR: %v", r.Stack, x.Name, in)
				}
				f, _ := in["fromPort"].(float64)
				to, _ := in["toPort"].(float64)
				cidr, _ := in["cidrIpv4"].(string)
				proto, _ := in["ipProtocol"].(string)
				out = append(out, rule{proto, cidr, f, to})
			}
			return out
		}
		port := float64(strimzi.CrossRegionListenerPort)
		if got, want := rules("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), []rule{{"tcp", c.from, port, port}}; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: ingress %v, want %v", r.Stack, got, want)
		}
		if got, want := rules("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"), []rule{{"tcp", c.self, port, port}}; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: egress %v, want %v", r.Stack, got, want)
		}
		for _, k := range []string{"ingress", "egress"} {
			if xs, _ := sg.Inputs[k].([]any); len(xs) > 0 {
				t.Errorf("%s: inline %s rules %v", r.Stack, k, xs)
			}
		}

		const ann = "service.beta.kubernetes.io/aws-load-balancer-security-groups"
		svc := findNamed(r, "kubernetes:core/v1:Service", strimzi.CrossRegionBootstrapService(strimzi.Args{ClusterName: r.Config.Kafka.ClusterName}))
		if svc == nil {
			t.Fatalf("%s: no cross-region bootstrap Service", r.Stack)
		}
		if a := annotations(svc.Inputs["metadata"]); a[ann] != sgName {
			t.Errorf("%s: bootstrap Service %s = %v, want %s", r.Stack, ann, a[ann], sgName)
		}
		kafka := one(t, r, "kubernetes:kafka.strimzi.io/v1:Kafka")
		found := false
		for _, l := range dig(kafka.Inputs, "spec", "kafka", "listeners").([]any) {
			lm := l.(map[string]any)
			if lm["name"] != strimzi.CrossRegionListener {
				continue
			}
			found = true
			pb, _ := dig(lm, "configuration", "perBrokerAnnotationsTemplate").(map[string]any)
			if pb[ann] != sgName {
				t.Errorf("%s: per-broker %s = %v, want %s", r.Stack, ann, pb[ann], sgName)
			}
		}
		if !found {
			t.Errorf("%s: Kafka has no %s listener", r.Stack, strimzi.CrossRegionListener)
		}
	}
}

func findNamed(r *offline.Rendered, typ, name string) *render.Resource {
	for _, x := range resourcesOf(r, typ) {
		if m, _ := x.Inputs["metadata"].(map[string]any); m["name"] == name {
			return x
		}
	}
	return nil
}

func annotations(meta any) map[string]any {
	m, _ := meta.(map[string]any)
	a, _ := m["annotations"].(map[string]any)
	return a
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	return v
}

// TestMirrorMaker2 validates the rendered KafkaMirrorMaker2 manifest against
// Strimzi 1.2.0's CRD, and checks it mirrors exactly the durable topics from
// prod's cross-region bootstrap with the Vault-synced credentials into DR.
func TestMirrorMaker2(t *testing.T) {
	p, d := renderBoth(t)
	files, err := d.Files()
	if err != nil {
		t.Fatal(err)
	}
	v := rendertest.CRDs(t)
	var mm2 []map[string]any
	for name, b := range files {
		if !strings.HasPrefix(name, "manifests/") {
			continue
		}
		docs, err := crdvalidate.SplitYAML(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, doc := range docs {
			if doc["kind"] == "KafkaMirrorMaker2" {
				mm2 = append(mm2, doc)
			}
		}
	}
	if len(mm2) != 1 {
		t.Fatalf("dr manifests hold %d KafkaMirrorMaker2, want 1", len(mm2))
	}
	obj := mm2[0]
	if err := v.Validate(obj); err != nil {
		t.Fatalf("KafkaMirrorMaker2 does not validate against the Strimzi CRD: %v", err)
	}
	if dig(obj, "metadata", "name") != d.Outputs["mirrorMakerName"] || d.Outputs["mirrorMakerName"] != "prod-to-dr" {
		t.Errorf("name %v, output %v", dig(obj, "metadata", "name"), d.Outputs["mirrorMakerName"])
	}
	mirrors := dig(obj, "spec", "mirrors").([]any)
	if len(mirrors) != 1 {
		t.Fatalf("mirrors %v", mirrors)
	}
	m := mirrors[0].(map[string]any)
	if got := dig(m, "source", "bootstrapServers"); got != p.Outputs["kafkaBootstrapCrossRegion"] || got == "" {
		t.Errorf("source bootstrap %v, want prod's kafkaBootstrapCrossRegion %v", got, p.Outputs["kafkaBootstrapCrossRegion"])
	}
	if got := dig(m, "source", "authentication", "certificateAndKey", "secretName"); got != stack.SourceCredentialsSecret {
		t.Errorf("source credentials %v", got)
	}
	vss := one(t, d, "kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret")
	if dig(vss.Inputs, "spec", "destination", "name") != stack.SourceCredentialsSecret {
		t.Errorf("VSO destination %v is not the Secret MirrorMaker reads", dig(vss.Inputs, "spec", "destination", "name"))
	}
	if got := dig(obj, "spec", "target", "bootstrapServers"); got != d.Outputs["kafkaBootstrapInternal"] {
		t.Errorf("target bootstrap %v, want DR's own %v", got, d.Outputs["kafkaBootstrapInternal"])
	}

	pattern, _ := m["topicsPattern"].(string)
	durable := p.Config.Kafka.DurableTopics()
	var ephemeral []string
	for _, n := range p.Config.Kafka.TopicNames() {
		if p.Config.Kafka.Topics[n].Class == config.TopicEphemeral {
			ephemeral = append(ephemeral, n)
		}
	}
	if len(durable) == 0 || len(ephemeral) == 0 {
		t.Fatalf("need durable and ephemeral topics for the check (durable %v, ephemeral %v)", durable, ephemeral)
	}
	if missed := config.Unmatched(pattern, durable); len(missed) > 0 {
		t.Errorf("topicsPattern %q misses durable %v", pattern, missed)
	}
	if bad := config.EphemeralMatches(pattern, ephemeral); len(bad) > 0 {
		t.Errorf("topicsPattern %q mirrors ephemeral %v", pattern, bad)
	}
}

// TestMirrorSourceUserACLs: prod's mirrormaker-dr KafkaUser carries exactly
// mirrormaker.SourceACLs of the durable topics (the contract between the
// Kafka layer and MirrorMaker 2), and the pusher publishes that user's cert.
func TestMirrorSourceUserACLs(t *testing.T) {
	p, _ := renderBoth(t)
	user := findNamed(p, "kubernetes:kafka.strimzi.io/v1:KafkaUser", "mirrormaker-dr")
	if user == nil {
		t.Fatal("prod has no mirrormaker-dr KafkaUser")
	}
	want, err := json.Marshal(mirrormaker.SourceACLs(p.Config.Kafka.DurableTopics()))
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(dig(user.Inputs, "spec", "authorization", "acls"))
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	_ = json.Unmarshal(want, &a)
	_ = json.Unmarshal(got, &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("mirrormaker-dr ACLs\n got %s\nwant %s", got, want)
	}
	if p.Outputs["mirrorMakerSourceUser"] != "mirrormaker-dr" {
		t.Errorf("mirrorMakerSourceUser output %v", p.Outputs["mirrorMakerSourceUser"])
	}
	dep := findNamed(p, "kubernetes:apps/v1:Deployment", "mirrormaker-credentials-pusher")
	if dep == nil {
		t.Fatal("prod has no credentials pusher")
	}
	var secrets []string
	for _, vol := range dig(dep.Inputs, "spec", "template", "spec", "volumes").([]any) {
		for _, src := range strsOfMaps(dig(vol, "projected", "sources")) {
			if n, ok := dig(src, "secret", "name").(string); ok {
				secrets = append(secrets, n)
			}
		}
	}
	sort.Strings(secrets)
	if want := []string{"mirrormaker-dr", p.Config.Kafka.ClusterName + "-cluster-ca-cert"}; !reflect.DeepEqual(secrets, sortedCopy(want)) {
		t.Errorf("pusher mounts %v, want %v", secrets, want)
	}
}

func strsOfMaps(v any) []any { xs, _ := v.([]any); return xs }

func sortedCopy(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}

// TestVaultPoliciesExact: one policy per stack, on exactly the KV v2 data
// path of prod's MirrorMaker credentials: write-only for prod's pusher,
// read-only for DR's sync; the pusher and VSO use that same path; only the
// primary creates the (protected) mount.
func TestVaultPoliciesExact(t *testing.T) {
	p, d := renderBoth(t)
	const path = "kafka-platform/data/mirrormaker/prod/source-credentials"
	for _, c := range []struct {
		r    *offline.Rendered
		want string
	}{
		{p, `{"path":{"` + path + `":{"capabilities":["create","update"]}}}`},
		{d, `{"path":{"` + path + `":{"capabilities":["read"]}}}`},
	} {
		pol := one(t, c.r, "vault:index/policy:Policy")
		if pol.Inputs["policy"] != c.want {
			t.Errorf("%s: policy\n got %v\nwant %s", c.r.Stack, pol.Inputs["policy"], c.want)
		}
		role := one(t, c.r, "vault:kubernetes/authBackendRole:AuthBackendRole")
		if !reflect.DeepEqual(role.Inputs["boundServiceAccountNamespaces"], []any{c.r.Config.Kafka.Namespace}) || role.Inputs["audience"] != vault.DefaultAudience {
			t.Errorf("%s: role %v", c.r.Stack, role.Inputs)
		}
		cfg := one(t, c.r, "vault:kubernetes/authBackendConfig:AuthBackendConfig")
		if cfg.Inputs["kubernetesHost"] != c.r.Outputs["clusterEndpoint"] || cfg.Inputs["issuer"] != c.r.Outputs["oidcIssuer"] || cfg.Inputs["kubernetesCaCert"] != "FAKE" {
			t.Errorf("%s: auth backend config %v", c.r.Stack, cfg.Inputs)
		}
		prov := one(t, c.r, "pulumi:providers:vault")
		if prov.Inputs["address"] != c.r.Config.Vault.Address || prov.Inputs["token"] != "" {
			t.Errorf("%s: vault provider %v (token must stay empty: VAULT_TOKEN from the environment)", c.r.Stack, prov.Inputs)
		}
	}
	mount := one(t, p, "vault:index/mount:Mount")
	if mount.Inputs["path"] != "kafka-platform" || mount.Inputs["type"] != "kv-v2" || !mount.Protect || !mount.Retain {
		t.Errorf("prod mount %+v", mount)
	}
	if ms := resourcesOf(d, "vault:index/mount:Mount"); len(ms) != 0 {
		t.Errorf("dr creates %d KV mounts; the primary owns it", len(ms))
	}
	dep := findNamed(p, "kubernetes:apps/v1:Deployment", "mirrormaker-credentials-pusher")
	env := map[string]any{}
	for _, e := range strsOfMaps(dig(dep.Inputs, "spec", "template", "spec", "containers").([]any)[0].(map[string]any)["env"]) {
		em := e.(map[string]any)
		env[em["name"].(string)] = em["value"]
	}
	if got := fmt.Sprintf("%v/data/%v", env["KV_MOUNT"], env["KV_SECRET"]); got != path {
		t.Errorf("pusher writes %v/%v", env["KV_MOUNT"], env["KV_SECRET"])
	}
	vss := one(t, d, "kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret")
	if got := vault.KVv2DataPath(dig(vss.Inputs, "spec", "mount").(string), dig(vss.Inputs, "spec", "path").(string)); got != path {
		t.Errorf("VSO reads %s, want %s", got, path)
	}
	if d.Outputs["mirrorMakerCredentialsPath"] != "kafka-platform/mirrormaker/prod/source-credentials" {
		t.Errorf("mirrorMakerCredentialsPath %v", d.Outputs["mirrorMakerCredentialsPath"])
	}
}

// TestDRRejectsInconsistentProd: the DR stack checks what it reads from
// prod and fails with a message naming the key to fix.
func TestDRRejectsInconsistentProd(t *testing.T) {
	renderBoth(t)
	checkRejectsInconsistentProd(t, repoRoot, map[string]prodChange{
		"prod VPC is not our peerVpcCidr": {"vpcCidr", "10.99.0.0/16", "peerVpcCidr"},
		"prod admits another DR VPC":      {"peerVpcCidr", "10.99.0.0/16", "kafka-platform:peerVpcCidr \"10.99.0.0/16\" but this stack's kafka-platform:vpcCidr is 10.41.0.0/16"},
		"prod predates peerVpcCidr":       {"peerVpcCidr", nil, "kafka-platform:vpcCidr"},
		"prod route tables missing":       {"privateRouteTableIds", []any{"rtb-1"}, "privateRouteTableIds"},
		"prod has no listener":            {"kafkaBootstrapCrossRegion", "", "kafkaBootstrapCrossRegion"},
		"prod writes another KV mount":    {"vaultKvMount", "other", "vaultKvMount"},
	})
}
