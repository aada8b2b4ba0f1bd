package v1

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/tradingfirm/kafka-platform/internal/kube"
	"github.com/tradingfirm/kafka-platform/internal/render/rendertest"
)

func i32(v int32) *int32 { return &v }

// Every field of the typed API, filled in, must survive the CRD schema:
// a misspelt JSON tag shows up here as a pruned field.
func TestTypesMatchTheCRDs(t *testing.T) {
	v := rendertest.CRDs(t)
	cpu := resource.MustParse("2")
	res := &corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: cpu}, Limits: corev1.ResourceList{corev1.ResourceCPU: cpu}}
	pod := &PodTemplate{
		Metadata:        &MetadataTemplate{Labels: map[string]string{"a": "b"}},
		SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: new(bool)},
		Affinity: &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
			NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "k", Operator: corev1.NodeSelectorOpIn, Values: []string{"v"}}}}}}}},
		Tolerations:               []corev1.Toleration{{Key: "k", Operator: corev1.TolerationOpEqual, Value: "v", Effect: corev1.TaintEffectNoSchedule}},
		TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: corev1.DoNotSchedule}},
		PriorityClassName:         "p", TmpDirSizeLimit: "5Mi", EnableServiceLinks: new(bool),
	}
	objs := []kube.Object{
		NewKafka("kafka", "trading", KafkaSpec{
			Kafka: KafkaClusterSpec{
				Version: "4.3.1", MetadataVersion: "4.3-IV0", Image: "r/x@sha256:" + strings.Repeat("a", 64),
				Listeners: []GenericKafkaListener{{Name: "tls", Port: 9093, Type: ListenerInternal, TLS: true, Authentication: &ListenerAuthentication{Type: ListenerAuthTLS}},
					{Name: "dr", Port: 9095, Type: ListenerLoadBalancer, TLS: true, Authentication: &ListenerAuthentication{Type: ListenerAuthTLS},
						Configuration: &ListenerConfiguration{Bootstrap: &ListenerBootstrap{Annotations: map[string]string{"a": "b"}}, LoadBalancerSourceRanges: []string{"10.0.0.0/16"},
							PerBrokerAnnotationsTemplate: map[string]string{"a": "b"}, ExternalTrafficPolicy: "Local", Class: "service.k8s.aws/nlb", UseServiceDNSDomain: new(bool), MaxConnections: i32(1000)}}},
				Config:        map[string]any{"min.insync.replicas": 2},
				Authorization: &KafkaAuthorization{Type: AuthorizationSimple, SuperUsers: []string{"CN=admin"}},
				Rack:          &Rack{TopologyKey: "topology.kubernetes.io/zone"},
				MetricsConfig: &MetricsConfig{Type: MetricsStrimziReporter, Values: &MetricsReporterValues{AllowList: []string{"kafka_server.*"}}},
				Template: &KafkaClusterTemplate{Pod: pod, PodDisruptionBudget: &PodDisruptionBudgetTemplate{MaxUnavailable: i32(1)},
					ServiceAccount:           &ResourceTemplate{Metadata: &MetadataTemplate{Annotations: map[string]string{"eks.amazonaws.com/role-arn": "arn"}}},
					KafkaContainer:           &ContainerTemplate{Env: []ContainerEnvVar{{Name: "A", Value: "b"}}, SecurityContext: &corev1.SecurityContext{ReadOnlyRootFilesystem: new(bool)}},
					ExternalBootstrapService: &ResourceTemplate{}, PerPodService: &ResourceTemplate{}},
				TieredStorage: &TieredStorage{Type: TieredStorageCustom, RemoteStorageManager: &RemoteStorageManager{ClassName: "c", ClassPath: "/p/*", Config: map[string]string{"k": "v"}}},
			},
			EntityOperator: &EntityOperatorSpec{TopicOperator: &EntityTopicOperatorSpec{Resources: res}, UserOperator: &EntityUserOperatorSpec{Resources: res}, Template: &EntityOperatorTemplate{Pod: pod}},
			ClusterCa:      &CertificateAuthority{ValidityDays: 365, RenewalDays: 30},
			ClientsCa:      &CertificateAuthority{ValidityDays: 365, RenewalDays: 30},
			CruiseControl: &CruiseControlSpec{Resources: res, Config: map[string]any{"goals": "x"}, BrokerCapacity: &BrokerCapacity{CPU: "14", InboundNetwork: "1000MiB/s", OutboundNetwork: "1000MiB/s"},
				AutoRebalance: []AutoRebalanceConfiguration{{Mode: AutoRebalanceAddBrokers, Template: &corev1.LocalObjectReference{Name: "t"}}, {Mode: AutoRebalanceRemoveBrokers}},
				Template:      &DeploymentComponentTemplate{Pod: pod}},
			KafkaExporter: &KafkaExporterSpec{TopicRegex: ".*", GroupRegex: ".*", Resources: res, Template: &DeploymentComponentTemplate{Pod: pod}},
		}),
		NewKafkaNodePool("kafka", "brokers", "trading", KafkaNodePoolSpec{Replicas: 3, Roles: []ProcessRole{RoleBroker},
			Storage:    Storage{Type: StorageJBOD, Volumes: []Storage{{Type: StorageEphemeral, ID: i32(0), SizeLimit: "100Gi", KraftMetadata: KRaftMetadataShared}}},
			Resources:  res,
			JvmOptions: &JvmOptions{Xms: "6g", Xmx: "6g", XX: map[string]string{"MaxGCPauseMillis": "20"}, GcLoggingEnabled: new(bool), JavaSystemProperties: []SystemProperty{{Name: "a", Value: "b"}}},
			Template:   &KafkaNodePoolTemplate{Pod: pod, KafkaContainer: &ContainerTemplate{}, PersistentVolumeClaim: &ResourceTemplate{}}}),
		NewKafkaNodePool("kafka", "controllers", "trading", KafkaNodePoolSpec{Replicas: 3, Roles: []ProcessRole{RoleController},
			Storage: Storage{Type: StoragePersistentClaim, Size: "20Gi", Class: "gp3", DeleteClaim: new(bool)}}),
		NewKafkaTopic("kafka", "orders-journal", "trading", KafkaTopicSpec{TopicName: "orders.journal", Partitions: 12, Replicas: 3, Config: map[string]any{"retention.ms": 1}}),
		NewKafkaUser("kafka", "oms", "trading", KafkaUserSpec{
			Authentication: &KafkaUserAuthentication{Type: UserAuthTLS, ValidityDays: i32(365), RenewalDays: i32(30)},
			Authorization: &KafkaUserAuthorization{Type: AuthorizationSimple, Acls: []AclRule{
				{Resource: AclRuleResource{Type: AclTopic, Name: "orders.journal", PatternType: PatternLiteral}, Operations: []AclOperation{OpWrite, OpDescribe}},
				{Resource: AclRuleResource{Type: AclCluster}, Operations: []AclOperation{OpIdempotentWrite}},
			}},
			Quotas: &KafkaUserQuotas{ProducerByteRate: new(int64), ConsumerByteRate: new(int64), RequestPercentage: i32(10)},
		}),
		NewKafkaRebalanceTemplate("kafka", "t", "trading", KafkaRebalanceSpec{Goals: []string{"RackAwareGoal"}, SkipHardGoalCheck: new(bool)}),
	}
	for _, o := range objs {
		m, err := kube.ToMap(o)
		if err != nil {
			t.Fatal(err)
		}
		if m["apiVersion"] != "kafka.strimzi.io/v1" {
			t.Errorf("%s: apiVersion %v", o.GetTypeMeta().Kind, m["apiVersion"])
		}
		if err := v.Validate(m); err != nil {
			t.Error(err)
		}
	}
}

