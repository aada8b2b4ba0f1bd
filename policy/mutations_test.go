package policy

import "sort"

// mutation breaks one guarantee of a compliant stack; the rule must then
// report it with a message containing want.
type mutation struct {
	name string
	rule string
	want string
	// apply edits the stack; false means the stack has nothing to mutate.
	apply func(s *stackDoc) bool
}

const (
	kafkaT = "kubernetes:kafka.strimzi.io/v1:Kafka"
	topicT = "kubernetes:kafka.strimzi.io/v1:KafkaTopic"
	userT  = "kubernetes:kafka.strimzi.io/v1:KafkaUser"
	mm2T   = "kubernetes:kafka.strimzi.io/v1:KafkaMirrorMaker2"
	pabT   = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	ownT   = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	sseT   = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	polT   = "aws:s3/bucketPolicy:BucketPolicy"
	bktT   = "aws:s3/bucketV2:BucketV2"
	eksT   = "eks:index:Cluster"
	eksCT  = "aws:eks/cluster:Cluster"
	ltT    = "aws:ec2/launchTemplate:LaunchTemplate"
	sgT    = "aws:ec2/securityGroup:SecurityGroup"
	sgiT   = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	roleT  = "aws:iam/role:Role"
	ngT    = "aws:eks/nodeGroup:NodeGroup"
	subT   = "aws:ec2/subnet:Subnet"
	logT   = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	rtT    = "aws:ec2/route:Route"
	tgwRtT = "aws:ec2transitgateway/route:Route"
	vpcAtT = "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
)

// onFirst applies f to the first resource of typ.
func onFirst(typ string, f func(r map[string]any) bool) func(*stackDoc) bool {
	return func(s *stackDoc) bool {
		r := s.first(typ)
		return r != nil && f(r)
	}
}

// onIRSA applies f to the first web-identity statement of the first role
// that has one.
func onIRSA(f func(st map[string]any) bool) func(*stackDoc) bool {
	return func(s *stackDoc) bool {
		for _, r := range s.ofType(roleT) {
			ok := editJSON(r, "assumeRolePolicy", func(doc map[string]any) bool {
				for _, st := range statementsOf(doc) {
					m, _ := st.(map[string]any)
					if m["Action"] == "sts:AssumeRoleWithWebIdentity" || getIn(m, "Action", 0) == "sts:AssumeRoleWithWebIdentity" {
						return f(m)
					}
				}
				return false
			})
			if ok {
				return true
			}
		}
		return false
	}
}

// onFirstSSE applies f to the first bucket encryption configuration whose
// first rule's default algorithm is alg (aws:kms stands for both KMS forms).
func onFirstSSE(alg string, f func(r map[string]any)) func(*stackDoc) bool {
	return func(s *stackDoc) bool {
		for _, r := range s.ofType(sseT) {
			got, _ := getIn(r, "rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm").(string)
			if got == alg || alg == "aws:kms" && got == "aws:kms:dsse" {
				f(r)
				return true
			}
		}
		return false
	}
}

func condKey(st map[string]any, suffix string) (string, bool) {
	se, _ := getIn(st, "Condition", "StringEquals").(map[string]any)
	for k := range se {
		if len(k) > len(suffix) && k[len(k)-len(suffix):] == suffix {
			return k, true
		}
	}
	return "", false
}

