package v1

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/tradingfirm/kafka-platform/internal/kube"
)

// APIVersion is the only kafka.strimzi.io version Strimzi 1.2.0 serves.
const APIVersion = "kafka.strimzi.io/v1"

// ClusterLabel tells node pools, topics and users which Kafka they belong to.
const ClusterLabel = "strimzi.io/cluster"

// newHeader is a Header for kind in namespace labelled for cluster (empty
// cluster: no label, as on the Kafka resource itself).
func newHeader(kind, namespace, name, cluster string) kube.Header {
	h := kube.NewHeader(APIVersion, kind, namespace, name)
	if cluster != "" {
		h.Metadata.Labels = map[string]string{ClusterLabel: cluster}
	}
	return h
}

// MetadataTemplate is labels and annotations Strimzi adds to a resource it
// creates (template.*.metadata).
type MetadataTemplate struct {
	// Labels added to the generated resource.
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations added to the generated resource.
	Annotations map[string]string `json:"annotations,omitempty"`
}

// ResourceTemplate customises a generated resource's metadata (services,
// service accounts, PVCs).
type ResourceTemplate struct {
	// Metadata is added to the resource.
	Metadata *MetadataTemplate `json:"metadata,omitempty"`
}

// PodTemplate customises the pods Strimzi creates.
type PodTemplate struct {
	// Metadata is added to every pod.
	Metadata *MetadataTemplate `json:"metadata,omitempty"`
	// SecurityContext is the pod security context.
	SecurityContext *corev1.PodSecurityContext `json:"securityContext,omitempty"`
	// TerminationGracePeriodSeconds gives brokers time for a controlled
	// shutdown (leadership moved away, logs flushed).
	TerminationGracePeriodSeconds *int64 `json:"terminationGracePeriodSeconds,omitempty"`
	// Affinity is node and pod (anti-)affinity.
	Affinity *corev1.Affinity `json:"affinity,omitempty"`
	// Tolerations let pods onto tainted, dedicated nodes.
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`
	// TopologySpreadConstraints spread pods across zones and nodes.
	TopologySpreadConstraints []corev1.TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`
	// PriorityClassName is the pods' priority class.
	PriorityClassName string `json:"priorityClassName,omitempty"`
	// TmpDirSizeLimit bounds the /tmp emptyDir.
	TmpDirSizeLimit string `json:"tmpDirSizeLimit,omitempty"`
	// EnableServiceLinks off keeps hundreds of service env vars out of pods.
	EnableServiceLinks *bool `json:"enableServiceLinks,omitempty"`
}

// ContainerEnvVar is an environment variable in a container template.
type ContainerEnvVar struct {
	// Name of the variable.
	Name string `json:"name"`
	// Value of the variable.
	Value string `json:"value,omitempty"`
}

// ContainerTemplate customises a container Strimzi creates.
type ContainerTemplate struct {
	// Env adds environment variables.
	Env []ContainerEnvVar `json:"env,omitempty"`
	// SecurityContext is the container security context.
	SecurityContext *corev1.SecurityContext `json:"securityContext,omitempty"`
}

// PodDisruptionBudgetTemplate sizes the PDB Strimzi creates.
type PodDisruptionBudgetTemplate struct {
	// Metadata is added to the PDB.
	Metadata *MetadataTemplate `json:"metadata,omitempty"`
	// MaxUnavailable pods at once (voluntary disruptions).
	MaxUnavailable *int32 `json:"maxUnavailable,omitempty"`
}

// JvmOptions are the JVM settings of a Strimzi component.
type JvmOptions struct {
	// Xms is the initial heap (-Xms), e.g. "6g".
	Xms string `json:"-Xms,omitempty"`
	// Xmx is the maximum heap (-Xmx).
	Xmx string `json:"-Xmx,omitempty"`
	// XX are -XX options without the prefix, e.g. {"MaxGCPauseMillis": "20"}.
	XX map[string]string `json:"-XX,omitempty"`
	// GcLoggingEnabled turns on GC logging.
	GcLoggingEnabled *bool `json:"gcLoggingEnabled,omitempty"`
	// JavaSystemProperties are -D properties.
	JavaSystemProperties []SystemProperty `json:"javaSystemProperties,omitempty"`
}

// SystemProperty is one -Dname=value.
type SystemProperty struct {
	// Name of the property.
	Name string `json:"name"`
	// Value of the property.
	Value string `json:"value"`
}

// MetricsConfigType selects how metrics are exposed.
type MetricsConfigType string

// Metrics exporters.
const (
	// MetricsStrimziReporter is the Strimzi Metrics Reporter: no regex ConfigMap.
	MetricsStrimziReporter MetricsConfigType = "strimziMetricsReporter"
	// MetricsJmxPrometheusExporter needs a ConfigMap (ValueFrom).
	MetricsJmxPrometheusExporter MetricsConfigType = "jmxPrometheusExporter"
)

// MetricsConfig is a component's metrics exporter.
type MetricsConfig struct {
	// Type is strimziMetricsReporter or jmxPrometheusExporter.
	Type MetricsConfigType `json:"type"`
	// ValueFrom points at the JMX exporter's ConfigMap key.
	ValueFrom *ExternalConfigurationReference `json:"valueFrom,omitempty"`
	// Values configures the Strimzi Metrics Reporter (e.g. allowList).
	Values *MetricsReporterValues `json:"values,omitempty"`
}

// ExternalConfigurationReference points at a ConfigMap key.
type ExternalConfigurationReference struct {
	// ConfigMapKeyRef selects the key.
	ConfigMapKeyRef *corev1.ConfigMapKeySelector `json:"configMapKeyRef,omitempty"`
}

// MetricsReporterValues configures the Strimzi Metrics Reporter.
type MetricsReporterValues struct {
	// AllowList are regexes of metric names to expose; empty: all.
	AllowList []string `json:"allowList,omitempty"`
}

// CertificateAuthority configures the cluster or clients CA.
type CertificateAuthority struct {
	// GenerateCertificateAuthority false means the CA is supplied.
	GenerateCertificateAuthority *bool `json:"generateCertificateAuthority,omitempty"`
	// ValidityDays of generated certificates.
	ValidityDays int32 `json:"validityDays,omitempty"`
	// RenewalDays before expiry when renewal starts.
	RenewalDays int32 `json:"renewalDays,omitempty"`
	// CertificateExpirationPolicy is renew-certificate or replace-key.
	CertificateExpirationPolicy string `json:"certificateExpirationPolicy,omitempty"`
}
