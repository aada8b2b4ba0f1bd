package policy

import (
	"context"
	"strings"
	"testing"
)

// TestCrossRegionRoutes: the two route rules and their warning on small
// hand-built stacks - boundaries (/8 passes the per-resource rule, /7 does
// not), what is not a cross-region route (NAT default, blackhole), the
// one-peer-CIDR check when the peer VPC is not in the stack, and unknowns
// (skipped by the mandatory rule, reported by the warning).
func TestCrossRegionRoutes(t *testing.T) {
	p := mustLoad(t).Only("deny_cross_region_route_supernet", "stack_deny_cross_region_route_exact", "stack_warn_unverifiable_policy")
	const peer = "urn:pulumi:t::p::pulumi:providers:aws::peer::id"
	const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9" // the engine's unknown sentinel
	vpc := func(cidr string) map[string]any {
		return map[string]any{"__type": "aws:ec2/vpc:Vpc", "__name": "vpc", "__urn": "urn:vpc", "__provider": "", "cidrBlock": cidr}
	}
	route := func(name, provider string, kv ...string) map[string]any {
		r := map[string]any{"__type": "aws:ec2/route:Route", "__name": name, "__urn": "urn:" + name, "__provider": provider}
		for i := 0; i+1 < len(kv); i += 2 {
			r[kv[i]] = kv[i+1]
		}
		return r
	}
	cases := []struct {
		name      string
		resources []map[string]any
		// want: rule -> a substring of one of its messages; an empty map
		// means no message from any of the three rules.
		want map[string]string
	}{
		{"exact peering both sides", []map[string]any{vpc("10.0.0.0/16"),
			route("r", "", "destinationCidrBlock", "10.1.0.0/16", "vpcPeeringConnectionId", "pcx-1"),
			route("pr", peer, "destinationCidrBlock", "10.0.0.0/16", "vpcPeeringConnectionId", "pcx-1")}, nil},
		{"NAT default route is not cross-region", []map[string]any{vpc("10.0.0.0/16"),
			route("nat", "", "destinationCidrBlock", "0.0.0.0/0", "natGatewayId", "nat-1")}, nil},
		{"blackhole TGW route is not cross-region", []map[string]any{vpc("10.0.0.0/16"),
			{"__type": tgwRtT, "__name": "bh", "__urn": "urn:bh", "__provider": "", "destinationCidrBlock": "0.0.0.0/0", "blackhole": true}}, nil},
		{"/8 via peering: not too wide, but no VPC", []map[string]any{vpc("10.0.0.0/16"),
			route("pr", peer, "destinationCidrBlock", "10.0.0.0/8", "vpcPeeringConnectionId", "pcx-1")},
			map[string]string{"stack_deny_cross_region_route_exact": "sends 10.0.0.0/8 through VPC peering connection pcx-1, but the VPC CIDRs on the other side"}},
		{"/7 via transit gateway", []map[string]any{vpc("10.0.0.0/16"),
			route("r", "", "destinationCidrBlock", "10.0.0.0/7", "transitGatewayId", "tgw-1")},
			map[string]string{"deny_cross_region_route_supernet": "route r sends 10.0.0.0/7 through transit gateway tgw-1"}},
		{"two peer CIDRs, peer VPC not in the stack", []map[string]any{vpc("10.0.0.0/16"),
			route("r0", "", "destinationCidrBlock", "10.1.0.0/16", "vpcPeeringConnectionId", "pcx-1"),
			route("r1", "", "destinationCidrBlock", "10.2.0.0/16", "vpcPeeringConnectionId", "pcx-1")},
			map[string]string{"stack_deny_cross_region_route_exact": `name 2 different peer CIDRs ["10.1.0.0/16", "10.2.0.0/16"]`}},
		{"unknown destination: warned, not denied", []map[string]any{vpc("10.0.0.0/16"),
			route("pr", peer, "destinationCidrBlock", unknown, "vpcPeeringConnectionId", "pcx-1")},
			map[string]string{"stack_warn_unverifiable_policy": "aws:ec2/route:Route pr: its destination is not known before apply"}},
		{"unknown VPC CIDR: warned, not denied", []map[string]any{vpc(unknown),
			route("pr", peer, "destinationCidrBlock", "10.9.0.0/16", "vpcPeeringConnectionId", "pcx-1")},
			map[string]string{"stack_warn_unverifiable_policy": "aws:ec2/vpc:Vpc vpc: cidrBlock is not known before apply"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := p.Evaluate(context.Background(), c.resources)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range rep.Violations {
				if want, ok := c.want[v.Rule]; !ok || !strings.Contains(v.Message, want) {
					t.Errorf("unexpected [%s] %s", v.Rule, v.Message)
				}
			}
			for rule, want := range c.want {
				found := false
				for _, v := range rep.ByRule(rule) {
					found = found || strings.Contains(v.Message, want)
				}
				if !found {
					t.Errorf("%s did not report %q; got:%s", rule, want, describe(rep.Violations))
				}
			}
		})
	}
}
