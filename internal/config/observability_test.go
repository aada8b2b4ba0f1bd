package config

import (
	"strings"
	"testing"
)

const testCertArn = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"

// obsValues is a valid observability configuration on top of the defaults.
func obsValues() map[string]string {
	return map[string]string{
		RegionKey:                          "us-east-1",
		Project + ":availabilityZones":     `["use1-az1","use1-az2","use1-az4"]`,
		Project + ":canaryImage":           "123456789012.dkr.ecr.us-east-1.amazonaws.com/kafka-platform/canary@sha256:" + strings.Repeat("0", 64),
		Project + ":grafanaHostname":       "grafana.kafka.example.com",
		Project + ":grafanaCertificateArn": testCertArn,
		Project + ":grafanaOidc":           `{"clientId":"grafana","authUrl":"https://sso.example.com/authorize","tokenUrl":"https://sso.example.com/token","apiUrl":"https://sso.example.com/userinfo","scopes":"openid email groups"}`,
		Project + ":alertEmailTo":          "kafka@example.com",
		Project + ":alertSmtpSmarthost":    "smtp.example.com:587",
	}
}

func TestObservabilityConfig(t *testing.T) {
	for _, tc := range []struct {
		name    string
		set     map[string]string
		secret  []string
		wantKey string // "" = valid
	}{
		{name: "valid"},
		{name: "image by tag", set: map[string]string{"canaryImage": "example.com/canary:latest"}, wantKey: "canaryImage"},
		{name: "no image", set: map[string]string{"canaryImage": ""}, wantKey: "canaryImage"},
		{name: "bad retention", set: map[string]string{"prometheusRetention": "two weeks"}, wantKey: "prometheusRetention"},
		{name: "chart range", set: map[string]string{"kubePrometheusStackVersion": "^79"}, wantKey: "kubePrometheusStackVersion"},
		{name: "no grafana host", set: map[string]string{"grafanaHostname": ""}, wantKey: "grafanaHostname"},
		{name: "oidc without openid", set: map[string]string{"grafanaOidc": `{"clientId":"g","authUrl":"https://a.example.com/x","tokenUrl":"https://a.example.com/y","apiUrl":"https://a.example.com/z","scopes":"email"}`}, wantKey: "grafanaOidc.scopes"},
		{name: "oidc http endpoint", set: map[string]string{"grafanaOidc": `{"clientId":"g","authUrl":"http://a.example.com/x","tokenUrl":"https://a.example.com/y","apiUrl":"https://a.example.com/z","scopes":"openid"}`}, wantKey: "grafanaOidc.authUrl"},
		{name: "oidc misspelt field", set: map[string]string{"grafanaOidc": `{"clientId":"g","clientSecret":"nope"}`}, wantKey: "grafanaOidc"},
		{name: "no destination", set: map[string]string{"alertEmailTo": ""}, wantKey: "alertEmailTo/pagerWebhookUrl"},
		{name: "pager instead of mail", set: map[string]string{"alertEmailTo": "", "pagerWebhookUrl": "https://pager.invalid/x"}, secret: []string{"pagerWebhookUrl"}},
		{name: "mail without relay", set: map[string]string{"alertSmtpSmarthost": ""}, wantKey: "alertSmtpSmarthost"},
		{name: "plaintext webhook", set: map[string]string{"serviceNowWebhookUrl": "https://sn.invalid/x"}, wantKey: "serviceNowWebhookUrl"},
		{name: "no grafana certificate", set: map[string]string{"grafanaCertificateArn": ""}, wantKey: "grafanaCertificateArn"},
		{name: "iam arn as certificate", set: map[string]string{"grafanaCertificateArn": "arn:aws:iam::123456789012:server-certificate/grafana"}, wantKey: "grafanaCertificateArn"},
		{name: "certificate id not a uuid", set: map[string]string{"grafanaCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/grafana"}, wantKey: "grafanaCertificateArn"},
		{name: "office and vpn ranges", set: map[string]string{"grafanaAllowedCidrs": `["192.168.10.0/24","10.200.0.0/16"]`}},
		{name: "world open", set: map[string]string{"grafanaAllowedCidrs": `["192.168.10.0/24","0.0.0.0/0"]`}, wantKey: "grafanaAllowedCidrs"},
		{name: "too wide", set: map[string]string{"grafanaAllowedCidrs": `["64.0.0.0/2"]`}, wantKey: "grafanaAllowedCidrs"},
		{name: "host bits", set: map[string]string{"grafanaAllowedCidrs": `["192.168.10.7/24"]`}, wantKey: "grafanaAllowedCidrs"},
		{name: "ipv6", set: map[string]string{"grafanaAllowedCidrs": `["2001:db8::/32"]`}, wantKey: "grafanaAllowedCidrs"},
		{name: "not a cidr", set: map[string]string{"grafanaAllowedCidrs": `["office"]`}, wantKey: "grafanaAllowedCidrs"},
		{name: "runbook base with slash", set: map[string]string{"runbookBaseUrl": "https://example.com/runbooks/"}, wantKey: "runbookBaseUrl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := Source{Values: obsValues(), Secret: map[string]bool{}}
			for k, v := range tc.set {
				src.Values[Project+":"+k] = v
			}
			for _, k := range tc.secret {
				src.Secret[Project+":"+k] = true
			}
			got := obsProblems(src)
			if tc.wantKey == "" {
				if len(got) != 0 {
					t.Fatalf("unexpected: %v", got)
				}
				return
			}
			found := false
			for _, p := range got {
				found = found || p.Key == Project+":"+tc.wantKey
			}
			if !found {
				t.Fatalf("no problem for %s in: %v", tc.wantKey, got)
			}
		})
	}
}