var mutations = []mutation{
	// mTLS
	{"add a plaintext listener", "deny_kafka_listener_mtls", `listener "plain" (port 9092) is plaintext`, onFirst(kafkaT, func(r map[string]any) bool {
		ls, _ := getIn(r, "spec", "kafka", "listeners").([]any)
		setIn(r, append(ls, map[string]any{"name": "plain", "port": 9092, "type": "internal", "tls": false}), "spec", "kafka", "listeners")
		return true
	})},
	{"listener authenticates with SCRAM", "deny_kafka_listener_mtls", `authenticates with "scram-sha-512"`, onFirst(kafkaT, func(r map[string]any) bool {
		if getIn(r, "spec", "kafka", "listeners", 0) == nil {
			return false
		}
		setIn(r, map[string]any{"type": "scram-sha-512"}, "spec", "kafka", "listeners", 0, "authentication")
		return true
	})},
	{"KafkaUser with SCRAM", "deny_kafka_user_tls", `authenticates with "scram-sha-512"`, onFirst(userT, func(r map[string]any) bool {
		setIn(r, "scram-sha-512", "spec", "authentication", "type")
		return true
	})},
	{"MirrorMaker 2 target without TLS", "deny_mirrormaker_tls", "spec.target", onFirst(mm2T, func(r map[string]any) bool {
		setIn(r, nil, "spec", "target", "tls")
		return true
	})},
	{"MirrorMaker 2 source without tls authentication", "deny_mirrormaker_tls", `spec.mirrors[0].source`, onFirst(mm2T, func(r map[string]any) bool {
		if getIn(r, "spec", "mirrors", 0, "source") == nil {
			return false
		}
		setIn(r, nil, "spec", "mirrors", 0, "source", "authentication")
		return true
	})},
	// durability
	{"cluster min.insync.replicas 1", "deny_kafka_durability", "min.insync.replicas is 1", onFirst(kafkaT, func(r map[string]any) bool {
		setIn(r, 1, "spec", "kafka", "config", "min.insync.replicas")
		return true
	})},
	{"cluster default.replication.factor 2", "deny_kafka_durability", "default.replication.factor is 2", onFirst(kafkaT, func(r map[string]any) bool {
		setIn(r, 2, "spec", "kafka", "config", "default.replication.factor")
		return true
	})},
	{"unset transaction.state.log.min.isr", "deny_kafka_durability", "transaction.state.log.min.isr is unset", onFirst(kafkaT, func(r map[string]any) bool {
		setIn(r, nil, "spec", "kafka", "config", "transaction.state.log.min.isr")
		return true
	})},
	{"enable unclean leader election", "deny_kafka_durability", "unclean.leader.election.enable", onFirst(kafkaT, func(r map[string]any) bool {
		setIn(r, "true", "spec", "kafka", "config", "unclean.leader.election.enable")
		return true
	})},
	{"topic replicas 2", "deny_topic_durability", "spec.replicas is 2", onFirst(topicT, func(r map[string]any) bool {
		setIn(r, 2, "spec", "replicas")
		return true
	})},
	{"topic min.insync.replicas 1", "deny_topic_durability", "min.insync.replicas is 1", onFirst(topicT, func(r map[string]any) bool {
		setIn(r, "1", "spec", "config", "min.insync.replicas")
		return true
	})},
	// no public S3
	{"flip a public-access-block flag", "deny_s3_public_access_block", "restrictPublicBuckets is false", onFirst(pabT, func(r map[string]any) bool {
		setIn(r, false, "restrictPublicBuckets")
		return true
	})},
	{"drop a bucket's public-access block", "stack_deny_s3_bucket_guardrails", "has no public-access block", func(s *stackDoc) bool {
		r := s.first(pabT)
		if r == nil {
			return false
		}
		s.remove(r)
		return true
	}},
	{"ownership ObjectWriter", "deny_s3_acl", "objectOwnership is ObjectWriter", onFirst(ownT, func(r map[string]any) bool {
		setIn(r, "ObjectWriter", "rule", "objectOwnership")
		return true
	})},
	{"bucket ACL public-read", "deny_s3_acl", `sets acl "public-read"`, onFirst(bktT, func(r map[string]any) bool {
		setIn(r, "public-read", "acl")
		return true
	})},
	{"bucket policy allows everyone", "deny_s3_public_policy", `allows Principal "*" with no Condition`, onFirst(polT, func(r map[string]any) bool {
		return editJSON(r, "policy", func(doc map[string]any) bool {
			doc["Statement"] = append(statementsOf(doc), map[string]any{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"})
			return true
		})
	})},
	{"no default encryption algorithm", "deny_s3_sse_kms", "uses sseAlgorithm unset", onFirstSSE("aws:kms", func(r map[string]any) {
		setIn(r, nil, "rules", 0, "applyServerSideEncryptionByDefault")
	})},
	{"SSE-S3 on the data bucket", "stack_deny_s3_bucket_guardrails", "has no SSE-KMS default encryption", onFirstSSE("aws:kms", func(r map[string]any) {
		setIn(r, "AES256", "rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm")
		setIn(r, nil, "rules", 0, "applyServerSideEncryptionByDefault", "kmsMasterKeyId")
	})},
	{"SSE-S3 on a bucket outside the stack", "stack_deny_s3_bucket_guardrails", "is not the target of another bucket's server access logging", onFirstSSE("aws:kms", func(r map[string]any) {
		setIn(r, "AES256", "rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm")
		setIn(r, "someone-elses-bucket", "bucket")
		r["dependencies"] = []any{}
	})},
	{"access-log target switched to SSE-KMS", "stack_deny_s3_bucket_guardrails", "has no SSE-S3 (AES256) default encryption", onFirstSSE("AES256", func(r map[string]any) {
		setIn(r, "aws:kms", "rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm")
	})},
	{"access logging removed, log bucket keeps SSE-S3", "stack_deny_s3_bucket_guardrails", "has no SSE-KMS default encryption", func(s *stackDoc) bool {
		ls := s.ofType(logT)
		for _, l := range ls {
			s.remove(l)
		}
		return len(ls) > 0
	}},
	{"access logs of a bucket into itself", "stack_deny_s3_bucket_guardrails", "has no SSE-KMS default encryption", onFirst(logT, func(r map[string]any) bool {
		// A bucket logging into itself is not "another bucket's" target:
		// the SSE-S3 exception must not apply to the log bucket then.
		setIn(r, r["targetBucket"], "bucket")
		return true
	})},
	{"drop the TLS-only statement", "stack_deny_s3_bucket_guardrails", "denying requests without TLS", onFirst(polT, func(r map[string]any) bool {
		return editJSON(r, "policy", func(doc map[string]any) bool {
			var keep []any
			for _, st := range statementsOf(doc) {
				if m, _ := st.(map[string]any); m["Effect"] != "Deny" {
					keep = append(keep, st)
				}
			}
			if len(keep) == len(statementsOf(doc)) {
				return false
			}
			doc["Statement"] = keep
			return true
		})
	})},
	// cluster hardening
	{"public EKS endpoint", "deny_eks_endpoint_private", "the API endpoint is public", onFirst(eksT, func(r map[string]any) bool {
		setIn(r, true, "endpointPublicAccess")
		setIn(r, nil, "publicAccessCidrs")
		return true
	})},
	{"EKS endpoint public to 0.0.0.0/0", "deny_eks_endpoint_private", "0.0.0.0/0", onFirst(eksT, func(r map[string]any) bool {
		setIn(r, true, "endpointPublicAccess")
		setIn(r, []any{"203.0.113.0/24", "0.0.0.0/0"}, "publicAccessCidrs")
		return true
	})},
	{"EKS without Secrets encryption", "deny_eks_secrets_encryption", "no encryptionConfigKeyArn", onFirst(eksT, func(r map[string]any) bool {
		setIn(r, nil, "encryptionConfigKeyArn")
		return true
	})},
	{"launch template allows IMDSv1", "deny_launch_template_hardening", "httpTokens is optional", onFirst(ltT, func(r map[string]any) bool {
		setIn(r, "optional", "metadataOptions", "httpTokens")
		return true
	})},
	{"launch template with an unencrypted volume", "deny_launch_template_hardening", "is not encrypted", onFirst(ltT, func(r map[string]any) bool {
		if getIn(r, "blockDeviceMappings", 0, "ebs") == nil {
			return false
		}
		setIn(r, "false", "blockDeviceMappings", 0, "ebs", "encrypted")
		return true
	})},
	{"security group open to the internet", "deny_security_group_open_ingress", "from 0.0.0.0/0", func(s *stackDoc) bool {
		if r := s.first(sgiT); r != nil {
			setIn(r, "0.0.0.0/0", "cidrIpv4")
			return true
		}
		if r := s.first(sgT); r != nil {
			ing, _ := r["ingress"].([]any)
			setIn(r, append(ing, map[string]any{"protocol": "tcp", "fromPort": 9093, "toPort": 9093, "cidrBlocks": []any{"0.0.0.0/0"}}), "ingress")
			return true
		}
		return false
	}},
	{"security group open to ::/0", "deny_security_group_open_ingress", "from ::/0", func(s *stackDoc) bool {
		r := s.first(sgT)
		if r == nil {
			return false
		}
		ing, _ := r["ingress"].([]any)
		setIn(r, append(ing, map[string]any{"protocol": "-1", "fromPort": 0, "toPort": 0, "ipv6CidrBlocks": []any{"::/0"}}), "ingress")
		return true
	}},
	{"IRSA trust widened to every service account", "deny_irsa_trust", "StringLike on", onIRSA(func(st map[string]any) bool {
		k, ok := condKey(st, ":sub")
		if !ok {
			return false
		}
		se := getIn(st, "Condition", "StringEquals").(map[string]any)
		delete(se, k)
		st["Condition"].(map[string]any)["StringLike"] = map[string]any{k: "system:serviceaccount:*"}
		return true
	})},
	{"IRSA trust without audience", "deny_irsa_trust", "does not require <issuer>:aud = sts.amazonaws.com", onIRSA(func(st map[string]any) bool {
		k, ok := condKey(st, ":aud")
		if !ok {
			return false
		}
		delete(getIn(st, "Condition", "StringEquals").(map[string]any), k)
		return true
	})},
	// availability (stack rule)
	{"rack awareness off", "stack_deny_zone_loss", "rack awareness is off", onFirst(kafkaT, func(r map[string]any) bool {
		setIn(r, nil, "spec", "kafka", "rack")
		return true
	})},
	{"all brokers in two zones", "stack_deny_zone_loss", "brokers are in 2 zones", func(s *stackDoc) bool {
		return twoZones(s, "broker")
	}},
	{"uneven broker split", "stack_deny_zone_loss", "not split evenly", func(s *stackDoc) bool {
		ps := s.pools("broker")
		if len(ps) == 0 {
			return false
		}
		n, _ := getIn(ps[0], "spec", "replicas").(float64)
		setIn(ps[0], n+1, "spec", "replicas")
		return true
	}},
	{"four controllers", "stack_deny_zone_loss", "4 controllers", func(s *stackDoc) bool {
		ps := s.pools("controller")
		if len(ps) == 0 {
			return false
		}
		n, _ := getIn(ps[0], "spec", "replicas").(float64)
		setIn(ps[0], n+1, "spec", "replicas")
		return true
	}},
	{"controllers in two zones", "stack_deny_zone_loss", "below the quorum", func(s *stackDoc) bool {
		return twoZones(s, "controller")
	}},
	{"topic min.insync.replicas equal to replicas", "stack_deny_zone_loss", "below min.insync.replicas 3", onFirst(topicT, func(r map[string]any) bool {
		setIn(r, 3, "spec", "replicas")
		setIn(r, 3, "spec", "config", "min.insync.replicas")
		return true
	})},
}

// onRoute applies f to the first cross-region route of a kind on one side
// of the link: "peering" (VPC route via vpcPeeringConnectionId), "tgw" (VPC
// route via transitGatewayId), "tgw-peer" (transit-gateway route through
// the peering attachment) or "tgw-vpc" (transit-gateway route to its own VPC
// attachment). own picks the side whose VPC is a resource of the stack
// (the route's provider is the VPC's); otherwise the other side.
func onRoute(kind string, own bool, f func(r map[string]any)) func(*stackDoc) bool {
	return func(s *stackDoc) bool {
		vpcSide := map[any]bool{}
		for _, v := range s.ofType("aws:ec2/vpc:Vpc") {
			vpcSide[providerOf(v)] = true
		}
		attachments := map[any]bool{}
		for _, a := range s.ofType(vpcAtT) {
			attachments[a["__urn"]] = true
		}
		for _, r := range s.rs {
			if vpcSide[providerOf(r)] != own || routeKind(r, attachments) != kind {
				continue
			}
			f(r)
			return true
		}
		return false
	}
}

func providerOf(r map[string]any) string {
	p, _ := r["__provider"].(string)
	return p
}

func routeKind(r map[string]any, vpcAttachments map[any]bool) string {
	switch r["__type"] {
	case rtT:
		if x, _ := r["vpcPeeringConnectionId"].(string); x != "" {
			return "peering"
		}
		if x, _ := r["transitGatewayId"].(string); x != "" {
			return "tgw"
		}
	case tgwRtT:
		deps, _ := r["dependencies"].([]any)
		for _, d := range deps {
			if vpcAttachments[d] {
				return "tgw-vpc"
			}
		}
		return "tgw-peer"
	}
	return ""
}

func setDest(cidr string) func(r map[string]any) {
	return func(r map[string]any) { setIn(r, cidr, "destinationCidrBlock") }
}

// routeMutations break "a cross-region route names exactly the peer VPC's
// CIDR" on both network paths (VPC peering, transit gateway).
var routeMutations = []mutation{
	{"peering route to 0.0.0.0/0", "deny_cross_region_route_supernet", "sends 0.0.0.0/0 through VPC peering connection", onRoute("peering", true, setDest("0.0.0.0/0"))},
	{"peer-side peering route to ::/0", "deny_cross_region_route_supernet", "sends ::/0 through VPC peering connection", onRoute("peering", false, func(r map[string]any) {
		setIn(r, "::/0", "destinationIpv6CidrBlock")
	})},
	{"VPC route via TGW to a /7", "deny_cross_region_route_supernet", "sends 10.0.0.0/7 through transit gateway", onRoute("tgw", true, setDest("10.0.0.0/7"))},
	{"TGW route table route to 0.0.0.0/0", "deny_cross_region_route_supernet", "sends 0.0.0.0/0 through transit gateway route table", onRoute("tgw-peer", true, setDest("0.0.0.0/0"))},
	{"TGW route to 10.0.0.0/8 supernet", "stack_deny_cross_region_route_exact", "sends 10.0.0.0/8 through transit gateway route table", onRoute("tgw-peer", true, setDest("10.0.0.0/8"))},
	{"peer-side route to a CIDR that is no VPC of either side", "stack_deny_cross_region_route_exact", "sends 10.99.0.0/16 through VPC peering connection", onRoute("peering", false, setDest("10.99.0.0/16"))},
	{"peering route to a second peer CIDR", "stack_deny_cross_region_route_exact", "10.99.0.0/16", onRoute("peering", true, setDest("10.99.0.0/16"))},
	{"peering route to its own VPC's CIDR", "stack_deny_cross_region_route_exact", "its own VPC's CIDR, through VPC peering connection", func(s *stackDoc) bool {
		v := s.first("aws:ec2/vpc:Vpc")
		return v != nil && onRoute("peering", true, setDest(v["cidrBlock"].(string)))(s)
	}},
	{"VPC route via TGW to a CIDR that is no VPC of either side", "stack_deny_cross_region_route_exact", "sends 10.99.0.0/16 through transit gateway tgw-", onRoute("tgw", true, setDest("10.99.0.0/16"))},
	{"peer-side VPC route via TGW to a CIDR that is no VPC of either side", "stack_deny_cross_region_route_exact", "sends 172.16.0.0/12 through transit gateway tgw-", onRoute("tgw", false, setDest("172.16.0.0/12"))},
	{"TGW route to its own VPC attachment names another CIDR", "stack_deny_cross_region_route_exact", "to its own VPC attachment, but that side's VPC CIDRs are", onRoute("tgw-vpc", true, setDest("10.99.0.0/16"))},
	{"peering route with a prefix-list destination", "stack_deny_cross_region_route_exact", "has no CIDR destination", onRoute("peering", true, func(r map[string]any) {
		setIn(r, nil, "destinationCidrBlock")
		setIn(r, "pl-0123456789abcdef0", "destinationPrefixListId")
	})},
}

func init() { mutations = append(mutations, routeMutations...) }

// twoZones moves the pods of role out of one of their zones: a pinned pool
// is re-pinned to another pool's zone; a spread pool loses one zone's
// subnets from the node groups it selects.
func twoZones(s *stackDoc, role string) bool {
	ps := s.pools(role)
	var pinned []map[string]any
	for _, p := range ps {
		if e := pinnedZoneExpr(p); e != nil {
			if vs, _ := e["values"].([]any); len(vs) == 1 {
				pinned = append(pinned, e)
			}
		}
	}
	if len(pinned) >= 3 {
		for _, e := range pinned {
			if e["values"].([]any)[0] == pinned[len(pinned)-1]["values"].([]any)[0] {
				e["values"] = []any{pinned[0]["values"].([]any)[0]}
			}
		}
		// __properties shares no maps with the overlay after a JSON clone,
		// so mirror the change there too.
		for _, p := range ps {
			if props, ok := p["__properties"].(map[string]any); ok {
				props["spec"] = p["spec"]
			}
		}
		return true
	}
	// spread: move the role's node groups out of one zone, into another zone
	// the role already uses (whether each group spans all zones or, as in the
	// real stacks, each sits in its own zone's subnet).
	zoneOf := map[string]string{}
	for _, sub := range s.ofType(subT) {
		z, _ := sub["availabilityZone"].(string)
		if z == "" {
			z, _ = sub["availabilityZoneId"].(string)
		}
		zoneOf[sub["__urn"].(string)] = z
	}
	var groups []map[string]any
	subnetIn := map[string]string{} // zone -> a subnet URN the role uses there
	var zones []string
	for _, ng := range s.ofType(ngT) {
		if getIn(ng, "labels", "kafka-platform/role") != role {
			continue
		}
		groups = append(groups, ng)
		deps, _ := ng["dependencies"].([]any)
		for _, d := range deps {
			z, ok := zoneOf[d.(string)]
			if !ok {
				continue
			}
			if _, seen := subnetIn[z]; !seen {
				subnetIn[z] = d.(string)
				zones = append(zones, z)
			}
		}
	}
	if len(zones) < 2 {
		return false
	}
	sort.Strings(zones)
	from, to := zones[len(zones)-1], zones[0]
	changed := false
	for _, ng := range groups {
		deps, _ := ng["dependencies"].([]any)
		var out []any
		seen := map[string]bool{}
		for _, d := range deps {
			u := d.(string)
			if zoneOf[u] == from {
				u, changed = subnetIn[to], true
			}
			if !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
		ng["dependencies"] = out
	}
	return changed
}
