package vpc

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/iampolicy"
	"github.com/tradingfirm/kafka-platform/internal/render"
	"github.com/tradingfirm/kafka-platform/internal/render/rendertest"
)

const (
	tSubnet   = "aws:ec2/subnet:Subnet"
	tRT       = "aws:ec2/routeTable:RouteTable"
	tRoute    = "aws:ec2/route:Route"
	tRTA      = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	tNAT      = "aws:ec2/natGateway:NatGateway"
	tEndpoint = "aws:ec2/vpcEndpoint:VpcEndpoint"
	tSG       = "aws:ec2/securityGroup:SecurityGroup"
	tFlowLog  = "aws:ec2/flowLog:FlowLog"
	tLogGroup = "aws:cloudwatch/logGroup:LogGroup"
	tRole     = "aws:iam/role:Role"
	tKey      = "aws:kms/key:Key"
)

func testArgs(zoneIDs bool) Args {
	azs := []string{"us-east-1a", "us-east-1b", "us-east-1c"}
	if zoneIDs {
		azs = []string{"use1-az1", "use1-az2", "use1-az4"}
	}
	p := netip.MustParsePrefix
	return Args{
		Name:                 "kafka-test",
		Cidr:                 p("10.40.0.0/16"),
		AZs:                  azs,
		ZoneIDs:              zoneIDs,
		PrivateSubnets:       []netip.Prefix{p("10.40.0.0/18"), p("10.40.64.0/18"), p("10.40.128.0/18")},
		PublicSubnets:        []netip.Prefix{p("10.40.192.0/22"), p("10.40.196.0/22"), p("10.40.200.0/22")},
		FlowLogRetentionDays: 365,
		Tags:                 map[string]string{"owner": "kafka-platform"},
	}
}

func tags(r *render.Resource) map[string]any {
	t, _ := r.Inputs["tags"].(map[string]any)
	return t
}

func TestSubnetsOnePerZoneWithConfiguredCIDRs(t *testing.T) {
	for _, zoneIDs := range []bool{false, true} {
		t.Run(fmt.Sprintf("zoneIDs=%v", zoneIDs), func(t *testing.T) {
			args := testArgs(zoneIDs)
			m := rendertest.Component(t, New, "kafka-test", args)
			subnets := m.ByType(tSubnet)
			if len(subnets) != 6 {
				t.Fatalf("got %d subnets, want 3 private + 3 public", len(subnets))
			}
			// The zone goes in exactly one of the two keys.
			zoneKey, otherKey := "availabilityZone", "availabilityZoneId"
			if zoneIDs {
				zoneKey, otherKey = otherKey, zoneKey
			}
			for _, kind := range []struct {
				name   string
				cidrs  []netip.Prefix
				lbTag  string
				noTag  string
				public bool
			}{
				{"private", args.PrivateSubnets, "kubernetes.io/role/internal-elb", "kubernetes.io/role/elb", false},
				{"public", args.PublicSubnets, "kubernetes.io/role/elb", "kubernetes.io/role/internal-elb", true},
			} {
				seenZones := map[string]bool{}
				for i, az := range args.AZs {
					s := rendertest.MustFind(t, m, tSubnet, fmt.Sprintf("kafka-test-%s-%s", kind.name, az))
					if got := rendertest.Str(s, zoneKey); got != az {
						t.Errorf("%s: %s = %q, want %q", s.Name, zoneKey, got, az)
					}
					if _, ok := s.Inputs[otherKey]; ok {
						t.Errorf("%s: %s set as well as %s; zone IDs and names must not be mixed", s.Name, otherKey, zoneKey)
					}
					seenZones[rendertest.Str(s, zoneKey)] = true
					if got := rendertest.Str(s, "cidrBlock"); got != kind.cidrs[i].String() {
						t.Errorf("%s: cidrBlock %q, want %q", s.Name, got, kind.cidrs[i])
					}
					if got := tags(s)[kind.lbTag]; got != "1" {
						t.Errorf("%s: tag %s = %v, want \"1\"", s.Name, kind.lbTag, got)
					}
					if _, ok := tags(s)[kind.noTag]; ok {
						t.Errorf("%s: has %s, which would put the wrong kind of load balancer here", s.Name, kind.noTag)
					}
					if s.Inputs["mapPublicIpOnLaunch"] != false {
						t.Errorf("%s: mapPublicIpOnLaunch = %v, want false", s.Name, s.Inputs["mapPublicIpOnLaunch"])
					}
				}
				if len(seenZones) != 3 {
					t.Errorf("%s subnets span zones %v, want three distinct", kind.name, seenZones)
				}
			}
		})
	}
}

