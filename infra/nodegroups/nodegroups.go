package nodegroups

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/config"
	"github.com/tradingfirm/kafka-platform/internal/iampolicy"
	"github.com/tradingfirm/kafka-platform/internal/topology"
)

// Type is the component's type token.
const Type = "kafka-platform:infra:NodeGroups"

// Tuning settings of broker nodes, mapped from the stack config.
type BrokerTuning struct {
	// Sysctls are applied on broker nodes (name to value).
	Sysctls map[string]string
	// TransparentHugepages is never, madvise or always (brokers and controllers).
	TransparentHugepages string
	// NoFile is containerd's LimitNOFILE (brokers and controllers).
	NoFile int
	// IRQSteering steers NIC interrupts and RPS/XPS to ReservedSystemCPUs on
	// broker nodes.
	IRQSteering bool
	// ReservedSystemCPUs is kubelet's reservedSystemCPUs on broker nodes.
	ReservedSystemCPUs string
	// TopologyManagerPolicy and TopologyManagerScope configure kubelet's
	// topology manager on broker nodes.
	TopologyManagerPolicy string
	TopologyManagerScope  string
}

// Args configures the node groups.
type Args struct {
	// ClusterName is the EKS cluster the groups join. Pass an output of the
	// cluster (not a plain string) so the groups wait for it.
	ClusterName pulumi.StringInput
	// KubernetesVersion pins the groups' kubelet version to the control
	// plane's (e.g. "1.34"), so a control-plane upgrade and a node roll are
	// separate, explicit steps.
	KubernetesVersion string
	// Zones are the three zones (IDs or names) in the order of SubnetIDs.
	// They name the per-zone groups, so they are part of the groups' names.
	Zones []string
	// SubnetIDs are the private subnets, one per zone, in Zones order. Pass
	// a pulumi.StringArray of the subnets' own ID outputs (not one array
	// output) so each per-zone group depends on its own subnet only.
	SubnetIDs pulumi.StringArrayInput
	// BrokerInstanceType must be in config.NVMeInstanceTypes (local NVMe).
	BrokerInstanceType string
	// BrokersPerZone is each broker group's min = max = desired size.
	BrokersPerZone int
	// ControllerInstanceType is the type of the three controller nodes.
	ControllerInstanceType string
	// SystemInstanceType and SystemNodesPerZone size the system group
	// (desired = min = 3 x SystemNodesPerZone, max twice that).
	SystemInstanceType string
	SystemNodesPerZone int
	// RootVolumeGiB is every node's encrypted gp3 root volume.
	RootVolumeGiB int
	// IMDSHopLimit is the IMDSv2 PUT response hop limit (1 or 2).
	IMDSHopLimit int
	// Broker is the broker-node kubelet and kernel tuning.
	Broker BrokerTuning
	// AttachCNIPolicy attaches AmazonEKS_CNI_Policy to the node role. Leave
	// false when the vpc-cni add-on has its own IRSA role (infra/eks gives it
	// one); set it only for a vpc-cni without IRSA, or aws-node cannot
	// manage ENIs and no pod gets an address.
	AttachCNIPolicy bool
	// DependsOn are resources the node groups must wait for: the vpc-cni and
	// kube-proxy add-ons, without which nodes never become Ready. Do not
	// pass add-ons that themselves need nodes (coredns, EBS CSI).
	DependsOn []pulumi.Resource
	// Tags go on instances and volumes through the launch templates' tag
	// specifications (the provider's default tags do not reach them).
	Tags map[string]string
}

// NodeGroups is the component.
type NodeGroups struct {
	pulumi.ResourceState

	// NodeRoleArn is the nodes' IAM role.
	NodeRoleArn pulumi.StringOutput `pulumi:"nodeRoleArn"`
	// RootVolumeKMSKeyArn encrypts every node's root volume.
	RootVolumeKMSKeyArn pulumi.StringOutput `pulumi:"rootVolumeKmsKeyArn"`
	// SystemNodeGroup is the system group's name.
	SystemNodeGroup pulumi.StringOutput `pulumi:"systemNodeGroup"`
	// ControllerNodeGroups and BrokerNodeGroups are the per-zone groups'
	// names, in Zones order.
	ControllerNodeGroups pulumi.StringArrayOutput `pulumi:"controllerNodeGroups"`
	BrokerNodeGroups     pulumi.StringArrayOutput `pulumi:"brokerNodeGroups"`
	// Groups are the node group resources, for dependents that need nodes.
	Groups []pulumi.Resource
}

