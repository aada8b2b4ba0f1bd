package peering

import (
	"net/netip"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/render"
)

const (
	drCidr   = "10.50.0.0/16"
	prodCidr = "10.40.0.0/16"
)

// runWithLink runs build under the mock engine as the DR stack
// (us-west-2) with the link both paths' tests share: DR's VPC (drCidr,
// three private route tables) requesting, prod's (prodCidr, three route
// tables) accepting through a prod-region (us-east-1) provider.
func runWithLink(t *testing.T, build func(ctx *pulumi.Context, l Link) error) (*render.Mocks, error) {
	t.Helper()
	m := render.NewMocks("kafka-platform", "dr", "us-west-2")
	err := m.Run(func(ctx *pulumi.Context) error {
		prov, err := aws.NewProvider(ctx, "prod-region", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		return build(ctx, Link{
			VpcID:               pulumi.String("vpc-dr"),
			VpcCidr:             drCidr,
			RouteTableIDs:       pulumi.ToStringArray([]string{"rtb-dr-a", "rtb-dr-b", "rtb-dr-c"}),
			RouteTableCount:     3,
			PeerVpcID:           pulumi.String("vpc-prod"),
			PeerVpcCidr:         pulumi.String(prodCidr),
			PeerRegion:          pulumi.String("us-east-1"),
			PeerRouteTableIDs:   pulumi.ToStringArray([]string{"rtb-prod-a", "rtb-prod-b", "rtb-prod-c"}),
			PeerRouteTableCount: 3,
			PeerProvider:        prov,
			Tags:                map[string]string{"owner": "kafka-platform"},
		})
	})
	return m, err
}

func runPeering(t *testing.T, mutate func(*Args)) (*render.Mocks, error) {
	t.Helper()
	return runWithLink(t, func(ctx *pulumi.Context, l Link) error {
		a := Args{Link: l}
		if mutate != nil {
			mutate(&a)
		}
		_, err := New(ctx, "kafka-dr-peering", a)
		return err
	})
}

// TestPeeringRoutesExact checks every private route table on each side gets
// exactly one route, to exactly the other VPC's CIDR, through the peering,
// and that the prod side is created through the prod-region provider.
func TestPeeringRoutesExact(t *testing.T) {
	m, err := runPeering(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	pcx := m.ByType("aws:ec2/vpcPeeringConnection:VpcPeeringConnection")
	if len(pcx) != 1 {
		t.Fatalf("want one peering connection, got %d", len(pcx))
	}
	if got := pcx[0].Inputs["peerRegion"]; got != "us-east-1" {
		t.Errorf("peerRegion = %v, want us-east-1", got)
	}
	if got := pcx[0].Inputs["peerVpcId"]; got != "vpc-prod" {
		t.Errorf("peerVpcId = %v", got)
	}
	if _, ok := pcx[0].Inputs["autoAccept"]; ok {
		t.Errorf("requester must not set autoAccept (inter-region peering cannot be auto-accepted)")
	}
	acc := m.ByType("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter")
	if len(acc) != 1 || acc[0].Inputs["autoAccept"] != true || !strings.Contains(acc[0].Provider, "prod-region") {
		t.Fatalf("want one auto-accepting accepter through the prod-region provider, got %+v", acc)
	}
	want := map[string]string{ // route table -> destination
		"rtb-dr-a": prodCidr, "rtb-dr-b": prodCidr, "rtb-dr-c": prodCidr,
		"rtb-prod-a": drCidr, "rtb-prod-b": drCidr, "rtb-prod-c": drCidr,
	}
	got := map[string]string{}
	for _, r := range m.ByType("aws:ec2/route:Route") {
		rt, _ := r.Inputs["routeTableId"].(string)
		dst, _ := r.Inputs["destinationCidrBlock"].(string)
		if _, dup := got[rt]; dup {
			t.Errorf("two routes in %s", rt)
		}
		got[rt] = dst
		if dst == "0.0.0.0/0" || r.Inputs["gatewayId"] != nil || r.Inputs["natGatewayId"] != nil {
			t.Errorf("route %s is not a peering route to a VPC: %v", r.Name, r.Inputs)
		}
		if r.Inputs["vpcPeeringConnectionId"] == nil {
			t.Errorf("route %s has no peering connection", r.Name)
		}
		onProdSide := strings.HasPrefix(rt, "rtb-prod")
		if onProdSide != strings.Contains(r.Provider, "prod-region") {
			t.Errorf("route in %s created through provider %q", rt, r.Provider)
		}
	}
	if len(got) != len(want) {
		t.Errorf("routes in %v, want %v", keys(got), keys(want))
	}
	for rt, dst := range want {
		if got[rt] != dst {
			t.Errorf("route in %s to %q, want %q", rt, got[rt], dst)
		}
	}
	for _, r := range m.Resources() {
		if r.Custom && r.Type != "pulumi:providers:aws" && !strings.Contains(r.Parent, "kafka-platform:infra:Peering") {
			t.Errorf("%s %s is not parented to the component", r.Type, r.Name)
		}
	}
}

func TestPeeringRejectsMissingInputs(t *testing.T) {
	for name, mut := range map[string]func(*Args){
		"no peer provider":  func(a *Args) { a.PeerProvider = nil },
		"no route tables":   func(a *Args) { a.RouteTableCount = 0 },
		"no peer tables":    func(a *Args) { a.PeerRouteTableCount = 0 },
		"no requester cidr": func(a *Args) { a.VpcCidr = "" },
		"no peer vpc cidr":  func(a *Args) { a.PeerVpcCidr = nil },
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := runPeering(t, mut); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

// TestListenerAccessExact: one ingress rule (the listener port from the DR
// CIDR) and one egress rule (the listener port to the own VPC); nothing
// open to the internet, no port ranges.
func TestListenerAccessExact(t *testing.T) {
	m := render.NewMocks("kafka-platform", "prod", "us-east-1")
	err := m.Run(func(ctx *pulumi.Context) error {
		_, err := NewListenerAccess(ctx, "kafka-prod-xregion", ListenerAccessArgs{
			Name: "kafka-prod-kafka-xregion", Tags: map[string]string{"owner": "kafka-platform"},
			VpcID: pulumi.String("vpc-prod"), VpcCidr: netip.MustParsePrefix(prodCidr),
			PeerCidr: netip.MustParsePrefix(drCidr), Port: 9096,
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sgs := m.ByType("aws:ec2/securityGroup:SecurityGroup")
	if len(sgs) != 1 {
		t.Fatalf("want one security group, got %d", len(sgs))
	}
	// The load balancers find the group by this name (annotation).
	tags, _ := sgs[0].Inputs["tags"].(map[string]any)
	if sgs[0].Inputs["name"] != "kafka-prod-kafka-xregion" || tags["Name"] != "kafka-prod-kafka-xregion" || tags["owner"] != "kafka-platform" {
		t.Errorf("security group name/tags = %v / %v", sgs[0].Inputs["name"], tags)
	}
	for _, k := range []string{"ingress", "egress"} {
		if v, ok := sgs[0].Inputs[k]; ok && v != nil {
			if arr, _ := v.([]any); len(arr) > 0 {
				t.Errorf("security group has inline %s rules: %v", k, v)
			}
		}
	}
	type rule struct {
		cidr     string
		from, to float64
		proto    string
	}
	check := func(typ string, want rule) {
		rs := m.ByType(typ)
		if len(rs) != 1 {
			t.Fatalf("%s: want exactly one rule, got %d", typ, len(rs))
		}
		in := rs[0].Inputs
		got := rule{cidr: str(in["cidrIpv4"]), proto: str(in["ipProtocol"])}
		got.from, _ = in["fromPort"].(float64)
		got.to, _ = in["toPort"].(float64)
		if got != want {
			t.Errorf("%s = %+v, want %+v", typ, got, want)
		}
		if in["cidrIpv6"] != nil || in["prefixListId"] != nil || in["referencedSecurityGroupId"] != nil {
			t.Errorf("%s opens more sources than the CIDR: %v", typ, in)
		}
	}
	check("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", rule{drCidr, 9096, 9096, "tcp"})
	check("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", rule{prodCidr, 9096, 9096, "tcp"})
}

func TestListenerAccessRejectsWideOpen(t *testing.T) {
	for name, a := range map[string]ListenerAccessArgs{
		"no name":   {VpcID: pulumi.String("v"), VpcCidr: netip.MustParsePrefix(prodCidr), PeerCidr: netip.MustParsePrefix(drCidr), Port: 9096},
		"internet":  {Name: "n", VpcID: pulumi.String("v"), VpcCidr: netip.MustParsePrefix(prodCidr), PeerCidr: netip.MustParsePrefix("0.0.0.0/0"), Port: 9096},
		"no port":   {Name: "n", VpcID: pulumi.String("v"), VpcCidr: netip.MustParsePrefix(prodCidr), PeerCidr: netip.MustParsePrefix(drCidr)},
		"no source": {Name: "n", VpcID: pulumi.String("v"), VpcCidr: netip.MustParsePrefix(prodCidr), Port: 9096},
	} {
		if err := a.check(); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func str(v any) string { s, _ := v.(string); return s }

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
