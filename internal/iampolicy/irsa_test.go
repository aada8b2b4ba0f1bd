package iampolicy

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestIRSATrustIsExact(t *testing.T) {
	doc, err := IRSATrust("Sa", "arn:aws:iam::000000000000:oidc-provider/oidc.example/id/A", "https://oidc.example/id/A/", "kafka", "trading-kafka")
	if err != nil {
		t.Fatal(err)
	}
	s, err := doc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(s), &got); err != nil {
		t.Fatal(err)
	}
	st := got["Statement"].([]any)[0].(map[string]any)
	cond := st["Condition"].(map[string]any)
	if len(cond) != 1 {
		t.Fatalf("conditions other than StringEquals: %v", cond)
	}
	eq := cond["StringEquals"].(map[string]any)
	if sub := eq["oidc.example/id/A:sub"].([]any); len(sub) != 1 || sub[0] != "system:serviceaccount:kafka:trading-kafka" {
		t.Errorf("sub = %v", sub)
	}
	if aud := eq["oidc.example/id/A:aud"].([]any); len(aud) != 1 || aud[0] != STSAudience {
		t.Errorf("aud = %v", aud)
	}
	if st["Sid"] != "Sa" || st["Action"].([]any)[0] != "sts:AssumeRoleWithWebIdentity" {
		t.Errorf("statement = %v", st)
	}
}

func TestIRSATrustRejectsMissingInputs(t *testing.T) {
	cases := [][4]string{
		{"", "https://oidc.example/id/A", "kafka", "sa"},
		{"arn", "", "kafka", "sa"},
		{"arn", "http://x://y", "kafka", "sa"},
		{"arn", "https://oidc.example/id/A", "", "sa"},
		{"arn", "https://oidc.example/id/A", "kafka", ""},
	}
	for _, c := range cases {
		if _, err := IRSATrust("", c[0], c[1], c[2], c[3]); err == nil {
			t.Errorf("IRSATrust(%q) accepted", c)
		}
	}
}

func TestIssuerHost(t *testing.T) {
	cases := []struct{ in, want, err string }{
		{"https://oidc.eks.us-east-1.amazonaws.com/id/ABC", "oidc.eks.us-east-1.amazonaws.com/id/ABC", ""},
		{"https://oidc.eks.us-east-1.amazonaws.com/id/ABC/", "oidc.eks.us-east-1.amazonaws.com/id/ABC", ""},
		{"oidc.eks.us-east-1.amazonaws.com/id/ABC", "oidc.eks.us-east-1.amazonaws.com/id/ABC", ""},
		{"", "", "not an https URL"},
		{"http://oidc.example/id/ABC", "", "not an https URL"},
	}
	for _, c := range cases {
		got, err := IssuerHost(c.in)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("IssuerHost(%q) error %v, want %q", c.in, err, c.err)
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("IssuerHost(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}
