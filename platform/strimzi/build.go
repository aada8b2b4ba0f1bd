package strimzi

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tradingfirm/kafka-platform/internal/topology"
	strimziv1 "github.com/tradingfirm/kafka-platform/platform/strimzi/api/v1"
)

// Names and ports other components rely on.
const (
	// InternalListener is the in-cluster TLS + mTLS listener.
	InternalListener     = "tls"
	InternalListenerPort = 9093
	// CrossRegionListener is the TLS + mTLS listener behind internal NLBs
	// that MirrorMaker 2 in the DR region reads from.
	CrossRegionListener     = "xregion"
	CrossRegionListenerPort = 9095
	// BrokerPool and ControllerPool are the node pool names.
	BrokerPool     = "brokers"
	ControllerPool = "controllers"
	// PriorityClass is the Kafka pods' priority class.
	PriorityClass = "kafka-critical"
	// ControllerStorageClass is the encrypted gp3 class of controller volumes.
	ControllerStorageClass = "kafka-gp3-encrypted"
	// RebalanceTemplate is the KafkaRebalance template auto-rebalancing uses.
	rebalanceTemplateSuffix = "-auto-rebalance"

	// PlaceholderTierBucket and PlaceholderBrokerRoleArn stand for the
	// Pulumi outputs of infra/s3tier inside the typed Kafka object; New
	// substitutes them before registering it.
	PlaceholderTierBucket    = "${tier-bucket-name}"
	PlaceholderBrokerRoleArn = "${broker-role-arn}"

	// AivenRSM is Aiven's RemoteStorageManager and AivenS3Storage its S3
	// backend (Aiven-Open/tiered-storage-for-apache-kafka).
	AivenRSM       = "io.aiven.kafka.tieredstorage.RemoteStorageManager"
	AivenS3Storage = "io.aiven.kafka.tieredstorage.storage.s3.S3Storage"
	// TieredStorageClassPath is where images/kafka-tiered puts the plugin.
	TieredStorageClassPath = "/opt/kafka/plugins/tiered-storage/*"
	// WebIdentityProvider makes the plugin use the IRSA token explicitly; the
	// default chain would fall back to the node role when the STS jar is
	// missing (Aiven-Open/tiered-storage-for-apache-kafka#511, #813).
	WebIdentityProvider = "software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider"

	// RackAwareReplicaSelector lets consumers fetch from a replica in their
	// own zone (KIP-392): no cross-AZ traffic or latency for reads.
	RackAwareReplicaSelector = "org.apache.kafka.common.replica.RackAwareReplicaSelector"

	gib = int64(1) << 30
)

// controller pods: KRaft quorum members only, small and Guaranteed.
const (
	controllerCPU       = "1"
	controllerMemoryGiB = 4
	controllerHeap      = "2g"
	// brokerTerminationGrace: a broker's controlled shutdown moves
	// leadership of thousands of partitions away before it stops; Strimzi's
	// 30 s default can cut that short and turn a rolling restart into
	// unclean leader changes.
	brokerTerminationGrace = int64(180)
)

func ptr[T any](v T) *T { return &v }

// BootstrapInternal is the in-cluster TLS bootstrap address.
func BootstrapInternal(a Args) string {
	return fmt.Sprintf("%s-kafka-bootstrap.%s.svc:%d", a.ClusterName, a.Namespace, InternalListenerPort)
}

// ClusterCASecret is the Secret holding the cluster CA certificate clients
// trust.
func ClusterCASecret(a Args) string { return a.ClusterName + "-cluster-ca-cert" }

// CrossRegionBootstrapService is the bootstrap Service of the cross-region
// listener, created by New (not by Strimzi) so its NLB address is a Pulumi
// output.
func CrossRegionBootstrapService(a Args) string { return a.ClusterName + "-kafka-xregion-bootstrap" }

