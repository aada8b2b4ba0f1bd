package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// AZCount is fixed: three zones is what RF=3 with min ISR 2 needs to survive
// the loss of one zone, and what the controller quorum (3) needs to keep a
// majority when one zone is gone.
const AZCount = 3

var (
	keyVpcCidr = define(Key{Name: "vpcCidr", Type: String, Default: "10.40.0.0/16",
		Description: "IPv4 CIDR of the VPC, /16 to /20. Pods take VPC addresses (VPC CNI), so keep it large. Must not overlap the peer region's VPC."})
	keyAZs = define(Key{Name: "availabilityZones", Type: Array, Default: []string{},
		Description: "Exactly three availability zones, as zone IDs (`use1-az1`, stable across accounts: the same ID is the same data centre everywhere) or zone names (`us-east-1a`, which AWS maps differently per account). Each zone is one Kafka rack."})
	keyPrivateSubnets = define(Key{Name: "privateSubnetCidrs", Type: Array, Default: []string{},
		Description: "Three private subnet CIDRs, one per zone in order. Empty: the first three quarters of the VPC."})
	keyPublicSubnets = define(Key{Name: "publicSubnetCidrs", Type: Array, Default: []string{},
		Description: "Three public subnet CIDRs (NAT gateways only), one per zone in order. Empty: three /22-equivalents from the VPC's last quarter."})
	keyFlowLogRetention = define(Key{Name: "flowLogRetentionDays", Type: Integer, Default: 365,
		Description: "Days VPC flow logs are kept in CloudWatch Logs. 365: a year of network evidence online for a regulated venue; archive beyond that is a records-management decision."})
	keyPeerVpcCidr = define(Key{Name: "peerVpcCidr", Type: String, Default: "",
		Description: "CIDR of the other region's VPC (on prod: the DR VPC). Only this range may reach the cross-region Kafka listener. Empty: no cross-region path."})
)

// NetworkConfig is the VPC layout.
type NetworkConfig struct {
	// VpcCidr is the VPC range.
	VpcCidr netip.Prefix
	// AZs are the three zones, in order; ZoneIDs tells whether they are IDs.
	AZs     []string
	ZoneIDs bool
	// PrivateSubnets and PublicSubnets are per AZ, same order as AZs.
	PrivateSubnets []netip.Prefix
	PublicSubnets  []netip.Prefix
	// FlowLogRetentionDays is the flow log retention.
	FlowLogRetentionDays int
	// PeerVpcCidr is the other region's VPC; invalid (zero) when unset.
	PeerVpcCidr netip.Prefix

	rawVpc, rawPeer       string
	rawPrivate, rawPublic []string
}

