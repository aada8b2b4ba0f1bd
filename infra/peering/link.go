package peering

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Link is what both network paths (VPC peering and Transit Gateway)
// connect: the requester VPC (the stack running it, DR), the accepter VPC
// (the primary, reached through PeerProvider) and the private route tables
// on each side that get a route to the other VPC. Args and
// TransitGatewayArgs embed it, so its fields read as theirs; the stack
// builds it once and hands it to whichever path config selects.
type Link struct {
	// VpcID is the requester (DR) VPC.
	VpcID pulumi.StringInput
	// VpcCidr is the requester VPC's CIDR: the destination of the routes
	// the peer side adds (unless VpcCidrAtPeer is set) and, on the Transit
	// Gateway path, what the requester's gateway route table sends to the
	// VPC attachment.
	VpcCidr string
	// VpcCidrAtPeer is the requester's CIDR as the peer side declares it
	// (the primary's peerVpcCidr, checked by the caller): the destination of
	// the peer-side routes, so a checked output gates them. Nil means
	// VpcCidr.
	VpcCidrAtPeer pulumi.StringInput
	// RouteTableIDs are the requester's private route tables; each gets one
	// route to PeerVpcCidr.
	RouteTableIDs pulumi.StringArrayInput
	// RouteTableCount is how many RouteTableIDs there are (one per zone). It
	// is plain because it decides how many routes exist.
	RouteTableCount int

	// PeerVpcID is the accepter (primary) VPC.
	PeerVpcID pulumi.StringInput
	// PeerVpcCidr is the accepter VPC's CIDR, the destination of the routes
	// in the requester's route tables.
	PeerVpcCidr pulumi.StringInput
	// PeerRegion is the accepter's region (the paths are inter-region).
	PeerRegion pulumi.StringInput
	// PeerRouteTableIDs are the accepter's private route tables; each gets
	// one route to VpcCidrAtPeer.
	PeerRouteTableIDs pulumi.StringArrayInput
	// PeerRouteTableCount is how many PeerRouteTableIDs there are.
	PeerRouteTableCount int
	// PeerProvider is an AWS provider for the accepter's region and account:
	// every accepter-side resource is created through it.
	PeerProvider pulumi.ProviderResource

	// Tags go on every taggable resource the path creates (routes and
	// gateway route table associations take none).
	Tags map[string]string
}

// check reports the first missing part of the link. The error carries no
// package prefix: each path adds its own.
func (l Link) check() error {
	switch {
	case l.VpcID == nil || l.PeerVpcID == nil || l.PeerVpcCidr == nil || l.PeerRegion == nil:
		return fmt.Errorf("VpcID, PeerVpcID, PeerVpcCidr and PeerRegion are required")
	case l.VpcCidr == "":
		return fmt.Errorf("VpcCidr is required")
	case l.RouteTableIDs == nil || l.RouteTableCount < 1:
		return fmt.Errorf("RouteTableIDs with RouteTableCount >= 1 are required (got %d)", l.RouteTableCount)
	case l.PeerRouteTableIDs == nil || l.PeerRouteTableCount < 1:
		return fmt.Errorf("PeerRouteTableIDs with PeerRouteTableCount >= 1 are required (got %d)", l.PeerRouteTableCount)
	case l.PeerProvider == nil:
		return fmt.Errorf("PeerProvider (an AWS provider for the peer region) is required")
	}
	return nil
}

// ownCidrAtPeer is the destination of the peer-side routes to the
// requester VPC: VpcCidrAtPeer, or VpcCidr when it is nil.
func (l Link) ownCidrAtPeer() pulumi.StringInput {
	if l.VpcCidrAtPeer == nil {
		return pulumi.String(l.VpcCidr)
	}
	return l.VpcCidrAtPeer
}