// nlbAnnotations are the AWS Load Balancer Controller annotations of every
// cross-region service: an internal NLB with IP targets (no node hop, no
// kube-proxy), client IPs preserved so the load balancer's source-range
// rules see the DR pods' addresses.
func nlbAnnotations(a Args) map[string]string {
	m := map[string]string{
		"service.beta.kubernetes.io/aws-load-balancer-type":                              "external",
		"service.beta.kubernetes.io/aws-load-balancer-scheme":                            "internal",
		"service.beta.kubernetes.io/aws-load-balancer-nlb-target-type":                   "ip",
		"service.beta.kubernetes.io/aws-load-balancer-target-group-attributes":           "preserve_client_ip.enabled=true",
		"service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "false",
	}
	if a.ListenerSecurityGroup != "" {
		// A named frontend group replaces the generated one; the controller
		// then still opens the pods to it only when asked.
		m["service.beta.kubernetes.io/aws-load-balancer-security-groups"] = a.ListenerSecurityGroup
		m["service.beta.kubernetes.io/aws-load-balancer-manage-backend-security-group-rules"] = "true"
	}
	return m
}

// NLBClass is the loadBalancerClass of the AWS Load Balancer Controller.
const NLBClass = "service.k8s.aws/nlb"

// poolSelector selects one node pool's pods (Strimzi labels them).
func poolSelector(cluster, pool string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: map[string]string{
		strimziv1.ClusterLabel: cluster,
		"strimzi.io/pool-name": pool,
	}}
}

// dedicatedPlacement pins a pool to its node role, tolerates that role's
// taint, spreads evenly over zones (Strimzi no longer adds zone affinity
// when rack is set) and allows one pod of the pool per node.
func dedicatedPlacement(cluster, pool, role string) *strimziv1.PodTemplate {
	sel := poolSelector(cluster, pool)
	return &strimziv1.PodTemplate{
		Affinity: &corev1.Affinity{
			NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{
					Key: topology.RoleLabel, Operator: corev1.NodeSelectorOpIn, Values: []string{role},
				}}}},
			}},
			PodAntiAffinity: &corev1.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
				LabelSelector: sel, TopologyKey: topology.HostnameLabel,
			}}},
		},
		Tolerations: []corev1.Toleration{{
			Key: topology.DedicatedTaintKey, Operator: corev1.TolerationOpEqual, Value: role, Effect: corev1.TaintEffect(topology.TaintEffect),
		}},
		TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{
			MaxSkew: 1, TopologyKey: topology.ZoneLabel, WhenUnsatisfiable: corev1.DoNotSchedule, LabelSelector: sel,
		}},
		PriorityClassName: PriorityClass,
	}
}

// systemPlacement keeps operators and helpers on the system nodes.
func systemPlacement() *strimziv1.PodTemplate {
	return &strimziv1.PodTemplate{Affinity: &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: topology.RoleLabel, Operator: corev1.NodeSelectorOpIn, Values: []string{topology.RoleSystem}}},
		}}},
	}}}
}

// guaranteed is requests == limits: Guaranteed QoS, and with whole CPUs the
// static CPU manager gives the container exclusive cores.
func guaranteed(cpu string, memory resource.Quantity) *corev1.ResourceRequirements {
	rl := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: memory}
	return &corev1.ResourceRequirements{Requests: rl, Limits: rl.DeepCopy()}
}

func burstable(reqCPU, limCPU, mem string) *corev1.ResourceRequirements {
	return &corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(reqCPU), corev1.ResourceMemory: resource.MustParse(mem)},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(limCPU), corev1.ResourceMemory: resource.MustParse(mem)},
	}
}

