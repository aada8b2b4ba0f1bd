package mirrormaker

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tradingfirm/kafka-platform/internal/kube"
	"github.com/tradingfirm/kafka-platform/internal/topology"
	strimziv1 "github.com/tradingfirm/kafka-platform/platform/strimzi/api/v1"
)

// IdentityReplicationPolicy keeps topic names unchanged on the target, so a
// failover only repoints bootstrap addresses: consumers of orders.journal
// keep consuming orders.journal. The price: MM2 cannot detect cycles, so the
// DR cluster must never mirror back while this flow runs (docs/dr.md,
// failback, reverses the flow only after this one is deleted).
const IdentityReplicationPolicy = "org.apache.kafka.connect.mirror.IdentityReplicationPolicy"

// Names are the MirrorMaker 2 resource and topic names derived from the
// resource name and the source alias.
type Names struct {
	Name, GroupID, ConfigTopic, OffsetTopic, StatusTopic string
	// CheckpointsTopic is <source alias>.checkpoints.internal on the target.
	CheckpointsTopic string
	// OffsetSyncsTopic is mm2-offset-syncs.<source alias>.internal, on the
	// target because offset-syncs.topic.location=target.
	OffsetSyncsTopic string
}

// NamesFor derives Names.
func NamesFor(name, sourceAlias string) Names {
	return Names{
		Name: name, GroupID: name + "-group",
		ConfigTopic: name + "-config", OffsetTopic: name + "-offset", StatusTopic: name + "-status",
		CheckpointsTopic: sourceAlias + ".checkpoints.internal",
		OffsetSyncsTopic: "mm2-offset-syncs." + sourceAlias + ".internal",
	}
}

// Spec is everything Build needs, as plain values.
type Spec struct {
	// Namespace and Name of the KafkaMirrorMaker2 (DR cluster).
	Namespace, Name string
	// Replicas and TasksMax from config.
	Replicas, TasksMax int
	// TargetAlias/SourceAlias name the clusters in MM2 (and the checkpoint and
	// offset-sync topics).
	TargetAlias, SourceAlias string
	// TargetBootstrap is the DR cluster's internal TLS bootstrap.
	TargetBootstrap string
	// TargetCASecret is the DR cluster CA Secret (<cluster>-cluster-ca-cert).
	TargetCASecret string
	// TargetUserSecret is the DR-side KafkaUser's Secret.
	TargetUserSecret string
	// SourceBootstrap is the primary's cross-region listener bootstrap.
	SourceBootstrap string
	// SourceCredentialsSecret holds user.crt, user.key and ca.crt of the
	// primary (synced from Vault).
	SourceCredentialsSecret string
	// TopicsPattern and GroupsPattern select what is mirrored.
	TopicsPattern, GroupsPattern string
	// ReplicationFactor of mirrored and internal topics on the target.
	ReplicationFactor int
	// KafkaVersion is the Connect workers' Kafka version (the cluster's).
	KafkaVersion string
}

// Build returns the KafkaMirrorMaker2 for s. It is pure so the tests can
// validate exactly what is applied.
func Build(s Spec) *strimziv1.KafkaMirrorMaker2 {
	n := NamesFor(s.Name, s.SourceAlias)
	rf := s.ReplicationFactor
	return strimziv1.NewKafkaMirrorMaker2(s.Namespace, s.Name, strimziv1.KafkaMirrorMaker2Spec{
		Version:  s.KafkaVersion,
		Replicas: s.Replicas,
		Target: strimziv1.MirrorMaker2Target{
			Alias: s.TargetAlias, BootstrapServers: s.TargetBootstrap,
			GroupID: n.GroupID, ConfigStorageTopic: n.ConfigTopic, OffsetStorageTopic: n.OffsetTopic, StatusStorageTopic: n.StatusTopic,
			TLS: &strimziv1.ClientTLS{TrustedCertificates: []strimziv1.CertSecretSource{{SecretName: s.TargetCASecret, Certificate: "ca.crt"}}},
			Authentication: &strimziv1.ClientAuthenticationTLS{Type: "tls", CertificateAndKey: &strimziv1.CertificateAndKey{
				SecretName: s.TargetUserSecret, Certificate: "user.crt", Key: "user.key"}},
			Config: map[string]any{
				"config.storage.replication.factor": rf,
				"offset.storage.replication.factor": rf,
				"status.storage.replication.factor": rf,
			},
		},
		Mirrors: []strimziv1.MirrorMaker2Mirror{{
			Source: strimziv1.MirrorMaker2Source{
				Alias: s.SourceAlias, BootstrapServers: s.SourceBootstrap,
				TLS: &strimziv1.ClientTLS{TrustedCertificates: []strimziv1.CertSecretSource{{SecretName: s.SourceCredentialsSecret, Certificate: "ca.crt"}}},
				Authentication: &strimziv1.ClientAuthenticationTLS{Type: "tls", CertificateAndKey: &strimziv1.CertificateAndKey{
					SecretName: s.SourceCredentialsSecret, Certificate: "user.crt", Key: "user.key"}},
			},
			SourceConnector: &strimziv1.MirrorMaker2Connector{
				TasksMax:    s.TasksMax,
				AutoRestart: &strimziv1.AutoRestart{Enabled: true},
				Config: map[string]any{
					"replication.policy.class":              IdentityReplicationPolicy,
					"replication.factor":                    rf,
					"offset-syncs.topic.location":           "target",
					"offset-syncs.topic.replication.factor": rf,
					"sync.topic.configs.enabled":            true,
					"sync.topic.acls.enabled":               false,
					"refresh.topics.interval.seconds":       60,
					// Offset syncs at most every 100 records: the translation
					// error of a failed-over consumer group is bounded by this.
					"offset.lag.max": 100,
				},
			},
			CheckpointConnector: &strimziv1.MirrorMaker2Connector{
				TasksMax:    1,
				AutoRestart: &strimziv1.AutoRestart{Enabled: true},
				Config: map[string]any{
					"replication.policy.class":             IdentityReplicationPolicy,
					"offset-syncs.topic.location":          "target",
					"checkpoints.topic.replication.factor": rf,
					"sync.group.offsets.enabled":           true,
					"sync.group.offsets.interval.seconds":  10,
					"emit.checkpoints.interval.seconds":    10,
					"refresh.groups.interval.seconds":      60,
				},
			},
			TopicsPattern: s.TopicsPattern,
			GroupsPattern: s.GroupsPattern,
		}},
		Resources: &corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("2Gi")},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi")},
		},
		// client.rack = the worker's zone, so the target-side clients
		// prefer same-zone replicas.
		Rack:          &strimziv1.Rack{TopologyKey: topology.ZoneLabel},
		MetricsConfig: &strimziv1.MetricsConfig{Type: strimziv1.MetricsStrimziReporter},
		Template: &strimziv1.KafkaMirrorMaker2Template{Pod: &strimziv1.PodTemplate{
			Affinity: &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
					MatchExpressions: []corev1.NodeSelectorRequirement{{
						Key: topology.RoleLabel, Operator: corev1.NodeSelectorOpIn, Values: []string{topology.RoleSystem}}},
				}}}}},
			TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{
				MaxSkew: 1, TopologyKey: topology.ZoneLabel, WhenUnsatisfiable: corev1.DoNotSchedule,
				LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"strimzi.io/name": s.Name + "-mirrormaker2"}},
			}},
		}},
	})
}

