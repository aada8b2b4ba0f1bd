package kafka_platform

# METADATA
# title: Long-retention topics use tiered storage
# description: A KafkaTopic that keeps data longer than the local threshold (default 3 days; policy config maxLocalRetentionMs), or forever (retention.ms -1), should enable tiered storage (remote.storage.enable true) so old segments move to S3 instead of filling broker NVMe.
# custom:
#   message: Set remote.storage.enable true and a short local.retention.ms on the topic, or lower retention.ms.
warn_topic_tiered_storage[msg] {
	input.__type == topic_type
	cfg := object.get(input.spec, "config", {})
	r := num(object.get(cfg, "retention.ms", 604800000))
	long_retention(r)
	not is_true(object.get(cfg, "remote.storage.enable", false))
	msg := sprintf("KafkaTopic %s keeps data for retention.ms %v without tiered storage (remote.storage.enable): broker disks hold it all", [label(input), r])
}

# Kafka's default retention.ms is 7 days (604800000).
default_max_local_retention_ms := 259200000

max_local_retention_ms = n {
	n := num(data.config.warn_topic_tiered_storage.maxLocalRetentionMs)
} else = default_max_local_retention_ms {
	true
}

long_retention(r) {
	r < 0
}

long_retention(r) {
	r > max_local_retention_ms
}