// BuildNodePools returns the controller and broker pools.
func BuildNodePools(a Args) []*strimziv1.KafkaNodePool {
	controllers := strimziv1.NewKafkaNodePool(a.Namespace, ControllerPool, a.ClusterName, strimziv1.KafkaNodePoolSpec{
		Replicas: 3,
		Roles:    []strimziv1.ProcessRole{strimziv1.RoleController},
		// One JBOD volume marked kraftMetadata: shared. Controllers store
		// nothing but the metadata log, so a dedicated metadata volume would
		// only add a second EBS volume to attach and lose; marking it
		// explicitly keeps the metadata log in place if a volume is ever
		// added. gp3 (KMS-encrypted storage class), kept on delete: losing
		// two controllers' volumes loses the quorum.
		Storage: strimziv1.Storage{Type: strimziv1.StorageJBOD, Volumes: []strimziv1.Storage{{
			Type: strimziv1.StoragePersistentClaim, ID: ptr(int32(0)), Size: fmt.Sprintf("%dGi", a.ControllerVolumeGiB),
			Class: ControllerStorageClass, DeleteClaim: ptr(false), KraftMetadata: strimziv1.KRaftMetadataShared,
		}}},
		Resources:  guaranteed(controllerCPU, *resource.NewQuantity(controllerMemoryGiB*gib, resource.BinarySI)),
		JvmOptions: &strimziv1.JvmOptions{Xms: controllerHeap, Xmx: controllerHeap},
		Template:   &strimziv1.KafkaNodePoolTemplate{Pod: dedicatedPlacement(a.ClusterName, ControllerPool, topology.RoleController)},
	})

	xx := map[string]string{}
	for k, v := range a.JvmXX {
		xx[k] = v
	}
	heap := fmt.Sprintf("%dg", a.BrokerHeapGiB)
	pod := dedicatedPlacement(a.ClusterName, BrokerPool, topology.RoleBroker)
	pod.TerminationGracePeriodSeconds = ptr(brokerTerminationGrace)
	brokers := strimziv1.NewKafkaNodePool(a.Namespace, BrokerPool, a.ClusterName, strimziv1.KafkaNodePoolSpec{
		Replicas: int32(a.Brokers),
		Roles:    []strimziv1.ProcessRole{strimziv1.RoleBroker},
		// Ephemeral storage: an emptyDir, which nodeadm's RAID0 strategy
		// places on the striped instance-store NVMe. The data lives exactly
		// as long as the node, which is also true of a local PV on instance
		// store; see docs/kafka-storage.md for the failure behaviour.
		Storage:    strimziv1.Storage{Type: strimziv1.StorageEphemeral, SizeLimit: fmt.Sprintf("%dGi", a.BrokerStorageGiB)},
		Resources:  guaranteed(fmt.Sprint(a.BrokerCPUs), *resource.NewQuantity(int64(a.BrokerMemoryGiB)*gib, resource.BinarySI)),
		JvmOptions: &strimziv1.JvmOptions{Xms: heap, Xmx: heap, XX: xx},
		Template: &strimziv1.KafkaNodePoolTemplate{
			Pod: pod,
			KafkaContainer: &strimziv1.ContainerTemplate{Env: []strimziv1.ContainerEnvVar{
				// IRSA only: with IMDS disabled in the SDK the plugin cannot
				// reach the node role even if the provider chain changes.
				{Name: "AWS_EC2_METADATA_DISABLED", Value: "true"},
				{Name: "AWS_REGION", Value: a.Region},
				{Name: "AWS_STS_REGIONAL_ENDPOINTS", Value: "regional"},
			}},
		},
	})
	return []*strimziv1.KafkaNodePool{controllers, brokers}
}