// MirrorMaker2 is MirrorMaker 2 in the DR cluster with its DR-side user.
type MirrorMaker2 struct {
	pulumi.ResourceState

	// Name is the KafkaMirrorMaker2 name.
	Name pulumi.StringOutput `pulumi:"name"`
}

// Args configures MirrorMaker2.
type Args struct {
	// Provider is the DR cluster's Kubernetes provider.
	Provider pulumi.ProviderResource
	// Spec is the plain part of the resource; Spec.SourceBootstrap is ignored
	// in favour of SourceBootstrap.
	Spec Spec
	// TargetCluster is the DR Kafka resource name (KafkaUser label).
	TargetCluster string
	// MirroredTopics are the durable topic names (for the target user's ACLs).
	MirroredTopics []string
	// SourceBootstrap is the primary's cross-region bootstrap (a stack
	// reference output).
	SourceBootstrap pulumi.StringInput
	// DependsOn are resources that must exist first (the credential Sync).
	DependsOn []pulumi.Resource
}

// placeholderSourceBootstrap stands for the source cluster's bootstrap
// address in the typed object until Pulumi knows it.
const placeholderSourceBootstrap = "${mirrormaker:sourceBootstrap}"

// New creates the DR-side KafkaUser and the KafkaMirrorMaker2.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*MirrorMaker2, error) {
	if args.Provider == nil || args.SourceBootstrap == nil || args.TargetCluster == "" {
		return nil, fmt.Errorf("mirrormaker: Provider, SourceBootstrap and TargetCluster are required")
	}
	mm := &MirrorMaker2{}
	if err := ctx.RegisterComponentResource("kafka-platform:platform:MirrorMaker2", name, mm, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(mm), pulumi.Provider(args.Provider)}
	s := args.Spec
	user := strimziv1.NewKafkaUser(s.Namespace, s.TargetUserSecret, args.TargetCluster, strimziv1.KafkaUserSpec{
		Authentication: &strimziv1.KafkaUserAuthentication{Type: strimziv1.UserAuthTLS},
		Authorization: &strimziv1.KafkaUserAuthorization{Type: "simple",
			Acls: TargetACLs(NamesFor(s.Name, s.SourceAlias), args.MirroredTopics)},
	})
	u, err := kube.Apply(ctx, name+"-target-user", user, child...)
	if err != nil {
		return nil, err
	}
	// The source bootstrap is a stack-reference output: the typed object
	// carries a placeholder that kube.ApplyWith replaces by it.
	s.SourceBootstrap = placeholderSourceBootstrap
	deps := append([]pulumi.Resource{u}, args.DependsOn...)
	if _, err := kube.ApplyWith(ctx, name, Build(s), kube.Substitutions{placeholderSourceBootstrap: args.SourceBootstrap},
		append(child, pulumi.DependsOn(deps))...); err != nil {
		return nil, err
	}
	mm.Name = pulumi.String(s.Name).ToStringOutput()
	if err := ctx.RegisterResourceOutputs(mm, pulumi.Map{"name": mm.Name}); err != nil {
		return nil, err
	}
	return mm, nil
}
