package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// validProd is the committed primary stack file's values (which must be
// valid), as the Pulumi CLI would pass them: objects and arrays as JSON.
func validProd() map[string]string {
	b, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.prod.yaml"))
	if err != nil {
		panic(err)
	}
	var f struct {
		Config map[string]any `json:"config"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		panic(err)
	}
	out := map[string]string{}
	for k, v := range f.Config {
		if s, ok := v.(string); ok {
			out[k] = s
			continue
		}
		j, _ := json.Marshal(v)
		out[k] = string(j)
	}
	// Keys that are secret in Pulumi.yaml cannot be carried by the committed
	// file; tests that need them set them explicitly.
	return out
}

func parse(t *testing.T, vals map[string]string) (*Config, error) {
	t.Helper()
	return Parse("prod", Source{Values: vals, Secret: map[string]bool{}})
}

func TestDefaultsProduceValidConfig(t *testing.T) {
	c, err := parse(t, validProd())
	if err != nil {
		t.Fatal(err)
	}
	if c.Stack.Name != "kafka-prod" || c.Stack.Role != RolePrimary {
		t.Errorf("derived name/role = %q/%q", c.Stack.Name, c.Stack.Role)
	}
	if c.Nodes.BrokersPerAZ != 2 || c.Kafka.ReplicationFactor != 3 || c.Kafka.MinISR != 2 {
		t.Errorf("defaults: brokersPerAZ=%d rf=%d minisr=%d", c.Nodes.BrokersPerAZ, c.Kafka.ReplicationFactor, c.Kafka.MinISR)
	}
	if !c.Network.ZoneIDs || len(c.Network.PrivateSubnets) != 3 || len(c.Network.PublicSubnets) != 3 {
		t.Errorf("network: %+v", c.Network)
	}
	if got := c.Network.PrivateSubnets[0].String(); got != "10.40.0.0/18" {
		t.Errorf("first private subnet = %s", got)
	}
}

// TestRejectsBadInput covers every rule of the foundation: each case must
// fail with a problem naming the key, and the message must carry the value
// and a fix.
func TestRejectsBadInput(t *testing.T) {
	cases := []struct {
		name    string
		set     map[string]string
		key     string
		inValue string
	}{
		{"two AZs", map[string]string{"availabilityZones": `["use1-az1","use1-az2"]`}, "availabilityZones", "use1-az1,use1-az2"},
		{"four AZs", map[string]string{"availabilityZones": `["use1-az1","use1-az2","use1-az4","use1-az5"]`}, "availabilityZones", "use1-az5"},
		{"duplicate AZ", map[string]string{"availabilityZones": `["use1-az1","use1-az1","use1-az4"]`}, "availabilityZones", "use1-az1"},
		{"AZ of another region", map[string]string{"availabilityZones": `["us-west-2a","us-west-2b","us-west-2c"]`}, "availabilityZones", "us-west-2a"},
		{"brokers not divisible", map[string]string{"brokers": "4"}, "brokers", "4"},
		{"broker type without NVMe", map[string]string{"brokerInstanceType": "m7i.4xlarge"}, "brokerInstanceType", "m7i.4xlarge"},
		{"malformed vpc cidr", map[string]string{"vpcCidr": "10.40.0.0/33"}, "vpcCidr", "10.40.0.0/33"},
		{"vpc host bits", map[string]string{"vpcCidr": "10.40.1.0/16"}, "vpcCidr", "10.40.1.0/16"},
		{"subnet outside vpc", map[string]string{"privateSubnetCidrs": `["10.40.0.0/18","10.40.64.0/18","10.99.0.0/18"]`}, "privateSubnetCidrs", "10.99.0.0/18"},
		{"overlapping subnets", map[string]string{"privateSubnetCidrs": `["10.40.0.0/18","10.40.0.0/19","10.40.128.0/18"]`}, "privateSubnetCidrs/publicSubnetCidrs", "10.40.0.0/18 ~ 10.40.0.0/19"},
		{"malformed subnet", map[string]string{"publicSubnetCidrs": `["10.40.192.0/22","nonsense","10.40.200.0/22"]`}, "publicSubnetCidrs", "nonsense"},
		{"peer overlaps vpc", map[string]string{"peerVpcCidr": "10.40.0.0/17"}, "peerVpcCidr", "10.40.0.0/17"},
		{"min ISR equals RF", map[string]string{"minInsyncReplicas": "3"}, "minInsyncReplicas", "3"},
		{"RF above brokers", map[string]string{"brokers": "3", "replicationFactor": "6", "minInsyncReplicas": "2"}, "replicationFactor", "6"},
		{"unknown role", map[string]string{"role": "secondary"}, "role", "secondary"},
		{"dr without prod ref", map[string]string{"role": "dr"}, "prodStackRef", ""},
		{"prod with prod ref", map[string]string{"prodStackRef": "org/kafka-platform/prod"}, "prodStackRef", "org/kafka-platform/prod"},
		{"object lock without mode", map[string]string{"objectLockEnabled": "true", "objectLockMode": "", "objectLockRetentionDays": "2557"}, "objectLockMode", ""},
		{"object lock without days", map[string]string{"objectLockEnabled": "true", "objectLockMode": "COMPLIANCE", "objectLockRetentionDays": "0"}, "objectLockRetentionDays", "0"},
		{"lock mode without lock", map[string]string{"objectLockEnabled": "false", "objectLockMode": "COMPLIANCE"}, "objectLockEnabled", "false"},
		{"integer not a number", map[string]string{"brokers": "six"}, "brokers", "six"},
		{"unsupported k8s", map[string]string{"kubernetesVersion": "1.28"}, "kubernetesVersion", "1.28"},
		{"public endpoint to world", map[string]string{"endpointPublicAccessCidrs": `["0.0.0.0/0"]`}, "endpointPublicAccessCidrs", "0.0.0.0/0"},
		{"bad admin arn", map[string]string{"adminRoleArns": `["platform-admin"]`}, "adminRoleArns", "platform-admin"},
		{"unknown field in object", map[string]string{"tags": `{"owner":"x","cost-center":"y","extra":{"a":1}}`}, "tags", "extra"},
		{"missing cost tag", map[string]string{"tags": `{"owner":"x"}`}, "tags.cost-center", ""},
		{"reserved cpus too many", map[string]string{"reservedSystemCpus": "0-9"}, "reservedSystemCpus", "0-9"},
		{"thp bad", map[string]string{"transparentHugepages": "sometimes"}, "transparentHugepages", "sometimes"},
		{"kube-proxy minor mismatch", map[string]string{"addonKubeProxyVersion": "v1.33.1-eksbuild.1"}, "addonKubeProxyVersion", "v1.33.1-eksbuild.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vals := validProd()
			for k, v := range tc.set {
				vals[Project+":"+k] = v
			}
			_, err := parse(t, vals)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("want *config.Error, got %v", err)
			}
			for _, p := range ce.Problems {
				if p.Key == Project+":"+tc.key && strings.Contains(p.Value, tc.inValue) {
					if p.Want == "" || p.Fix == "" {
						t.Errorf("problem lacks rule or fix: %+v", p)
					}
					msg := err.Error()
					if !strings.Contains(msg, tc.key) || !strings.Contains(msg, "fix:") {
						t.Errorf("message does not name key and fix: %s", msg)
					}
					return
				}
			}
			t.Fatalf("no problem for key %s value containing %q; got:\n%v", tc.key, tc.inValue, err)
		})
	}
}

func TestAllProblemsReportedTogether(t *testing.T) {
	vals := validProd()
	vals[Project+":brokers"] = "4"
	vals[Project+":role"] = "nope"
	vals[Project+":brokerInstanceType"] = "t3.micro"
	vals[RegionKey] = ""
	_, err := parse(t, vals)
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatal(err)
	}
	want := []string{"brokers", "role", "brokerInstanceType", "aws:region"}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error misses %s:\n%s", w, err)
		}
	}
	if len(ce.Problems) < len(want) {
		t.Errorf("only %d problems", len(ce.Problems))
	}
}

// TestSecretKeysMustBeEncrypted: every key declared secret is refused when a
// stack stores it in plaintext.
func TestSecretKeysMustBeEncrypted(t *testing.T) {
	for _, k := range Keys() {
		if !k.Secret {
			continue
		}
		vals := validProd()
		vals[k.FullName()] = "plaintext-value"
		_, err := Parse("prod", Source{Values: vals, Secret: map[string]bool{}})
		if err == nil || !strings.Contains(err.Error(), k.Name) || !strings.Contains(err.Error(), "--secret") {
			t.Errorf("%s: plaintext secret accepted: %v", k.Name, err)
		}
	}
}

func TestReaderSecret(t *testing.T) {
	k := Key{Name: "tokenForTest", Type: String, Default: "", Secret: true}
	var p Problems
	r := &reader{src: Source{Values: map[string]string{k.FullName(): "s3cr3t"}, Secret: map[string]bool{}}, p: &p}
	s := r.secret(k)
	if len(p) != 1 || !strings.Contains(p[0].Fix, "--secret") {
		t.Fatalf("plaintext secret not flagged: %v", p)
	}
	if fmt.Sprint(s) != "[secret]" {
		t.Errorf("secret prints as %q", fmt.Sprint(s))
	}
	b, _ := json.Marshal(struct{ S Secret }{s})
	if strings.Contains(string(b), "s3cr3t") {
		t.Errorf("secret marshals its value: %s", b)
	}
}

// TestPulumiYamlInSync keeps Pulumi.yaml (what the CLI applies) identical to
// the Go definitions (what the mocks and the render apply).
func TestPulumiYamlInSync(t *testing.T) {
	want, err := ProjectYAML()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatal("Pulumi.yaml is stale: run `go run ./cmd/configdoc` and commit the result")
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "config.md"))
	if err != nil || string(doc) != string(ConfigMarkdown()) {
		t.Fatal("docs/config.md is stale: run `go run ./cmd/configdoc`")
	}
}

func TestAllocateSubnetsProperties(t *testing.T) {
	for bits := 16; bits <= 20; bits++ {
		for _, base := range []string{"10.0.0.0", "10.40.0.0", "172.16.0.0", "192.168.0.0"} {
			vpc := netip.MustParsePrefix(fmt.Sprintf("%s/%d", base, bits)).Masked()
			priv, pub, err := AllocateSubnets(vpc, 3)
			if err != nil {
				t.Fatalf("%s: %v", vpc, err)
			}
			all := append(append([]netip.Prefix{}, priv...), pub...)
			for i, a := range all {
				if !Contains(vpc, a) {
					t.Errorf("%s: %s outside", vpc, a)
				}
				for j := i + 1; j < len(all); j++ {
					if Overlaps(a, all[j]) {
						t.Errorf("%s: %s overlaps %s", vpc, a, all[j])
					}
				}
			}
			if priv[0].Bits() != bits+2 || pub[0].Bits() != bits+6 {
				t.Errorf("%s: sizes %d/%d", vpc, priv[0].Bits(), pub[0].Bits())
			}
		}
	}
	if _, _, err := AllocateSubnets(netip.MustParsePrefix("10.0.0.0/24"), 3); err == nil {
		t.Error("a /24 VPC should be too small")
	}
}

func TestParseCPUSet(t *testing.T) {
	got, err := ParseCPUSet("0-1,8")
	if err != nil || fmt.Sprint(got) != "[0 1 8]" {
		t.Fatalf("got %v %v", got, err)
	}
	if _, err := ParseCPUSet("3-1"); err == nil {
		t.Error("reversed range accepted")
	}
}

// TestVaultTokenMethodNeedsTheEnvironment: the token auth method takes
// VAULT_TOKEN from the deployer's environment (never a stack file); without
// it a stack that needs Vault fails naming the variable and the alternative.
func TestVaultTokenMethodNeedsTheEnvironment(t *testing.T) {
	vals := validProd()
	delete(vals, Project+":vaultAuthMethod")
	delete(vals, Project+":vaultAwsAuthRole")
	src := Source{Values: vals, Secret: map[string]bool{}}
	if _, err := Parse("prod", src); err == nil || !strings.Contains(err.Error(), VaultTokenEnv) ||
		!strings.Contains(err.Error(), "vaultAuthMethod") {
		t.Fatalf("token method without VAULT_TOKEN: %v", err)
	}
	AddEnv(src, func(n string) string {
		if n == VaultTokenEnv {
			return "hvs.config-test-token"
		}
		return ""
	})
	c, err := Parse("prod", src)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Vault.Token.IsSet() || strings.Contains(fmt.Sprintf("%+v", c.Vault), "hvs.config-test-token") {
		t.Errorf("token not carried as a redacted secret: %+v", c.Vault)
	}
	if !src.Secret[VaultTokenSource] {
		t.Error("VAULT_TOKEN not marked secret")
	}
}
