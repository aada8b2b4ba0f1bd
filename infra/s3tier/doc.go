// Package s3tier builds Kafka's tiered-storage bucket and everything that
// guards it: a dedicated KMS key (rotation on) for SSE-KMS with bucket keys,
// versioning, public access blocked, ACLs disabled, a bucket policy that
// refuses non-TLS requests and non-KMS uploads, lifecycle rules (abort
// incomplete multipart uploads, expire noncurrent versions), optional S3
// Object Lock, S3 server access logs to a separate log bucket held to the
// same rules, and the IRSA role the Kafka brokers' service account assumes,
// allowed only that bucket's tiered prefix and that key through S3.
//
// It does not configure Kafka or the remote storage plugin (platform/strimzi
// reads BucketName, KmsKeyArn and BrokerRoleArn), and it does not create the
// cluster's OIDC provider (infra/eks does; the stack passes its ARN and
// issuer in).
package s3tier
