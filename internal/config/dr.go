package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// NetworkPath is how the DR VPC reaches the primary's cross-region listener.
type NetworkPath string

// The network paths.
const (
	// NetworkPathVpcPeering is an inter-region VPC peering connection: no
	// hourly attachment cost, no bandwidth cap other than the instances', and
	// nothing transitive, which is what a two-VPC path needs.
	NetworkPathVpcPeering NetworkPath = "vpc-peering"
	// NetworkPathTransitGateway is a Transit Gateway in each region, peered
	// (static routes only): an hourly charge per attachment and per GB, but
	// further VPCs join by attaching to a gateway instead of by a full mesh.
	NetworkPathTransitGateway NetworkPath = "transit-gateway"
)

// Defaults with where they come from.
const (
	// DefaultMirroredTopicsPattern matches the durable topics only: the order
	// journal and the risk positions feed (and per-desk children such as
	// orders.journal.desk-a). Market data is ephemeral, re-derivable from the
	// venues, and deliberately not mirrored.
	DefaultMirroredTopicsPattern = `orders\.journal(\..+)?|risk\.positions(\..+)?`
	// DefaultMirrorMakerReplicas is one Connect worker per zone: losing a zone
	// rebalances the tasks onto the other two instead of stopping replication.
	DefaultMirrorMakerReplicas = 3
	// DefaultMirrorMakerTasksMax bounds the MirrorSourceConnector's tasks
	// (each task owns a set of partitions); 2 per worker keeps each worker's
	// consumers busy without oversubscribing its 2 CPUs.
	DefaultMirrorMakerTasksMax = 6
	// DefaultPrimaryTransitGatewayAsn is AWS's default Amazon-side ASN
	// (64512, the first 16-bit private ASN) for the primary's gateway.
	DefaultPrimaryTransitGatewayAsn = 64512
	// DefaultTransitGatewayAsn is the next private ASN for the DR gateway:
	// peering exchanges no BGP today (static routes only), but AWS
	// recommends a unique ASN per peered gateway for future route
	// propagation, and distinct ASNs keep BGP loop prevention from dropping
	// routes if either gateway ever gets a VPN or Direct Connect.
	DefaultTransitGatewayAsn = 64513
)

// Private ASN ranges AWS accepts for a Transit Gateway's Amazon side
// (RFC 6996 private ranges, as the EC2 CreateTransitGateway API documents).
const (
	privateAsn16Min, privateAsn16Max = 64512, 65534
	privateAsn32Min, privateAsn32Max = 4200000000, 4294967294
)

var (
	keyDRNetworkPath = define(Key{Name: "drNetworkPath", Type: String, Default: string(NetworkPathVpcPeering),
		Description: "DR stacks: how the DR VPC reaches the primary's cross-region Kafka listener. `vpc-peering` (default: inter-region VPC peering, routes in every private route table both ways; cheapest and lowest latency for exactly two VPCs) or `transit-gateway` (a Transit Gateway per region, peered, static routes only, no default route table association or propagation; pays off when more VPCs join). Both open only the peer VPC's CIDR."})
	keyTransitGatewayAsn = define(Key{Name: "transitGatewayAsn", Type: Integer, Default: DefaultTransitGatewayAsn,
		Description: "DR stacks with drNetworkPath: transit-gateway: Amazon-side ASN of the DR region's Transit Gateway (private: 64512-65534 or 4200000000-4294967294). Default 64513. Must differ from peerTransitGatewayAsn: peering uses static routes only, but AWS recommends a unique ASN per peered gateway. Changing it replaces the gateway."})
	keyPeerTransitGatewayAsn = define(Key{Name: "peerTransitGatewayAsn", Type: Integer, Default: DefaultPrimaryTransitGatewayAsn,
		Description: "DR stacks with drNetworkPath: transit-gateway: Amazon-side ASN of the primary region's Transit Gateway, which the DR stack creates through its prod-region provider. Default 64512 (AWS's default). Must differ from transitGatewayAsn. Changing it replaces the gateway."})
	keyMirroredTopics = define(Key{Name: "mirroredTopicsPattern", Type: String, Default: DefaultMirroredTopicsPattern,
		Description: "DR stacks: regular expression (Java regex; checked with Go's RE2, so use the common subset: no look-arounds or back-references) of the topics MirrorMaker 2 mirrors from the primary. Default: the durable topics (orders.journal, risk.positions). It must match every durable topic and no ephemeral one (market data): those are re-derivable and would only add lag."})
	keyMirroredGroups = define(Key{Name: "mirroredGroupsPattern", Type: String, Default: ".*",
		Description: "DR stacks: regular expression of the consumer groups whose committed offsets MirrorMaker 2 checkpoints and syncs to the DR cluster (sync.group.offsets.enabled), so they resume near their position after failover. Default: all groups."})
	keyMMReplicas = define(Key{Name: "mirrorMakerReplicas", Type: Integer, Default: DefaultMirrorMakerReplicas,
		Description: "DR stacks: MirrorMaker 2 (Kafka Connect) worker pods. Default 3: one per zone, so a zone loss only rebalances tasks."})
	keyMMTasksMax = define(Key{Name: "mirrorMakerTasksMax", Type: Integer, Default: DefaultMirrorMakerTasksMax,
		Description: "DR stacks: tasksMax of the MirrorSourceConnector (partitions are divided among tasks). Default 6: two per worker. More tasks than mirrored partitions is wasted."})
)

