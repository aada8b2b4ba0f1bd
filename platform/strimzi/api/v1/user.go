package v1

import "github.com/tradingfirm/kafka-platform/internal/kube"

// KafkaUser is a client identity with ACLs and quotas, reconciled by the
// user operator; with tls authentication it writes a Secret named like the
// user holding user.crt, user.key, user.p12 and user.password.
type KafkaUser struct {
	kube.Header
	Spec KafkaUserSpec `json:"spec"`
}

// NewKafkaUser returns a user of cluster.
func NewKafkaUser(namespace, name, cluster string, spec KafkaUserSpec) *KafkaUser {
	return &KafkaUser{Header: newHeader("KafkaUser", namespace, name, cluster), Spec: spec}
}

// KafkaUserSpec is KafkaUser.spec.
type KafkaUserSpec struct {
	// Authentication is how the user proves its identity.
	Authentication *KafkaUserAuthentication `json:"authentication,omitempty"`
	// Authorization holds the user's ACLs.
	Authorization *KafkaUserAuthorization `json:"authorization,omitempty"`
	// Quotas limit the user's throughput.
	Quotas *KafkaUserQuotas `json:"quotas,omitempty"`
}

// UserAuthenticationType is tls, tls-external or scram-sha-512.
type UserAuthenticationType string

// User authentication types.
const (
	// UserAuthTLS: the clients CA issues the user a certificate (mTLS).
	UserAuthTLS UserAuthenticationType = "tls"
)

// KafkaUserAuthentication is KafkaUser.spec.authentication.
type KafkaUserAuthentication struct {
	// Type is tls here.
	Type UserAuthenticationType `json:"type"`
	// ValidityDays and RenewalDays of the user certificate (tls only, both
	// or neither, renewal < validity).
	ValidityDays *int32 `json:"validityDays,omitempty"`
	RenewalDays  *int32 `json:"renewalDays,omitempty"`
}

// KafkaUserAuthorization is KafkaUser.spec.authorization.
type KafkaUserAuthorization struct {
	// Type is simple.
	Type AuthorizationType `json:"type"`
	// Acls are the allow rules; with the StandardAuthorizer everything else
	// is denied.
	Acls []AclRule `json:"acls"`
}

// AclResourceType is what an ACL applies to.
type AclResourceType string

// ACL resource types.
const (
	AclTopic           AclResourceType = "topic"
	AclGroup           AclResourceType = "group"
	AclCluster         AclResourceType = "cluster"
	AclTransactionalID AclResourceType = "transactionalId"
)

// AclPatternType is literal or prefix.
type AclPatternType string

// ACL pattern types.
const (
	PatternLiteral AclPatternType = "literal"
	PatternPrefix  AclPatternType = "prefix"
)

// AclOperation is a Kafka ACL operation.
type AclOperation string

// ACL operations.
const (
	OpRead            AclOperation = "Read"
	OpWrite           AclOperation = "Write"
	OpCreate          AclOperation = "Create"
	OpDelete          AclOperation = "Delete"
	OpAlter           AclOperation = "Alter"
	OpDescribe        AclOperation = "Describe"
	OpClusterAction   AclOperation = "ClusterAction"
	OpAlterConfigs    AclOperation = "AlterConfigs"
	OpDescribeConfigs AclOperation = "DescribeConfigs"
	OpIdempotentWrite AclOperation = "IdempotentWrite"
	OpAll             AclOperation = "All"
)

// AclRule is one allow rule. v1 takes a list of operations.
type AclRule struct {
	// Type is allow (default) or deny.
	Type string `json:"type,omitempty"`
	// Resource is what the rule applies to.
	Resource AclRuleResource `json:"resource"`
	// Host is the client host; empty: any.
	Host string `json:"host,omitempty"`
	// Operations allowed.
	Operations []AclOperation `json:"operations"`
}

// AclRuleResource is an ACL's resource. Name and PatternType are unused for
// the cluster resource.
type AclRuleResource struct {
	// Type is topic, group, cluster or transactionalId.
	Type AclResourceType `json:"type"`
	// Name of the resource (or its prefix).
	Name string `json:"name,omitempty"`
	// PatternType is literal or prefix.
	PatternType AclPatternType `json:"patternType,omitempty"`
}

// KafkaUserQuotas are Kafka client quotas for the user.
type KafkaUserQuotas struct {
	// ProducerByteRate in bytes/second per broker.
	ProducerByteRate *int64 `json:"producerByteRate,omitempty"`
	// ConsumerByteRate in bytes/second per broker.
	ConsumerByteRate *int64 `json:"consumerByteRate,omitempty"`
	// RequestPercentage of broker request-handler time.
	RequestPercentage *int32 `json:"requestPercentage,omitempty"`
}
