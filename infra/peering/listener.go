package peering

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ListenerAccess is the security group of the primary's cross-region Kafka
// listener load balancers: it lets exactly the DR VPC reach exactly the
// listener port, and lets the load balancer reach the brokers on that port
// inside its own VPC. Nothing else crosses the peering.
type ListenerAccess struct {
	pulumi.ResourceState

	// SecurityGroupID is the group to attach to the listener's load
	// balancers (AWS Load Balancer Controller annotation
	// service.beta.kubernetes.io/aws-load-balancer-security-groups).
	SecurityGroupID pulumi.StringOutput `pulumi:"securityGroupId"`
	// Resources are the group and its rules: DependsOn these (not the
	// component) to wait for them; a dependency on a component expands only
	// to the children registered so far, which makes renders
	// non-deterministic.
	Resources []pulumi.Resource
}

// ListenerAccessArgs configures ListenerAccess.
type ListenerAccessArgs struct {
	// Name is the group's name and Name tag. The AWS Load Balancer Controller
	// accepts security groups by name in the
	// service.beta.kubernetes.io/aws-load-balancer-security-groups annotation
	// (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/security_groups/),
	// so the Kafka layer can name the group as a plain value instead of
	// waiting for its ID.
	Name string
	// VpcID is the primary's VPC, where the listener's load balancers live.
	VpcID pulumi.StringInput
	// VpcCidr is the primary's VPC CIDR: the only egress destination (the
	// brokers' pod IPs behind the load balancer).
	VpcCidr netip.Prefix
	// PeerCidr is the DR VPC CIDR, the only ingress source. Must not be /0.
	PeerCidr netip.Prefix
	// Port is the cross-region listener's port (the same on the bootstrap and
	// the per-broker load balancers).
	Port int
	// Tags go on the group and its rules.
	Tags map[string]string
}

func (a ListenerAccessArgs) check() error {
	switch {
	case a.Name == "":
		return fmt.Errorf("listener access: Name is required (the load balancers reference the group by it)")
	case a.VpcID == nil:
		return fmt.Errorf("listener access: VpcID is required")
	case !a.VpcCidr.IsValid() || a.VpcCidr.Bits() == 0:
		return fmt.Errorf("listener access: VpcCidr %v must be a specific range", a.VpcCidr)
	case !a.PeerCidr.IsValid() || a.PeerCidr.Bits() == 0:
		return fmt.Errorf("listener access: PeerCidr %v must be a specific range, never the internet", a.PeerCidr)
	case a.Port < 1 || a.Port > 65535:
		return fmt.Errorf("listener access: Port %d is not a TCP port", a.Port)
	}
	return nil
}

// NewListenerAccess creates the listener security group and its two rules.
func NewListenerAccess(ctx *pulumi.Context, name string, args ListenerAccessArgs, opts ...pulumi.ResourceOption) (*ListenerAccess, error) {
	if err := args.check(); err != nil {
		return nil, err
	}
	l := &ListenerAccess{}
	if err := ctx.RegisterComponentResource("kafka-platform:infra:ListenerAccess", name, l, opts...); err != nil {
		return nil, err
	}
	tags := pulumi.StringMap{}
	for k, v := range args.Tags {
		tags[k] = pulumi.String(v)
	}
	tags["Name"] = pulumi.String(args.Name)
	// No inline rules: rules are their own resources (the inline and
	// standalone forms fight over the group otherwise), and an SG created
	// without egress rules by Pulumi gets none (the provider removes AWS's
	// default allow-all egress).
	sg, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		Name:        pulumi.String(args.Name),
		VpcId:       args.VpcID,
		Description: pulumi.String(fmt.Sprintf("Cross-region Kafka listener: tcp/%d from the peer VPC only", args.Port)),
		Tags:        tags,
	}, pulumi.Parent(l))
	if err != nil {
		return nil, err
	}
	in, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-from-peer", &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId: sg.ID().ToStringOutput(),
		Description:     pulumi.String("MirrorMaker 2 in the peer region to the cross-region listener"),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(args.Port),
		ToPort:          pulumi.Int(args.Port),
		CidrIpv4:        pulumi.String(args.PeerCidr.Masked().String()),
		Tags:            tags,
	}, pulumi.Parent(l))
	if err != nil {
		return nil, err
	}
	eg, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-to-brokers", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: sg.ID().ToStringOutput(),
		Description:     pulumi.String("Load balancer to the brokers' listener port inside the VPC (traffic and health checks)"),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(args.Port),
		ToPort:          pulumi.Int(args.Port),
		CidrIpv4:        pulumi.String(args.VpcCidr.Masked().String()),
		Tags:            tags,
	}, pulumi.Parent(l))
	if err != nil {
		return nil, err
	}
	l.Resources = []pulumi.Resource{sg, in, eg}
	l.SecurityGroupID = sg.ID().ToStringOutput()
	if err := ctx.RegisterResourceOutputs(l, pulumi.Map{"securityGroupId": l.SecurityGroupID}); err != nil {
		return nil, err
	}
	return l, nil
}