// DRConfig configures the cross-region path and MirrorMaker 2.
type DRConfig struct {
	// NetworkPath is how the DR VPC reaches the primary (vpc-peering or
	// transit-gateway).
	NetworkPath NetworkPath
	// TransitGatewayAsn is the DR gateway's Amazon-side ASN (transit-gateway
	// only).
	TransitGatewayAsn int
	// PeerTransitGatewayAsn is the primary's gateway's Amazon-side ASN
	// (transit-gateway only).
	PeerTransitGatewayAsn int
	// MirroredTopicsPattern is the MM2 topicsPattern (a regex over topic names).
	MirroredTopicsPattern string
	// MirroredGroupsPattern is the MM2 groupsPattern.
	MirroredGroupsPattern string
	// MirrorMakerReplicas is the number of MM2 worker pods.
	MirrorMakerReplicas int
	// MirrorMakerTasksMax is the source connector's tasksMax.
	MirrorMakerTasksMax int
}

func (d *DRConfig) parse(r *reader) {
	d.NetworkPath = NetworkPath(r.str(keyDRNetworkPath))
	d.TransitGatewayAsn = r.integer(keyTransitGatewayAsn)
	d.PeerTransitGatewayAsn = r.integer(keyPeerTransitGatewayAsn)
	d.MirroredTopicsPattern = r.str(keyMirroredTopics)
	d.MirroredGroupsPattern = r.str(keyMirroredGroups)
	d.MirrorMakerReplicas = r.integer(keyMMReplicas)
	d.MirrorMakerTasksMax = r.integer(keyMMTasksMax)
}

func (d *DRConfig) validate(c *Config, p *Problems) {
	switch d.NetworkPath {
	case NetworkPathVpcPeering:
	case NetworkPathTransitGateway:
		d.validateAsns(p)
	default:
		p.Add(keyDRNetworkPath.Name, string(d.NetworkPath), "vpc-peering or transit-gateway",
			"set drNetworkPath: vpc-peering (two VPCs) or transit-gateway (more VPCs will join)")
	}
	if _, err := MirrorPattern(d.MirroredTopicsPattern); err != nil {
		p.Add(keyMirroredTopics.Name, d.MirroredTopicsPattern, "a regular expression in the Java/RE2 common subset ("+err.Error()+")",
			"fix the regex, e.g. "+DefaultMirroredTopicsPattern)
	} else {
		if bad := EphemeralMatches(d.MirroredTopicsPattern, topicsOfClass(c, TopicEphemeral)); len(bad) > 0 {
			p.Add(keyMirroredTopics.Name, d.MirroredTopicsPattern, "a pattern matching no ephemeral topic (it matches "+strings.Join(bad, ", ")+")",
				"narrow the pattern to the durable topics, e.g. "+DefaultMirroredTopicsPattern)
		}
		if missed := Unmatched(d.MirroredTopicsPattern, topicsOfClass(c, TopicDurable)); len(missed) > 0 {
			p.Add(keyMirroredTopics.Name, d.MirroredTopicsPattern, "a pattern matching every durable topic (it misses "+strings.Join(missed, ", ")+")",
				"widen the pattern, e.g. "+DefaultMirroredTopicsPattern)
		}
	}
	if _, err := MirrorPattern(d.MirroredGroupsPattern); err != nil {
		p.Add(keyMirroredGroups.Name, d.MirroredGroupsPattern, "a regular expression in the Java/RE2 common subset ("+err.Error()+")",
			"fix the regex, e.g. .*")
	}
	if d.MirrorMakerReplicas < 1 {
		p.Addf(keyMMReplicas.Name, d.MirrorMakerReplicas, "at least 1", fmt.Sprintf("use %d (one per zone)", DefaultMirrorMakerReplicas))
	}
	if d.MirrorMakerTasksMax < 1 {
		p.Addf(keyMMTasksMax.Name, d.MirrorMakerTasksMax, "at least 1", fmt.Sprintf("use e.g. %d", DefaultMirrorMakerTasksMax))
	}
}

