package vpc

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TypeToken is the component's type; it is part of every child's URN, so
// renaming it replaces the network.
const TypeToken = "kafka-platform:infra:Vpc"

// AZCount is fixed at three: one Kafka rack per zone, RF=3 with min ISR 2 and
// a three-voter KRaft quorum survive the loss of any one zone.
const AZCount = 3

// DefaultInterfaceEndpoints are the AWS services a cluster without internet
// access from its nodes still has to reach privately: ECR (api and dkr) for
// images, STS for IRSA token exchange, EC2 for the VPC CNI and node
// bootstrap, EKS Auth for Pod Identity and CloudWatch Logs for agents.
// S3 (ECR image layers, tiered storage) uses the gateway endpoint instead.
// https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html
var DefaultInterfaceEndpoints = []string{"ecr.api", "ecr.dkr", "sts", "ec2", "eks-auth", "logs"}

// Args configures the network. Every field is a plain value: they decide
// which resources exist and are all known before deployment.
type Args struct {
	// Name is the base of every Name tag (e.g. "kafka-prod"). Required.
	Name string
	// Cidr is the VPC's IPv4 range. Required.
	Cidr netip.Prefix
	// AZs are exactly AZCount zones, in order; they key every per-zone
	// resource, so reordering them renames nothing but changing one replaces
	// that zone's subnets. Required.
	AZs []string
	// ZoneIDs is true when AZs are zone IDs (use1-az1, the same data centre in
	// every account) and false when they are zone names (us-east-1a).
	ZoneIDs bool
	// PrivateSubnets are the node and pod subnets, one per AZ in AZs order,
	// inside Cidr. Required.
	PrivateSubnets []netip.Prefix
	// PublicSubnets hold only the NAT gateways (and internet-facing load
	// balancers, if ever), one per AZ in AZs order, inside Cidr. Required.
	PublicSubnets []netip.Prefix
	// FlowLogRetentionDays is the CloudWatch Logs retention of the VPC flow
	// logs; one of the values CloudWatch accepts (config validates). Required.
	FlowLogRetentionDays int
	// InterfaceEndpoints are the service suffixes (com.amazonaws.<region>.X)
	// that get interface endpoints. Nil means DefaultInterfaceEndpoints.
	InterfaceEndpoints []string
	// Tags go on every taggable child, beside its Name tag.
	Tags map[string]string
}

// Vpc is the regional network.
type Vpc struct {
	pulumi.ResourceState

	// VpcID is the VPC's ID.
	VpcID pulumi.StringOutput `pulumi:"vpcId"`
	// PrivateSubnetIDs are the private subnets in AZ order.
	PrivateSubnetIDs pulumi.StringArrayOutput `pulumi:"privateSubnetIds"`
	// PrivateSubnets holds the same IDs as separate outputs, one per AZ, so a
	// per-zone dependent (a broker node group) depends on its own subnet only
	// and the dependency graph shows its zone exactly.
	PrivateSubnets pulumi.StringArray
	// PublicSubnetIDs are the public subnets in AZ order.
	PublicSubnetIDs pulumi.StringArrayOutput `pulumi:"publicSubnetIds"`
	// PrivateRouteTableIDs are the per-AZ private route tables in AZ order;
	// cross-region routes are added to these.
	PrivateRouteTableIDs pulumi.StringArrayOutput `pulumi:"privateRouteTableIds"`
	// EndpointSecurityGroupID guards the interface endpoints (443 from the
	// VPC only).
	EndpointSecurityGroupID pulumi.StringOutput `pulumi:"endpointSecurityGroupId"`
	// FlowLogGroupName is the CloudWatch log group holding the flow logs.
	FlowLogGroupName pulumi.StringOutput `pulumi:"flowLogGroupName"`
}

