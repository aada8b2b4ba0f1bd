package s3tier

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TypeToken is the component's type; it is part of every child's URN, so
// renaming it would replace the bucket.
const TypeToken = "kafka-platform:infra:TieredStorage"

// AccessLogPrefix is the key prefix of the tier bucket's server access logs
// in the log bucket.
const AccessLogPrefix = "tiered-storage/"

// ObjectLockMode is the default retention mode of S3 Object Lock.
type ObjectLockMode string

// The Object Lock modes.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes
const (
	// Governance lets principals with s3:BypassGovernanceRetention shorten
	// or remove retention.
	Governance ObjectLockMode = "GOVERNANCE"
	// Compliance lets nobody, not even the root user, shorten retention.
	Compliance ObjectLockMode = "COMPLIANCE"
)

// ObjectLock is the bucket's WORM default retention.
type ObjectLock struct {
	// Mode is Governance or Compliance.
	Mode ObjectLockMode
	// Days is the default retention of every new object version, at least 1.
	// It must not exceed the retention of the topics tiered here, or Kafka's
	// deletes of expired segments leave locked versions behind.
	Days int
}

// Args configures the tiered-storage bucket and the broker role.
type Args struct {
	// Name is the base of the bucket, key and role names (e.g. "kafka-prod").
	// Buckets are named <Name>-tiered-<account>-<region> and
	// <Name>-s3logs-<account>-<region>: globally unique and stable. Required.
	Name string
	// Prefix is the key prefix of Kafka's remote log segments ("tiered/");
	// the broker role may touch only keys under it. Must end with "/".
	// Required.
	Prefix string
	// ObjectLock turns on S3 Object Lock with a default retention. Nil: no
	// Object Lock. It can only be turned on when the bucket is created.
	ObjectLock *ObjectLock
	// NoncurrentVersionExpirationDays is how long a deleted or overwritten
	// segment version is kept (the window to undo an accident). Required.
	NoncurrentVersionExpirationDays int
	// AbortIncompleteMultipartDays aborts multipart uploads left behind by
	// broker restarts so their parts stop costing money. Required.
	AbortIncompleteMultipartDays int
	// AccessLogRetentionDays is how long server access logs are kept.
	// Required.
	AccessLogRetentionDays int
	// ServiceAccountNamespace and ServiceAccountName are the Kubernetes
	// service account of the brokers (Strimzi: <cluster>-kafka in the Kafka
	// namespace), the only subject the broker role trusts. Required.
	ServiceAccountNamespace string
	ServiceAccountName      string
	// OidcProviderArn is the ARN of the cluster's IAM OIDC provider. Required.
	OidcProviderArn pulumi.StringInput
	// OidcIssuer is the cluster's issuer URL as EKS reports it, with
	// "https://"; the scheme is stripped for the trust condition keys.
	// Required.
	OidcIssuer pulumi.StringInput
	// Tags go on every taggable child.
	Tags map[string]string
}

// Bucket is the tiered-storage bucket with its key, log bucket and broker
// role.
type Bucket struct {
	pulumi.ResourceState

	// BucketName is the tiered-storage bucket's name.
	BucketName pulumi.StringOutput `pulumi:"bucketName"`
	// BucketArn is its ARN.
	BucketArn pulumi.StringOutput `pulumi:"bucketArn"`
	// KmsKeyArn is the key that encrypts it.
	KmsKeyArn pulumi.StringOutput `pulumi:"kmsKeyArn"`
	// LogBucketName is the bucket holding its server access logs.
	LogBucketName pulumi.StringOutput `pulumi:"logBucketName"`
	// BrokerRoleArn is the IRSA role for the Kafka brokers' service account
	// (the eks.amazonaws.com/role-arn annotation).
	BrokerRoleArn pulumi.StringOutput `pulumi:"brokerRoleArn"`
}