// validateAsns checks the two gateways' ASNs: each private, and distinct.
func (d *DRConfig) validateAsns(p *Problems) {
	ok := true
	for _, c := range []struct {
		key Key
		v   int
		def int
	}{{keyTransitGatewayAsn, d.TransitGatewayAsn, DefaultTransitGatewayAsn}, {keyPeerTransitGatewayAsn, d.PeerTransitGatewayAsn, DefaultPrimaryTransitGatewayAsn}} {
		if !PrivateAsn(c.v) {
			ok = false
			p.Addf(c.key.Name, c.v, fmt.Sprintf("a private ASN (%d-%d or %d-%d)", privateAsn16Min, privateAsn16Max, privateAsn32Min, privateAsn32Max),
				fmt.Sprintf("use e.g. %d", c.def))
		}
	}
	if ok && d.TransitGatewayAsn == d.PeerTransitGatewayAsn {
		p.Addf(keyTransitGatewayAsn.Name, d.TransitGatewayAsn, "an ASN different from "+keyPeerTransitGatewayAsn.FullName()+" (both are "+fmt.Sprint(d.TransitGatewayAsn)+")",
			fmt.Sprintf("give each gateway its own ASN, e.g. transitGatewayAsn %d and peerTransitGatewayAsn %d", DefaultTransitGatewayAsn, DefaultPrimaryTransitGatewayAsn))
	}
}

// PrivateAsn reports whether asn is in a private range a Transit Gateway's
// Amazon side accepts.
func PrivateAsn(asn int) bool {
	return (asn >= privateAsn16Min && asn <= privateAsn16Max) || (asn >= privateAsn32Min && asn <= privateAsn32Max)
}

// MirrorPattern compiles a MirrorMaker topics/groups pattern the way MM2
// applies it: Java's Pattern.matcher(name).matches(), i.e. anchored at both
// ends. Go's RE2 accepts the common subset of Java regex; a pattern using
// Java-only features (look-arounds, back-references, possessive
// quantifiers) is rejected here rather than silently matching differently.
func MirrorPattern(pattern string) (*regexp.Regexp, error) {
	if strings.TrimSpace(pattern) == "" {
		return nil, fmt.Errorf("empty pattern")
	}
	return regexp.Compile(`^(?:` + pattern + `)$`)
}

// EphemeralMatches returns the topics of topics the pattern matches, sorted.
func EphemeralMatches(pattern string, topics []string) []string {
	re, err := MirrorPattern(pattern)
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range topics {
		if re.MatchString(t) {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// Unmatched returns the topics the pattern does not match, sorted.
func Unmatched(pattern string, topics []string) []string {
	re, err := MirrorPattern(pattern)
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range topics {
		if !re.MatchString(t) {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// topicsOfClass lists the configured topics of one class.
func topicsOfClass(c *Config, class TopicClass) []string {
	var out []string
	for _, n := range c.Kafka.TopicNames() {
		if c.Kafka.Topics[n].Class == class {
			out = append(out, n)
		}
	}
	return out
}
