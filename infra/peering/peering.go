package peering

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Peering is an accepted inter-region VPC peering connection with routes
// to the other VPC in every private route table of both VPCs.
type Peering struct {
	pulumi.ResourceState

	// ConnectionID is the pcx- id of the peering connection.
	ConnectionID pulumi.StringOutput `pulumi:"connectionId"`
}

// Args configures a Peering. The requester is the stack running it (DR);
// the accepter is the primary, reached through PeerProvider.
type Args struct {
	// VpcID is the requester (DR) VPC.
	VpcID pulumi.StringInput
	// VpcCidr is the requester VPC's CIDR: the destination of the routes added
	// to the peer's route tables.
	VpcCidr string
	// VpcCidrAtPeer is the requester's CIDR as the peer side declares it
	// (the primary's peerVpcCidr, checked by the caller): the destination of
	// the peer-side routes. Nil means VpcCidr.
	VpcCidrAtPeer pulumi.StringInput
	// RouteTableIDs are the requester's private route tables; each gets a
	// route to PeerVpcCidr.
	RouteTableIDs pulumi.StringArrayInput
	// RouteTableCount is how many RouteTableIDs there are (one per zone). It
	// is plain because it decides how many routes exist.
	RouteTableCount int

	// PeerVpcID is the accepter (primary) VPC.
	PeerVpcID pulumi.StringInput
	// PeerVpcCidr is the accepter VPC's CIDR, the destination of the routes in
	// the requester's route tables.
	PeerVpcCidr pulumi.StringInput
	// PeerRegion is the accepter's region (inter-region peering).
	PeerRegion pulumi.StringInput
	// PeerRouteTableIDs are the accepter's private route tables; each gets a
	// route to VpcCidr.
	PeerRouteTableIDs pulumi.StringArrayInput
	// PeerRouteTableCount is how many PeerRouteTableIDs there are.
	PeerRouteTableCount int
	// PeerProvider is an AWS provider for the accepter's region and account:
	// the accepter and the accepter-side routes are created through it.
	PeerProvider pulumi.ProviderResource

	// Tags go on the connection and the accepter (routes take no tags).
	Tags map[string]string
}

func (a Args) check() error {
	switch {
	case a.VpcID == nil || a.PeerVpcID == nil || a.PeerVpcCidr == nil || a.PeerRegion == nil:
		return fmt.Errorf("peering: VpcID, PeerVpcID, PeerVpcCidr and PeerRegion are required")
	case a.VpcCidr == "":
		return fmt.Errorf("peering: VpcCidr is required")
	case a.RouteTableIDs == nil || a.RouteTableCount < 1:
		return fmt.Errorf("peering: RouteTableIDs with RouteTableCount >= 1 are required (got %d)", a.RouteTableCount)
	case a.PeerRouteTableIDs == nil || a.PeerRouteTableCount < 1:
		return fmt.Errorf("peering: PeerRouteTableIDs with PeerRouteTableCount >= 1 are required (got %d)", a.PeerRouteTableCount)
	case a.PeerProvider == nil:
		return fmt.Errorf("peering: PeerProvider (an AWS provider for the peer region) is required")
	}
	return nil
}

// New requests the peering connection from this stack's region, accepts it
// in the peer's and adds the routes on both sides.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Peering, error) {
	if err := args.check(); err != nil {
		return nil, err
	}
	p := &Peering{}
	if err := ctx.RegisterComponentResource("kafka-platform:infra:Peering", name, p, opts...); err != nil {
		return nil, err
	}
	tags := pulumi.ToStringMap(args.Tags)
	// Inter-region peering cannot be auto-accepted by the requester
	// (AutoAccept is same-region only); the accepter resource in the peer
	// region accepts it.
	pcx, err := ec2.NewVpcPeeringConnection(ctx, name, &ec2.VpcPeeringConnectionArgs{
		VpcId:      args.VpcID,
		PeerVpcId:  args.PeerVpcID,
		PeerRegion: args.PeerRegion,
		Tags:       tags,
	}, pulumi.Parent(p))
	if err != nil {
		return nil, err
	}
	acc, err := ec2.NewVpcPeeringConnectionAccepter(ctx, name+"-accepter", &ec2.VpcPeeringConnectionAccepterArgs{
		VpcPeeringConnectionId: pcx.ID().ToStringOutput(),
		AutoAccept:             pulumi.Bool(true),
		Tags:                   tags,
	}, pulumi.Parent(p), pulumi.Provider(args.PeerProvider))
	if err != nil {
		return nil, err
	}
	// Routes take the id from the accepter so that none is created before the
	// connection is active (AWS rejects routes to a pending connection).
	active := acc.VpcPeeringConnectionId
	ownAtPeer := args.VpcCidrAtPeer
	if ownAtPeer == nil {
		ownAtPeer = pulumi.String(args.VpcCidr)
	}
	for i := 0; i < args.RouteTableCount; i++ {
		if _, err := ec2.NewRoute(ctx, fmt.Sprintf("%s-route-%d", name, i), &ec2.RouteArgs{
			RouteTableId:           args.RouteTableIDs.ToStringArrayOutput().Index(pulumi.Int(i)),
			DestinationCidrBlock:   args.PeerVpcCidr,
			VpcPeeringConnectionId: active,
		}, pulumi.Parent(p)); err != nil {
			return nil, err
		}
	}
	for i := 0; i < args.PeerRouteTableCount; i++ {
		if _, err := ec2.NewRoute(ctx, fmt.Sprintf("%s-peer-route-%d", name, i), &ec2.RouteArgs{
			RouteTableId:           args.PeerRouteTableIDs.ToStringArrayOutput().Index(pulumi.Int(i)),
			DestinationCidrBlock:   ownAtPeer,
			VpcPeeringConnectionId: active,
		}, pulumi.Parent(p), pulumi.Provider(args.PeerProvider)); err != nil {
			return nil, err
		}
	}
	p.ConnectionID = active
	if err := ctx.RegisterResourceOutputs(p, pulumi.Map{"connectionId": active}); err != nil {
		return nil, err
	}
	return p, nil
}
