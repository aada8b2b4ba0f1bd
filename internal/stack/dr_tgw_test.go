package stack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/tradingfirm/kafka-platform/internal/config"
	"github.com/tradingfirm/kafka-platform/internal/offline"
	"github.com/tradingfirm/kafka-platform/internal/render"
	"github.com/tradingfirm/kafka-platform/policy"
)

// TestDRTransitGatewayExact: with drNetworkPath: transit-gateway the DR
// stack builds a gateway per region (default association and propagation
// off, DNS on, distinct configured ASNs), attaches each VPC on its private
// subnets, peers DR -> prod with the accepter in prod's region, gives each
// gateway exactly two static routes, and routes exactly the other VPC's
// CIDR from every private route table on both sides; no VPC peering.
func TestDRTransitGatewayExact(t *testing.T) {
	p, d := renderTGW(t)
	peerAWS := prodRegionProvider(t, p, d)
	side := func(r *render.Resource) string {
		if onProvider(r, peerAWS) {
			return "prod"
		}
		return "dr"
	}
	if n := len(resourcesOf(d, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection")); n != 0 || d.Outputs["peeringConnectionId"] != nil {
		t.Errorf("transit-gateway variant still builds %d VPC peerings (output %v)", n, d.Outputs["peeringConnectionId"])
	}

	// The render holds no resource ids; the outputs name the gateways and
	// the peering attachment, and every other id is cross-checked by use.
	gw := map[string]string{"dr": str(d.Outputs["transitGatewayId"]), "prod": str(d.Outputs["peerTransitGatewayId"])}
	if !strings.HasPrefix(gw["dr"], "tgw-") || !strings.HasPrefix(gw["prod"], "tgw-") || gw["dr"] == gw["prod"] {
		t.Fatalf("gateway outputs %v", gw)
	}
	gws := map[string]int{}
	for _, g := range resourcesOf(d, "aws:ec2transitgateway/transitGateway:TransitGateway") {
		in := g.Inputs
		if in["defaultRouteTableAssociation"] != "disable" || in["defaultRouteTablePropagation"] != "disable" || in["dnsSupport"] != "enable" {
			t.Errorf("%s gateway %s: %v", side(g), g.Name, in)
		}
		wantAsn := map[string]int{"prod": d.Config.DR.PeerTransitGatewayAsn, "dr": d.Config.DR.TransitGatewayAsn}[side(g)]
		if in["amazonSideAsn"] != float64(wantAsn) {
			t.Errorf("%s gateway ASN %v, want %d", side(g), in["amazonSideAsn"], wantAsn)
		}
		gws[side(g)]++
	}
	if gws["dr"] != 1 || gws["prod"] != 1 {
		t.Fatalf("gateways per side %v, want one each", gws)
	}

	atts := map[string]int{}
	for _, a := range resourcesOf(d, "aws:ec2transitgateway/vpcAttachment:VpcAttachment") {
		s := side(a)
		src := map[string]*offline.Rendered{"prod": p, "dr": d}[s]
		if a.Inputs["vpcId"] != src.Outputs["vpcId"] || !reflect.DeepEqual(strs(a.Inputs["subnetIds"]), strs(src.Outputs["privateSubnetIds"])) ||
			len(strs(a.Inputs["subnetIds"])) != config.AZCount || a.Inputs["transitGatewayId"] != gw[s] {
			t.Errorf("%s attachment: vpc %v subnets %v gw %v; want %v %v %v", s, a.Inputs["vpcId"], a.Inputs["subnetIds"], a.Inputs["transitGatewayId"],
				src.Outputs["vpcId"], src.Outputs["privateSubnetIds"], gw[s])
		}
		if a.Inputs["transitGatewayDefaultRouteTableAssociation"] != false || a.Inputs["transitGatewayDefaultRouteTablePropagation"] != false {
			t.Errorf("%s attachment uses default tables: %v", s, a.Inputs)
		}
		atts[s]++
	}
	if atts["dr"] != 1 || atts["prod"] != 1 {
		t.Fatalf("VPC attachments per side %v", atts)
	}

	req := one(t, d, "aws:ec2transitgateway/peeringAttachment:PeeringAttachment")
	if side(req) != "dr" || req.Inputs["transitGatewayId"] != gw["dr"] || req.Inputs["peerTransitGatewayId"] != gw["prod"] || req.Inputs["peerRegion"] != p.Outputs["region"] {
		t.Errorf("peering request %s: %v", side(req), req.Inputs)
	}
	acc := one(t, d, "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter")
	pa := str(d.Outputs["transitGatewayPeeringAttachmentId"])
	if side(acc) != "prod" || acc.Inputs["transitGatewayAttachmentId"] != pa || !strings.HasPrefix(pa, "tgw-attach-") {
		t.Errorf("accepter %s: %v, want prod accepting %s", side(acc), acc.Inputs, pa)
	}
	if n := len(resourcesOf(d, "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation")); n != 0 {
		t.Errorf("%d route propagations; routes must be static", n)
	}

	rts := map[string]int{}
	for _, x := range resourcesOf(d, "aws:ec2transitgateway/routeTable:RouteTable") {
		if x.Inputs["transitGatewayId"] != gw[side(x)] {
			t.Errorf("%s gateway route table on %v", side(x), x.Inputs["transitGatewayId"])
		}
		rts[side(x)]++
	}
	if rts["dr"] != 1 || rts["prod"] != 1 {
		t.Fatalf("gateway route tables per side %v", rts)
	}
	// Per side: the one table every association and route uses, and the
	// VPC attachment (the associated attachment that is not the peering).
	table, vpcAtt := map[string]string{}, map[string]string{}
	useTable := func(s string, id any) {
		if table[s] == "" {
			table[s] = str(id)
		}
		if id != table[s] || !strings.HasPrefix(table[s], "tgw-rtb-") {
			t.Errorf("%s uses gateway route tables %v and %v", s, table[s], id)
		}
	}
	var assoc, tgwRoutes []string
	for _, x := range resourcesOf(d, "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation") {
		useTable(side(x), x.Inputs["transitGatewayRouteTableId"])
		a := str(x.Inputs["transitGatewayAttachmentId"])
		if a != pa {
			vpcAtt[side(x)] = a
			a = "vpc-attachment"
		} else {
			a = "peering"
		}
		assoc = append(assoc, side(x)+" "+a)
	}
	for _, x := range resourcesOf(d, "aws:ec2transitgateway/route:Route") {
		useTable(side(x), x.Inputs["transitGatewayRouteTableId"])
		if x.Inputs["blackhole"] == true {
			t.Errorf("blackhole route %s", x.Name)
		}
		target := map[bool]string{true: "peering", false: "?" + str(x.Inputs["transitGatewayAttachmentId"])}[x.Inputs["transitGatewayAttachmentId"] == pa]
		if x.Inputs["transitGatewayAttachmentId"] == vpcAtt[side(x)] && vpcAtt[side(x)] != "" {
			target = "vpc-attachment"
		}
		tgwRoutes = append(tgwRoutes, fmt.Sprintf("%s %v -> %s", side(x), x.Inputs["destinationCidrBlock"], target))
	}
	prodCidr, drCidr := p.Config.Network.VpcCidr.String(), d.Config.Network.VpcCidr.String()
	wantAssoc := []string{"dr peering", "dr vpc-attachment", "prod peering", "prod vpc-attachment"}
	wantRoutes := []string{
		"dr " + prodCidr + " -> peering", "dr " + drCidr + " -> vpc-attachment",
		"prod " + drCidr + " -> peering", "prod " + prodCidr + " -> vpc-attachment",
	}
	for _, xs := range [][]string{assoc, tgwRoutes, wantAssoc, wantRoutes} {
		sort.Strings(xs)
	}
	if !reflect.DeepEqual(assoc, wantAssoc) || vpcAtt["dr"] == vpcAtt["prod"] {
		t.Errorf("gateway route table associations\n got %v (vpc attachments %v)\nwant %v", assoc, vpcAtt, wantAssoc)
	}
	if !reflect.DeepEqual(tgwRoutes, wantRoutes) {
		t.Errorf("gateway routes\n got %v\nwant %v", tgwRoutes, wantRoutes)
	}

	var vpcRoutes, wantVPC []string
	for _, r := range resourcesOf(d, "aws:ec2/route:Route") {
		if r.Inputs["vpcPeeringConnectionId"] != nil {
			t.Errorf("route %s rides a VPC peering", r.Name)
		}
		if r.Inputs["transitGatewayId"] == nil {
			continue
		}
		if r.Inputs["destinationCidrBlock"] == "0.0.0.0/0" {
			t.Errorf("default route via the gateway: %s", r.Name)
		}
		vpcRoutes = append(vpcRoutes, fmt.Sprintf("%s %v %v via %v", side(r), r.Inputs["routeTableId"], r.Inputs["destinationCidrBlock"], r.Inputs["transitGatewayId"]))
	}
	for _, t := range strs(p.Outputs["privateRouteTableIds"]) {
		wantVPC = append(wantVPC, fmt.Sprintf("prod %s %s via %s", t, drCidr, gw["prod"]))
	}
	for _, t := range strs(d.Outputs["privateRouteTableIds"]) {
		wantVPC = append(wantVPC, fmt.Sprintf("dr %s %s via %s", t, prodCidr, gw["dr"]))
	}
	sort.Strings(vpcRoutes)
	sort.Strings(wantVPC)
	if len(wantVPC) != 2*config.AZCount || !reflect.DeepEqual(vpcRoutes, wantVPC) {
		t.Errorf("VPC routes via the gateways\n got %v\nwant %v", vpcRoutes, wantVPC)
	}
}

// TestDRNetworkPathsBuildOnlyTheirOwn: the peering variant builds no
// Transit Gateway resource.
func TestDRNetworkPathsBuildOnlyTheirOwn(t *testing.T) {
	_, d := renderBoth(t)
	for _, r := range d.Resources {
		if strings.HasPrefix(r.Type, "aws:ec2transitgateway/") {
			t.Errorf("vpc-peering render has %s %s", r.Type, r.Name)
		}
	}
	if d.Outputs["transitGatewayId"] != nil {
		t.Errorf("vpc-peering render exports transitGatewayId %v", d.Outputs["transitGatewayId"])
	}
}

// TestProdExportsPeerVpcCidr: prod tells DR which VPC it admits.
func TestProdExportsPeerVpcCidr(t *testing.T) {
	p, d := renderBoth(t)
	if p.Outputs["peerVpcCidr"] != d.Config.Network.VpcCidr.String() {
		t.Errorf("prod peerVpcCidr output %v, want DR's vpcCidr %s", p.Outputs["peerVpcCidr"], d.Config.Network.VpcCidr)
	}
}

// TestDRTransitGatewayPassesPolicy: the transit-gateway render has no
// mandatory policy violation.
func TestDRTransitGatewayPassesPolicy(t *testing.T) {
	_, d := renderTGW(t)
	pack, err := policy.Load()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(d.AnalyzerInputs())
	if err != nil {
		t.Fatal(err)
	}
	var rs []map[string]any
	if err := json.Unmarshal(b, &rs); err != nil {
		t.Fatal(err)
	}
	rep, err := pack.Evaluate(context.Background(), rs)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range rep.Mandatory() {
		t.Errorf("%s: %s: %s", v.Rule, v.Name, v.Message)
	}
	if rep.Resources < 100 {
		t.Errorf("policy saw %d resources", rep.Resources)
	}
}

// TestDRTransitGatewayRejectsInconsistentProd: the transit-gateway path
// fails on what it reads from prod like the peering path, and on prod's
// subnets, which only it reads.
func TestDRTransitGatewayRejectsInconsistentProd(t *testing.T) {
	renderTGW(t)
	checkRejectsInconsistentProd(t, tgwDir, map[string]prodChange{
		"prod subnets missing":       {"privateSubnetIds", []any{"subnet-1", ""}, "privateSubnetIds"},
		"prod admits another DR VPC": {"peerVpcCidr", "10.99.0.0/16", "kafka-platform:peerVpcCidr"},
		"prod VPC is not ours":       {"vpcCidr", "10.99.0.0/16", "peerVpcCidr"},
	})
}