func TestPrivateRouteTablesUseTheirOwnZonesNAT(t *testing.T) {
	args := testArgs(true)
	m := rendertest.Component(t, New, "kafka-test", args)
	nats := map[string]bool{}
	for _, az := range args.AZs {
		priv := fmt.Sprintf("kafka-test-private-%s", az)
		rtID := rendertest.MustID(t, m, tRT, priv)
		natName := fmt.Sprintf("kafka-test-nat-%s", az)
		natID := rendertest.MustID(t, m, tNAT, natName)
		nats[natID] = true

		route := rendertest.MustFind(t, m, tRoute, priv+"-default")
		if rendertest.Str(route, "routeTableId") != rtID || rendertest.Str(route, "destinationCidrBlock") != "0.0.0.0/0" {
			t.Errorf("%s: route %v is not the default route of %s", az, route.Inputs, priv)
		}
		if got := rendertest.Str(route, "natGatewayId"); got != natID {
			t.Errorf("%s: default route goes to %q, want this zone's NAT %q", az, got, natID)
		}
		// The NAT itself sits in this zone's public subnet.
		nat := rendertest.MustFind(t, m, tNAT, natName)
		if got, want := rendertest.Str(nat, "subnetId"), rendertest.MustID(t, m, tSubnet, fmt.Sprintf("kafka-test-public-%s", az)); got != want {
			t.Errorf("%s: NAT in subnet %q, want this zone's public subnet %q", az, got, want)
		}
		// The private subnet is associated with this zone's table only.
		assoc := rendertest.MustFind(t, m, tRTA, priv)
		if rendertest.Str(assoc, "subnetId") != rendertest.MustID(t, m, tSubnet, priv) || rendertest.Str(assoc, "routeTableId") != rtID {
			t.Errorf("%s: association %v does not tie the private subnet to its zone's table", az, assoc.Inputs)
		}
	}
	if len(nats) != 3 || len(m.ByType(tNAT)) != 3 {
		t.Errorf("want three distinct NAT gateways, got %d", len(m.ByType(tNAT)))
	}
}

func TestS3GatewayEndpointOnEveryPrivateRouteTable(t *testing.T) {
	args := testArgs(false)
	m := rendertest.Component(t, New, "kafka-test", args)
	ep := rendertest.MustFind(t, m, tEndpoint, "kafka-test-s3")
	if rendertest.Str(ep, "vpcEndpointType") != "Gateway" || rendertest.Str(ep, "serviceName") != "com.amazonaws.us-east-1.s3" {
		t.Fatalf("s3 endpoint: %v", ep.Inputs)
	}
	got := map[string]bool{}
	for _, id := range ep.Inputs["routeTableIds"].([]any) {
		got[id.(string)] = true
	}
	for _, az := range args.AZs {
		if id := rendertest.MustID(t, m, tRT, "kafka-test-private-"+az); !got[id] {
			t.Errorf("private route table of %s (%s) is not attached to the S3 gateway endpoint", az, id)
		}
	}
	if len(got) != 3 {
		t.Errorf("s3 endpoint on %d route tables, want the 3 private ones", len(got))
	}
}

func TestInterfaceEndpointsBehindVpcOnlySecurityGroup(t *testing.T) {
	args := testArgs(false)
	m := rendertest.Component(t, New, "kafka-test", args)
	sg := rendertest.MustFind(t, m, tSG, "kafka-test-endpoints")
	sgID := rendertest.MustID(t, m, tSG, "kafka-test-endpoints")
	ingress, _ := sg.Inputs["ingress"].([]any)
	if len(ingress) == 0 {
		t.Fatal("endpoint security group has no ingress")
	}
	for _, r := range ingress {
		rule := r.(map[string]any)
		if rule["protocol"] != "tcp" || rule["fromPort"] != 443.0 || rule["toPort"] != 443.0 {
			t.Errorf("ingress %v is not tcp/443 only", rule)
		}
		cidrs, _ := rule["cidrBlocks"].([]any)
		if len(cidrs) != 1 || cidrs[0] != args.Cidr.String() {
			t.Errorf("ingress from %v, want only the VPC CIDR %s", cidrs, args.Cidr)
		}
		for _, k := range []string{"ipv6CidrBlocks", "securityGroups", "prefixListIds"} {
			if v, ok := rule[k].([]any); ok && len(v) > 0 {
				t.Errorf("ingress also admits %s %v", k, v)
			}
		}
	}
	if b, _ := json.Marshal(sg.Inputs); strings.Contains(string(b), "0.0.0.0/0") || strings.Contains(string(b), "::/0") {
		t.Errorf("endpoint security group mentions an open range: %s", b)
	}
	if e, ok := sg.Inputs["egress"].([]any); ok && len(e) > 0 {
		t.Errorf("endpoint security group has egress %v; endpoints need none", e)
	}

	privIDs := map[string]bool{}
	for _, az := range args.AZs {
		privIDs[rendertest.MustID(t, m, tSubnet, "kafka-test-private-"+az)] = true
	}
	for _, svc := range DefaultInterfaceEndpoints {
		ep := rendertest.MustFind(t, m, tEndpoint, "kafka-test-"+svc)
		if rendertest.Str(ep, "vpcEndpointType") != "Interface" || rendertest.Str(ep, "serviceName") != "com.amazonaws.us-east-1."+svc {
			t.Errorf("%s: %v", svc, ep.Inputs)
		}
		if ep.Inputs["privateDnsEnabled"] != true {
			t.Errorf("%s: private DNS off", svc)
		}
		sgs, _ := ep.Inputs["securityGroupIds"].([]any)
		if len(sgs) != 1 || sgs[0] != sgID {
			t.Errorf("%s: security groups %v, want only %s", svc, sgs, sgID)
		}
		subnets, _ := ep.Inputs["subnetIds"].([]any)
		if len(subnets) != 3 {
			t.Errorf("%s: in %d subnets, want the 3 private ones", svc, len(subnets))
		}
		for _, s := range subnets {
			if !privIDs[s.(string)] {
				t.Errorf("%s: in non-private subnet %v", svc, s)
			}
		}
	}
}