// BrokerConfig is the brokers' server.properties overrides.
func BrokerConfig(a Args) map[string]any {
	return map[string]any{
		// Durability: three replicas, two must acknowledge, and an out-of-sync
		// replica never becomes leader (it would silently drop acknowledged
		// writes).
		"default.replication.factor":               a.ReplicationFactor,
		"min.insync.replicas":                      a.MinISR,
		"offsets.topic.replication.factor":         a.ReplicationFactor,
		"transaction.state.log.replication.factor": a.ReplicationFactor,
		"transaction.state.log.min.isr":            a.MinISR,
		"unclean.leader.election.enable":           false,
		// Topics exist only as KafkaTopic resources: a typo in a producer
		// must fail, not create an RF-1 topic with default retention.
		"auto.create.topics.enable": false,
		// Deny by default: no ACL means no access.
		"allow.everyone.if.no.acl.found": false,
		// Follower fetching: consumers read from their own zone.
		"replica.selector.class": RackAwareReplicaSelector,
		// Thread counts sized to the pinned CPUs (see internal/config).
		"num.network.threads": a.NetworkThreads,
		"num.io.threads":      a.IOThreads,
		// Replication keeps up with bursts across AZs: more fetchers per
		// source broker and buffers sized for the bandwidth-delay product.
		"num.replica.fetchers":                4,
		"socket.send.buffer.bytes":            a.SocketBufferBytes,
		"socket.receive.buffer.bytes":         a.SocketBufferBytes,
		"replica.socket.receive.buffer.bytes": a.SocketBufferBytes,
		// The RLMM topic holds the index of every remote segment: it must
		// survive a zone like the data it describes.
		"rlmm.config.remote.log.metadata.topic.replication.factor": a.ReplicationFactor,
		// Keep the producer's compression: recompressing on the broker
		// costs CPU on the request path.
		"compression.type": "producer",
	}
}

// TieredStorageConfig is the Aiven plugin's configuration (Strimzi adds
// the rsm.config. prefix). The bucket is a placeholder for the s3tier
// output.
func TieredStorageConfig(a Args) map[string]string {
	return map[string]string{
		"storage.backend.class":                  AivenS3Storage,
		"storage.s3.bucket.name":                 PlaceholderTierBucket,
		"storage.s3.region":                      a.Region,
		"key.prefix":                             a.TierPrefix,
		"storage.aws.credentials.provider.class": WebIdentityProvider,
		// 4 MiB chunks: small enough that a consumer reading history fetches
		// little beyond what it needs, large enough to keep S3 GETs cheap.
		"chunk.size": "4194304",
		// Chunks cached in memory (256 MiB of the heap): catch-up reads of
		// the same segment do not hit S3 once per chunk per consumer.
		"fetch.chunk.cache.class":             "io.aiven.kafka.tieredstorage.fetch.cache.MemoryChunkCache",
		"fetch.chunk.cache.size":              "268435456",
		"fetch.chunk.cache.prefetch.max.size": "16777216",
		// Uploads are background work: 100 MiB/s per broker keeps them from
		// competing with replication for NIC and NVMe bandwidth.
		"upload.rate.limit.bytes.per.second": "104857600",
	}
}

