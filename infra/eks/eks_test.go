package eks

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/render"
	"github.com/tradingfirm/kafka-platform/internal/render/rendertest"
)

const clusterType = "eks:index:Cluster"

func testArgs() Args {
	return Args{
		ClusterName:       "kafka-test",
		KubernetesVersion: "1.34",
		VpcID:             pulumi.String("vpc-123"),
		PrivateSubnetIDs:  pulumi.ToStringArray([]string{"subnet-a", "subnet-b", "subnet-c"}),
		AdminRoleArns:     []string{"arn:aws:iam::111111111111:role/platform-admin", "arn:aws:iam::111111111111:role/ci/deployer"},
		LogRetentionDays:  365,
		Addons:            AddonVersions{VpcCni: "v1.20.4-eksbuild.2", KubeProxy: "v1.34.1-eksbuild.2", CoreDNS: "v1.12.4-eksbuild.1", EbsCsi: "v1.50.1-eksbuild.1"},
		Tags:              map[string]string{"owner": "kafka-platform"},
	}
}

type result struct {
	m    *render.Mocks
	outs map[string]string
}

func renderCluster(t *testing.T, mutate func(*Args)) result {
	t.Helper()
	m := render.NewMocks("kafka-platform", "test", "us-east-1")
	outs := map[string]string{}
	var mu sync.Mutex
	// Applies may finish after RunErr returns (the Pulumi mock-testing
	// pattern): count them and wait.
	var wg sync.WaitGroup
	record := func(k string, o pulumi.StringOutput) {
		wg.Add(1)
		o.ApplyT(func(v string) string { mu.Lock(); outs[k] = v; mu.Unlock(); wg.Done(); return v })
	}
	err := m.Run(func(ctx *pulumi.Context) error {
		a := testArgs()
		if mutate != nil {
			mutate(&a)
		}
		c, err := New(ctx, "kafka-test", a)
		if err != nil {
			return err
		}
		record("name", c.Name)
		record("endpoint", c.Endpoint)
		record("oidcIssuer", c.OidcIssuer)
		record("oidcProviderArn", c.OidcProviderArn)
		record("secretsKmsKeyArn", c.SecretsKMSKeyArn)
		record("clusterSecurityGroupId", c.ClusterSecurityGroupID)
		ctx.Export("kubeconfig", c.KubeconfigJSON)
		if c.Provider == nil || len(c.NodePrerequisites) != 2 {
			return fmt.Errorf("provider or node prerequisites missing")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	return result{m, outs}
}

func TestEndpointAccess(t *testing.T) {
	r := renderCluster(t, nil)
	in := r.m.Find(clusterType, "kafka-test").Inputs
	if in["endpointPrivateAccess"] != true || in["endpointPublicAccess"] != false {
		t.Errorf("default endpoint: private=%v public=%v, want private only", in["endpointPrivateAccess"], in["endpointPublicAccess"])
	}
	if v, ok := in["publicAccessCidrs"]; ok && v != nil {
		t.Errorf("private endpoint has public CIDRs %v", v)
	}
	r = renderCluster(t, func(a *Args) { a.PublicAccessCidrs = []string{"203.0.113.0/24"} })
	in = r.m.Find(clusterType, "kafka-test").Inputs
	if in["endpointPrivateAccess"] != true || in["endpointPublicAccess"] != true ||
		fmt.Sprint(in["publicAccessCidrs"]) != "[203.0.113.0/24]" {
		t.Errorf("with CIDRs: %v %v %v", in["endpointPrivateAccess"], in["endpointPublicAccess"], in["publicAccessCidrs"])
	}
}

func TestClusterInputs(t *testing.T) {
	r := renderCluster(t, nil)
	cl := r.m.Find(clusterType, "kafka-test")
	in := cl.Inputs
	if in["name"] != "kafka-test" || in["version"] != "1.34" || in["skipDefaultNodeGroup"] != true ||
		in["createOidcProvider"] != false || in["useDefaultVpcCni"] != true || in["authenticationMode"] != "API" {
		t.Errorf("cluster inputs %v", in)
	}
	if !cl.Protect {
		t.Errorf("cluster not protected")
	}
	// Secrets encryption with this component's own, protected, rotating key.
	key := r.m.Find("aws:kms/key:Key", "kafka-test-secrets")
	if key == nil || !key.Protect || !key.Retain || key.Inputs["enableKeyRotation"] != true {
		t.Fatalf("secrets key %+v", key)
	}
	if in["encryptionConfigKeyArn"] != r.outs["secretsKmsKeyArn"] || !strings.HasPrefix(r.outs["secretsKmsKeyArn"], "arn:aws:kms:") {
		t.Errorf("encryption key %v, component output %v", in["encryptionConfigKeyArn"], r.outs["secretsKmsKeyArn"])
	}
	if got := fmt.Sprint(in["enabledClusterLogTypes"]); got != "[api audit authenticator controllerManager scheduler]" {
		t.Errorf("log types %s", got)
	}
	lg := r.m.Find("aws:cloudwatch/logGroup:LogGroup", "kafka-test-control-plane")
	if lg == nil || lg.Inputs["name"] != "/aws/eks/kafka-test/cluster" || lg.Inputs["retentionInDays"] != 365.0 ||
		!strings.HasPrefix(fmt.Sprint(lg.Inputs["kmsKeyId"]), "arn:aws:kms:") {
		t.Fatalf("log group %+v", lg)
	}
	if !rendertest.Contains(cl.DependsOn, lg.URN) {
		t.Errorf("cluster does not wait for its log group (EKS would create one without retention)")
	}
	logsKey := r.m.Find("aws:kms/key:Key", "kafka-test-logs")
	if pol := fmt.Sprint(logsKey.Inputs["policy"]); !strings.Contains(pol, "logs.us-east-1.amazonaws.com") ||
		!strings.Contains(pol, "log-group:/aws/eks/kafka-test/cluster") {
		t.Errorf("logs key policy does not let CloudWatch Logs use it for this group: %s", pol)
	}
}

func TestAccessEntries(t *testing.T) {
	r := renderCluster(t, nil)
	entries := r.m.Find(clusterType, "kafka-test").Inputs["accessEntries"].(map[string]any)
	want := map[string]string{"admin-platform-admin": "arn:aws:iam::111111111111:role/platform-admin",
		"admin-deployer": "arn:aws:iam::111111111111:role/ci/deployer"}
	if len(entries) != len(want) {
		t.Fatalf("access entries %v", entries)
	}
	for k, arn := range want {
		e, ok := entries[k].(map[string]any)
		if !ok || e["principalArn"] != arn || e["type"] != "STANDARD" {
			t.Fatalf("entry %s = %v", k, entries[k])
		}
		pol := e["accessPolicies"].(map[string]any)["cluster-admin"].(map[string]any)
		if pol["policyArn"] != ClusterAdminPolicyArn || pol["accessScope"].(map[string]any)["type"] != "cluster" {
			t.Errorf("entry %s policy %v", k, pol)
		}
	}
	if _, err := AccessEntryKey("arn:aws:iam::111111111111:user/bob"); err == nil {
		t.Errorf("a user ARN was accepted as a role")
	}
}

func TestAddons(t *testing.T) {
	r := renderCluster(t, nil)
	want := map[string]string{"vpc-cni": "v1.20.4-eksbuild.2", "kube-proxy": "v1.34.1-eksbuild.2",
		"coredns": "v1.12.4-eksbuild.1", "aws-ebs-csi-driver": "v1.50.1-eksbuild.1"}
	addons := r.m.ByType("aws:eks/addon:Addon")
	if len(addons) != len(want) {
		t.Fatalf("want %d add-ons, got %d", len(want), len(addons))
	}
	for _, a := range addons {
		n := fmt.Sprint(a.Inputs["addonName"])
		if a.Inputs["addonVersion"] != want[n] {
			t.Errorf("%s version %v, want %s", n, a.Inputs["addonVersion"], want[n])
		}
		if a.Inputs["resolveConflictsOnUpdate"] != "OVERWRITE" || a.Inputs["resolveConflictsOnCreate"] != "OVERWRITE" {
			t.Errorf("%s conflict resolution %v/%v", n, a.Inputs["resolveConflictsOnCreate"], a.Inputs["resolveConflictsOnUpdate"])
		}
		if a.Inputs["clusterName"] != "kafka-test" {
			t.Errorf("%s cluster %v", n, a.Inputs["clusterName"])
		}
	}
	ebs := r.m.Find("aws:eks/addon:Addon", "kafka-test-aws-ebs-csi-driver")
	if ebs.Inputs["serviceAccountRoleArn"] != "arn:aws:iam::000000000000:role/kafka-test-ebs-csi" {
		t.Errorf("EBS CSI role %v", ebs.Inputs["serviceAccountRoleArn"])
	}
	var cfg ebsCsiConfig
	if err := json.Unmarshal([]byte(fmt.Sprint(ebs.Inputs["configurationValues"])), &cfg); err != nil || !cfg.Node.TolerateAllTaints {
		t.Errorf("EBS CSI node plugin must tolerate the controller taint: %v %v", ebs.Inputs["configurationValues"], err)
	}
	cni := r.m.Find("aws:eks/addon:Addon", "kafka-test-vpc-cni")
	if cni.Inputs["serviceAccountRoleArn"] != "arn:aws:iam::000000000000:role/kafka-test-vpc-cni" {
		t.Errorf("vpc-cni role %v", cni.Inputs["serviceAccountRoleArn"])
	}
}

// trustOf decodes a role's trust policy.
func trustOf(t *testing.T, m *render.Mocks, role string) map[string]any {
	t.Helper()
	r := rendertest.MustFind(t, m, "aws:iam/role:Role", role)
	var doc map[string]any
	if err := json.Unmarshal([]byte(fmt.Sprint(r.Inputs["assumeRolePolicy"])), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestIRSATrustExact(t *testing.T) {
	r := renderCluster(t, nil)
	issuer := render.FakeOIDCIssuer("us-east-1", "kafka-test")
	host := strings.TrimPrefix(issuer, "https://")
	for role, sa := range map[string]string{"kafka-test-ebs-csi": "system:serviceaccount:kube-system:ebs-csi-controller-sa",
		"kafka-test-vpc-cni": "system:serviceaccount:kube-system:aws-node"} {
		doc := trustOf(t, r.m, role)
		sts := doc["Statement"].([]any)
		if len(sts) != 1 {
			t.Fatalf("%s: %d statements", role, len(sts))
		}
		st := sts[0].(map[string]any)
		want := fmt.Sprintf(`map[Action:[sts:AssumeRoleWithWebIdentity] Condition:map[StringEquals:map[%s:aud:[sts.amazonaws.com] %s:sub:[%s]]] Effect:Allow Principal:map[Federated:[arn:aws:iam::000000000000:oidc-provider/%s]]]`,
			host, host, sa, host)
		if got := fmt.Sprint(st); got != want {
			t.Errorf("%s trust\n got %s\nwant %s", role, got, want)
		}
	}
	att := r.m.Find("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "kafka-test-ebs-csi")
	if att.Inputs["policyArn"] != "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" {
		t.Errorf("EBS CSI policy %v", att.Inputs["policyArn"])
	}
}

func TestOIDCProviderAndOutputs(t *testing.T) {
	r := renderCluster(t, nil)
	issuer := render.FakeOIDCIssuer("us-east-1", "kafka-test")
	p := r.m.ByType("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
	if len(p) != 1 || p[0].Inputs["url"] != issuer || fmt.Sprint(p[0].Inputs["clientIdLists"]) != "[sts.amazonaws.com]" {
		t.Fatalf("OIDC provider %+v", p)
	}
	if r.outs["oidcIssuer"] != issuer || !strings.HasPrefix(r.outs["oidcIssuer"], "https://") {
		t.Errorf("oidcIssuer output %q", r.outs["oidcIssuer"])
	}
	if !strings.HasSuffix(r.outs["oidcProviderArn"], ":oidc-provider/"+strings.TrimPrefix(issuer, "https://")) {
		t.Errorf("oidcProviderArn %q", r.outs["oidcProviderArn"])
	}
	if r.outs["name"] != "kafka-test" || !strings.HasPrefix(r.outs["endpoint"], "https://kafka-test.") ||
		!strings.HasPrefix(r.outs["clusterSecurityGroupId"], "sg-") {
		t.Errorf("outputs %v", r.outs)
	}
	k := r.m.ByType("pulumi:providers:kubernetes")
	if len(k) != 1 || k[0].Inputs["enableServerSideApply"] != "true" && k[0].Inputs["enableServerSideApply"] != true {
		t.Fatalf("kubernetes provider %+v", k)
	}
	if k[0].Inputs["kubeconfig"] != render.Redacted {
		t.Errorf("kubeconfig reaches the provider in plaintext: %v", k[0].Inputs["kubeconfig"])
	}
}

func TestArgsRejected(t *testing.T) {
	for name, mutate := range map[string]func(*Args){
		"no addon version": func(a *Args) { a.Addons.CoreDNS = "" },
		"bad admin":        func(a *Args) { a.AdminRoleArns = []string{"not-an-arn"} },
		"no name":          func(a *Args) { a.ClusterName = "" },
	} {
		t.Run(name, func(t *testing.T) {
			err := render.NewMocks("p", "s", "us-east-1").Run(func(ctx *pulumi.Context) error {
				a := testArgs()
				mutate(&a)
				_, err := New(ctx, "x", a)
				return err
			})
			if err == nil {
				t.Fatal("bad args accepted")
			}
		})
	}
}
