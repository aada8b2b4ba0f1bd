package vault

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	vaultsdk "github.com/pulumi/pulumi-vault/sdk/v6/go/vault"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/render"
)

func TestPolicyDocument(t *testing.T) {
	doc, err := Policy{Rules: []Rule{{Path: KVv2DataPath("kafka-platform", MirrorMakerSecret("kafka-prod")), Capabilities: []Capability{Update, Create}}}}.Document()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"path":{"kafka-platform/data/mirrormaker/kafka-prod/source-credentials":{"capabilities":["create","update"]}}}`
	if doc != want {
		t.Errorf("policy\n got %s\nwant %s", doc, want)
	}
	for name, p := range map[string]Policy{
		"empty":   {},
		"glob":    {Rules: []Rule{{Path: "kafka-platform/data/*", Capabilities: []Capability{Read}}}},
		"no caps": {Rules: []Rule{{Path: "kafka-platform/data/x"}}},
		"dup":     {Rules: []Rule{{Path: "a/data/x", Capabilities: []Capability{Read}}, {Path: "a/data/x", Capabilities: []Capability{Read}}}},
	} {
		if _, err := p.Document(); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

// TestWiring: the mount only when asked (protected), one Kubernetes auth
// backend with the cluster's host/CA/issuer, and per consumer a policy on
// exactly its path and a role bound to exactly its service account.
func TestWiring(t *testing.T) {
	m := render.NewMocks("kafka-platform", "prod", "us-east-1")
	path := KVv2DataPath("kafka-platform", MirrorMakerSecret("kafka-prod"))
	err := m.Run(func(ctx *pulumi.Context) error {
		prov, err := vaultsdk.NewProvider(ctx, "vault", &vaultsdk.ProviderArgs{Address: pulumi.String("https://vault.invalid:8200"), Token: pulumi.String("")})
		if err != nil {
			return err
		}
		_, err = New(ctx, "kafka-prod-vault", Args{
			Provider: prov, KvMount: "kafka-platform", CreateKvMount: true, AuthPath: "kubernetes-kafka-prod",
			KubernetesHost: pulumi.String("https://api.invalid"), KubernetesCACert: pulumi.String("FAKE"),
			Issuer: pulumi.String("https://oidc.invalid/id/X"),
			Consumers: []Consumer{{Role: "mirrormaker-pusher", ServiceAccount: "mirrormaker-credentials-pusher", Namespace: "kafka",
				Policy: Policy{Rules: []Rule{{Path: path, Capabilities: []Capability{Create, Update}}}}}},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	mounts := m.ByType("vault:index/mount:Mount")
	if len(mounts) != 1 || mounts[0].Inputs["type"] != "kv-v2" || !mounts[0].Protect || !mounts[0].Retain {
		t.Fatalf("want one protected, retained kv-v2 mount, got %+v", mounts)
	}
	cfgs := m.ByType("vault:kubernetes/authBackendConfig:AuthBackendConfig")
	if len(cfgs) != 1 || cfgs[0].Inputs["issuer"] != "https://oidc.invalid/id/X" || cfgs[0].Inputs["kubernetesHost"] != "https://api.invalid" || cfgs[0].Inputs["kubernetesCaCert"] != "FAKE" {
		t.Fatalf("auth backend config %+v", cfgs)
	}
	pols := m.ByType("vault:index/policy:Policy")
	if len(pols) != 1 || !strings.Contains(pols[0].Inputs["policy"].(string), `"`+path+`"`) || strings.Contains(pols[0].Inputs["policy"].(string), "read") {
		t.Fatalf("policy %+v", pols)
	}
	roles := m.ByType("vault:kubernetes/authBackendRole:AuthBackendRole")
	if len(roles) != 1 {
		t.Fatalf("roles %+v", roles)
	}
	in := roles[0].Inputs
	if !reflect.DeepEqual(in["boundServiceAccountNames"], []any{"mirrormaker-credentials-pusher"}) ||
		!reflect.DeepEqual(in["boundServiceAccountNamespaces"], []any{"kafka"}) || in["audience"] != DefaultAudience {
		t.Errorf("role binding %+v", in)
	}
	for _, r := range m.Resources() {
		if r.Custom && r.Type != "pulumi:providers:vault" && !strings.Contains(r.Provider, "vault") {
			t.Errorf("%s not created through the explicit Vault provider", r.Name)
		}
	}
}

// TestPushScript lints push.sh with shellcheck and runs one cycle against a
// fake vault CLI that records its arguments: it must log in with the
// projected token and write exactly the three files to exactly the path.
func TestPushScript(t *testing.T) {
	if out, err := exec.Command("shellcheck", "push.sh").CombinedOutput(); err != nil {
		t.Fatalf("shellcheck: %v\n%s", err, out)
	}
	dir := t.TempDir()
	creds := filepath.Join(dir, "creds")
	bin := filepath.Join(dir, "bin")
	for _, d := range []string{creds, bin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{KeyUserCert, KeyUserKey, KeyCACert} {
		os.WriteFile(filepath.Join(creds, f), []byte("FAKE "+f), 0o600)
	}
	os.WriteFile(filepath.Join(dir, "token"), []byte("jwt"), 0o600)
	log := filepath.Join(dir, "calls")
	fake := "#!/bin/sh\necho \"$* VAULT_TOKEN=${VAULT_TOKEN:-}\" >> " + log + "\n[ \"$1\" = write ] && echo s.faketoken\nexit 0\n"
	os.WriteFile(filepath.Join(bin, "vault"), []byte(fake), 0o755)
	cmd := exec.Command("sh", "push.sh")
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "VAULT_ADDR=https://vault.invalid", "VAULT_AUTH_PATH=kubernetes-kafka-prod",
		"VAULT_ROLE=mirrormaker-pusher", "KV_MOUNT=kafka-platform", "KV_SECRET=mirrormaker/kafka-prod/source-credentials",
		"CRED_DIR="+creds, "TOKEN_FILE="+filepath.Join(dir, "token"), "ONESHOT=true")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("push.sh: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "FAKE") {
		t.Errorf("script logged secret material: %s", out)
	}
	calls, _ := os.ReadFile(log)
	lines := strings.Split(strings.TrimSpace(string(calls)), "\n")
	want := []string{
		"write -field=token auth/kubernetes-kafka-prod/login role=mirrormaker-pusher jwt=@" + filepath.Join(dir, "token") + " VAULT_TOKEN=",
		"kv put -mount=kafka-platform mirrormaker/kafka-prod/source-credentials user.crt=@" + creds + "/user.crt user.key=@" + creds + "/user.key ca.crt=@" + creds + "/ca.crt VAULT_TOKEN=s.faketoken",
	}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("vault calls\n got %q\nwant %q", lines, want)
	}
	// A missing file is an error, never an empty write.
	os.Remove(filepath.Join(creds, KeyUserKey))
	cmd2 := exec.Command("sh", "push.sh")
	cmd2.Env = cmd.Env
	if err := cmd2.Run(); err == nil {
		t.Error("push.sh succeeded with user.key missing")
	}
}
