package s3tier

import (
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/iampolicy"
	"github.com/tradingfirm/kafka-platform/internal/render"
	"github.com/tradingfirm/kafka-platform/internal/render/rendertest"
)

const (
	tBucket    = "aws:s3/bucketV2:BucketV2"
	tPAB       = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	tOwnership = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	tSSE       = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	tVersion   = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	tPolicy    = "aws:s3/bucketPolicy:BucketPolicy"
	tLifecycle = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	tLogging   = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	tLock      = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
	tKey       = "aws:kms/key:Key"
	tRole      = "aws:iam/role:Role"
	tRolePol   = "aws:iam/rolePolicy:RolePolicy"

	comp      = "kafka-test-tier"
	logComp   = comp + "-access-logs"
	tierName  = "kafka-test-tiered-000000000000-us-east-1"
	logName   = "kafka-test-s3logs-000000000000-us-east-1"
	tierArn   = "arn:aws:s3:::" + tierName
	logArn    = "arn:aws:s3:::" + logName
	oidcArn   = "arn:aws:iam::000000000000:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/FAKEISSUER"
	oidcHost  = "oidc.eks.us-east-1.amazonaws.com/id/FAKEISSUER"
	oidcURL   = "https://" + oidcHost
	brokerSub = "system:serviceaccount:kafka:trading-kafka"
)

func testArgs() Args {
	return Args{
		Name:                            "kafka-test",
		Prefix:                          "tiered/",
		NoncurrentVersionExpirationDays: 30,
		AbortIncompleteMultipartDays:    2,
		AccessLogRetentionDays:          365,
		ServiceAccountNamespace:         "kafka",
		ServiceAccountName:              "trading-kafka",
		OidcProviderArn:                 pulumi.String(oidcArn),
		OidcIssuer:                      pulumi.String(oidcURL),
		Tags:                            map[string]string{"owner": "kafka-platform"},
	}
}

func TestBothBucketsBlockPublicAccessAndDisableACLs(t *testing.T) {
	m := rendertest.Component(t, New, comp, testArgs())
	for comp, bucket := range map[string]string{comp: tierName, logComp: logName} {
		pab := rendertest.MustFind(t, m, tPAB, comp)
		if rendertest.Str(pab, "bucket") != bucket {
			t.Errorf("%s: public access block on %q, want %q", comp, rendertest.Str(pab, "bucket"), bucket)
		}
		for _, flag := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			if pab.Inputs[flag] != true {
				t.Errorf("%s: %s = %v, want true", comp, flag, pab.Inputs[flag])
			}
		}
		own := rendertest.MustFind(t, m, tOwnership, comp)
		rule, _ := own.Inputs["rule"].(map[string]any)
		if rendertest.Str(own, "bucket") != bucket || rule["objectOwnership"] != "BucketOwnerEnforced" {
			t.Errorf("%s: ownership %v, want BucketOwnerEnforced on %s", comp, own.Inputs, bucket)
		}
		ver := rendertest.MustFind(t, m, tVersion, comp)
		vc, _ := ver.Inputs["versioningConfiguration"].(map[string]any)
		if rendertest.Str(ver, "bucket") != bucket || vc["status"] != "Enabled" {
			t.Errorf("%s: versioning %v", comp, ver.Inputs)
		}
	}
}

func TestTierBucketEncryptedWithItsOwnKeyAndBucketKeys(t *testing.T) {
	m := rendertest.Component(t, New, comp, testArgs())
	key := rendertest.MustFind(t, m, tKey, comp)
	if key.Inputs["enableKeyRotation"] != true {
		t.Error("tier key rotation is off")
	}
	kp := rendertest.Policy(t, rendertest.Str(key, "policy"))
	if s := rendertest.Statement(t, kp, "AccountAdministersViaIAM"); s.Principal["AWS"][0] != "arn:aws:iam::000000000000:root" {
		t.Errorf("key policy principal %v", s.Principal)
	}
	for _, s := range kp.Statement {
		if s.Effect == iampolicy.Allow && len(s.Principal["AWS"]) > 0 && s.Principal["AWS"][0] == "*" {
			t.Errorf("key policy allows everyone: %+v", s)
		}
	}
	// The key's ARN (as the mock computes it from the key's id).
	wantKey := "arn:aws:kms:us-east-1:000000000000:key/"
	sse := rendertest.MustFind(t, m, tSSE, comp)
	rules, _ := sse.Inputs["rules"].([]any)
	if len(rules) != 1 {
		t.Fatalf("sse rules %v", rules)
	}
	r := rules[0].(map[string]any)
	def := r["applyServerSideEncryptionByDefault"].(map[string]any)
	if def["sseAlgorithm"] != "aws:kms" || !strings.HasPrefix(def["kmsMasterKeyId"].(string), wantKey) {
		t.Errorf("tier default encryption %v, want aws:kms with the tier key", def)
	}
	if r["bucketKeyEnabled"] != true {
		t.Error("bucket keys off")
	}
	if rendertest.Str(sse, "bucket") != tierName {
		t.Errorf("sse on %q", rendertest.Str(sse, "bucket"))
	}

	// The log bucket uses SSE-S3 (see logBucket for why).
	lsse := rendertest.MustFind(t, m, tSSE, logComp)
	lr := lsse.Inputs["rules"].([]any)[0].(map[string]any)
	if lr["applyServerSideEncryptionByDefault"].(map[string]any)["sseAlgorithm"] != "AES256" {
		t.Errorf("log bucket encryption %v, want AES256", lr)
	}
}