// validate reports every problem with args at once.
func (a Args) validate() error {
	var errs []error
	if a.Name == "" {
		errs = append(errs, errors.New("Name is empty: set the base name, e.g. kafka-prod"))
	}
	if a.Prefix == "" || !strings.HasSuffix(a.Prefix, "/") || strings.HasPrefix(a.Prefix, "/") || strings.Contains(a.Prefix, "*") {
		errs = append(errs, fmt.Errorf("Prefix %q must be non-empty, end with / and not start with / or contain *: use e.g. tiered/", a.Prefix))
	}
	if l := a.ObjectLock; l != nil {
		if l.Mode != Governance && l.Mode != Compliance {
			errs = append(errs, fmt.Errorf("ObjectLock.Mode %q is not GOVERNANCE or COMPLIANCE", l.Mode))
		}
		if l.Days < 1 {
			errs = append(errs, fmt.Errorf("ObjectLock.Days %d must be at least 1", l.Days))
		}
	}
	for _, d := range []struct {
		field string
		v     int
	}{
		{"NoncurrentVersionExpirationDays", a.NoncurrentVersionExpirationDays},
		{"AbortIncompleteMultipartDays", a.AbortIncompleteMultipartDays},
		{"AccessLogRetentionDays", a.AccessLogRetentionDays},
	} {
		if d.v < 1 {
			errs = append(errs, fmt.Errorf("%s %d must be at least 1", d.field, d.v))
		}
	}
	if a.ServiceAccountNamespace == "" || a.ServiceAccountName == "" {
		errs = append(errs, fmt.Errorf("service account %q/%q is incomplete: pass the brokers' namespace and service account", a.ServiceAccountNamespace, a.ServiceAccountName))
	}
	if a.OidcProviderArn == nil || a.OidcIssuer == nil {
		errs = append(errs, errors.New("OidcProviderArn and OidcIssuer are required: pass the cluster's OIDC provider"))
	}
	return errors.Join(errs...)
}

func (a Args) tags(name string) pulumi.StringMap {
	m := pulumi.StringMap{}
	for k, v := range a.Tags {
		m[k] = pulumi.String(v)
	}
	m["Name"] = pulumi.String(name)
	return m
}

// bucketNames returns the tier and log bucket names for the account and
// region, or an error when they exceed S3's 63 characters.
func bucketNames(name string, env awsEnv) (tier, logs string, err error) {
	tier = fmt.Sprintf("%s-tiered-%s-%s", name, env.Account, env.Region)
	logs = fmt.Sprintf("%s-s3logs-%s-%s", name, env.Account, env.Region)
	for _, b := range []string{tier, logs} {
		if len(b) > 63 {
			return "", "", fmt.Errorf("bucket name %q is %d characters, S3 allows 63: shorten Name", b, len(b))
		}
	}
	return tier, logs, nil
}