// BuildKafka returns the Kafka resource.
func BuildKafka(a Args) *strimziv1.Kafka {
	listeners := []strimziv1.GenericKafkaListener{{
		Name: InternalListener, Port: InternalListenerPort, Type: strimziv1.ListenerInternal, TLS: true,
		Authentication: &strimziv1.ListenerAuthentication{Type: strimziv1.ListenerAuthTLS},
	}}
	if a.PeerVpcCidr != "" {
		listeners = append(listeners, strimziv1.GenericKafkaListener{
			Name: CrossRegionListener, Port: CrossRegionListenerPort, Type: strimziv1.ListenerLoadBalancer, TLS: true,
			Authentication: &strimziv1.ListenerAuthentication{Type: strimziv1.ListenerAuthTLS},
			Configuration: &strimziv1.ListenerConfiguration{
				Class:                        NLBClass,
				LoadBalancerSourceRanges:     []string{a.PeerVpcCidr},
				PerBrokerAnnotationsTemplate: nlbAnnotations(a),
				// The bootstrap Service is New's (its NLB hostname becomes a
				// stack output); brokers' certificates must still name it,
				// and NLB names are <name>-<id>.elb.<region>.amazonaws.com.
				CreateBootstrapService: ptr(false),
				Bootstrap: &strimziv1.ListenerBootstrap{AlternativeNames: []string{
					fmt.Sprintf("*.elb.%s.amazonaws.com", a.Region),
				}},
			},
		})
	}
	superUsers := make([]string, 0, len(a.PlatformAdmins))
	for _, u := range a.PlatformAdmins {
		superUsers = append(superUsers, "CN="+u)
	}
	sort.Strings(superUsers)
	cruise := burstable("500m", "2", "1Gi")
	return strimziv1.NewKafka(a.Namespace, a.ClusterName, strimziv1.KafkaSpec{
		Kafka: strimziv1.KafkaClusterSpec{
			Version:         a.KafkaVersion,
			MetadataVersion: a.MetadataVersion,
			Image:           a.BrokerImage,
			Listeners:       listeners,
			Config:          BrokerConfig(a),
			// StandardAuthorizer; Strimzi adds its own components' users to
			// super.users itself, so only platform admins are listed.
			Authorization: &strimziv1.KafkaAuthorization{Type: strimziv1.AuthorizationSimple, SuperUsers: superUsers},
			Rack:          &strimziv1.Rack{TopologyKey: topology.ZoneLabel},
			MetricsConfig: &strimziv1.MetricsConfig{Type: strimziv1.MetricsStrimziReporter},
			Template: &strimziv1.KafkaClusterTemplate{
				PodDisruptionBudget: &strimziv1.PodDisruptionBudgetTemplate{MaxUnavailable: ptr(int32(1))},
				ServiceAccount: &strimziv1.ResourceTemplate{Metadata: &strimziv1.MetadataTemplate{Annotations: map[string]string{
					"eks.amazonaws.com/role-arn":               PlaceholderBrokerRoleArn,
					"eks.amazonaws.com/sts-regional-endpoints": "true",
				}}},
			},
			TieredStorage: &strimziv1.TieredStorage{Type: strimziv1.TieredStorageCustom, RemoteStorageManager: &strimziv1.RemoteStorageManager{
				ClassName: AivenRSM, ClassPath: TieredStorageClassPath, Config: TieredStorageConfig(a),
			}},
		},
		EntityOperator: &strimziv1.EntityOperatorSpec{
			TopicOperator: &strimziv1.EntityTopicOperatorSpec{Resources: burstable("100m", "500m", "512Mi")},
			UserOperator:  &strimziv1.EntityUserOperatorSpec{Resources: burstable("100m", "500m", "512Mi")},
			Template:      &strimziv1.EntityOperatorTemplate{Pod: systemPlacement()},
		},
		ClusterCa: &strimziv1.CertificateAuthority{ValidityDays: 365, RenewalDays: 30},
		ClientsCa: &strimziv1.CertificateAuthority{ValidityDays: 365, RenewalDays: 30},
		CruiseControl: &strimziv1.CruiseControlSpec{
			Resources:      cruise,
			BrokerCapacity: &strimziv1.BrokerCapacity{CPU: fmt.Sprint(a.BrokerCPUs)},
			Config: map[string]any{
				// A proposal that puts two replicas of a partition in one
				// zone is never acceptable.
				"hard.goals": rackAwareGoals[0] + "," + capacityGoals,
			},
			AutoRebalance: []strimziv1.AutoRebalanceConfiguration{
				{Mode: strimziv1.AutoRebalanceAddBrokers, Template: &corev1.LocalObjectReference{Name: a.ClusterName + rebalanceTemplateSuffix}},
				{Mode: strimziv1.AutoRebalanceRemoveBrokers, Template: &corev1.LocalObjectReference{Name: a.ClusterName + rebalanceTemplateSuffix}},
			},
			Template: &strimziv1.DeploymentComponentTemplate{Pod: systemPlacement()},
		},
		KafkaExporter: &strimziv1.KafkaExporterSpec{
			TopicRegex: ".*", GroupRegex: ".*",
			Resources: burstable("100m", "500m", "256Mi"),
			Template:  &strimziv1.DeploymentComponentTemplate{Pod: systemPlacement()},
		},
	})
}