func TestBucketPoliciesDenyInsecureTransport(t *testing.T) {
	m := rendertest.Component(t, New, comp, testArgs())
	for comp, arn := range map[string]string{comp: tierArn, logComp: logArn} {
		pol := rendertest.MustFind(t, m, tPolicy, comp)
		s := rendertest.Statement(t, rendertest.Policy(t, rendertest.Str(pol, "policy")), "DenyInsecureTransport")
		if s.Effect != iampolicy.Deny || s.Principal["AWS"][0] != "*" {
			t.Errorf("%s: %+v is not a deny for everyone", comp, s)
		}
		if got := s.Condition["Bool"]["aws:SecureTransport"]; len(got) != 1 || got[0] != "false" {
			t.Errorf("%s: condition %v, want aws:SecureTransport false", comp, s.Condition)
		}
		if len(s.Action) != 1 || s.Action[0] != "s3:*" {
			t.Errorf("%s: denies only %v, want s3:*", comp, s.Action)
		}
		res := strings.Join(s.Resource, " ")
		if res != arn+" "+arn+"/*" {
			t.Errorf("%s: deny covers %q, want the bucket and its objects", comp, res)
		}
	}
}

func TestTierPolicyDeniesNonKmsUploads(t *testing.T) {
	m := rendertest.Component(t, New, comp, testArgs())
	d := rendertest.Policy(t, rendertest.Str(rendertest.MustFind(t, m, tPolicy, comp), "policy"))
	s := rendertest.Statement(t, d, "DenyNonKmsUploads")
	if s.Effect != iampolicy.Deny || s.Action[0] != "s3:PutObject" || s.Resource[0] != tierArn+"/*" {
		t.Errorf("%+v", s)
	}
	if got := s.Condition["StringNotEquals"]["s3:x-amz-server-side-encryption"]; len(got) != 1 || got[0] != "aws:kms" {
		t.Errorf("condition %v", s.Condition)
	}
	k := rendertest.Statement(t, d, "DenyOtherKmsKeys")
	keys := k.Condition["StringNotEquals"]["s3:x-amz-server-side-encryption-aws-kms-key-id"]
	if k.Effect != iampolicy.Deny || len(keys) != 1 || !strings.HasPrefix(keys[0], "arn:aws:kms:us-east-1:000000000000:key/") {
		t.Errorf("%+v", k)
	}
}

func TestLifecycleRules(t *testing.T) {
	args := testArgs()
	args.AbortIncompleteMultipartDays = 3
	args.NoncurrentVersionExpirationDays = 45
	args.AccessLogRetentionDays = 400
	m := rendertest.Component(t, New, comp, args)
	rules := map[string]map[string]any{}
	for _, r := range rendertest.MustFind(t, m, tLifecycle, comp).Inputs["rules"].([]any) {
		rule := r.(map[string]any)
		if rule["status"] != "Enabled" {
			t.Errorf("rule %v disabled", rule["id"])
		}
		rules[rule["id"].(string)] = rule
	}
	abort, _ := rules["abort-incomplete-multipart-uploads"]["abortIncompleteMultipartUpload"].(map[string]any)
	if abort["daysAfterInitiation"] != 3.0 {
		t.Errorf("abort rule %v, want 3 days", rules["abort-incomplete-multipart-uploads"])
	}
	nc, _ := rules["expire-noncurrent-versions"]["noncurrentVersionExpiration"].(map[string]any)
	if nc["noncurrentDays"] != 45.0 {
		t.Errorf("noncurrent rule %v, want 45 days", rules["expire-noncurrent-versions"])
	}
	for id, r := range rules {
		if f, _ := r["filter"].(map[string]any); f["prefix"] != "" {
			t.Errorf("rule %s filter %v, want the whole bucket", id, f)
		}
		if e, ok := r["expiration"].(map[string]any); ok && e["days"] != nil {
			t.Errorf("rule %s expires current segments (%v): Kafka owns their retention", id, e)
		}
	}

	logRule := rendertest.MustFind(t, m, tLifecycle, logComp).Inputs["rules"].([]any)[0].(map[string]any)
	if logRule["expiration"].(map[string]any)["days"] != 400.0 {
		t.Errorf("log expiry %v, want 400", logRule["expiration"])
	}
}