func TestFlowLogsAllTrafficEncryptedWithRetention(t *testing.T) {
	args := testArgs(false)
	args.FlowLogRetentionDays = 731
	m := rendertest.Component(t, New, "kafka-test", args)

	fl := rendertest.MustFind(t, m, tFlowLog, "kafka-test")
	if rendertest.Str(fl, "vpcId") != rendertest.MustID(t, m, "aws:ec2/vpc:Vpc", "kafka-test") {
		t.Errorf("flow log on %q, want the VPC", rendertest.Str(fl, "vpcId"))
	}
	if rendertest.Str(fl, "trafficType") != "ALL" || rendertest.Str(fl, "logDestinationType") != "cloud-watch-logs" {
		t.Errorf("flow log: %v", fl.Inputs)
	}
	lg := rendertest.MustFind(t, m, tLogGroup, "kafka-test-flow-logs")
	if lg.Inputs["retentionInDays"] != 731.0 {
		t.Errorf("retention %v, want 731", lg.Inputs["retentionInDays"])
	}
	wantArn := "arn:aws:logs:us-east-1:000000000000:log-group:/aws/vpc-flow-logs/kafka-test"
	if rendertest.Str(fl, "logDestination") != wantArn {
		t.Errorf("flow log goes to %q, want %q", rendertest.Str(fl, "logDestination"), wantArn)
	}
	key := rendertest.MustFind(t, m, tKey, "kafka-test-flow-logs")
	if !strings.HasPrefix(rendertest.Str(lg, "kmsKeyId"), "arn:aws:kms:") || key.Inputs["enableKeyRotation"] != true {
		t.Errorf("log group key %q, rotation %v", rendertest.Str(lg, "kmsKeyId"), key.Inputs["enableKeyRotation"])
	}
	if !key.Protect || !key.Retain || !lg.Protect || !lg.Retain {
		t.Errorf("flow log key/group not protected and retained: key %v/%v group %v/%v", key.Protect, key.Retain, lg.Protect, lg.Retain)
	}

	// The key lets CloudWatch Logs use it only for this log group.
	kp := rendertest.Policy(t, key.Inputs["policy"])
	var logsStmt *iampolicy.Statement
	for i, s := range kp.Statement {
		if len(s.Principal["Service"]) > 0 {
			logsStmt = &kp.Statement[i]
		}
	}
	if logsStmt == nil || logsStmt.Principal["Service"][0] != "logs.us-east-1.amazonaws.com" ||
		logsStmt.Condition["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"][0] != wantArn {
		t.Errorf("key policy does not tie CloudWatch Logs to the flow log group: %s", rendertest.Str(key, "policy"))
	}

	// The role trusts only the flow logs service of this account.
	role := rendertest.MustFind(t, m, tRole, "kafka-test-flow-logs")
	trust := rendertest.Policy(t, role.Inputs["assumeRolePolicy"])
	if len(trust.Statement) != 1 {
		t.Fatalf("trust has %d statements", len(trust.Statement))
	}
	st := trust.Statement[0]
	if got := st.Principal["Service"]; len(got) != 1 || got[0] != "vpc-flow-logs.amazonaws.com" || len(st.Principal) != 1 {
		t.Errorf("trust principal %v", st.Principal)
	}
	if got := st.Condition["StringEquals"]["aws:SourceAccount"]; len(got) != 1 || got[0] != render.FakeAccountID {
		t.Errorf("trust aws:SourceAccount %v", got)
	}
	if rendertest.Str(fl, "iamRoleArn") != "arn:aws:iam::000000000000:role/"+rendertest.MustID(t, m, tRole, "kafka-test-flow-logs") {
		t.Errorf("flow log role %q", rendertest.Str(fl, "iamRoleArn"))
	}

	// The role may write to that log group and nothing else.
	pol := rendertest.MustFind(t, m, "aws:iam/rolePolicy:RolePolicy", "kafka-test-flow-logs")
	perms := rendertest.Policy(t, pol.Inputs["policy"])
	for _, s := range perms.Statement {
		for _, a := range s.Action {
			if !strings.HasPrefix(a, "logs:") || strings.Contains(a, "*") {
				t.Errorf("flow log role action %q", a)
			}
		}
		for _, r := range s.Resource {
			if r == "*" || !strings.HasPrefix(r, "arn:aws:logs:us-east-1:000000000000:log-group:") {
				t.Errorf("flow log role resource %q", r)
			}
			if strings.Contains(s.Sid, "Write") && !strings.HasPrefix(r, wantArn) {
				t.Errorf("write permission on %q, want only %s", r, wantArn)
			}
		}
	}
}

