package config

import (
	"strings"
	"testing"
)

// obsValues is a valid observability configuration on top of the defaults.
func obsValues() map[string]string {
	return map[string]string{
		RegionKey:                       "us-east-1",
		Project + ":availabilityZones":  `["use1-az1","use1-az2","use1-az4"]`,
		Project + ":canaryImage":        "123456789012.dkr.ecr.us-east-1.amazonaws.com/kafka-platform/canary@sha256:" + strings.Repeat("0", 64),
		Project + ":grafanaHostname":    "grafana.kafka.example.com",
		Project + ":grafanaOidc":        `{"clientId":"grafana","authUrl":"https://sso.example.com/authorize","tokenUrl":"https://sso.example.com/token","apiUrl":"https://sso.example.com/userinfo","scopes":"openid email groups"}`,
		Project + ":alertEmailTo":       "kafka@example.com",
		Project + ":alertSmtpSmarthost": "smtp.example.com:587",
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