var (
	zoneIDRe   = regexp.MustCompile(`^[a-z]{2,5}[0-9]-az[0-9]+$`)
	zoneNameRe = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9][a-z]$`)
)

// validFlowLogRetention are the values CloudWatch Logs accepts.
var validFlowLogRetention = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func (n *NetworkConfig) parse(r *reader) {
	n.rawVpc = r.str(keyVpcCidr)
	n.AZs = r.strings(keyAZs)
	n.rawPrivate = r.strings(keyPrivateSubnets)
	n.rawPublic = r.strings(keyPublicSubnets)
	n.FlowLogRetentionDays = r.integer(keyFlowLogRetention)
	n.rawPeer = r.str(keyPeerVpcCidr)
}

func (n *NetworkConfig) validate(c *Config, p *Problems) {
	vpc, err := netip.ParsePrefix(n.rawVpc)
	switch {
	case err != nil || !vpc.Addr().Is4():
		p.Add(keyVpcCidr.Name, n.rawVpc, "an IPv4 CIDR such as 10.40.0.0/16", "fix the CIDR notation")
		return
	case vpc.Masked() != vpc:
		p.Add(keyVpcCidr.Name, n.rawVpc, "a network address (host bits zero)", "use "+vpc.Masked().String())
		return
	case vpc.Bits() < 16 || vpc.Bits() > 20:
		p.Add(keyVpcCidr.Name, n.rawVpc, "a prefix length from /16 to /20 (AWS allows /16 at most; pods need room)", "pick a /16 to /20")
		return
	}
	n.VpcCidr = vpc

	if len(n.AZs) != AZCount {
		p.Add(keyAZs.Name, strings.Join(n.AZs, ","), fmt.Sprintf("exactly %d zones", AZCount),
			"list three zone IDs of the region, e.g. [use1-az1, use1-az2, use1-az4]")
	}
	ids, names, seen := 0, 0, map[string]bool{}
	for _, az := range n.AZs {
		switch {
		case zoneIDRe.MatchString(az):
			ids++
		case zoneNameRe.MatchString(az):
			names++
			if c.Stack.Region != "" && !strings.HasPrefix(az, c.Stack.Region) {
				p.Add(keyAZs.Name, az, "a zone of region "+c.Stack.Region, "list zones of the stack's region")
			}
		default:
			p.Add(keyAZs.Name, az, "a zone ID (use1-az1) or zone name (us-east-1a)", "fix the zone")
		}
		if seen[az] {
			p.Add(keyAZs.Name, az, "three distinct zones", "remove the duplicate zone")
		}
		seen[az] = true
	}
	if ids > 0 && names > 0 {
		p.Add(keyAZs.Name, strings.Join(n.AZs, ","), "all zone IDs or all zone names", "do not mix IDs and names")
	}
	n.ZoneIDs = ids > 0 && names == 0

	if !containsInt(validFlowLogRetention, n.FlowLogRetentionDays) {
		p.Addf(keyFlowLogRetention.Name, n.FlowLogRetentionDays, fmt.Sprintf("one of %v (CloudWatch Logs retention values)", validFlowLogRetention), "pick the nearest allowed value")
	}

	defPriv, defPub, err := AllocateSubnets(vpc, AZCount)
	if err != nil {
		p.Add(keyVpcCidr.Name, n.rawVpc, err.Error(), "use a larger VPC")
		return
	}
	n.PrivateSubnets = n.subnets(keyPrivateSubnets, n.rawPrivate, defPriv, p)
	n.PublicSubnets = n.subnets(keyPublicSubnets, n.rawPublic, defPub, p)

	all := append(append([]netip.Prefix{}, n.PrivateSubnets...), n.PublicSubnets...)
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			if all[i].IsValid() && all[j].IsValid() && Overlaps(all[i], all[j]) {
				p.Add("privateSubnetCidrs/publicSubnetCidrs", all[i].String()+" ~ "+all[j].String(),
					"non-overlapping subnets", "give every subnet its own range")
			}
		}
	}

	if n.rawPeer != "" {
		peer, err := netip.ParsePrefix(n.rawPeer)
		switch {
		case err != nil || !peer.Addr().Is4() || peer.Masked() != peer:
			p.Add(keyPeerVpcCidr.Name, n.rawPeer, "an IPv4 network CIDR", "fix the CIDR notation")
		case Overlaps(peer, vpc):
			p.Add(keyPeerVpcCidr.Name, n.rawPeer, "a range that does not overlap vpcCidr "+vpc.String(),
				"give each region its own VPC range (peering cannot route overlapping CIDRs)")
		default:
			n.PeerVpcCidr = peer
		}
	}
}

// subnets parses explicit CIDRs or falls back to the allocation.
func (n *NetworkConfig) subnets(k Key, raw []string, def []netip.Prefix, p *Problems) []netip.Prefix {
	if len(raw) == 0 {
		return def
	}
	if len(raw) != AZCount {
		p.Add(k.Name, strings.Join(raw, ","), fmt.Sprintf("exactly %d CIDRs, one per zone", AZCount), "list one CIDR per zone or remove the key")
		return def
	}
	out := make([]netip.Prefix, len(raw))
	for i, s := range raw {
		sp, err := netip.ParsePrefix(s)
		switch {
		case err != nil || !sp.Addr().Is4() || sp.Masked() != sp:
			p.Add(k.Name, s, "an IPv4 network CIDR", "fix the CIDR notation")
		case !Contains(n.VpcCidr, sp):
			p.Add(k.Name, s, "a subnet inside vpcCidr "+n.VpcCidr.String(), "pick a range inside the VPC")
		case sp.Bits() > 28:
			p.Add(k.Name, s, "at most /28 (the smallest AWS subnet)", "use a larger subnet")
		default:
			out[i] = sp
		}
	}
	return out
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