func TestVpcDNSAndDefaultSecurityGroupLockedDown(t *testing.T) {
	m := rendertest.Component(t, New, "kafka-test", testArgs(false))
	v := rendertest.MustFind(t, m, "aws:ec2/vpc:Vpc", "kafka-test")
	if v.Inputs["enableDnsHostnames"] != true || v.Inputs["enableDnsSupport"] != true {
		t.Errorf("VPC DNS: %v", v.Inputs)
	}
	if rendertest.Str(v, "cidrBlock") != "10.40.0.0/16" || tags(v)["owner"] != "kafka-platform" {
		t.Errorf("VPC: %v", v.Inputs)
	}
	d := rendertest.MustFind(t, m, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "kafka-test-default")
	for _, k := range []string{"ingress", "egress"} {
		if rules, ok := d.Inputs[k].([]any); ok && len(rules) > 0 {
			t.Errorf("default security group keeps %s rules %v", k, rules)
		}
	}
	for _, r := range m.Resources() {
		if r.Type != TypeToken && r.Type != "pulumi:pulumi:Stack" && !strings.HasSuffix(r.Parent, TypeToken+"::kafka-test") {
			t.Errorf("%s %s is not parented to the component (parent %q)", r.Type, r.Name, r.Parent)
		}
	}
}

func TestArgsValidate(t *testing.T) {
	p := netip.MustParsePrefix
	cases := []struct {
		name   string
		mutate func(*Args)
		want   string // substring of the error; "" means valid
	}{
		{"valid", func(*Args) {}, ""},
		{"no name", func(a *Args) { a.Name = "" }, "Name is empty"},
		{"no cidr", func(a *Args) { a.Cidr = netip.Prefix{} }, "Cidr"},
		{"two zones", func(a *Args) { a.AZs = a.AZs[:2] }, "want exactly 3"},
		{"duplicate zone", func(a *Args) { a.AZs = []string{"use1-az1", "use1-az1", "use1-az2"} }, "twice"},
		{"subnet count", func(a *Args) { a.PrivateSubnets = a.PrivateSubnets[:1] }, "PrivateSubnets has 1 CIDRs"},
		{"subnet outside", func(a *Args) { a.PublicSubnets[2] = p("10.41.0.0/24") }, "PublicSubnets[2]"},
		{"subnet wider than vpc", func(a *Args) { a.PublicSubnets[0] = p("10.0.0.0/8") }, "PublicSubnets[0]"},
		{"retention", func(a *Args) { a.FlowLogRetentionDays = 0 }, "FlowLogRetentionDays"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := testArgs(true)
			c.mutate(&a)
			err := a.validate()
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("error %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestNewRejectsBadArgsBeforeCreatingAnything(t *testing.T) {
	m := render.NewMocks("kafka-platform", "test", "us-east-1")
	args := testArgs(false)
	args.AZs = args.AZs[:2]
	err := m.Run(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "kafka-test", args)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "exactly 3") {
		t.Fatalf("err = %v", err)
	}
	for _, r := range m.Resources() {
		if strings.HasPrefix(r.Type, "aws:") {
			t.Errorf("created %s %s despite invalid args", r.Type, r.Name)
		}
	}
}
