package kafka_platform

# METADATA
# title: Kafka cluster defaults are durable
# description: The cluster config sets default.replication.factor >= 3 and min.insync.replicas >= 2, the consumer-offsets and transaction-state topics likewise (offsets.topic.replication.factor >= 3, transaction.state.log.replication.factor >= 3, transaction.state.log.min.isr >= 2), and never enables unclean leader election. Unset keys count as violations because Kafka's own defaults (replication 1, min ISR 1) lose acknowledged writes.
# custom:
#   message: Set the listed keys in spec.kafka.config to at least the minimum shown and leave unclean.leader.election.enable false.
deny_kafka_durability[msg] {
	msg := kafka_durability_problem[_]
}

# cluster_minimums are the floors for a regulated order journal: three
# replicas (one per zone), two in sync for every acks=all write.
cluster_minimums := {
	"default.replication.factor": 3,
	"min.insync.replicas": 2,
	"offsets.topic.replication.factor": 3,
	"transaction.state.log.replication.factor": 3,
	"transaction.state.log.min.isr": 2,
}

kafka_durability_problem[msg] {
	input.__type == kafka_type
	min := cluster_minimums[key]
	v := object.get(object.get(input.spec.kafka, "config", {}), key, "unset")
	not at_least(v, min)
	msg := sprintf("Kafka %s: spec.kafka.config %s is %v, must be at least %d", [label(input), key, v, min])
}

kafka_durability_problem[msg] {
	input.__type == kafka_type
	is_true(object.get(object.get(input.spec.kafka, "config", {}), "unclean.leader.election.enable", false))
	msg := sprintf("Kafka %s enables unclean.leader.election.enable: an out-of-sync replica could become leader and drop acknowledged writes", [label(input)])
}