// obsProblems parses and validates only the observability section (other
// sections have their own required keys and tests).
func obsProblems(src Source) Problems {
	var p Problems
	r := &reader{src: src, p: &p}
	c := &Config{}
	c.Observability.parse(r)
	c.Observability.validate(c, &p)
	return p
}

func TestObservabilityDefaults(t *testing.T) {
	var p Problems
	var o ObservabilityConfig
	o.parse(&reader{src: Source{Values: obsValues(), Secret: map[string]bool{}}, p: &p})
	if o.StorageGiB != defaultPrometheusStorageGiB || o.ChartVersion != defaultKubePrometheusStackVersion ||
		o.Retention != defaultPrometheusRetention || o.LagAlertRecords != defaultLagAlertRecords || o.Namespace != "monitoring" {
		t.Errorf("defaults not applied: %+v", o)
	}
}

func TestObservabilitySecretsAreRedacted(t *testing.T) {
	src := Source{Values: obsValues(), Secret: map[string]bool{}}
	for _, k := range []string{"serviceNowWebhookUrl", "pagerWebhookUrl", "grafanaOidcClientSecret"} {
		src.Values[Project+":"+k] = "https://sekrit.invalid/" + k
		src.Secret[Project+":"+k] = true
	}
	var p Problems
	var o ObservabilityConfig
	o.parse(&reader{src: src, p: &p})
	if len(p) != 0 {
		t.Fatal(p)
	}
	if !o.ServiceNowWebhookURL.IsSet() || !o.PagerWebhookURL.IsSet() || !o.OIDCClientSecret.IsSet() {
		t.Fatal("secrets not read")
	}
	if s := o.ServiceNowWebhookURL.String() + o.PagerWebhookURL.String() + o.OIDCClientSecret.String(); strings.Contains(s, "sekrit") {
		t.Fatalf("secret printed: %s", s)
	}
}

// An ALB can only use an ACM certificate from its own region.
func TestGrafanaCertificateRegion(t *testing.T) {
	for region, wantProblem := range map[string]bool{"us-east-1": false, "us-west-2": true} {
		var p Problems
		c := &Config{}
		c.Stack.Region = region
		c.Observability.parse(&reader{src: Source{Values: obsValues(), Secret: map[string]bool{}}, p: &p})
		c.Observability.validate(c, &p)
		found := false
		for _, pr := range p {
			found = found || pr.Key == Project+":grafanaCertificateArn"
		}
		if found != wantProblem {
			t.Errorf("region %s: certificate problem %v, want %v (%v)", region, found, wantProblem, p)
		}
	}
}

func TestGrafanaAllowedCidrsParsed(t *testing.T) {
	src := Source{Values: obsValues(), Secret: map[string]bool{}}
	src.Values[Project+":grafanaAllowedCidrs"] = `["192.168.10.0/24"]`
	var p Problems
	c := &Config{}
	c.Observability.parse(&reader{src: src, p: &p})
	c.Observability.validate(c, &p)
	if len(p) != 0 || len(c.Observability.GrafanaAllowedCIDRs) != 1 || c.Observability.GrafanaAllowedCIDRs[0].String() != "192.168.10.0/24" {
		t.Fatalf("cidrs %v, problems %v", c.Observability.GrafanaAllowedCIDRs, p)
	}
}