// nodePolicies are the AWS managed policies of the node role (by name).
// AmazonSSMManagedInstanceCore gives Session Manager access instead of SSH.
var nodePolicies = []string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonSSMManagedInstanceCore"}

func (a Args) validate() error {
	if len(a.Zones) != config.AZCount {
		return fmt.Errorf("nodegroups: %d zones given, want %d (one Kafka rack each)", len(a.Zones), config.AZCount)
	}
	if _, ok := config.NVMeInstanceTypes[a.BrokerInstanceType]; !ok {
		return fmt.Errorf("nodegroups: broker instance type %q has no known local NVMe; pick one of config.NVMeInstanceTypes", a.BrokerInstanceType)
	}
	if a.BrokersPerZone < 1 {
		return fmt.Errorf("nodegroups: brokers per zone is %d, want at least 1", a.BrokersPerZone)
	}
	if a.SystemNodesPerZone < 1 {
		return fmt.Errorf("nodegroups: system nodes per zone is %d, want at least 1", a.SystemNodesPerZone)
	}
	if a.IMDSHopLimit < 1 || a.IMDSHopLimit > 2 {
		return fmt.Errorf("nodegroups: IMDS hop limit %d, want 1 or 2", a.IMDSHopLimit)
	}
	if a.ControllerInstanceType == "" || a.SystemInstanceType == "" || a.KubernetesVersion == "" {
		return fmt.Errorf("nodegroups: controller and system instance types and the Kubernetes version are required")
	}
	return nil
}

// Specs returns the NodeSpec of each role: labels and taints (set on the
// node groups) and the boot-time settings the launch templates carry. It is
// pure, so the tests and the render can check exactly what nodes get.
func (a Args) Specs() map[string]NodeSpec {
	irq := ""
	if a.Broker.IRQSteering {
		irq = a.Broker.ReservedSystemCPUs
	}
	return map[string]NodeSpec{
		topology.RoleSystem: {Labels: map[string]string{topology.RoleLabel: topology.RoleSystem}},
		topology.RoleController: {
			Labels: map[string]string{topology.RoleLabel: topology.RoleController},
			Taints: []Taint{{topology.DedicatedTaintKey, topology.RoleController, topology.TaintEffect}},
			// Controllers keep metadata on EBS and are not CPU-pinned: only
			// the latency-relevant THP and file-handle settings.
			Tuning: Tuning{TransparentHugepages: a.Broker.TransparentHugepages, NoFile: a.Broker.NoFile},
		},
		topology.RoleBroker: {
			Labels:                map[string]string{topology.RoleLabel: topology.RoleBroker},
			Taints:                []Taint{{topology.DedicatedTaintKey, topology.RoleBroker, topology.TaintEffect}},
			LocalStorageRAID0:     true,
			StaticCPUManager:      true,
			ReservedSystemCPUs:    a.Broker.ReservedSystemCPUs,
			TopologyManagerPolicy: a.Broker.TopologyManagerPolicy,
			TopologyManagerScope:  a.Broker.TopologyManagerScope,
			Tuning: Tuning{
				Sysctls:              a.Broker.Sysctls,
				TransparentHugepages: a.Broker.TransparentHugepages,
				NoFile:               a.Broker.NoFile,
				IRQCPUs:              irq,
			},
		},
	}
}