// validate reports every problem with args at once.
func (a Args) validate() error {
	var errs []error
	if a.Name == "" {
		errs = append(errs, errors.New("Name is empty: set the base name, e.g. kafka-prod"))
	}
	if !a.Cidr.IsValid() || !a.Cidr.Addr().Is4() {
		errs = append(errs, fmt.Errorf("Cidr %q is not an IPv4 prefix: pass the VPC range, e.g. 10.40.0.0/16", a.Cidr))
	}
	if len(a.AZs) != AZCount {
		errs = append(errs, fmt.Errorf("AZs %v has %d zones, want exactly %d: one Kafka rack per zone", a.AZs, len(a.AZs), AZCount))
	}
	seen := map[string]bool{}
	for _, az := range a.AZs {
		if seen[az] {
			errs = append(errs, fmt.Errorf("AZs lists %q twice: every zone must be distinct", az))
		}
		seen[az] = true
	}
	check := func(field string, subnets []netip.Prefix) {
		if len(subnets) != len(a.AZs) {
			errs = append(errs, fmt.Errorf("%s has %d CIDRs for %d zones: pass one per zone in AZs order", field, len(subnets), len(a.AZs)))
			return
		}
		for i, s := range subnets {
			if !s.IsValid() || !a.Cidr.IsValid() || s.Bits() < a.Cidr.Bits() || !a.Cidr.Contains(s.Addr()) {
				errs = append(errs, fmt.Errorf("%s[%d] %q is not inside Cidr %q: pick a range inside the VPC", field, i, s, a.Cidr))
			}
		}
	}
	check("PrivateSubnets", a.PrivateSubnets)
	check("PublicSubnets", a.PublicSubnets)
	if a.FlowLogRetentionDays < 1 {
		errs = append(errs, fmt.Errorf("FlowLogRetentionDays %d is not positive: use a CloudWatch retention value such as 365", a.FlowLogRetentionDays))
	}
	return errors.Join(errs...)
}

// tags returns Args.Tags plus a Name tag and any extra tags.
func (a Args) tags(name string, extra ...string) pulumi.StringMap {
	m := pulumi.StringMap{}
	for k, v := range a.Tags {
		m[k] = pulumi.String(v)
	}
	m["Name"] = pulumi.String(name)
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = pulumi.String(extra[i+1])
	}
	return m
}

// subnetZone sets the subnet's zone by ID or by name.
func (a Args) subnetZone(s *ec2.SubnetArgs, az string) {
	if a.ZoneIDs {
		s.AvailabilityZoneId = pulumi.String(az)
	} else {
		s.AvailabilityZone = pulumi.String(az)
	}
}

// Load balancer subnet discovery tags of the AWS Load Balancer Controller.
// https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html
const (
	internalELBTag = "kubernetes.io/role/internal-elb"
	publicELBTag   = "kubernetes.io/role/elb"
)

