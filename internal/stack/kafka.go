package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"

	"github.com/tradingfirm/kafka-platform/internal/config"
	"github.com/tradingfirm/kafka-platform/platform/strimzi"
)

// Kafka is what the Kafka layer hands to observability and DR.
type Kafka struct {
	// Namespace and ClusterName of the Strimzi Kafka resource.
	Namespace   string
	ClusterName string
	// BootstrapInternal is the in-cluster TLS bootstrap (<cluster>-kafka-bootstrap.<ns>.svc:9093).
	BootstrapInternal string
	// BootstrapCrossRegion is host:port of the cross-region NLB listener
	// (empty output when no peer VPC is configured).
	BootstrapCrossRegion pulumi.StringOutput
	// CrossRegionPort is that listener's port.
	CrossRegionPort int
	// ClusterCASecret is the Secret with the cluster CA certificate.
	ClusterCASecret string
	// UserSecrets maps KafkaUser name to the Secret holding its certificate.
	UserSecrets map[string]string
	// MirroredTopics are the durable topics (what DR mirrors), sorted.
	MirroredTopics []string
	// Topics are all topic names, sorted.
	Topics []string
	// Component is the Strimzi component. Depend on Component.Kafka (the
	// Kafka resource) for anything that needs the running cluster, never on
	// the component itself: the Go SDK expands a component dependency into
	// the children registered so far, which races.
	Component *strimzi.Strimzi
	// Provider is the cluster's Kubernetes provider.
	Provider *kubernetes.Provider
}

// kafkaArgs maps the config onto the Strimzi component's Args.
func kafkaArgs(cfg *config.Config, bucket, brokerRole pulumi.StringInput) strimzi.Args {
	k := cfg.Kafka
	topics := map[string]strimzi.Topic{}
	for n, t := range k.Topics {
		topics[n] = strimzi.Topic{
			Class: strimzi.TopicClass(t.Class), Partitions: t.Partitions, Replicas: t.Replicas, MinISR: t.MinInsyncReplicas,
			RetentionMs: t.RetentionMs, LocalRetentionMs: t.LocalRetentionMs, Tiered: t.Tiered, Config: t.Config,
		}
	}
	users := map[string]strimzi.User{}
	for n, u := range k.Users {
		users[n] = strimzi.User{
			Produce: u.Produce, Consume: u.Consume, Group: u.Group, GroupPrefix: u.GroupPrefix,
			Transactional: u.Transactional, MirrorSource: u.MirrorSource,
			Quotas: strimzi.Quotas{ProducerByteRate: u.Quotas.ProducerByteRate, ConsumerByteRate: u.Quotas.ConsumerByteRate, RequestPercentage: u.Quotas.RequestPercentage},
		}
	}
	peer := ""
	if cfg.Network.PeerVpcCidr.IsValid() {
		peer = cfg.Network.PeerVpcCidr.String()
	}
	return strimzi.Args{
		Namespace: k.Namespace, OperatorNamespace: k.OperatorNamespace, ClusterName: k.ClusterName,
		StrimziVersion: k.StrimziVersion, DrainCleanerVersion: k.DrainCleanerVersion, CertManagerVersion: k.CertManagerVersion,
		KafkaVersion: k.KafkaVersion, MetadataVersion: k.MetadataVersion, BrokerImage: k.BrokerImage,
		Brokers: cfg.Nodes.Brokers, BrokerCPUs: k.BrokerCPUs, BrokerMemoryGiB: k.BrokerMemoryGiB, BrokerHeapGiB: k.BrokerHeapGiB,
		JvmXX: k.BrokerJvmXX, NetworkThreads: k.NetworkThreads, IOThreads: k.IOThreads, SocketBufferBytes: k.SocketBufferBytes,
		BrokerStorageGiB: k.BrokerStorageGiB, ControllerVolumeGiB: k.ControllerVolumeGiB,
		ReplicationFactor: k.ReplicationFactor, MinISR: k.MinISR, PlatformAdmins: k.PlatformAdmins,
		Topics: topics, Users: users, PeerVpcCidr: peer, ListenerSecurityGroup: ListenerSecurityGroupName(cfg),
		Region: cfg.Stack.Region, TierPrefix: cfg.Tier.Prefix, TierBucket: bucket, BrokerRoleArn: brokerRole,
	}
}

// newKafka builds the Strimzi operator, the Kafka cluster, topics and users.
// xr is the cross-region listener's security group (newDRNetwork).
func newKafka(ctx *pulumi.Context, cfg *config.Config, infra *Infra, xr *CrossRegion, out Outputs) (*Kafka, error) {
	args := kafkaArgs(cfg, infra.Tier.BucketName, infra.Tier.BrokerRoleArn)
	opts := []pulumi.ResourceOption{pulumi.Providers(infra.Cluster.Provider)}
	var deps []pulumi.Resource
	if infra.Nodes != nil {
		// Kafka pods need their dedicated nodes to exist.
		deps = append(deps, infra.Nodes.Groups...)
	}
	if xr != nil && xr.ListenerAccess != nil {
		// The listener's load balancers name this group.
		deps = append(deps, xr.ListenerAccess.Resources...)
	}
	if len(deps) > 0 {
		opts = append(opts, pulumi.DependsOn(deps))
	}
	if infra.LBController != nil {
		// The cross-region bootstrap Service has loadBalancerClass
		// service.k8s.aws/nlb: only the AWS Load Balancer Controller gives it
		// an address, and pulumi waits for one.
		opts = append(opts, pulumi.DependsOn([]pulumi.Resource{infra.LBController.Release}))
	}
	s, err := strimzi.New(ctx, cfg.Stack.Name+"-kafka", args, opts...)
	if err != nil {
		return nil, err
	}
	k := &Kafka{
		Namespace: args.Namespace, ClusterName: args.ClusterName,
		BootstrapInternal:    strimzi.BootstrapInternal(args),
		BootstrapCrossRegion: s.BootstrapCrossRegion,
		CrossRegionPort:      strimzi.CrossRegionListenerPort,
		ClusterCASecret:      strimzi.ClusterCASecret(args),
		UserSecrets:          map[string]string{},
		MirroredTopics:       strimzi.DurableTopics(args),
		Topics:               cfg.Kafka.TopicNames(),
		Component:            s,
		Provider:             infra.Cluster.Provider,
	}
	for _, u := range cfg.Kafka.UserNames() {
		k.UserSecrets[u] = u
	}
	out["kafkaBootstrapInternal"] = s.BootstrapInternal
	out["kafkaBootstrapCrossRegion"] = s.BootstrapCrossRegion
	out["kafkaClusterCaSecret"] = s.ClusterCASecret
	out["kafkaUsers"] = s.UserSecrets
	out["kafkaTopics"] = s.Topics
	out["kafkaMirroredTopics"] = s.MirroredTopics
	out["kafkaClientSettings"] = s.ClientSettings
	return k, nil
}
