package kafka_platform

# METADATA
# title: The cluster survives the loss of any one zone
# description: Computed from the resources, not from a flag. For each Strimzi Kafka cluster - rack awareness on (spec.kafka.rack.topologyKey is the zone label); brokers split evenly across exactly three zones; three or five controllers spread so no zone holds a quorum; and for every zone lost, the controller quorum survives and every topic (each KafkaTopic, the consumer-offsets and the transaction-state topic) keeps at least min.insync.replicas replicas, so acks=all writes continue. A node pool's zones come from its required node affinity on the zone label (one zone - pinned) or from a zone topologySpreadConstraint (maxSkew 1, DoNotSchedule) over the zones of the EKS node groups its node affinity selects (their subnets' zones).
# custom:
#   message: Pin one broker pool per zone (or spread with a zone topologySpreadConstraint) over exactly three zones, run 3 or 5 controllers one zone each, set spec.kafka.rack.topologyKey topology.kubernetes.io/zone, and keep replicas - min.insync.replicas >= replicas lost with a zone.
stack_deny_zone_loss[msg] {
	msg := zone_loss_problem[_]
}

kafka_cluster[k] {
	k := input.resources[_]
	k.__type == kafka_type
}

ns(r) = object.get(r.metadata, "namespace", "")

member_of(r, k) {
	r.metadata.labels["strimzi.io/cluster"] == k.metadata.name
	ns(r) == ns(k)
}

pools(k, role) = [p |
	p := input.resources[_]
	p.__type == node_pool_type
	member_of(p, k)
	p.spec.roles[_] == role
]

pod_template(p, k) = t {
	t := p.spec.template.pod
} else = t {
	t := k.spec.kafka.template.pod
} else = {} {
	true
}

node_terms(tmpl) = object.get(tmpl, ["affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"], [])

# pinned_zones are the zones a pool's required node affinity allows.
pinned_zones(tmpl) = {v |
	e := node_terms(tmpl)[_].matchExpressions[_]
	e.key == zone_key
	e.operator == "In"
	v := e.values[_]
}

# node_requirements are the non-zone In requirements of the node affinity.
node_requirements(tmpl) = [e |
	e := node_terms(tmpl)[_].matchExpressions[_]
	e.key != zone_key
	e.operator == "In"
]

spreads_over_zones(tmpl) {
	c := tmpl.topologySpreadConstraints[_]
	c.topologyKey == zone_key
	c.maxSkew == 1
	c.whenUnsatisfiable == "DoNotSchedule"
}

node_group_selected(ng, reqs) {
	count([e | e := reqs[_]; not label_in(ng, e)]) == 0
}

label_in(ng, e) {
	object.get(object.get(ng, "labels", {}), e.key, null) == e.values[_]
}

subnet_zone(s) = z {
	z := s.availabilityZone
} else = z {
	z := s.availabilityZoneId
}

node_group_zones(reqs) = {z |
	ng := input.resources[_]
	ng.__type == "aws:eks/nodeGroup:NodeGroup"
	node_group_selected(ng, reqs)
	s := input.resources[_]
	s.__type == "aws:ec2/subnet:Subnet"
	ng.dependencies[_] == s.__urn
	z := subnet_zone(s)
}

eligible_zones(tmpl) = z {
	z := pinned_zones(tmpl)
	count(z) > 1
} else = z {
	z := node_group_zones(node_requirements(tmpl))
}

# pool_dist is zone -> replicas of pool p. Spread with maxSkew 1 over n
# zones places floor(r/n) or ceil(r/n) per zone; which zone gets the extra
# does not change any check below.
pool_dist(p, k) = d {
	zs := pinned_zones(pod_template(p, k))
	count(zs) == 1
	d := {z: num(p.spec.replicas) | zs[z]}
} else = d {
	tmpl := pod_template(p, k)
	spreads_over_zones(tmpl)
	zs := sort(eligible_zones(tmpl))
	n := count(zs)
	n > 0
	r := num(p.spec.replicas)
	d := {zs[i]: c | zs[i]; c := floor(r / n) + count([1 | i < r % n]); c > 0}
}

# zone_counts is zone -> pods of role for cluster k.
zone_counts(k, role) = counts {
	dists := [d | p := pools(k, role)[_]; d := pool_dist(p, k)]
	zones := {z | d := dists[_]; d[z]}
	counts := {z: n | zones[z]; n := sum([c | d := dists[_]; c := d[z]])}
}

rack_aware(k) {
	k.spec.kafka.rack.topologyKey == zone_key
}

cluster_config(k, key, fallback) = num(object.get(object.get(k.spec.kafka, "config", {}), key, fallback))

