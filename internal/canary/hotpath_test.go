package canary

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// benchCanary is a canary wired for one partition without a cluster, to
// measure the per-record consume path in isolation.
func benchCanary(tb testing.TB) (*Canary, *kgo.Record) {
	tb.Helper()
	c := New(Config{Zone: "us-east-1a", Topic: testTopic}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	c.parts = []*partition{{id: 0, metrics: c.metrics.forPartition(0), latency: map[int32]latencyObservers{}}}
	c.tracker = NewTracker(1, int64(time.Second))
	r := &kgo.Record{Topic: testTopic, Partition: 0}
	r.Value = AppendRecord(nil, Record{RunID: c.runID, Partition: 0, Leader: 1, Origin: c.zone})
	return c, r
}

// consumeN feeds n consecutive own records through the consume path.
func consumeN(c *Canary, r *kgo.Record, rec *Record, n int, seq *uint64) {
	for range n {
		// Rewrite the sequence number in place (offset 9, see record.go).
		s := *seq
		for i := 16; i >= 9; i-- {
			r.Value[i] = byte(s)
			s >>= 8
		}
		*seq++
		c.consumed(r, rec, int64(*seq)*1000+500_000)
	}
}

func TestConsumePathCountsAndDoesNotAllocate(t *testing.T) {
	c, r := benchCanary(t)
	var rec Record
	var seq uint64
	consumeN(c, r, &rec, 1, &seq) // creates the (partition, leader) histograms once
	allocs := testing.AllocsPerRun(1000, func() { consumeN(c, r, &rec, 1, &seq) })
	if allocs != 0 {
		t.Errorf("consuming a record allocates %.1f times, want 0", allocs)
	}
	if got := sum(t, c.metrics, MetricConsumed, nil); got != float64(seq) {
		t.Errorf("consumed = %v, want %d", got, seq)
	}
	if got := sum(t, c.metrics, MetricDuplicates, nil) + sum(t, c.metrics, MetricInvalid, nil); got != 0 {
		t.Errorf("duplicates+invalid = %v, want 0", got)
	}
	// A foreign zone's record is neither counted nor measured.
	foreign := &kgo.Record{Partition: 0, Value: AppendRecord(nil, Record{RunID: c.runID, Origin: []byte("us-east-1b")})}
	c.consumed(foreign, &rec, 1)
	// Garbage is counted as invalid.
	c.consumed(&kgo.Record{Partition: 0, Value: []byte("x")}, &rec, 1)
	// A record claiming another partition is invalid too.
	c.consumed(&kgo.Record{Partition: 0, Value: AppendRecord(nil, Record{RunID: c.runID, Partition: 7, Origin: c.zone})}, &rec, 1)
	if got := sum(t, c.metrics, MetricConsumed, nil); got != float64(seq) {
		t.Errorf("consumed after foreign record = %v, want %d", got, seq)
	}
	if got := sum(t, c.metrics, MetricInvalid, nil); got != 2 {
		t.Errorf("invalid = %v, want 2", got)
	}
	// Replaying a record is a duplicate and is not measured again.
	var e2eBefore uint64
	for _, s := range gather(t, c.metrics, MetricE2E) {
		e2eBefore += s.m.GetHistogram().GetSampleCount()
	}
	seq--
	consumeN(c, r, &rec, 1, &seq)
	if got := sum(t, c.metrics, MetricDuplicates, nil); got != 1 {
		t.Errorf("duplicates = %v, want 1", got)
	}
	var e2eAfter uint64
	for _, s := range gather(t, c.metrics, MetricE2E) {
		e2eAfter += s.m.GetHistogram().GetSampleCount()
	}
	if e2eAfter != e2eBefore {
		t.Errorf("duplicate was measured: e2e samples %d -> %d", e2eBefore, e2eAfter)
	}
}

// BenchmarkConsumeRecord is the per-record consume path: decode, own-zone
// check, e2e histogram (classic + native), sequence tracking, counters.
func BenchmarkConsumeRecord(b *testing.B) {
	c, r := benchCanary(b)
	var rec Record
	var seq uint64
	consumeN(c, r, &rec, 1, &seq)
	b.ReportAllocs()
	for b.Loop() {
		consumeN(c, r, &rec, 1, &seq)
	}
}

// BenchmarkObserveLatency is one histogram observation with the label
// values already resolved (as the canary does per partition and leader).
func BenchmarkObserveLatency(b *testing.B) {
	m := NewMetrics("us-east-1a")
	o := m.latency(0, 1)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		o.ack.Observe(float64(i%10_000) * 1e-6)
	}
}

func BenchmarkTrackerObserve(b *testing.B) {
	tr := NewTracker(1, int64(time.Second))
	var seq uint64
	b.ReportAllocs()
	for b.Loop() {
		tr.Observe(0, seq, 0)
		seq++
	}
}
