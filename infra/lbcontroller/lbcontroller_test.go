package lbcontroller

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/render/rendertest"
	"github.com/tradingfirm/kafka-platform/internal/topology"
)

const (
	comp     = "kafka-test-lbc"
	oidcHost = "oidc.eks.us-east-1.amazonaws.com/id/FAKEISSUER"
	oidcArn  = "arn:aws:iam::000000000000:oidc-provider/" + oidcHost
	vpcID    = "vpc-0fake"
)

func testArgs() Args {
	return Args{
		ChartVersion:    "1.12.0",
		Region:          "us-east-1",
		ClusterName:     pulumi.String("kafka-test"),
		VpcID:           pulumi.String(vpcID),
		OidcProviderArn: pulumi.String(oidcArn),
		OidcIssuer:      pulumi.String("https://" + oidcHost),
		Tags:            map[string]string{"owner": "kafka-platform"},
	}
}

func TestTrustIsExactlyTheControllerServiceAccount(t *testing.T) {
	m := rendertest.Component(t, New, comp, testArgs())
	d := rendertest.Policy(t, rendertest.MustFind(t, m, "aws:iam/role:Role", comp).Inputs["assumeRolePolicy"])
	if len(d.Statement) != 1 {
		t.Fatalf("trust has %d statements, want 1: %+v", len(d.Statement), d)
	}
	s := d.Statement[0]
	if got := s.Principal["Federated"]; len(got) != 1 || got[0] != oidcArn {
		t.Errorf("principal %v, want federated %s", s.Principal, oidcArn)
	}
	if len(s.Action) != 1 || s.Action[0] != "sts:AssumeRoleWithWebIdentity" {
		t.Errorf("actions %v", s.Action)
	}
	want := map[string][]string{
		oidcHost + ":sub": {"system:serviceaccount:kube-system:aws-load-balancer-controller"},
		oidcHost + ":aud": {"sts.amazonaws.com"},
	}
	if len(s.Condition) != 1 || len(s.Condition["StringEquals"]) != len(want) {
		t.Fatalf("conditions %v, want only StringEquals %v", s.Condition, want)
	}
	for k, v := range want {
		if got := s.Condition["StringEquals"][k]; len(got) != 1 || got[0] != v[0] {
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}
}

func TestPolicyIsAttachedToTheRole(t *testing.T) {
	m := rendertest.Component(t, New, comp, testArgs())
	att := rendertest.MustFind(t, m, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", comp)
	if att.Inputs["role"] != comp {
		t.Errorf("attachment role %v, want %s", att.Inputs["role"], comp)
	}
	if p, _ := att.Inputs["policyArn"].(string); !strings.HasSuffix(p, ":policy/"+comp) {
		t.Errorf("attachment policy %v, want the component's policy", att.Inputs["policyArn"])
	}
	d := rendertest.Policy(t, rendertest.MustFind(t, m, "aws:iam/policy:Policy", comp).Inputs["policy"])
	if len(d.Statement) != len(Policy("aws").Statement) {
		t.Errorf("registered policy has %d statements, want %d", len(d.Statement), len(Policy("aws").Statement))
	}
}

func TestReleasePinsChartAndSetsClusterFacts(t *testing.T) {
	m := rendertest.Component(t, New, comp, testArgs())
	rel := rendertest.MustFind(t, m, "kubernetes:helm.sh/v3:Release", comp)
	in := rel.Inputs
	if in["chart"] != ChartName || in["version"] != "1.12.0" || in["namespace"] != "kube-system" || in["name"] != ReleaseName {
		t.Errorf("release chart/version/namespace/name = %v/%v/%v/%v", in["chart"], in["version"], in["namespace"], in["name"])
	}
	if repo, _ := in["repositoryOpts"].(map[string]any); repo["repo"] != ChartRepo {
		t.Errorf("repositoryOpts %v, want repo %s", in["repositoryOpts"], ChartRepo)
	}
	v, _ := in["values"].(map[string]any)
	for k, want := range map[string]any{"clusterName": "kafka-test", "region": "us-east-1", "vpcId": vpcID,
		"enableServiceMutatorWebhook": false, "replicaCount": float64(2)} {
		if v[k] != want {
			t.Errorf("values.%s = %#v, want %#v", k, v[k], want)
		}
	}
	ns, _ := v["nodeSelector"].(map[string]any)
	if len(ns) != 1 || ns[topology.RoleLabel] != topology.RoleSystem {
		t.Errorf("nodeSelector %v, want only %s=%s", ns, topology.RoleLabel, topology.RoleSystem)
	}
	if tol, _ := v["tolerations"].([]any); v["tolerations"] == nil || len(tol) != 0 {
		t.Errorf("tolerations %v, want an explicit empty list", v["tolerations"])
	}
	sa, _ := v["serviceAccount"].(map[string]any)
	ann, _ := sa["annotations"].(map[string]any)
	if sa["create"] != true || sa["name"] != ServiceAccountName || ann["eks.amazonaws.com/role-arn"] != "arn:aws:iam::000000000000:role/"+comp {
		t.Errorf("serviceAccount %v, want created %s annotated with the role", sa, ServiceAccountName)
	}
	if pdb, _ := v["podDisruptionBudget"].(map[string]any); pdb["maxUnavailable"] != float64(1) {
		t.Errorf("podDisruptionBudget %v", v["podDisruptionBudget"])
	}
	if res, _ := v["resources"].(map[string]any); res["requests"] == nil {
		t.Errorf("resources %v, want requests", v["resources"])
	}
	// The release must wait for the role's policy, or the first reconcile
	// fails with AccessDenied and the controller backs off.
	att := rendertest.MustFind(t, m, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", comp)
	found := false
	for _, d := range rel.Dependencies {
		if d == att.URN {
			found = true
		}
	}
	if !found {
		t.Errorf("release dependencies %v lack the policy attachment %s", rel.Dependencies, att.URN)
	}
}

func TestChildrenAreParentedToTheComponent(t *testing.T) {
	m := rendertest.Component(t, New, comp, testArgs())
	c := rendertest.MustFind(t, m, TypeToken, comp)
	for _, typ := range []string{"aws:iam/role:Role", "aws:iam/policy:Policy",
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment", "kubernetes:helm.sh/v3:Release"} {
		if r := rendertest.MustFind(t, m, typ, comp); r.Parent != c.URN {
			t.Errorf("%s parent %s, want %s", typ, r.Parent, c.URN)
		}
	}
}

func TestArgsValidationNamesEveryProblem(t *testing.T) {
	err := Args{}.validate()
	if err == nil {
		t.Fatal("empty Args accepted")
	}
	for _, want := range []string{"ChartVersion", "Region", "ClusterName", "OidcProviderArn"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}
