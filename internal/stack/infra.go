package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/infra/eks"
	"github.com/tradingfirm/kafka-platform/infra/lbcontroller"
	"github.com/tradingfirm/kafka-platform/infra/nodegroups"
	"github.com/tradingfirm/kafka-platform/infra/s3tier"
	"github.com/tradingfirm/kafka-platform/infra/vpc"
	"github.com/tradingfirm/kafka-platform/internal/config"
)

// Infra is the AWS substrate the platform layers build on.
type Infra struct {
	// Network is the VPC: subnets, per-zone NAT and route tables, endpoints.
	Network *vpc.Vpc
	// Tier is the tiered-storage bucket, its key and the broker IRSA role.
	Tier *s3tier.Bucket

	// Cluster is the EKS control plane, its add-ons and the Kubernetes
	// provider (Cluster.Provider) of the platform layers.
	Cluster *eks.Cluster
	// Nodes are the system, controller and broker node groups.
	Nodes *nodegroups.NodeGroups
	// LBController is the AWS Load Balancer Controller: anything creating a
	// Service of loadBalancerClass service.k8s.aws/nlb depends on it.
	LBController *lbcontroller.Controller
}

// newCluster builds the EKS cluster and its node groups in the VPC's
// private subnets (AZ order) and adds their outputs. newInfra calls it right
// after the VPC.
func newCluster(ctx *pulumi.Context, cfg *config.Config, infra *Infra, vpcID pulumi.StringInput,
	privateSubnetIDs pulumi.StringArrayInput, out Outputs) error {
	name := cfg.Stack.Name
	cluster, err := eks.New(ctx, name, eks.Args{
		ClusterName:       name,
		KubernetesVersion: cfg.Cluster.KubernetesVersion,
		VpcID:             vpcID,
		PrivateSubnetIDs:  privateSubnetIDs,
		PublicAccessCidrs: cfg.Cluster.PublicAccessCidrs,
		AdminRoleArns:     cfg.Cluster.AdminRoleArns,
		LogRetentionDays:  cfg.Cluster.ControlPlaneLogRetentionDays,
		Addons: eks.AddonVersions{
			VpcCni:    cfg.Cluster.Addons["vpc-cni"],
			KubeProxy: cfg.Cluster.Addons["kube-proxy"],
			CoreDNS:   cfg.Cluster.Addons["coredns"],
			EbsCsi:    cfg.Cluster.Addons["aws-ebs-csi-driver"],
		},
		Tags: cfg.Stack.Tags,
	})
	if err != nil {
		return err
	}
	nodes, err := nodegroups.New(ctx, name, nodegroups.Args{
		ClusterName:            cluster.Name,
		KubernetesVersion:      cfg.Cluster.KubernetesVersion,
		Zones:                  cfg.Network.AZs,
		SubnetIDs:              privateSubnetIDs,
		BrokerInstanceType:     cfg.Nodes.BrokerInstanceType,
		BrokersPerZone:         cfg.Nodes.BrokersPerAZ,
		ControllerInstanceType: cfg.Nodes.ControllerInstanceType,
		SystemInstanceType:     cfg.Nodes.SystemInstanceType,
		SystemNodesPerZone:     cfg.Nodes.SystemNodesPerAZ,
		RootVolumeGiB:          cfg.Nodes.RootVolumeGiB,
		IMDSHopLimit:           cfg.Nodes.IMDSHopLimit,
		Broker: nodegroups.BrokerTuning{
			Sysctls:               cfg.Nodes.Sysctls,
			TransparentHugepages:  cfg.Nodes.TransparentHugepages,
			NoFile:                cfg.Nodes.NoFile,
			IRQSteering:           cfg.Nodes.IRQSteering,
			ReservedSystemCPUs:    cfg.Nodes.ReservedSystemCPUs,
			TopologyManagerPolicy: cfg.Nodes.TopologyManagerPolicy,
			TopologyManagerScope:  cfg.Nodes.TopologyManagerScope,
		},
		// vpc-cni has its own IRSA role (infra/eks).
		AttachCNIPolicy: false,
		DependsOn:       cluster.NodePrerequisites,
		Tags:            cfg.Stack.Tags,
	})
	if err != nil {
		return err
	}
	infra.Cluster, infra.Nodes = cluster, nodes
	// The controller runs on system nodes, so it waits for the node groups.
	// Dependencies name concrete resources, never a component: the Go SDK
	// expands a component into the children registered so far, which races
	// with their registration (sdk/go/pulumi/rpc.go addDependency).
	lbc, err := lbcontroller.New(ctx, name+"-lbc", lbcontroller.Args{
		ChartVersion:    cfg.LBController.ChartVersion,
		Region:          cfg.Stack.Region,
		ClusterName:     cluster.Name,
		VpcID:           vpcID,
		OidcProviderArn: cluster.OidcProviderArn,
		OidcIssuer:      cluster.OidcIssuer,
		Tags:            cfg.Stack.Tags,
	}, pulumi.Providers(cluster.Provider), pulumi.DependsOn(nodes.Groups))
	if err != nil {
		return err
	}
	infra.LBController = lbc
	out["lbControllerRoleArn"] = lbc.RoleArn
	out["clusterName"] = cluster.Name
	out["clusterEndpoint"] = cluster.Endpoint
	out["kubeconfig"] = pulumi.ToSecret(cluster.KubeconfigJSON)
	out["oidcProviderArn"] = cluster.OidcProviderArn
	out["oidcIssuer"] = cluster.OidcIssuer
	out["clusterSecurityGroupId"] = cluster.ClusterSecurityGroupID
	out["secretsKmsKeyArn"] = cluster.SecretsKMSKeyArn
	out["nodeRoleArn"] = nodes.NodeRoleArn
	out["brokerNodeGroups"] = nodes.BrokerNodeGroups
	return nil
}