// New builds the network described by args.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Vpc, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("vpc %s: %w", name, err)
	}
	c := &Vpc{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	// Invokes go through the component's provider (pulumi.Parent), so a
	// component built with an explicit provider for another region gets that
	// region's endpoints and ARNs.
	region, err := aws.GetRegion(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("vpc %s: look up region: %w", name, err)
	}
	caller, err := aws.GetCallerIdentity(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("vpc %s: look up account: %w", name, err)
	}
	partition, err := aws.GetPartition(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("vpc %s: look up partition: %w", name, err)
	}
	env := awsEnv{Region: region.Name, Account: caller.AccountId, Partition: partition.Partition, DNSSuffix: partition.DnsSuffix}

	vpc, err := ec2.NewVpc(ctx, name, &ec2.VpcArgs{
		CidrBlock: pulumi.String(args.Cidr.String()),
		// Both are needed for interface endpoints' private DNS and for EKS
		// nodes to register by their private DNS names.
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               args.tags(name),
	}, parent)
	if err != nil {
		return nil, err
	}

	// Adopting the default security group with no rules removes its
	// allow-all rules, so nothing that falls back to it can talk (CIS AWS
	// Foundations 5.4).
	if _, err := ec2.NewDefaultSecurityGroup(ctx, name+"-default", &ec2.DefaultSecurityGroupArgs{
		VpcId: vpc.ID(),
		Tags:  args.tags(name + "-default-deny"),
	}, parent); err != nil {
		return nil, err
	}

	igw, err := ec2.NewInternetGateway(ctx, name+"-igw", &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  args.tags(name + "-igw"),
	}, parent)
	if err != nil {
		return nil, err
	}
	publicRT, err := ec2.NewRouteTable(ctx, name+"-public", &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Tags:  args.tags(name + "-public"),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := ec2.NewRoute(ctx, name+"-public-default", &ec2.RouteArgs{
		RouteTableId:         publicRT.ID(),
		DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
		GatewayId:            igw.ID(),
	}, parent); err != nil {
		return nil, err
	}

	var privateIDs, publicIDs, privateRTs pulumi.StringArray
	for i, az := range args.AZs {
		pub, priv, rt, err := zone(ctx, name, az, args.PublicSubnets[i], args.PrivateSubnets[i], args, vpc, publicRT, igw, parent)
		if err != nil {
			return nil, err
		}
		publicIDs = append(publicIDs, pub.ID().ToStringOutput())
		privateIDs = append(privateIDs, priv.ID().ToStringOutput())
		privateRTs = append(privateRTs, rt.ID().ToStringOutput())
	}

	sg, err := endpoints(ctx, name, args, env, vpc, privateIDs, privateRTs, parent)
	if err != nil {
		return nil, err
	}
	logGroup, err := flowLogs(ctx, name, args, env, vpc, parent)
	if err != nil {
		return nil, err
	}

	c.VpcID = vpc.ID().ToStringOutput()
	c.PrivateSubnetIDs = privateIDs.ToStringArrayOutput()
	c.PrivateSubnets = privateIDs
	c.PublicSubnetIDs = publicIDs.ToStringArrayOutput()
	c.PrivateRouteTableIDs = privateRTs.ToStringArrayOutput()
	c.EndpointSecurityGroupID = sg.ID().ToStringOutput()
	c.FlowLogGroupName = logGroup.Name
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"vpcId":                   c.VpcID,
		"privateSubnetIds":        c.PrivateSubnetIDs,
		"publicSubnetIds":         c.PublicSubnetIDs,
		"privateRouteTableIds":    c.PrivateRouteTableIDs,
		"endpointSecurityGroupId": c.EndpointSecurityGroupID,
		"flowLogGroupName":        c.FlowLogGroupName,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// awsEnv is what the invokes told us about the account and region.
type awsEnv struct {
	Region, Account, Partition, DNSSuffix string
}

// zone builds one AZ: its public subnet with the zone's NAT gateway, its
// private subnet and the private route table whose default route uses only
// that zone's NAT gateway (a NAT gateway is a zonal service: sharing one
// would make every zone's egress depend on a single zone).
func zone(ctx *pulumi.Context, name, az string, pubCidr, privCidr netip.Prefix, args Args,
	vpc *ec2.Vpc, publicRT *ec2.RouteTable, igw *ec2.InternetGateway, parent pulumi.ResourceOrInvokeOption,
) (pub, priv *ec2.Subnet, rt *ec2.RouteTable, err error) {
	pubName := fmt.Sprintf("%s-public-%s", name, az)
	pubArgs := &ec2.SubnetArgs{
		VpcId:     vpc.ID(),
		CidrBlock: pulumi.String(pubCidr.String()),
		// Nothing launched here should get a public IP by accident; the NAT
		// gateways use their own Elastic IPs.
		MapPublicIpOnLaunch: pulumi.Bool(false),
		Tags:                args.tags(pubName, publicELBTag, "1"),
	}
	args.subnetZone(pubArgs, az)
	if pub, err = ec2.NewSubnet(ctx, pubName, pubArgs, parent); err != nil {
		return
	}
	if _, err = ec2.NewRouteTableAssociation(ctx, pubName, &ec2.RouteTableAssociationArgs{
		SubnetId:     pub.ID(),
		RouteTableId: publicRT.ID(),
	}, parent); err != nil {
		return
	}

	natName := fmt.Sprintf("%s-nat-%s", name, az)
	eip, err := ec2.NewEip(ctx, natName, &ec2.EipArgs{
		Domain: pulumi.String("vpc"),
		Tags:   args.tags(natName),
	}, parent)
	if err != nil {
		return
	}
	nat, err := ec2.NewNatGateway(ctx, natName, &ec2.NatGatewayArgs{
		AllocationId: eip.ID(),
		SubnetId:     pub.ID(),
		Tags:         args.tags(natName),
		// A NAT gateway needs the internet gateway attached to work:
		// https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html
	}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
	if err != nil {
		return
	}

	privName := fmt.Sprintf("%s-private-%s", name, az)
	privArgs := &ec2.SubnetArgs{
		VpcId:               vpc.ID(),
		CidrBlock:           pulumi.String(privCidr.String()),
		MapPublicIpOnLaunch: pulumi.Bool(false),
		Tags:                args.tags(privName, internalELBTag, "1"),
	}
	args.subnetZone(privArgs, az)
	if priv, err = ec2.NewSubnet(ctx, privName, privArgs, parent); err != nil {
		return
	}
	if rt, err = ec2.NewRouteTable(ctx, privName, &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Tags:  args.tags(privName),
	}, parent); err != nil {
		return
	}
	if _, err = ec2.NewRoute(ctx, privName+"-default", &ec2.RouteArgs{
		RouteTableId:         rt.ID(),
		DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
		NatGatewayId:         nat.ID(),
	}, parent); err != nil {
		return
	}
	_, err = ec2.NewRouteTableAssociation(ctx, privName, &ec2.RouteTableAssociationArgs{
		SubnetId:     priv.ID(),
		RouteTableId: rt.ID(),
	}, parent)
	return
}