// New builds the tiered-storage bucket, its log bucket, key and broker role.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Bucket, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("tiered storage %s: %w", name, err)
	}
	c := &Bucket{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	// Losing a bucket or its key loses the Kafka journal beyond local
	// retention: neither may be deleted by a pulumi destroy or replace.
	keep := []pulumi.ResourceOption{parent, pulumi.Protect(true), pulumi.RetainOnDelete(true)}

	// Invokes go through the component's provider (pulumi.Parent).
	region, err := aws.GetRegion(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("tiered storage %s: look up region: %w", name, err)
	}
	caller, err := aws.GetCallerIdentity(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("tiered storage %s: look up account: %w", name, err)
	}
	partition, err := aws.GetPartition(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("tiered storage %s: look up partition: %w", name, err)
	}
	env := awsEnv{Region: region.Name, Account: caller.AccountId, Partition: partition.Partition, DNSSuffix: partition.DnsSuffix}
	tierName, logName, err := bucketNames(args.Name, env)
	if err != nil {
		return nil, fmt.Errorf("tiered storage %s: %w", name, err)
	}

	kp, err := keyPolicy(env).JSON()
	if err != nil {
		return nil, err
	}
	key, err := kms.NewKey(ctx, name, &kms.KeyArgs{
		Description:          pulumi.Sprintf("Kafka tiered storage in s3://%s", tierName),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Policy:               pulumi.String(kp),
		Tags:                 args.tags(name),
	}, keep...)
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(ctx, name, &kms.AliasArgs{
		Name:        pulumi.Sprintf("alias/%s-tiered-storage", args.Name),
		TargetKeyId: key.KeyId,
	}, parent); err != nil {
		return nil, err
	}

	logBucket, err := logBucket(ctx, name, logName, tierName, args, env, keep, parent)
	if err != nil {
		return nil, err
	}
	tier, err := tierBucket(ctx, name, tierName, args, env, key, logBucket, keep, parent)
	if err != nil {
		return nil, err
	}
	role, err := brokerRole(ctx, name, tierName, args, env, key, parent)
	if err != nil {
		return nil, err
	}

	c.BucketName = tier.Bucket
	c.BucketArn = tier.Arn
	c.KmsKeyArn = key.Arn
	c.LogBucketName = logBucket.Bucket
	c.BrokerRoleArn = role.Arn
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"bucketName":    c.BucketName,
		"bucketArn":     c.BucketArn,
		"kmsKeyArn":     c.KmsKeyArn,
		"logBucketName": c.LogBucketName,
		"brokerRoleArn": c.BrokerRoleArn,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// baseline applies what both buckets share: every public access block flag,
// ACLs disabled (bucket owner enforced), versioning. It returns the public
// access block, which bucket policies wait for (S3 rejects concurrent
// PutBucketPolicy and PutPublicAccessBlock with OperationAborted).
func baseline(ctx *pulumi.Context, name string, b *s3.BucketV2, parent pulumi.ResourceOption) (*s3.BucketPublicAccessBlock, *s3.BucketVersioningV2, error) {
	pab, err := s3.NewBucketPublicAccessBlock(ctx, name, &s3.BucketPublicAccessBlockArgs{
		Bucket:                b.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, name, &s3.BucketOwnershipControlsArgs{
		Bucket: b.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, parent); err != nil {
		return nil, nil, err
	}
	ver, err := s3.NewBucketVersioningV2(ctx, name, &s3.BucketVersioningV2Args{
		Bucket:                  b.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	return pab, ver, nil
}

// logBucket is the destination of the tier bucket's server access logs.
//
// Its default encryption is SSE-S3 (AES256), not SSE-KMS: the S3 User Guide
// states that a server access log destination may use default encryption
// only with SSE-S3 ("Default encryption with AWS KMS keys (SSE-KMS) is not
// supported", https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html,
// quoted in aws-cloudformation/cloudformation-cli#986, where logs appeared
// only after switching to AES256). aws-cdk#25350 reports that a customer
// managed key works if its key policy also admits logging.s3.amazonaws.com,
// so "required" is contested; SSE-S3 is the setting AWS documents as
// working, needs no service grant on a key, and logs hold no segment data.
// It has no Object Lock either: a log destination must not have a default
// retention period (same page).
func logBucket(ctx *pulumi.Context, name, bucket, source string, args Args, env awsEnv, keep []pulumi.ResourceOption, parent pulumi.ResourceOption) (*s3.BucketV2, error) {
	logName := name + "-access-logs"
	b, err := s3.NewBucketV2(ctx, logName, &s3.BucketV2Args{
		Bucket: pulumi.String(bucket),
		Tags:   args.tags(bucket),
	}, keep...)
	if err != nil {
		return nil, err
	}
	pab, ver, err := baseline(ctx, logName, b, parent)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, logName, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: b.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
		}},
	}, parent); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, logName, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: b.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{
			&s3.BucketLifecycleConfigurationV2RuleArgs{
				Id:         pulumi.String("expire-access-logs"),
				Status:     pulumi.String("Enabled"),
				Filter:     &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
				Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(args.AccessLogRetentionDays)},
				NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
					NoncurrentDays: pulumi.Int(args.NoncurrentVersionExpirationDays),
				},
				AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
					DaysAfterInitiation: pulumi.Int(args.AbortIncompleteMultipartDays),
				},
			},
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{ver})); err != nil {
		return nil, err
	}
	pol, err := logBucketPolicy(env, bucketArn(env, bucket), bucketArn(env, source), AccessLogPrefix).JSON()
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketPolicy(ctx, logName, &s3.BucketPolicyArgs{
		Bucket: b.ID(),
		Policy: pulumi.String(pol),
	}, parent, pulumi.DependsOn([]pulumi.Resource{pab})); err != nil {
		return nil, err
	}
	return b, nil
}