// newInfra builds the foundation: VPC, EKS, node groups, tiered-storage
// bucket with the broker IRSA role. Every Args field is filled from cfg here.
func newInfra(ctx *pulumi.Context, cfg *config.Config, out Outputs) (*Infra, error) {
	out["region"] = pulumi.String(cfg.Stack.Region)
	out["role"] = pulumi.String(string(cfg.Stack.Role))
	out["availabilityZones"] = pulumi.ToStringArray(cfg.Network.AZs)
	out["vpcCidr"] = pulumi.String(cfg.Network.VpcCidr.String())
	infra := &Infra{}

	network, err := vpc.New(ctx, cfg.Stack.Name, vpc.Args{
		Name:                 cfg.Stack.Name,
		Cidr:                 cfg.Network.VpcCidr,
		AZs:                  cfg.Network.AZs,
		ZoneIDs:              cfg.Network.ZoneIDs,
		PrivateSubnets:       cfg.Network.PrivateSubnets,
		PublicSubnets:        cfg.Network.PublicSubnets,
		FlowLogRetentionDays: cfg.Network.FlowLogRetentionDays,
		Tags:                 cfg.Stack.Tags,
	})
	if err != nil {
		return nil, err
	}
	infra.Network = network
	out["vpcId"] = network.VpcID
	out["privateSubnetIds"] = network.PrivateSubnetIDs
	out["publicSubnetIds"] = network.PublicSubnetIDs
	out["privateRouteTableIds"] = network.PrivateRouteTableIDs

	if err := newCluster(ctx, cfg, infra, network.VpcID, network.PrivateSubnets, out); err != nil {
		return nil, err
	}

	var lock *s3tier.ObjectLock
	if cfg.Tier.ObjectLock {
		lock = &s3tier.ObjectLock{Mode: s3tier.ObjectLockMode(cfg.Tier.ObjectLockMode), Days: cfg.Tier.ObjectLockDays}
	}
	tier, err := s3tier.New(ctx, cfg.Stack.Name+"-tier", s3tier.Args{
		Name:                            cfg.Stack.Name,
		Prefix:                          cfg.Tier.Prefix,
		ObjectLock:                      lock,
		NoncurrentVersionExpirationDays: cfg.Tier.NoncurrentDays,
		AbortIncompleteMultipartDays:    cfg.Tier.AbortMultipartDays,
		AccessLogRetentionDays:          cfg.Tier.AccessLogDays,
		ServiceAccountNamespace:         cfg.Kafka.Namespace,
		ServiceAccountName:              cfg.Kafka.BrokerServiceAccount(),
		OidcProviderArn:                 infra.Cluster.OidcProviderArn,
		OidcIssuer:                      infra.Cluster.OidcIssuer,
		Tags:                            cfg.Stack.Tags,
	})
	if err != nil {
		return nil, err
	}
	infra.Tier = tier
	out["tieredStorageBucket"] = tier.BucketName
	out["tieredStorageBucketArn"] = tier.BucketArn
	out["tieredStorageKmsKeyArn"] = tier.KmsKeyArn
	out["accessLogBucket"] = tier.LogBucketName
	out["brokerRoleArn"] = tier.BrokerRoleArn
	return infra, nil
}
