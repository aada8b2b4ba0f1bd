package s3tier

import (
	"strings"
	"testing"
)

func TestTrustPolicyRejectsMissingProvider(t *testing.T) {
	if _, err := trustPolicy("", "https://oidc.example/id/A", "kafka", "trading-kafka"); err == nil {
		t.Fatal("empty provider ARN accepted")
	}
}

func TestBucketNames(t *testing.T) {
	env := awsEnv{Region: "ap-southeast-4", Account: "123456789012", Partition: "aws", DNSSuffix: "amazonaws.com"}
	tier, logs, err := bucketNames("kafka-prod", env)
	if err != nil || tier != "kafka-prod-tiered-123456789012-ap-southeast-4" || logs != "kafka-prod-s3logs-123456789012-ap-southeast-4" {
		t.Fatalf("got %q %q %v", tier, logs, err)
	}
	// The longest name config allows (24 characters) still fits.
	if _, _, err := bucketNames(strings.Repeat("k", 24), env); err != nil {
		t.Fatalf("24-character name rejected: %v", err)
	}
	if _, _, err := bucketNames(strings.Repeat("k", 30), env); err == nil || !strings.Contains(err.Error(), "63") {
		t.Fatalf("over-long name: %v", err)
	}
}

func TestArgsValidate(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Args)
		want   string
	}{
		{"valid", func(*Args) {}, ""},
		{"valid with lock", func(a *Args) { a.ObjectLock = &ObjectLock{Mode: Compliance, Days: 1} }, ""},
		{"no name", func(a *Args) { a.Name = "" }, "Name is empty"},
		{"prefix without slash", func(a *Args) { a.Prefix = "tiered" }, "Prefix"},
		{"prefix leading slash", func(a *Args) { a.Prefix = "/tiered/" }, "Prefix"},
		{"prefix wildcard", func(a *Args) { a.Prefix = "*/" }, "Prefix"},
		{"lock mode", func(a *Args) { a.ObjectLock = &ObjectLock{Mode: "WORM", Days: 1} }, "ObjectLock.Mode"},
		{"lock days", func(a *Args) { a.ObjectLock = &ObjectLock{Mode: Governance} }, "ObjectLock.Days"},
		{"noncurrent", func(a *Args) { a.NoncurrentVersionExpirationDays = 0 }, "NoncurrentVersionExpirationDays"},
		{"abort", func(a *Args) { a.AbortIncompleteMultipartDays = 0 }, "AbortIncompleteMultipartDays"},
		{"logs", func(a *Args) { a.AccessLogRetentionDays = -1 }, "AccessLogRetentionDays"},
		{"service account", func(a *Args) { a.ServiceAccountName = "" }, "service account"},
		{"oidc", func(a *Args) { a.OidcIssuer = nil }, "OidcProviderArn and OidcIssuer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := testArgs()
			c.mutate(&a)
			err := a.validate()
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("error %v, want it to mention %q", err, c.want)
			}
		})
	}
}