func TestRequiredFieldsAlwaysSerialised(t *testing.T) {
	// tls: false and replicas: 0 are meaningful; omitempty would drop them
	// and the CRD would reject the object for a missing required field.
	m, _ := kube.ToMap(NewKafkaNodePool("kafka", "p", "c", KafkaNodePoolSpec{Roles: []ProcessRole{RoleBroker}, Storage: Storage{Type: StorageEphemeral}}))
	if _, ok := m["spec"].(map[string]any)["replicas"]; !ok {
		t.Error("replicas omitted when zero")
	}
	k, _ := kube.ToMap(NewKafka("kafka", "c", KafkaSpec{Kafka: KafkaClusterSpec{Listeners: []GenericKafkaListener{{Name: "a", Port: 9093, Type: ListenerInternal}}}}))
	l := k["spec"].(map[string]any)["kafka"].(map[string]any)["listeners"].([]any)[0].(map[string]any)
	if _, ok := l["tls"]; !ok {
		t.Error("listener tls omitted when false")
	}
	u, _ := kube.ToMap(NewKafkaUser("kafka", "u", "c", KafkaUserSpec{}))
	if u["metadata"].(map[string]any)["labels"].(map[string]any)[ClusterLabel] != "c" {
		t.Error("user not labelled with its cluster")
	}
}