// New creates the node role, the root-volume key, a launch template per
// role and the system, controller and broker node groups.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*NodeGroups, error) {
	if err := args.validate(); err != nil {
		return nil, err
	}
	ng := &NodeGroups{}
	if err := ctx.RegisterComponentResource(Type, name, ng, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(ng)

	partition, err := aws.GetPartition(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("nodegroups: partition: %w", err)
	}
	caller, err := aws.GetCallerIdentity(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("nodegroups: caller identity: %w", err)
	}

	role, attachments, err := nodeRole(ctx, name, partition.Partition, args.AttachCNIPolicy, parent)
	if err != nil {
		return nil, err
	}
	key, err := rootVolumeKey(ctx, name, partition.Partition, caller.AccountId, parent)
	if err != nil {
		return nil, err
	}

	specs := args.Specs()
	templates := map[string]*ec2.LaunchTemplate{}
	roles := []string{topology.RoleSystem, topology.RoleController, topology.RoleBroker}
	for _, r := range roles {
		ud, err := UserData(specs[r])
		if err != nil {
			return nil, fmt.Errorf("nodegroups: %s user data: %w", r, err)
		}
		lt, err := launchTemplate(ctx, name+"-"+r, args, key.Arn, ud, r, parent)
		if err != nil {
			return nil, err
		}
		templates[r] = lt
	}

	deps := append(append([]pulumi.Resource{}, attachments...), args.DependsOn...)
	subnets := args.SubnetIDs.ToStringArrayOutput()
	group := func(groupName, r, instanceType string, subnetIDs pulumi.StringArrayInput, desired, max int, after []pulumi.Resource) (*eks.NodeGroup, error) {
		lt := templates[r]
		taints, err := nodeGroupTaints(specs[r].Taints)
		if err != nil {
			return nil, fmt.Errorf("nodegroups: %s: %w", groupName, err)
		}
		return eks.NewNodeGroup(ctx, groupName, &eks.NodeGroupArgs{
			ClusterName:   args.ClusterName,
			NodeGroupName: pulumi.String(groupName),
			NodeRoleArn:   role.Arn,
			SubnetIds:     subnetIDs,
			Version:       pulumi.String(args.KubernetesVersion),
			AmiType:       pulumi.String(AMIType(instanceType)),
			CapacityType:  pulumi.String("ON_DEMAND"),
			// The instance type lives here only: the launch template has none.
			InstanceTypes: pulumi.StringArray{pulumi.String(instanceType)},
			LaunchTemplate: &eks.NodeGroupLaunchTemplateArgs{
				Id: lt.ID(),
				Version: lt.LatestVersion.ApplyT(func(v int) string {
					return strconv.Itoa(v)
				}).(pulumi.StringOutput),
			},
			ScalingConfig: &eks.NodeGroupScalingConfigArgs{
				DesiredSize: pulumi.Int(desired),
				MinSize:     pulumi.Int(desired),
				MaxSize:     pulumi.Int(max),
			},
			// One node at a time per group: a broker or controller group
			// never loses more than one member during a roll.
			UpdateConfig: &eks.NodeGroupUpdateConfigArgs{MaxUnavailable: pulumi.Int(1)},
			// EKS node auto repair replaces nodes that fail health checks:
			// a broker on a broken node is already lost, and Kafka
			// re-replicates onto the replacement.
			NodeRepairConfig: &eks.NodeGroupNodeRepairConfigArgs{Enabled: pulumi.Bool(true)},
			// Labels and taints through the node group API only: EKS applies
			// them (its own NodeConfig part carries them to kubelet), they
			// show in the console and Cluster Autoscaler and the policy pack
			// see them. The launch template's NodeConfig sets neither, so
			// there is one source.
			// https://docs.aws.amazon.com/eks/latest/userguide/node-taints-managed-node-groups.html
			Labels: pulumi.ToStringMap(specs[r].Labels),
			Taints: taints,
			Tags:   pulumi.ToStringMap(args.Tags),
		}, parent, pulumi.DependsOn(append(append([]pulumi.Resource{}, deps...), after...)))
	}

	system, err := group(name+"-system", topology.RoleSystem, args.SystemInstanceType, subnets,
		config.AZCount*args.SystemNodesPerZone, 2*config.AZCount*args.SystemNodesPerZone, nil)
	if err != nil {
		return nil, err
	}
	ng.Groups = append(ng.Groups, system)

	var controllerNames, brokerNames pulumi.StringArray
	var prevController, prevBroker []pulumi.Resource
	for i, zone := range args.Zones {
		zoneSubnet := pulumi.StringArray{zoneSubnetID(args.SubnetIDs, subnets, i)}
		c, err := group(fmt.Sprintf("%s-controller-%s", name, zone), topology.RoleController, args.ControllerInstanceType,
			zoneSubnet, 1, 1, prevController)
		if err != nil {
			return nil, err
		}
		b, err := group(fmt.Sprintf("%s-broker-%s", name, zone), topology.RoleBroker, args.BrokerInstanceType,
			zoneSubnet, args.BrokersPerZone, args.BrokersPerZone, prevBroker)
		if err != nil {
			return nil, err
		}
		// Each zone's group waits for the previous zone's, so updates
		// roll zone by zone rather than in all three zones at once.
		prevController, prevBroker = []pulumi.Resource{c}, []pulumi.Resource{b}
		controllerNames = append(controllerNames, c.NodeGroupName)
		brokerNames = append(brokerNames, b.NodeGroupName)
		ng.Groups = append(ng.Groups, c, b)
	}

	ng.NodeRoleArn = role.Arn
	ng.RootVolumeKMSKeyArn = key.Arn
	ng.SystemNodeGroup = system.NodeGroupName
	ng.ControllerNodeGroups = controllerNames.ToStringArrayOutput()
	ng.BrokerNodeGroups = brokerNames.ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(ng, pulumi.Map{
		"nodeRoleArn":          ng.NodeRoleArn,
		"rootVolumeKmsKeyArn":  ng.RootVolumeKMSKeyArn,
		"systemNodeGroup":      ng.SystemNodeGroup,
		"controllerNodeGroups": ng.ControllerNodeGroups,
		"brokerNodeGroups":     ng.BrokerNodeGroups,
	}); err != nil {
		return nil, err
	}
	return ng, nil
}

