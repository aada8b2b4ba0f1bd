package s3tier

import (
	"fmt"

	"github.com/tradingfirm/kafka-platform/internal/iampolicy"
)

// awsEnv is what the invokes told us about the account and region.
type awsEnv struct {
	Region, Account, Partition, DNSSuffix string
}

func (e awsEnv) root() string { return fmt.Sprintf("arn:%s:iam::%s:root", e.Partition, e.Account) }

// s3Service is the regional S3 endpoint KMS sees in kms:ViaService.
func (e awsEnv) s3Service() string { return fmt.Sprintf("s3.%s.%s", e.Region, e.DNSSuffix) }

func bucketArn(env awsEnv, bucket string) string {
	return fmt.Sprintf("arn:%s:s3:::%s", env.Partition, bucket)
}

// denyInsecureTransport refuses every request to the bucket made without
// TLS. https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
func denyInsecureTransport(arn string) iampolicy.Statement {
	return iampolicy.Statement{
		Sid:       "DenyInsecureTransport",
		Effect:    iampolicy.Deny,
		Principal: map[string][]string{"AWS": {"*"}},
		Action:    []string{"s3:*"},
		Resource:  []string{arn, arn + "/*"},
	}.Cond("Bool", "aws:SecureTransport", "false")
}

// keyPolicy keeps the key administered through IAM in this account (the
// default key policy); who may use it is decided by IAM policies, and the
// broker role's policy allows it only via S3.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
func keyPolicy(env awsEnv) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid:       "AccountAdministersViaIAM",
		Effect:    iampolicy.Allow,
		Principal: map[string][]string{"AWS": {env.root()}},
		Action:    []string{"kms:*"},
		Resource:  []string{"*"},
	})
}

// tierBucketPolicy refuses non-TLS requests and any upload that asks for an
// encryption other than SSE-KMS with the tier key. Uploads that send no
// encryption header get the bucket default (SSE-KMS with that key), so the
// conditions only fire when the header is present (Null = false): the
// remote storage plugin need not send SSE headers.
func tierBucketPolicy(arn, keyArn string) iampolicy.Document {
	return iampolicy.New(
		denyInsecureTransport(arn),
		iampolicy.Statement{
			Sid:       "DenyNonKmsUploads",
			Effect:    iampolicy.Deny,
			Principal: map[string][]string{"AWS": {"*"}},
			Action:    []string{"s3:PutObject"},
			Resource:  []string{arn + "/*"},
		}.Cond("StringNotEquals", "s3:x-amz-server-side-encryption", "aws:kms").
			Cond("Null", "s3:x-amz-server-side-encryption", "false"),
		iampolicy.Statement{
			Sid:       "DenyOtherKmsKeys",
			Effect:    iampolicy.Deny,
			Principal: map[string][]string{"AWS": {"*"}},
			Action:    []string{"s3:PutObject"},
			Resource:  []string{arn + "/*"},
		}.Cond("StringNotEquals", "s3:x-amz-server-side-encryption-aws-kms-key-id", keyArn).
			Cond("Null", "s3:x-amz-server-side-encryption-aws-kms-key-id", "false"),
	)
}

// logBucketPolicy lets S3 server access logging write the source bucket's
// logs under prefix, only for that bucket in this account (confused
// deputy), and refuses non-TLS requests. With ACLs disabled (bucket owner
// enforced) a bucket policy is the only way to grant log delivery.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general
func logBucketPolicy(env awsEnv, logArn, sourceArn, prefix string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{
			Sid:       "S3ServerAccessLogsFromTierBucket",
			Effect:    iampolicy.Allow,
			Principal: map[string][]string{"Service": {"logging.s3.amazonaws.com"}},
			Action:    []string{"s3:PutObject"},
			Resource:  []string{logArn + "/" + prefix + "*"},
		}.Cond("ArnLike", "aws:SourceArn", sourceArn).
			Cond("StringEquals", "aws:SourceAccount", env.Account),
		denyInsecureTransport(logArn),
	)
}

// trustPolicy lets exactly one Kubernetes service account, the brokers',
// assume the role through the cluster's OIDC provider (iampolicy.IRSATrust).
func trustPolicy(providerArn, issuer, namespace, serviceAccount string) (iampolicy.Document, error) {
	return iampolicy.IRSATrust("KafkaBrokerServiceAccount", providerArn, issuer, namespace, serviceAccount)
}

// brokerPolicy is everything the remote storage plugin needs and no more:
// list, read, write and delete under the tiered prefix of this one bucket
// (multipart uploads included; their parts are authorised as PutObject),
// and data keys of this one key only when S3 asks for them.
func brokerPolicy(env awsEnv, arn, prefix, keyArn string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{
			Sid:      "ListTieredPrefix",
			Effect:   iampolicy.Allow,
			Action:   []string{"s3:ListBucket"},
			Resource: []string{arn},
		}.Cond("StringLike", "s3:prefix", prefix+"*"),
		iampolicy.Statement{
			Sid:    "ReadWriteTieredSegments",
			Effect: iampolicy.Allow,
			Action: []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject",
				"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"},
			Resource: []string{arn + "/" + prefix + "*"},
		},
		iampolicy.Statement{
			Sid:      "TierKeyViaS3Only",
			Effect:   iampolicy.Allow,
			Action:   []string{"kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"},
			Resource: []string{keyArn},
		}.Cond("StringEquals", "kms:ViaService", env.s3Service()),
	)
}