const ccGoals = "com.linkedin.kafka.cruisecontrol.analyzer.goals."

var rackAwareGoals = []string{ccGoals + "RackAwareGoal"}

var capacityGoals = ccGoals + "ReplicaCapacityGoal," + ccGoals + "DiskCapacityGoal," + ccGoals + "CpuCapacityGoal"

// BuildRebalanceTemplate returns the goals auto-rebalancing uses: rack
// awareness and capacity first, then spreading replicas and leaders.
func BuildRebalanceTemplate(a Args) *strimziv1.KafkaRebalance {
	goals := append([]string{}, rackAwareGoals...)
	for _, g := range []string{"ReplicaCapacityGoal", "DiskCapacityGoal", "CpuCapacityGoal", "ReplicaDistributionGoal",
		"LeaderReplicaDistributionGoal", "TopicReplicaDistributionGoal"} {
		goals = append(goals, ccGoals+g)
	}
	return strimziv1.NewKafkaRebalanceTemplate(a.Namespace, a.ClusterName+rebalanceTemplateSuffix, a.ClusterName, strimziv1.KafkaRebalanceSpec{Goals: goals})
}

// TopicConfig is the topic-level configuration of t.
func TopicConfig(t Topic) map[string]any {
	c := map[string]any{
		"retention.ms":        t.RetentionMs,
		"min.insync.replicas": t.MinISR,
		// Explicit per topic: a broker default changed later must not
		// weaken the journal.
		"unclean.leader.election.enable": false,
	}
	if t.Tiered {
		c["remote.storage.enable"] = true
		c["local.retention.ms"] = t.LocalRetentionMs
		// Only closed segments are uploaded: roll hourly so S3 is at most
		// an hour behind, whatever the traffic.
		c["segment.ms"] = int64(3600 * 1000)
	} else if t.RetentionMs > 0 && t.RetentionMs < 24*3600*1000 {
		// Retention deletes whole segments: roll at a quarter of the
		// retention, or a short-lived topic keeps a week of data in its
		// active segment.
		c["segment.ms"] = t.RetentionMs / 4
	}
	for k, v := range t.Config {
		c[k] = v
	}
	return c
}

// BuildTopics returns the KafkaTopic resources sorted by name.
func BuildTopics(a Args) []*strimziv1.KafkaTopic {
	names := slices.Sorted(maps.Keys(a.Topics))
	out := make([]*strimziv1.KafkaTopic, 0, len(names))
	for _, n := range names {
		t := a.Topics[n]
		out = append(out, strimziv1.NewKafkaTopic(a.Namespace, n, a.ClusterName, strimziv1.KafkaTopicSpec{
			TopicName: n, Partitions: int32(t.Partitions), Replicas: int32(t.Replicas), Config: TopicConfig(t),
		}))
	}
	return out
}

// DurableTopics are the mirrored topics, sorted.
func DurableTopics(a Args) []string {
	var out []string
	for _, n := range slices.Sorted(maps.Keys(a.Topics)) {
		if a.Topics[n].Class == Durable {
			out = append(out, n)
		}
	}
	return out
}

