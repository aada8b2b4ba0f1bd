package peering

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2transitgateway"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TransitGateway is the Transit Gateway network path: a gateway in each
// region, each VPC attached on its private subnets, the gateways peered
// (requested here, accepted in the peer's region), one gateway route table
// per side holding exactly two static routes (the peer VPC's CIDR to the
// peering attachment, the own VPC's CIDR to the own VPC attachment), and a
// route to the other VPC in every private route table on both sides.
//
// Nothing is automatic: default route table association and propagation are
// disabled on both gateways and both attachments, so a later attachment
// (another VPC joining) reaches nothing until someone routes it.
type TransitGateway struct {
	pulumi.ResourceState

	// TransitGatewayID is the requester-side (DR) gateway, tgw-....
	TransitGatewayID pulumi.StringOutput `pulumi:"transitGatewayId"`
	// PeerTransitGatewayID is the accepter-side (primary) gateway.
	PeerTransitGatewayID pulumi.StringOutput `pulumi:"peerTransitGatewayId"`
	// PeeringAttachmentID is the accepted gateway peering attachment
	// (tgw-attach-...); the same id on both sides.
	PeeringAttachmentID pulumi.StringOutput `pulumi:"peeringAttachmentId"`
}

// TransitGatewayArgs configures a TransitGateway: the Link plus what the
// gateways need (the subnets the VPC attachments use and one ASN per
// gateway). The requester is the stack running it (DR); the accepter side
// is built through PeerProvider. On this path the requester's gateway
// route table sends VpcCidr to the VPC attachment, and the accepter's
// gateway and VPC routes go to VpcCidrAtPeer.
type TransitGatewayArgs struct {
	Link

	// SubnetIDs are the requester's private subnets (one per zone): the VPC
	// attachment puts one gateway interface in each.
	SubnetIDs pulumi.StringArrayInput
	// Asn is the requester gateway's Amazon-side ASN (private range).
	Asn int
	// PeerSubnetIDs are the accepter's private subnets.
	PeerSubnetIDs pulumi.StringArrayInput
	// PeerAsn is the accepter gateway's Amazon-side ASN; it must differ from
	// Asn (AWS recommends unique ASNs for peered gateways).
	PeerAsn int
}

func (a TransitGatewayArgs) check() error {
	const prefix = "peering: transit gateway"
	if err := a.Link.check(); err != nil {
		return fmt.Errorf("%s: %w", prefix, err)
	}
	switch {
	case a.SubnetIDs == nil || a.PeerSubnetIDs == nil:
		return fmt.Errorf("%s: SubnetIDs and PeerSubnetIDs (private subnets for the VPC attachments) are required", prefix)
	case a.Asn == 0 || a.PeerAsn == 0 || a.Asn == a.PeerAsn:
		return fmt.Errorf("%s: Asn and PeerAsn must be set and differ (got %d and %d)", prefix, a.Asn, a.PeerAsn)
	}
	return nil
}

// tgwSide is one region's gateway, VPC attachment and gateway route table.
type tgwSide struct {
	gateway    *ec2transitgateway.TransitGateway
	attachment *ec2transitgateway.VpcAttachment
}

