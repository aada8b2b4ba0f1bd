package observability

// SLO is one row of the SLO table (docs/slo.md): what is promised and
// which alerts enforce it. Every row must have at least one alert carrying
// its ID in the slo_id label; a test enforces that.
type SLO struct {
	// ID is the slo_id label value.
	ID string
	// Objective is the promise, in words.
	Objective string
	// Alerts that encode the row.
	Alerts []string
	// DROnly rows exist only on stacks running MirrorMaker 2.
	DROnly bool
}

// SLOs is the SLO table of the platform.
var SLOs = []SLO{
	{ID: "produce-ack-p99", Objective: "producer ack (acks=all) p99 < 5 ms per zone (order journal)", Alerts: []string{"KafkaProduceAckLatencyP99High"}},
	{ID: "e2e-p99", Objective: "produce-to-consume p99 < 8 ms per zone", Alerts: []string{"KafkaEndToEndLatencyP99High"}},
	{ID: "strategy-lag", Objective: "strategy-engine consumer lag < 1000 records", Alerts: []string{"KafkaStrategyConsumerLagHigh"}},
	{ID: "urp", Objective: "UnderReplicatedPartitions == 0", Alerts: []string{"KafkaUnderReplicatedPartitions"}},
	{ID: "offline-partitions", Objective: "no offline partitions", Alerts: []string{"KafkaOfflinePartitions"}},
	{ID: "active-controller", Objective: "exactly one active KRaft controller", Alerts: []string{"KafkaActiveControllerCountNotOne"}},
	{ID: "availability", Objective: "broker/controller availability 99.99% (multi-window burn rate)", Alerts: []string{"KafkaAvailabilityBudgetBurnFast", "KafkaAvailabilityBudgetBurnSlow"}},
	{ID: "dr-rpo", Objective: "MirrorMaker 2 replication lag below the DR RPO", Alerts: []string{"KafkaMirrorMakerReplicationLagHigh", "KafkaMirrorMakerDown"}, DROnly: true},
}