// UserACLs derives least-privilege ACLs: exactly the operations the
// client's role needs, on literal resources unless a prefix is asked for.
func UserACLs(name string, u User, durable []string) []strimziv1.AclRule {
	topicOps := map[string][]strimziv1.AclOperation{}
	add := func(topic string, ops ...strimziv1.AclOperation) {
		for _, op := range ops {
			dup := false
			for _, have := range topicOps[topic] {
				dup = dup || have == op
			}
			if !dup {
				topicOps[topic] = append(topicOps[topic], op)
			}
		}
	}
	for _, t := range u.Produce {
		// Write covers idempotent produce since Kafka 2.8 (KIP-679): no
		// cluster-level IdempotentWrite needed.
		add(t, strimziv1.OpWrite, strimziv1.OpDescribe)
	}
	for _, t := range u.Consume {
		add(t, strimziv1.OpRead, strimziv1.OpDescribe)
	}
	if u.MirrorSource {
		// MirrorSourceConnector reads records and topic configs;
		// offset-syncs live on the target cluster, so nothing is written.
		for _, t := range durable {
			add(t, strimziv1.OpRead, strimziv1.OpDescribe, strimziv1.OpDescribeConfigs)
		}
	}
	var acls []strimziv1.AclRule
	for _, t := range slices.Sorted(maps.Keys(topicOps)) {
		ops := topicOps[t]
		sort.Slice(ops, func(i, j int) bool { return ops[i] < ops[j] })
		acls = append(acls, strimziv1.AclRule{
			Resource:   strimziv1.AclRuleResource{Type: strimziv1.AclTopic, Name: t, PatternType: strimziv1.PatternLiteral},
			Operations: ops,
		})
	}
	if u.Group != "" {
		pt := strimziv1.PatternLiteral
		if u.GroupPrefix {
			pt = strimziv1.PatternPrefix
		}
		acls = append(acls, strimziv1.AclRule{
			Resource:   strimziv1.AclRuleResource{Type: strimziv1.AclGroup, Name: u.Group, PatternType: pt},
			Operations: []strimziv1.AclOperation{strimziv1.OpRead},
		})
	}
	if u.Transactional {
		acls = append(acls, strimziv1.AclRule{
			Resource:   strimziv1.AclRuleResource{Type: strimziv1.AclTransactionalID, Name: name, PatternType: strimziv1.PatternPrefix},
			Operations: []strimziv1.AclOperation{strimziv1.OpDescribe, strimziv1.OpWrite},
		})
	}
	if u.MirrorSource {
		// The checkpoint connector lists groups and reads their committed
		// offsets (Describe on groups); describing the cluster lets it find
		// the coordinator and partitions.
		acls = append(acls,
			strimziv1.AclRule{Resource: strimziv1.AclRuleResource{Type: strimziv1.AclGroup, Name: "*", PatternType: strimziv1.PatternLiteral},
				Operations: []strimziv1.AclOperation{strimziv1.OpDescribe}},
			strimziv1.AclRule{Resource: strimziv1.AclRuleResource{Type: strimziv1.AclCluster},
				Operations: []strimziv1.AclOperation{strimziv1.OpDescribe}},
		)
	}
	return acls
}

// BuildUsers returns the KafkaUser resources sorted by name.
func BuildUsers(a Args) []*strimziv1.KafkaUser {
	durable := DurableTopics(a)
	names := slices.Sorted(maps.Keys(a.Users))
	out := make([]*strimziv1.KafkaUser, 0, len(names))
	for _, n := range names {
		u := a.Users[n]
		spec := strimziv1.KafkaUserSpec{
			Authentication: &strimziv1.KafkaUserAuthentication{Type: strimziv1.UserAuthTLS},
			Authorization:  &strimziv1.KafkaUserAuthorization{Type: strimziv1.AuthorizationSimple, Acls: UserACLs(n, u, durable)},
		}
		if q := u.Quotas; q != (Quotas{}) {
			spec.Quotas = &strimziv1.KafkaUserQuotas{}
			if q.ProducerByteRate > 0 {
				spec.Quotas.ProducerByteRate = ptr(q.ProducerByteRate)
			}
			if q.ConsumerByteRate > 0 {
				spec.Quotas.ConsumerByteRate = ptr(q.ConsumerByteRate)
			}
			if q.RequestPercentage > 0 {
				spec.Quotas.RequestPercentage = ptr(int32(q.RequestPercentage))
			}
		}
		out = append(out, strimziv1.NewKafkaUser(a.Namespace, n, a.ClusterName, spec))
	}
	return out
}