// newGatewaySide builds one region's gateway and its VPC attachment.
func newGatewaySide(ctx *pulumi.Context, name string, asn int, vpcID pulumi.StringInput, subnets pulumi.StringArrayInput, tags pulumi.StringMap, opts ...pulumi.ResourceOption) (*tgwSide, error) {
	gw, err := ec2transitgateway.NewTransitGateway(ctx, name, &ec2transitgateway.TransitGatewayArgs{
		Description:   pulumi.String("kafka-platform cross-region path (" + name + ")"),
		AmazonSideAsn: pulumi.IntPtr(asn),
		// Only explicit routes: with the defaults on, every attachment would
		// be associated with and propagate into one shared table, so any VPC
		// attached later would reach the Kafka VPCs.
		DefaultRouteTableAssociation: pulumi.String("disable"),
		DefaultRouteTablePropagation: pulumi.String("disable"),
		AutoAcceptSharedAttachments:  pulumi.String("disable"),
		DnsSupport:                   pulumi.String("enable"),
		VpnEcmpSupport:               pulumi.String("disable"),
		Tags:                         tags,
	}, opts...)
	if err != nil {
		return nil, err
	}
	att, err := ec2transitgateway.NewVpcAttachment(ctx, name+"-vpc", &ec2transitgateway.VpcAttachmentArgs{
		TransitGatewayId: gw.ID().ToStringOutput(),
		VpcId:            vpcID,
		SubnetIds:        subnets,
		DnsSupport:       pulumi.String("enable"),
		// Explicitly off (they default to true, which AWS rejects on a
		// gateway without default tables).
		TransitGatewayDefaultRouteTableAssociation: pulumi.Bool(false),
		TransitGatewayDefaultRouteTablePropagation: pulumi.Bool(false),
		Tags: tags,
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &tgwSide{gateway: gw, attachment: att}, nil
}

// routeGatewaySide gives one gateway its route table: both attachments
// associated, the peer CIDR to the peering attachment, the own CIDR to the
// own VPC attachment (traffic arriving over the peering is looked up in
// the table associated with the peering attachment, so the way back into
// the VPC must be there too; propagation is off). Then the VPC's private
// route tables get a route to the peer CIDR via the gateway.
func routeGatewaySide(ctx *pulumi.Context, name string, s *tgwSide, peeringID pulumi.StringInput, ownCidr, peerCidr pulumi.StringInput,
	vpcRouteTables pulumi.StringArrayInput, count int, tags pulumi.StringMap, opts ...pulumi.ResourceOption) error {
	rt, err := ec2transitgateway.NewRouteTable(ctx, name+"-rt", &ec2transitgateway.RouteTableArgs{
		TransitGatewayId: s.gateway.ID().ToStringOutput(),
		Tags:             tags,
	}, opts...)
	if err != nil {
		return err
	}
	if _, err := ec2transitgateway.NewRouteTableAssociation(ctx, name+"-rt-vpc", &ec2transitgateway.RouteTableAssociationArgs{
		TransitGatewayRouteTableId: rt.ID().ToStringOutput(),
		TransitGatewayAttachmentId: s.attachment.ID().ToStringOutput(),
	}, opts...); err != nil {
		return err
	}
	// AWS: associate the peering attachment with the table that routes to
	// it (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering-add-route.html).
	peerAssoc, err := ec2transitgateway.NewRouteTableAssociation(ctx, name+"-rt-peering", &ec2transitgateway.RouteTableAssociationArgs{
		TransitGatewayRouteTableId: rt.ID().ToStringOutput(),
		TransitGatewayAttachmentId: peeringID,
	}, opts...)
	if err != nil {
		return err
	}
	if _, err := ec2transitgateway.NewRoute(ctx, name+"-rt-to-peer", &ec2transitgateway.RouteArgs{
		TransitGatewayRouteTableId: rt.ID().ToStringOutput(),
		DestinationCidrBlock:       peerCidr,
		TransitGatewayAttachmentId: peeringID,
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{peerAssoc}))...); err != nil {
		return err
	}
	if _, err := ec2transitgateway.NewRoute(ctx, name+"-rt-to-vpc", &ec2transitgateway.RouteArgs{
		TransitGatewayRouteTableId: rt.ID().ToStringOutput(),
		DestinationCidrBlock:       ownCidr,
		TransitGatewayAttachmentId: s.attachment.ID().ToStringOutput(),
	}, opts...); err != nil {
		return err
	}
	// A VPC route to a gateway is rejected until the VPC is attached to it.
	for i := 0; i < count; i++ {
		if _, err := ec2.NewRoute(ctx, fmt.Sprintf("%s-route-%d", name, i), &ec2.RouteArgs{
			RouteTableId:         vpcRouteTables.ToStringArrayOutput().Index(pulumi.Int(i)),
			DestinationCidrBlock: peerCidr,
			TransitGatewayId:     s.attachment.TransitGatewayId,
		}, append(opts, pulumi.DependsOn([]pulumi.Resource{s.attachment}))...); err != nil {
			return err
		}
	}
	return nil
}

// NewTransitGateway builds both gateways, attaches both VPCs, peers the
// gateways (requested here, accepted through PeerProvider) and routes
// exactly the two VPC CIDRs both ways.
func NewTransitGateway(ctx *pulumi.Context, name string, args TransitGatewayArgs, opts ...pulumi.ResourceOption) (*TransitGateway, error) {
	if err := args.check(); err != nil {
		return nil, err
	}
	c := &TransitGateway{}
	if err := ctx.RegisterComponentResource("kafka-platform:infra:TransitGatewayPeering", name, c, opts...); err != nil {
		return nil, err
	}
	tags := pulumi.ToStringMap(args.Tags)
	self := []pulumi.ResourceOption{pulumi.Parent(c)}
	peer := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.PeerProvider)}
	ownAtPeer := args.ownCidrAtPeer()

	local, err := newGatewaySide(ctx, name, args.Asn, args.VpcID, args.SubnetIDs, tags, self...)
	if err != nil {
		return nil, err
	}
	remote, err := newGatewaySide(ctx, name+"-peer", args.PeerAsn, args.PeerVpcID, args.PeerSubnetIDs, tags, peer...)
	if err != nil {
		return nil, err
	}
	// Same account (no PeerAccountId): the accepter is this program too.
	pa, err := ec2transitgateway.NewPeeringAttachment(ctx, name+"-peering", &ec2transitgateway.PeeringAttachmentArgs{
		TransitGatewayId:     local.gateway.ID().ToStringOutput(),
		PeerTransitGatewayId: remote.gateway.ID().ToStringOutput(),
		PeerRegion:           args.PeerRegion,
		Tags:                 tags,
	}, self...)
	if err != nil {
		return nil, err
	}
	acc, err := ec2transitgateway.NewPeeringAttachmentAccepter(ctx, name+"-peering-accepter", &ec2transitgateway.PeeringAttachmentAccepterArgs{
		TransitGatewayAttachmentId: pa.ID().ToStringOutput(),
		Tags:                       tags,
	}, peer...)
	if err != nil {
		return nil, err
	}
	// Every use of the attachment takes its id from the accepter, so no
	// association or route is attempted while the attachment is pending.
	active := acc.TransitGatewayAttachmentId
	if err := routeGatewaySide(ctx, name, local, active, pulumi.String(args.VpcCidr), args.PeerVpcCidr,
		args.RouteTableIDs, args.RouteTableCount, tags, self...); err != nil {
		return nil, err
	}
	if err := routeGatewaySide(ctx, name+"-peer", remote, active, args.PeerVpcCidr, ownAtPeer,
		args.PeerRouteTableIDs, args.PeerRouteTableCount, tags, peer...); err != nil {
		return nil, err
	}

	c.TransitGatewayID = local.gateway.ID().ToStringOutput()
	c.PeerTransitGatewayID = remote.gateway.ID().ToStringOutput()
	c.PeeringAttachmentID = active
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"transitGatewayId":     c.TransitGatewayID,
		"peerTransitGatewayId": c.PeerTransitGatewayID,
		"peeringAttachmentId":  c.PeeringAttachmentID,
	}); err != nil {
		return nil, err
	}
	return c, nil
}