// zoneSubnetID is the subnet of zone i. When the caller passes the subnets
// as separate outputs (a pulumi.StringArray), the element itself is used, so
// the zone's node groups depend on their own subnet only and the engine's
// dependency graph (what the policy pack's zone rule reads) shows each
// group's zone exactly. Indexing one array output would make every group
// depend on all three subnets.
func zoneSubnetID(in pulumi.StringArrayInput, all pulumi.StringArrayOutput, i int) pulumi.StringInput {
	if arr, ok := in.(pulumi.StringArray); ok && i < len(arr) {
		return arr[i]
	}
	return all.Index(pulumi.Int(i))
}

// nodeGroupTaints converts taints to the node group API's form.
func nodeGroupTaints(ts []Taint) (eks.NodeGroupTaintArray, error) {
	var out eks.NodeGroupTaintArray
	for _, t := range ts {
		effect, err := t.EKSEffect()
		if err != nil {
			return nil, err
		}
		out = append(out, &eks.NodeGroupTaintArgs{
			Key:    pulumi.String(t.Key),
			Value:  pulumi.String(t.Value),
			Effect: pulumi.String(effect),
		})
	}
	return out, nil
}

// nodeRole is the one IAM role of every node, with its managed policies.
func nodeRole(ctx *pulumi.Context, name, partition string, cni bool, parent pulumi.ResourceOption) (*iam.Role, []pulumi.Resource, error) {
	trust, err := iampolicy.New(iampolicy.Statement{
		Effect:    iampolicy.Allow,
		Principal: map[string][]string{"Service": {"ec2.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
	}).JSON()
	if err != nil {
		return nil, nil, err
	}
	role, err := iam.NewRole(ctx, name+"-node", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(trust),
		Description:      pulumi.String("EKS worker nodes of " + name),
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	policies := append([]string{}, nodePolicies...)
	if cni {
		policies = append(policies, "AmazonEKS_CNI_Policy")
	}
	sort.Strings(policies)
	var out []pulumi.Resource
	for _, p := range policies {
		a, err := iam.NewRolePolicyAttachment(ctx, name+"-node-"+p, &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String("arn:" + partition + ":iam::aws:policy/" + p),
		}, parent)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, a)
	}
	return role, out, nil
}

// rootVolumeKey is the customer-managed key of the nodes' root volumes. Auto
// Scaling launches the instances, so its service-linked role must be able to
// use the key and create grants on it, or instances fail to launch
// (https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html).
func rootVolumeKey(ctx *pulumi.Context, name, partition, account string, parent pulumi.ResourceOption) (*kms.Key, error) {
	root := "arn:" + partition + ":iam::" + account + ":root"
	asg := "arn:" + partition + ":iam::" + account + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
	policy, err := iampolicy.New(
		iampolicy.Statement{Sid: "AccountAdministers", Effect: iampolicy.Allow,
			Principal: map[string][]string{"AWS": {root}}, Action: []string{"kms:*"}, Resource: []string{"*"}},
		iampolicy.Statement{Sid: "AutoScalingUsesKey", Effect: iampolicy.Allow,
			Principal: map[string][]string{"AWS": {asg}},
			Action:    []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
			Resource:  []string{"*"}},
		iampolicy.Statement{Sid: "AutoScalingGrantsForVolumes", Effect: iampolicy.Allow,
			Principal: map[string][]string{"AWS": {asg}}, Action: []string{"kms:CreateGrant"}, Resource: []string{"*"}}.
			Cond("Bool", "kms:GrantIsForAWSResource", "true"),
	).JSON()
	if err != nil {
		return nil, err
	}
	return kms.NewKey(ctx, name+"-root-volumes", &kms.KeyArgs{
		Description:       pulumi.String("EBS root volumes of the " + name + " EKS nodes"),
		EnableKeyRotation: pulumi.Bool(true),
		Policy:            pulumi.String(policy),
	}, parent, pulumi.Protect(true), pulumi.RetainOnDelete(true))
}

// launchTemplate is one role's template. It sets no ImageId (EKS picks the
// AL2023 AMI of the group's amiType and adds the cluster part of the
// NodeConfig), no instance type (the node group has it), no key pair (SSM
// instead of SSH) and no security groups (the nodes keep the EKS cluster
// security group).
func launchTemplate(ctx *pulumi.Context, name string, args Args, keyArn pulumi.StringOutput, userData, role string,
	parent pulumi.ResourceOption) (*ec2.LaunchTemplate, error) {
	tags := pulumi.StringMap{}
	for k, v := range args.Tags {
		tags[k] = pulumi.String(v)
	}
	tags[topology.RoleLabel] = pulumi.String(role)
	var specs ec2.LaunchTemplateTagSpecificationArray
	for _, rt := range []string{"instance", "volume", "network-interface"} {
		specs = append(specs, &ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String(rt), Tags: tags})
	}
	return ec2.NewLaunchTemplate(ctx, name, &ec2.LaunchTemplateArgs{
		Name:                 pulumi.String(name),
		Description:          pulumi.String("AL2023 " + role + " nodes (nodeadm NodeConfig and tuning in user data)"),
		UpdateDefaultVersion: pulumi.Bool(true),
		UserData:             pulumi.String(base64.StdEncoding.EncodeToString([]byte(userData))),
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint: pulumi.String("enabled"),
			HttpTokens:   pulumi.String("required"),
			// 1 (the default): the IMDSv2 token cannot cross the extra hop
			// into a pod's network namespace, so pods cannot take the node
			// role's credentials; the brokers' tiered-storage plugin can
			// only use its IRSA role. Host-network daemons are unaffected.
			HttpPutResponseHopLimit: pulumi.Int(args.IMDSHopLimit),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
			// AL2023 EKS AMIs boot from /dev/xvda.
			DeviceName: pulumi.String("/dev/xvda"),
			Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize:          pulumi.Int(args.RootVolumeGiB),
				VolumeType:          pulumi.String("gp3"),
				Encrypted:           pulumi.String("true"),
				KmsKeyId:            keyArn,
				DeleteOnTermination: pulumi.String("true"),
			},
		}},
		Monitoring:        &ec2.LaunchTemplateMonitoringArgs{Enabled: pulumi.Bool(true)},
		TagSpecifications: specs,
	}, parent)
}
