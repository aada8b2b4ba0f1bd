package canary

import (
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
)

// The metric names, types and label sets are a contract with the alert
// rules in platform/observability.
func TestMetricContract(t *testing.T) {
	m := NewMetrics("zone-a")
	// Touch every vector so each family is exported.
	pm := m.forPartition(0)
	for _, c := range []interface{ Inc() }{pm.produced, pm.consumed, pm.timeouts, pm.gaps, pm.duplicates, pm.invalid, pm.consumeErrors} {
		c.Inc()
	}
	lo := m.latency(0, 1)
	lo.ack.Observe(0.001)
	lo.e2e.Observe(0.002)
	m.produceError(0, "NOT_ENOUGH_REPLICAS")
	m.setLeader(0, 1)
	m.setUp(true)

	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*dto.MetricFamily{}
	for _, f := range families {
		byName[f.GetName()] = f
	}
	want := []struct {
		name   string
		typ    dto.MetricType
		labels []string
	}{
		{"kafka_canary_produce_ack_seconds", dto.MetricType_HISTOGRAM, []string{"leader", "partition", "zone"}},
		{"kafka_canary_e2e_seconds", dto.MetricType_HISTOGRAM, []string{"leader", "partition", "zone"}},
		{"kafka_canary_records_produced_total", dto.MetricType_COUNTER, []string{"partition", "zone"}},
		{"kafka_canary_records_consumed_total", dto.MetricType_COUNTER, []string{"partition", "zone"}},
		{"kafka_canary_produce_errors_total", dto.MetricType_COUNTER, []string{"partition", "reason", "zone"}},
		{"kafka_canary_produce_timeouts_total", dto.MetricType_COUNTER, []string{"partition", "zone"}},
		{"kafka_canary_records_gap_total", dto.MetricType_COUNTER, []string{"partition", "zone"}},
		{"kafka_canary_records_duplicate_total", dto.MetricType_COUNTER, []string{"partition", "zone"}},
		{"kafka_canary_up", dto.MetricType_GAUGE, []string{"zone"}},
	}
	for _, w := range want {
		f, ok := byName[w.name]
		if !ok {
			t.Errorf("metric %s not exported", w.name)
			continue
		}
		if f.GetType() != w.typ {
			t.Errorf("%s: type %v, want %v", w.name, f.GetType(), w.typ)
		}
		var labels []string
		for _, l := range f.GetMetric()[0].GetLabel() {
			labels = append(labels, l.GetName())
		}
		if !slices.Equal(labels, w.labels) {
			t.Errorf("%s: labels %v, want %v", w.name, labels, w.labels)
		}
		if w.typ == dto.MetricType_HISTOGRAM {
			h := f.GetMetric()[0].GetHistogram()
			var bounds []float64
			for _, b := range h.GetBucket() {
				bounds = append(bounds, b.GetUpperBound())
			}
			wantBounds := []float64{.00025, .0005, .00075, .001, .0015, .002, .0025, .003, .004, .005, .006, .007, .008, .01, .0125, .015, .02, .03, .05, .1}
			if !slices.Equal(bounds, wantBounds) {
				t.Errorf("%s: buckets %v, want %v", w.name, bounds, wantBounds)
			}
			if h.GetSchema() == 0 && h.GetZeroThreshold() == 0 {
				t.Errorf("%s: native histogram not enabled", w.name)
			}
		}
	}
	if got := gaugeValue(t, m.up.WithLabelValues("zone-a")); got != 1 {
		t.Errorf("kafka_canary_up = %v, want 1", got)
	}
	// The exposition must lint clean (names, help, units, counter suffixes).
	problems, err := promlint.NewWithMetricFamilies(families).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, "kafka_canary_") {
			t.Errorf("lint %s: %s", p.Metric, p.Text)
		}
	}
}

func TestMetricsStartDown(t *testing.T) {
	m := NewMetrics("zone-a")
	if got := gaugeValue(t, m.up.WithLabelValues("zone-a")); got != 0 {
		t.Errorf("kafka_canary_up before any record = %v, want 0", got)
	}
}

func gaugeValue(t *testing.T, g prometheus.Gauge) float64 {
	t.Helper()
	var out dto.Metric
	if err := g.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.GetGauge().GetValue()
}