func TestAccessLogsGoToTheLogBucket(t *testing.T) {
	m := rendertest.Component(t, New, comp, testArgs())
	l := rendertest.MustFind(t, m, tLogging, comp)
	if rendertest.Str(l, "bucket") != tierName || rendertest.Str(l, "targetBucket") != logName || rendertest.Str(l, "targetPrefix") != AccessLogPrefix {
		t.Errorf("logging %v", l.Inputs)
	}
	if _, ok := l.Inputs["targetGrants"]; ok {
		t.Error("target grants are rejected when ACLs are disabled")
	}
	if m.Find(tLogging, logComp) != nil {
		t.Error("log bucket logs to somewhere: S3 would log its own log writes forever")
	}
	s := rendertest.Statement(t, rendertest.Policy(t, rendertest.Str(rendertest.MustFind(t, m, tPolicy, logComp), "policy")), "S3ServerAccessLogsFromTierBucket")
	if s.Effect != iampolicy.Allow || s.Principal["Service"][0] != "logging.s3.amazonaws.com" || len(s.Principal) != 1 {
		t.Errorf("%+v", s)
	}
	if len(s.Action) != 1 || s.Action[0] != "s3:PutObject" || s.Resource[0] != logArn+"/"+AccessLogPrefix+"*" {
		t.Errorf("log delivery may %v on %v", s.Action, s.Resource)
	}
	if got := s.Condition["ArnLike"]["aws:SourceArn"]; len(got) != 1 || got[0] != tierArn {
		t.Errorf("aws:SourceArn %v, want %s", got, tierArn)
	}
	if got := s.Condition["StringEquals"]["aws:SourceAccount"]; len(got) != 1 || got[0] != render.FakeAccountID {
		t.Errorf("aws:SourceAccount %v", got)
	}
}

func TestObjectLock(t *testing.T) {
	t.Run("off", func(t *testing.T) {
		m := rendertest.Component(t, New, comp, testArgs())
		if rendertest.MustFind(t, m, tBucket, comp).Inputs["objectLockEnabled"] != false {
			t.Error("objectLockEnabled should be false")
		}
		if len(m.ByType(tLock)) != 0 {
			t.Error("object lock configuration created while disabled")
		}
	})
	for _, mode := range []ObjectLockMode{Governance, Compliance} {
		t.Run(string(mode), func(t *testing.T) {
			args := testArgs()
			args.ObjectLock = &ObjectLock{Mode: mode, Days: 2557}
			m := rendertest.Component(t, New, comp, args)
			if rendertest.MustFind(t, m, tBucket, comp).Inputs["objectLockEnabled"] != true {
				t.Error("bucket created without object lock")
			}
			if rendertest.MustFind(t, m, tBucket, logComp).Inputs["objectLockEnabled"] == true {
				t.Error("log bucket must not have object lock retention (log delivery would fail)")
			}
			lock := rendertest.MustFind(t, m, tLock, comp)
			ret := lock.Inputs["rule"].(map[string]any)["defaultRetention"].(map[string]any)
			if rendertest.Str(lock, "bucket") != tierName || ret["mode"] != string(mode) || ret["days"] != 2557.0 {
				t.Errorf("lock %v", lock.Inputs)
			}
		})
	}
}

func TestBrokerTrustIsExactlyOneServiceAccount(t *testing.T) {
	m := rendertest.Component(t, New, comp, testArgs())
	role := rendertest.MustFind(t, m, tRole, comp+"-broker")
	d := rendertest.Policy(t, rendertest.Str(role, "assumeRolePolicy"))
	if len(d.Statement) != 1 {
		t.Fatalf("trust has %d statements", len(d.Statement))
	}
	s := d.Statement[0]
	if s.Effect != iampolicy.Allow || len(s.Action) != 1 || s.Action[0] != "sts:AssumeRoleWithWebIdentity" {
		t.Errorf("%+v", s)
	}
	if got := s.Principal["Federated"]; len(got) != 1 || got[0] != oidcArn || len(s.Principal) != 1 {
		t.Errorf("principal %v, want only the cluster's OIDC provider", s.Principal)
	}
	if len(s.Condition) != 1 {
		t.Errorf("conditions %v: want only StringEquals (no StringLike)", s.Condition)
	}
	eq := s.Condition["StringEquals"]
	if got := eq[oidcHost+":sub"]; len(got) != 1 || got[0] != brokerSub {
		t.Errorf("sub %v, want exactly %s", got, brokerSub)
	}
	if got := eq[oidcHost+":aud"]; len(got) != 1 || got[0] != "sts.amazonaws.com" {
		t.Errorf("aud %v", got)
	}
	for k, vs := range eq {
		if strings.Contains(k, "https://") {
			t.Errorf("condition key %q keeps the scheme; IAM never matches it", k)
		}
		for _, v := range vs {
			if strings.ContainsAny(v, "*?") {
				t.Errorf("condition %s has a wildcard value %q", k, v)
			}
		}
	}
}

