package peering

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/render"
)

const (
	tgwType   = "aws:ec2transitgateway/transitGateway:TransitGateway"
	vpcAtt    = "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
	tgwRT     = "aws:ec2transitgateway/routeTable:RouteTable"
	tgwAssoc  = "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation"
	tgwRoute  = "aws:ec2transitgateway/route:Route"
	peerAtt   = "aws:ec2transitgateway/peeringAttachment:PeeringAttachment"
	peerAccpt = "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter"
)

func runTGW(t *testing.T, mutate func(*TransitGatewayArgs)) (*render.Mocks, error) {
	t.Helper()
	return runWithLink(t, func(ctx *pulumi.Context, l Link) error {
		a := TransitGatewayArgs{
			Link:          l,
			SubnetIDs:     pulumi.ToStringArray([]string{"subnet-dr-a", "subnet-dr-b", "subnet-dr-c"}),
			Asn:           64513,
			PeerSubnetIDs: pulumi.ToStringArray([]string{"subnet-prod-a", "subnet-prod-b", "subnet-prod-c"}),
			PeerAsn:       64512,
		}
		if mutate != nil {
			mutate(&a)
		}
		_, err := NewTransitGateway(ctx, "kafka-dr-tgw", a)
		return err
	})
}

func prodSide(r *render.Resource) bool { return strings.Contains(r.Provider, "prod-region") }

