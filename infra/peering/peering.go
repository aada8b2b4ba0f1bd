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

// Args configures a Peering: the Link, nothing more. The requester is the
// stack running it (DR); the accepter is the primary, reached through
// PeerProvider. The connection and its accepter carry Tags.
type Args struct {
	Link
}

func (a Args) check() error {
	if err := a.Link.check(); err != nil {
		return fmt.Errorf("peering: %w", err)
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
	ownAtPeer := args.ownCidrAtPeer()
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
