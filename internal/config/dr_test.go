package config

import (
	"errors"
	"strings"
	"testing"
)

// withVault is validProd plus the Vault address every stack with a DR peer
// needs.
func withVault(extra map[string]string) map[string]string {
	v := validProd()
	v["kafka-platform:vaultAddress"] = "https://vault.example.invalid:8200"
	for k, x := range extra {
		v[k] = x
	}
	return v
}

func TestDRAndVaultRules(t *testing.T) {
	cases := []struct {
		name, key string
		vals      map[string]string
	}{
		{"pattern matches ephemeral", "mirroredTopicsPattern", map[string]string{"kafka-platform:mirroredTopicsPattern": ".*"}},
		{"pattern misses a durable topic", "mirroredTopicsPattern", map[string]string{"kafka-platform:mirroredTopicsPattern": `orders\.journal`}},
		{"pattern uses java-only look-ahead", "mirroredTopicsPattern", map[string]string{"kafka-platform:mirroredTopicsPattern": `(?!marketdata).*`}},
		{"bad groups regex", "mirroredGroupsPattern", map[string]string{"kafka-platform:mirroredGroupsPattern": "("}},
		{"unknown network path", "drNetworkPath", map[string]string{"kafka-platform:drNetworkPath": "direct-connect"}},
		{"public tgw asn", "transitGatewayAsn", map[string]string{"kafka-platform:drNetworkPath": "transit-gateway", "kafka-platform:transitGatewayAsn": "16509"}},
		{"public peer tgw asn", "peerTransitGatewayAsn", map[string]string{"kafka-platform:drNetworkPath": "transit-gateway", "kafka-platform:peerTransitGatewayAsn": "65535"}},
		{"same asn both sides", "transitGatewayAsn", map[string]string{"kafka-platform:drNetworkPath": "transit-gateway", "kafka-platform:transitGatewayAsn": "64512"}},
		{"zero replicas", "mirrorMakerReplicas", map[string]string{"kafka-platform:mirrorMakerReplicas": "0"}},
		{"zero tasks", "mirrorMakerTasksMax", map[string]string{"kafka-platform:mirrorMakerTasksMax": "0"}},
		{"no vault address on a primary with a peer", "vaultAddress", map[string]string{"kafka-platform:vaultAddress": ""}},
		{"plain http vault", "vaultAddress", map[string]string{"kafka-platform:vaultAddress": "http://vault:8200"}},
		{"aws auth without role", "vaultAwsAuthRole", map[string]string{"kafka-platform:vaultAuthMethod": "aws", "kafka-platform:vaultAwsAuthRole": ""}},
		{"unknown auth method", "vaultAuthMethod", map[string]string{"kafka-platform:vaultAuthMethod": "userpass"}},
		{"kv mount on sys", "vaultKvMount", map[string]string{"kafka-platform:vaultKvMount": "sys"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(t, withVault(tc.vals))
			if err == nil {
				t.Fatal("want a problem")
			}
			if !strings.Contains(err.Error(), "kafka-platform:"+tc.key) || !strings.Contains(err.Error(), "fix:") {
				t.Fatalf("problem does not name %s with a fix: %v", tc.key, err)
			}
		})
	}
	// Valid DR/Vault settings raise no problem on these keys (other
	// sections' keys are other tests' business).
	for name, extra := range map[string]map[string]string{
		"defaults":        nil,
		"aws auth":        {"kafka-platform:vaultAuthMethod": "aws", "kafka-platform:vaultAwsAuthRole": "kafka-deploy"},
		"transit gateway": {"kafka-platform:drNetworkPath": "transit-gateway"},
		"tgw 32-bit asns": {"kafka-platform:drNetworkPath": "transit-gateway", "kafka-platform:transitGatewayAsn": "4200000001", "kafka-platform:peerTransitGatewayAsn": "4294967294"},
		// ASNs matter only on the transit-gateway path.
		"peering ignores asns": {"kafka-platform:transitGatewayAsn": "64512"},
	} {
		_, err := parse(t, withVault(extra))
		if ps := ownProblems(err); len(ps) > 0 {
			t.Errorf("%s: valid settings rejected: %v", name, ps)
		}
	}
	var s StackConfig
	s.Role = RoleDR
	if !(VaultConfig{}).Required(&Config{Stack: s}) {
		t.Error("a dr stack must require Vault")
	}
	if (VaultConfig{}).Required(&Config{Stack: StackConfig{Role: RolePrimary}}) {
		t.Error("a primary without a DR peer must not require Vault")
	}
	// The message names the key and how to set it.
	_, err := parse(t, withVault(map[string]string{"kafka-platform:vaultAddress": ""}))
	if err == nil || !strings.Contains(err.Error(), "pulumi config set kafka-platform:vaultAddress") || !strings.Contains(err.Error(), "VAULT_TOKEN") {
		t.Errorf("vault address message must say how to set it: %v", err)
	}
}

// TestTransitGatewayDefaults: the transit-gateway path parses with distinct
// private ASNs by default.
func TestTransitGatewayDefaults(t *testing.T) {
	c, err := parse(t, withVault(map[string]string{"kafka-platform:drNetworkPath": "transit-gateway"}))
	if ps := ownProblems(err); len(ps) > 0 {
		t.Fatalf("defaults rejected: %v", ps)
	}
	if c == nil {
		return // other sections' problems; the ASN assertions below need a config
	}
	if c.DR.NetworkPath != NetworkPathTransitGateway || c.DR.TransitGatewayAsn != DefaultTransitGatewayAsn || c.DR.PeerTransitGatewayAsn != DefaultPrimaryTransitGatewayAsn {
		t.Errorf("dr config %+v", c.DR)
	}
	if DefaultTransitGatewayAsn == DefaultPrimaryTransitGatewayAsn || !PrivateAsn(DefaultTransitGatewayAsn) || !PrivateAsn(DefaultPrimaryTransitGatewayAsn) {
		t.Error("default ASNs must be private and distinct")
	}
	for asn, want := range map[int]bool{64511: false, 64512: true, 65534: true, 65535: false, 4199999999: false, 4200000000: true, 4294967294: true, 4294967295: false} {
		if PrivateAsn(asn) != want {
			t.Errorf("PrivateAsn(%d) = %v, want %v", asn, !want, want)
		}
	}
}

func TestMirrorPatternIsWholeName(t *testing.T) {
	re, err := MirrorPattern(`orders\.journal`)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"orders.journal": true, "orders.journal2": false, "x.orders.journal": false} {
		if re.MatchString(name) != want {
			t.Errorf("%s: match = %v, want %v (MM2 matches whole names)", name, !want, want)
		}
	}
}

// ownProblems are the problems on this file's keys.
func ownProblems(err error) []Problem {
	var e *Error
	if !errors.As(err, &e) {
		return nil
	}
	own := map[string]bool{}
	for _, k := range []Key{keyDRNetworkPath, keyTransitGatewayAsn, keyPeerTransitGatewayAsn, keyMirroredTopics, keyMirroredGroups, keyMMReplicas, keyMMTasksMax,
		keyVaultAddress, keyVaultAuthMethod, keyVaultAwsRole, keyVaultAwsMount, keyVaultNamespace, keyVaultKvMount} {
		own[k.FullName()] = true
	}
	var out []Problem
	for _, p := range e.Problems {
		if own[p.Key] {
			out = append(out, p)
		}
	}
	return out
}
