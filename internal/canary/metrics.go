package canary

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metric names are a contract with the alert rules and dashboards in
// platform/observability: renaming one silently breaks an alert.
const (
	MetricProduceAck       = "kafka_canary_produce_ack_seconds"
	MetricE2E              = "kafka_canary_e2e_seconds"
	MetricProduced         = "kafka_canary_records_produced_total"
	MetricConsumed         = "kafka_canary_records_consumed_total"
	MetricProduceErrors    = "kafka_canary_produce_errors_total"
	MetricProduceTimeouts  = "kafka_canary_produce_timeouts_total"
	MetricGaps             = "kafka_canary_records_gap_total"
	MetricDuplicates       = "kafka_canary_records_duplicate_total"
	MetricUp               = "kafka_canary_up"
	MetricInvalid          = "kafka_canary_records_invalid_total"
	MetricConsumeErrors    = "kafka_canary_consume_errors_total"
	MetricPartitionLeaders = "kafka_canary_partition_leader"
)

// LatencyBuckets are the classic histogram bucket bounds in seconds: dense
// between 0.25 ms and 10 ms to resolve the 5 ms (p99 produce ack) and 8 ms
// (p99 end-to-end) SLOs, sparse up to 100 ms; anything slower is already an
// SLO breach and lands in +Inf.
var LatencyBuckets = []float64{
	.00025, .0005, .00075, .001, .0015, .002, .0025, .003, .004, .005,
	.006, .007, .008, .01, .0125, .015, .02, .03, .05, .1,
}

// Native histogram settings, exposed beside the classic buckets (a
// Prometheus scraping with the protobuf format and native histograms
// enabled gets both): factor 1.1 gives about 10% relative error at any
// latency, 160 buckets cap the series size, and the reset duration keeps a
// long-running canary from widening its buckets forever.
const (
	nativeBucketFactor    = 1.1
	nativeMaxBucketNumber = 160
	nativeMinReset        = time.Hour
)

// Metrics is the canary's own registry and its collectors. Label values
// "zone" are this canary's zone; "partition" and "leader" are decimal.
type Metrics struct {
	Registry *prometheus.Registry

	produceAck    *prometheus.HistogramVec
	e2e           *prometheus.HistogramVec
	produced      *prometheus.CounterVec
	consumed      *prometheus.CounterVec
	produceErrors *prometheus.CounterVec
	timeouts      *prometheus.CounterVec
	gaps          *prometheus.CounterVec
	duplicates    *prometheus.CounterVec
	invalid       *prometheus.CounterVec
	consumeErrors *prometheus.CounterVec
	leaders       *prometheus.GaugeVec
	up            *prometheus.GaugeVec

	zone string
}

// NewMetrics builds the collectors for one canary in zone and registers
// them, with the Go runtime and process collectors, on a fresh registry.
func NewMetrics(zone string) *Metrics {
	hist := func(name, help string, labels ...string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:                            name,
			Help:                            help,
			Buckets:                         LatencyBuckets,
			NativeHistogramBucketFactor:     nativeBucketFactor,
			NativeHistogramMaxBucketNumber:  nativeMaxBucketNumber,
			NativeHistogramMinResetDuration: nativeMinReset,
		}, labels)
	}
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	}
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		zone:     zone,
		produceAck: hist(MetricProduceAck,
			"Time from handing a canary record to the producer until the acks=all acknowledgement, by producing zone, partition and the partition's leader broker at send time.",
			"zone", "partition", "leader"),
		e2e: hist(MetricE2E,
			"Time from producing a canary record until this canary (zone = consumer zone, client.rack = zone) consumed it, own records only, by partition and leader at send time.",
			"zone", "partition", "leader"),
		produced: counter(MetricProduced, "Canary records acknowledged by the cluster.", "zone", "partition"),
		consumed: counter(MetricConsumed, "Own canary records consumed (records of other zones' canaries are not counted).", "zone", "partition"),
		produceErrors: counter(MetricProduceErrors,
			"Canary produces that failed with an error other than a timeout; reason is the Kafka error code name or a fixed client-side class.",
			"zone", "partition", "reason"),
		timeouts: counter(MetricProduceTimeouts, "Canary produces not acknowledged within the produce timeout.", "zone", "partition"),
		gaps: counter(MetricGaps,
			"Own sequence numbers never consumed within the grace period although their produce did not fail: records lost after (or without) acknowledgement.",
			"zone", "partition"),
		duplicates:    counter(MetricDuplicates, "Own sequence numbers consumed more than once.", "zone", "partition"),
		invalid:       counter(MetricInvalid, "Records on the canary topic that are not valid canary records or claim another partition.", "zone", "partition"),
		consumeErrors: counter(MetricConsumeErrors, "Fetch errors seen by the canary consumer.", "zone", "partition"),
		leaders:       prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: MetricPartitionLeaders, Help: "Broker id leading each canary partition at the last metadata refresh (-1 unknown)."}, []string{"zone", "partition"}),
		up:            prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: MetricUp, Help: "1 while this canary's last produce to every partition succeeded and it consumed its own records recently, else 0."}, []string{"zone"}),
	}
	m.Registry.MustRegister(
		m.produceAck, m.e2e, m.produced, m.consumed, m.produceErrors, m.timeouts,
		m.gaps, m.duplicates, m.invalid, m.consumeErrors, m.leaders, m.up,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m.up.WithLabelValues(zone).Set(0)
	return m
}

// partitionMetrics holds the label-resolved collectors of one partition so
// the hot path observes without label lookups or allocations.
type partitionMetrics struct {
	produced, consumed, timeouts, gaps, duplicates, invalid, consumeErrors prometheus.Counter
}

func (m *Metrics) forPartition(p int32) *partitionMetrics {
	ps := strconv.Itoa(int(p))
	pm := &partitionMetrics{
		produced:      m.produced.WithLabelValues(m.zone, ps),
		consumed:      m.consumed.WithLabelValues(m.zone, ps),
		timeouts:      m.timeouts.WithLabelValues(m.zone, ps),
		gaps:          m.gaps.WithLabelValues(m.zone, ps),
		duplicates:    m.duplicates.WithLabelValues(m.zone, ps),
		invalid:       m.invalid.WithLabelValues(m.zone, ps),
		consumeErrors: m.consumeErrors.WithLabelValues(m.zone, ps),
	}
	return pm
}

// latencyObservers are the two histograms of one (partition, leader) pair.
type latencyObservers struct {
	ack, e2e prometheus.Observer
}

func (m *Metrics) latency(p, leader int32) latencyObservers {
	ps, ls := strconv.Itoa(int(p)), strconv.Itoa(int(leader))
	return latencyObservers{
		ack: m.produceAck.WithLabelValues(m.zone, ps, ls),
		e2e: m.e2e.WithLabelValues(m.zone, ps, ls),
	}
}

func (m *Metrics) produceError(p int32, reason string) {
	m.produceErrors.WithLabelValues(m.zone, strconv.Itoa(int(p)), reason).Inc()
}

func (m *Metrics) setLeader(p, leader int32) {
	m.leaders.WithLabelValues(m.zone, strconv.Itoa(int(p))).Set(float64(leader))
}

func (m *Metrics) setUp(up bool) {
	v := 0.0
	if up {
		v = 1
	}
	m.up.WithLabelValues(m.zone).Set(v)
}