func TestBrokerPermissionsOnlyThatBucketPrefixAndKey(t *testing.T) {
	m := rendertest.Component(t, New, comp, testArgs())
	d := rendertest.Policy(t, rendertest.Str(rendertest.MustFind(t, m, tRolePol, comp+"-broker"), "policy"))
	keyPrefix := "arn:aws:kms:us-east-1:000000000000:key/"
	for _, s := range d.Statement {
		if s.Effect != iampolicy.Allow {
			continue
		}
		for _, a := range s.Action {
			if strings.Contains(a, "*") {
				t.Errorf("%s: wildcard action %q", s.Sid, a)
			}
			switch {
			case a == "s3:ListBucket":
				if len(s.Resource) != 1 || s.Resource[0] != tierArn {
					t.Errorf("ListBucket on %v", s.Resource)
				}
				if got := s.Condition["StringLike"]["s3:prefix"]; len(got) != 1 || got[0] != "tiered/*" {
					t.Errorf("ListBucket prefix condition %v", s.Condition)
				}
			case strings.HasPrefix(a, "s3:"):
				if len(s.Resource) != 1 || s.Resource[0] != tierArn+"/tiered/*" {
					t.Errorf("%s on %v, want only %s/tiered/*", a, s.Resource, tierArn)
				}
			case strings.HasPrefix(a, "kms:"):
				if len(s.Resource) != 1 || !strings.HasPrefix(s.Resource[0], keyPrefix) {
					t.Errorf("%s on %v, want only the tier key", a, s.Resource)
				}
				if got := s.Condition["StringEquals"]["kms:ViaService"]; len(got) != 1 || got[0] != "s3.us-east-1.amazonaws.com" {
					t.Errorf("%s without kms:ViaService s3: %v", a, s.Condition)
				}
			default:
				t.Errorf("unexpected action %q", a)
			}
		}
	}
	want := []string{"s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "kms:Decrypt", "kms:GenerateDataKey"}
	all := map[string]bool{}
	for _, s := range d.Statement {
		for _, a := range s.Action {
			all[a] = true
		}
	}
	for _, a := range want {
		if !all[a] {
			t.Errorf("broker cannot %s; tiered storage needs it", a)
		}
	}
}

func TestStatefulResourcesProtectedAndRetained(t *testing.T) {
	m := rendertest.Component(t, New, comp, testArgs())
	for _, r := range []*render.Resource{rendertest.MustFind(t, m, tBucket, comp), rendertest.MustFind(t, m, tBucket, logComp), rendertest.MustFind(t, m, tKey, comp)} {
		if !r.Protect || !r.Retain {
			t.Errorf("%s %s: protect=%v retain=%v", r.Type, r.Name, r.Protect, r.Retain)
		}
	}
	if got := rendertest.Str(rendertest.MustFind(t, m, tBucket, comp), "bucket"); got != tierName {
		t.Errorf("bucket name %q", got)
	}
	for _, r := range m.Resources() {
		if r.Type != TypeToken && r.Type != "pulumi:pulumi:Stack" && !strings.HasSuffix(r.Parent, TypeToken+"::"+comp) {
			t.Errorf("%s %s not parented to the component", r.Type, r.Name)
		}
	}
}

func TestOutputs(t *testing.T) {
	m := render.NewMocks("kafka-platform", "test", "us-east-1")
	var mu sync.Mutex
	got := map[string]string{}
	err := m.Run(func(ctx *pulumi.Context) error {
		b, err := New(ctx, comp, testArgs())
		if err != nil {
			return err
		}
		for k, o := range map[string]pulumi.StringOutput{
			"bucket": b.BucketName, "arn": b.BucketArn, "key": b.KmsKeyArn, "logs": b.LogBucketName, "role": b.BrokerRoleArn,
		} {
			k := k
			// Export the recording apply: the runtime waits for exports, so
			// every value is recorded before Run returns.
			ctx.Export(k, o.ApplyT(func(v string) string {
				mu.Lock()
				defer mu.Unlock()
				got[k] = v
				return v
			}))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"bucket": tierName, "arn": tierArn, "logs": logName,
		"role": "arn:aws:iam::000000000000:role/kafka-test-kafka-broker-tiered",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if !strings.HasPrefix(got["key"], "arn:aws:kms:us-east-1:000000000000:key/") {
		t.Errorf("key = %q", got["key"])
	}
}