// tierBucket is the bucket Kafka's remote storage manager writes segments to.
func tierBucket(ctx *pulumi.Context, name, bucket string, args Args, env awsEnv, key *kms.Key, logs *s3.BucketV2, keep []pulumi.ResourceOption, parent pulumi.ResourceOption) (*s3.BucketV2, error) {
	b, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		Bucket: pulumi.String(bucket),
		// Object Lock can only be enabled when the bucket is created.
		ObjectLockEnabled: pulumi.Bool(args.ObjectLock != nil),
		Tags:              args.tags(bucket),
	}, keep...)
	if err != nil {
		return nil, err
	}
	pab, ver, err := baseline(ctx, name, b, parent)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: b.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm:   pulumi.String("aws:kms"),
				KmsMasterKeyId: key.Arn,
			},
			// Bucket keys cut KMS requests (and their cost and throttling)
			// by orders of magnitude for many small segment uploads.
			// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, parent); err != nil {
		return nil, err
	}
	// Both rules cover the whole bucket: parts and old versions are as
	// costly outside the prefix as inside it.
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: b.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{
			&s3.BucketLifecycleConfigurationV2RuleArgs{
				Id:     pulumi.String("abort-incomplete-multipart-uploads"),
				Status: pulumi.String("Enabled"),
				Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
				AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
					DaysAfterInitiation: pulumi.Int(args.AbortIncompleteMultipartDays),
				},
			},
			&s3.BucketLifecycleConfigurationV2RuleArgs{
				Id:     pulumi.String("expire-noncurrent-versions"),
				Status: pulumi.String("Enabled"),
				Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
				NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
					NoncurrentDays: pulumi.Int(args.NoncurrentVersionExpirationDays),
				},
				// Delete markers left once all versions are gone.
				Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{ExpiredObjectDeleteMarker: pulumi.Bool(true)},
			},
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{ver})); err != nil {
		return nil, err
	}
	policy := key.Arn.ApplyT(func(keyArn string) (string, error) {
		return tierBucketPolicy(bucketArn(env, bucket), keyArn).JSON()
	}).(pulumi.StringOutput)
	if _, err := s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{
		Bucket: b.ID(),
		Policy: policy,
	}, parent, pulumi.DependsOn([]pulumi.Resource{pab})); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketLoggingV2(ctx, name, &s3.BucketLoggingV2Args{
		Bucket:       b.ID(),
		TargetBucket: logs.ID(),
		TargetPrefix: pulumi.String(AccessLogPrefix),
		// Date-partitioned keys keep Athena scans of one day cheap.
		TargetObjectKeyFormat: &s3.BucketLoggingV2TargetObjectKeyFormatArgs{
			PartitionedPrefix: &s3.BucketLoggingV2TargetObjectKeyFormatPartitionedPrefixArgs{
				PartitionDateSource: pulumi.String("EventTime"),
			},
		},
	}, parent); err != nil {
		return nil, err
	}
	if l := args.ObjectLock; l != nil {
		if _, err := s3.NewBucketObjectLockConfigurationV2(ctx, name, &s3.BucketObjectLockConfigurationV2Args{
			Bucket:            b.ID(),
			ObjectLockEnabled: pulumi.String("Enabled"),
			Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{
				DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
					Mode: pulumi.String(string(l.Mode)),
					Days: pulumi.Int(l.Days),
				},
			},
		}, parent, pulumi.DependsOn([]pulumi.Resource{ver})); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// brokerRole is the IRSA role of the Kafka brokers' service account.
func brokerRole(ctx *pulumi.Context, name, bucket string, args Args, env awsEnv, key *kms.Key, parent pulumi.ResourceOption) (*iam.Role, error) {
	ns, sa := args.ServiceAccountNamespace, args.ServiceAccountName
	// The trust document needs two values other resources produce; All is
	// the one place they meet, and both are asserted to be strings.
	trust := pulumi.All(args.OidcProviderArn, args.OidcIssuer).ApplyT(func(v []any) (string, error) {
		providerArn, ok1 := v[0].(string)
		issuer, ok2 := v[1].(string)
		if !ok1 || !ok2 {
			return "", fmt.Errorf("OIDC provider ARN and issuer must be strings, got %T and %T", v[0], v[1])
		}
		doc, err := trustPolicy(providerArn, issuer, ns, sa)
		if err != nil {
			return "", err
		}
		return doc.JSON()
	}).(pulumi.StringOutput)
	role, err := iam.NewRole(ctx, name+"-broker", &iam.RoleArgs{
		Name:             pulumi.Sprintf("%s-kafka-broker-tiered", args.Name),
		Description:      pulumi.Sprintf("Kafka brokers (%s/%s) read and write tiered segments in s3://%s/%s", ns, sa, bucket, args.Prefix),
		AssumeRolePolicy: trust,
		// Brokers refresh web identity credentials themselves; one hour
		// keeps a leaked token's session short.
		MaxSessionDuration: pulumi.Int(3600),
		Tags:               args.tags(name + "-broker"),
	}, parent)
	if err != nil {
		return nil, err
	}
	perms := key.Arn.ApplyT(func(keyArn string) (string, error) {
		return brokerPolicy(env, bucketArn(env, bucket), args.Prefix, keyArn).JSON()
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, name+"-broker", &iam.RolePolicyArgs{
		Role:   role.ID(),
		Policy: perms,
	}, parent); err != nil {
		return nil, err
	}
	return role, nil
}