// TestTransitGatewayExact: two gateways (one per region, distinct ASNs,
// no default association/propagation, DNS on), each VPC attached on its
// private subnets, the peering accepted in prod's region, one gateway route
// table per side with exactly {peer CIDR -> peering, own CIDR -> own VPC
// attachment} and both attachments associated, and exactly one route to the
// other VPC in every private route table on both sides.
func TestTransitGatewayExact(t *testing.T) {
	m, err := runTGW(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	gws := m.ByType(tgwType)
	if len(gws) != 2 {
		t.Fatalf("want two gateways, got %d", len(gws))
	}
	gwID := map[bool]string{} // prod side? -> id
	for _, g := range gws {
		in := g.Inputs
		for k, want := range map[string]string{"defaultRouteTableAssociation": "disable", "defaultRouteTablePropagation": "disable", "dnsSupport": "enable", "autoAcceptSharedAttachments": "disable"} {
			if in[k] != want {
				t.Errorf("gateway %s: %s = %v, want %s", g.Name, k, in[k], want)
			}
		}
		wantAsn := map[bool]float64{true: 64512, false: 64513}[prodSide(g)]
		if in["amazonSideAsn"] != wantAsn {
			t.Errorf("gateway %s: ASN %v, want %v", g.Name, in["amazonSideAsn"], wantAsn)
		}
		gwID[prodSide(g)] = id(t, m, tgwType, g.Name)
	}
	if len(gwID) != 2 {
		t.Fatalf("gateways not one per region: %v", gwID)
	}
	attID := map[bool]string{}
	for _, a := range m.ByType(vpcAtt) {
		ps := prodSide(a)
		wantVpc, wantSubnets := "vpc-dr", "subnet-dr-a subnet-dr-b subnet-dr-c"
		if ps {
			wantVpc, wantSubnets = "vpc-prod", "subnet-prod-a subnet-prod-b subnet-prod-c"
		}
		if a.Inputs["vpcId"] != wantVpc || strings.Join(strsOf(a.Inputs["subnetIds"]), " ") != wantSubnets || a.Inputs["transitGatewayId"] != gwID[ps] {
			t.Errorf("attachment %s: %v", a.Name, a.Inputs)
		}
		if a.Inputs["transitGatewayDefaultRouteTableAssociation"] != false || a.Inputs["transitGatewayDefaultRouteTablePropagation"] != false {
			t.Errorf("attachment %s associates/propagates by default: %v", a.Name, a.Inputs)
		}
		attID[ps] = id(t, m, vpcAtt, a.Name)
	}
	if len(attID) != 2 || len(m.ByType(vpcAtt)) != 2 {
		t.Fatalf("want one VPC attachment per region, got %v", attID)
	}

	pa := m.ByType(peerAtt)
	if len(pa) != 1 || prodSide(pa[0]) || pa[0].Inputs["peerRegion"] != "us-east-1" ||
		pa[0].Inputs["transitGatewayId"] != gwID[false] || pa[0].Inputs["peerTransitGatewayId"] != gwID[true] {
		t.Fatalf("want one DR -> prod peering request, got %+v", pa)
	}
	paID := id(t, m, peerAtt, pa[0].Name)
	acc := m.ByType(peerAccpt)
	if len(acc) != 1 || !prodSide(acc[0]) || acc[0].Inputs["transitGatewayAttachmentId"] != paID {
		t.Fatalf("want one accepter in prod's region for %s, got %+v", paID, acc)
	}
	if n := len(m.ByType("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation")); n != 0 {
		t.Errorf("%d propagations; routes must be static only", n)
	}

	rtID := map[bool]string{}
	for _, rt := range m.ByType(tgwRT) {
		if rt.Inputs["transitGatewayId"] != gwID[prodSide(rt)] {
			t.Errorf("gateway route table %s on %v", rt.Name, rt.Inputs["transitGatewayId"])
		}
		rtID[prodSide(rt)] = id(t, m, tgwRT, rt.Name)
	}
	if len(rtID) != 2 || len(m.ByType(tgwRT)) != 2 {
		t.Fatalf("want one gateway route table per side, got %v", rtID)
	}
	assoc := map[string]bool{}
	for _, a := range m.ByType(tgwAssoc) {
		ps := prodSide(a)
		if a.Inputs["transitGatewayRouteTableId"] != rtID[ps] {
			t.Errorf("association %s into %v", a.Name, a.Inputs["transitGatewayRouteTableId"])
		}
		assoc[fmt.Sprintf("%v:%v", ps, a.Inputs["transitGatewayAttachmentId"])] = true
	}
	wantAssoc := map[string]bool{"true:" + attID[true]: true, "true:" + paID: true, "false:" + attID[false]: true, "false:" + paID: true}
	if fmt.Sprint(assoc) != fmt.Sprint(wantAssoc) {
		t.Errorf("associations %v, want %v", assoc, wantAssoc)
	}
	gotTGW := map[string]bool{}
	for _, r := range m.ByType(tgwRoute) {
		ps := prodSide(r)
		if r.Inputs["transitGatewayRouteTableId"] != rtID[ps] || r.Inputs["blackhole"] == true {
			t.Errorf("gateway route %s: %v", r.Name, r.Inputs)
		}
		gotTGW[fmt.Sprintf("%v:%v->%v", ps, r.Inputs["destinationCidrBlock"], r.Inputs["transitGatewayAttachmentId"])] = true
	}
	wantTGW := map[string]bool{
		"false:" + prodCidr + "->" + paID: true, "false:" + drCidr + "->" + attID[false]: true,
		"true:" + drCidr + "->" + paID: true, "true:" + prodCidr + "->" + attID[true]: true,
	}
	if fmt.Sprint(gotTGW) != fmt.Sprint(wantTGW) {
		t.Errorf("gateway routes\n got %v\nwant %v", gotTGW, wantTGW)
	}

	want := map[string]string{
		"rtb-dr-a": prodCidr + " via " + gwID[false], "rtb-dr-b": prodCidr + " via " + gwID[false], "rtb-dr-c": prodCidr + " via " + gwID[false],
		"rtb-prod-a": drCidr + " via " + gwID[true], "rtb-prod-b": drCidr + " via " + gwID[true], "rtb-prod-c": drCidr + " via " + gwID[true],
	}
	got := map[string]string{}
	for _, r := range m.ByType("aws:ec2/route:Route") {
		rt, _ := r.Inputs["routeTableId"].(string)
		if _, dup := got[rt]; dup {
			t.Errorf("two routes in %s", rt)
		}
		got[rt] = fmt.Sprintf("%v via %v", r.Inputs["destinationCidrBlock"], r.Inputs["transitGatewayId"])
		if strings.HasPrefix(rt, "rtb-prod") != prodSide(r) {
			t.Errorf("route in %s created through provider %q", rt, r.Provider)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("VPC routes\n got %v\nwant %v", got, want)
	}
	for _, r := range m.Resources() {
		if r.Custom && r.Type != "pulumi:providers:aws" && !strings.Contains(r.Parent, "kafka-platform:infra:TransitGatewayPeering") {
			t.Errorf("%s %s is not parented to the component", r.Type, r.Name)
		}
	}
}

// TestTransitGatewayPeerSideCidr: the prod-side routes use the CIDR prod
// declares for DR (VpcCidrAtPeer), so a checked output gates them.
func TestTransitGatewayPeerSideCidr(t *testing.T) {
	m, err := runTGW(t, func(a *TransitGatewayArgs) { a.VpcCidrAtPeer = pulumi.String("10.50.0.0/16") })
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range m.ByType("aws:ec2/route:Route") {
		if prodSide(r) && r.Inputs["destinationCidrBlock"] != "10.50.0.0/16" {
			t.Errorf("prod route %s to %v", r.Name, r.Inputs["destinationCidrBlock"])
		}
	}
}

func TestTransitGatewayRejectsMissingInputs(t *testing.T) {
	for name, mut := range map[string]func(*TransitGatewayArgs){
		"no peer provider":  func(a *TransitGatewayArgs) { a.PeerProvider = nil },
		"no route tables":   func(a *TransitGatewayArgs) { a.RouteTableCount = 0 },
		"no peer tables":    func(a *TransitGatewayArgs) { a.PeerRouteTableCount = 0 },
		"no subnets":        func(a *TransitGatewayArgs) { a.SubnetIDs = nil },
		"no peer subnets":   func(a *TransitGatewayArgs) { a.PeerSubnetIDs = nil },
		"no requester cidr": func(a *TransitGatewayArgs) { a.VpcCidr = "" },
		"same asn":          func(a *TransitGatewayArgs) { a.PeerAsn = a.Asn },
		"no asn":            func(a *TransitGatewayArgs) { a.Asn = 0 },
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := runTGW(t, mut); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

func id(t *testing.T, m *render.Mocks, typ, name string) string {
	t.Helper()
	v, ok := m.ID(typ, name)
	if !ok {
		t.Fatalf("no %s %s", typ, name)
	}
	return v
}

func strsOf(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, str(x))
	}
	return out
}

// TestLinkErrorsNamePath: a problem in the shared Link is reported with
// the path that found it, as before the Link was shared.
func TestLinkErrorsNamePath(t *testing.T) {
	peeringErr := Args{Link: Link{VpcID: pulumi.String("vpc-dr")}}.check()
	tgwErr := TransitGatewayArgs{Link: Link{VpcID: pulumi.String("vpc-dr")}}.check()
	const missing = "VpcID, PeerVpcID, PeerVpcCidr and PeerRegion are required"
	if peeringErr == nil || peeringErr.Error() != "peering: "+missing {
		t.Errorf("peering: %v", peeringErr)
	}
	if tgwErr == nil || tgwErr.Error() != "peering: transit gateway: "+missing {
		t.Errorf("transit gateway: %v", tgwErr)
	}
}
