package kafka_platform

# METADATA
# title: Kafka topics are durable
# description: Every KafkaTopic sets spec.replicas >= 3 explicitly; a topic-level min.insync.replicas, if set, is >= 2 (otherwise the cluster default, itself checked, applies); a topic never enables unclean leader election.
# custom:
#   message: Set spec.replicas to 3 (or more) and spec.config min.insync.replicas to 2 (or leave it to the cluster default), and remove unclean.leader.election.enable.
deny_topic_durability[msg] {
	msg := topic_durability_problem[_]
}

topic_durability_problem[msg] {
	input.__type == topic_type
	v := object.get(input.spec, "replicas", "unset")
	not at_least(v, 3)
	msg := sprintf("KafkaTopic %s: spec.replicas is %v, must be at least 3", [label(input), v])
}

topic_durability_problem[msg] {
	input.__type == topic_type
	v := object.get(object.get(input.spec, "config", {}), "min.insync.replicas", 2)
	not at_least(v, 2)
	msg := sprintf("KafkaTopic %s: spec.config min.insync.replicas is %v, must be at least 2", [label(input), v])
}

topic_durability_problem[msg] {
	input.__type == topic_type
	is_true(object.get(object.get(input.spec, "config", {}), "unclean.leader.election.enable", false))
	msg := sprintf("KafkaTopic %s enables unclean.leader.election.enable: an out-of-sync replica could become leader and drop acknowledged writes", [label(input)])
}