# topics_of is every topic whose writes matter: the KafkaTopics of k and
# Kafka's internal offsets and transaction-state topics.
topics_of(k) = array.concat([t |
	r := input.resources[_]
	r.__type == topic_type
	member_of(r, k)
	t := {
		"name": object.get(r.spec, "topicName", r.metadata.name),
		"rf": num(object.get(r.spec, "replicas", cluster_config(k, "default.replication.factor", 1))),
		"minisr": num(object.get(object.get(r.spec, "config", {}), "min.insync.replicas", cluster_config(k, "min.insync.replicas", 1))),
	}
], [
	{"name": "__consumer_offsets", "rf": cluster_config(k, "offsets.topic.replication.factor", 3), "minisr": cluster_config(k, "min.insync.replicas", 1)},
	{"name": "__transaction_state", "rf": cluster_config(k, "transaction.state.log.replication.factor", 3), "minisr": cluster_config(k, "transaction.state.log.min.isr", 2)},
])

# replicas_lost is how many of a topic's rf replicas can sit in a zone with b
# brokers: rack-aware assignment puts at most ceil(rf/zones) per zone,
# without rack awareness all of them can land in one zone.
replicas_lost(k, rf, nzones, b) = l {
	rack_aware(k)
	l := min({ceil(rf / nzones), b})
} else = l {
	l := min({rf, b})
}

zone_loss_problem[msg] {
	k := kafka_cluster[_]
	not rack_aware(k)
	msg := sprintf("Kafka %s: rack awareness is off (spec.kafka.rack.topologyKey is %v): replicas of a partition may share a zone", [label(k), object.get(object.get(k.spec.kafka, "rack", {}), "topologyKey", "unset")])
}

zone_loss_problem[msg] {
	k := kafka_cluster[_]
	role := ["broker", "controller"][_]
	p := pools(k, role)[_]
	not pool_dist(p, k)
	msg := sprintf("Kafka %s: node pool %s (%s) neither pins one zone by required node affinity nor spreads over zones with a DoNotSchedule topologySpreadConstraint on %s, so its zones cannot be shown", [label(k), p.metadata.name, role, zone_key])
}

zone_loss_problem[msg] {
	k := kafka_cluster[_]
	role := ["broker", "controller"][_]
	count(pools(k, role)) == 0
	msg := sprintf("Kafka %s has no KafkaNodePool with role %s", [label(k), role])
}

zone_loss_problem[msg] {
	k := kafka_cluster[_]
	count(pools(k, "broker")) > 0
	counts := zone_counts(k, "broker")
	count(counts) != 3
	msg := sprintf("Kafka %s: brokers are in %d zones %v, must be exactly three", [label(k), count(counts), counts])
}

zone_loss_problem[msg] {
	k := kafka_cluster[_]
	counts := zone_counts(k, "broker")
	count(counts) > 0
	count({n | n := counts[_]}) > 1
	msg := sprintf("Kafka %s: brokers are not split evenly across zones %v", [label(k), counts])
}

zone_loss_problem[msg] {
	k := kafka_cluster[_]
	count(pools(k, "controller")) > 0
	total := sum([n | n := zone_counts(k, "controller")[_]])
	not {3, 5}[total]
	msg := sprintf("Kafka %s has %d controllers (by zone %v), must be 3 or 5", [label(k), total, zone_counts(k, "controller")])
}

zone_loss_problem[msg] {
	k := kafka_cluster[_]
	counts := zone_counts(k, "controller")
	total := sum([n | n := counts[_]])
	total > 0
	quorum := floor(total / 2) + 1
	lost := counts[z]
	total - lost < quorum
	msg := sprintf("Kafka %s: losing zone %s takes %d of %d controllers, leaving %d, below the quorum of %d", [label(k), z, lost, total, total - lost, quorum])
}

zone_loss_problem[msg] {
	k := kafka_cluster[_]
	counts := zone_counts(k, "broker")
	nzones := count(counts)
	nzones > 0
	t := topics_of(k)[_]
	b := counts[z]
	left := t.rf - replicas_lost(k, t.rf, nzones, b)
	left < t.minisr
	msg := sprintf("Kafka %s: losing zone %s leaves topic %s %d of %d replicas, below min.insync.replicas %d: acks=all writes would stop", [label(k), z, t.name, left, t.rf, t.minisr])
}

zone_loss_problem[msg] {
	k := kafka_cluster[_]
	brokers := sum([n | n := zone_counts(k, "broker")[_]])
	brokers > 0
	t := topics_of(k)[_]
	t.rf > brokers
	msg := sprintf("Kafka %s: topic %s wants %d replicas but there are only %d brokers", [label(k), t.name, t.rf, brokers])
}
