package canary

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

const (
	testTopic      = "canary"
	testBrokers    = 3
	testPartitions = 3
)

// startCluster starts an in-process cluster with the canary topic, one
// partition led by each broker, as the platform's KafkaTopic arranges.
func startCluster(t *testing.T, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{
		kfake.NumBrokers(testBrokers),
		kfake.SeedTopics(testPartitions, testTopic),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	for p := range int32(testPartitions) {
		if err := c.MoveTopicPartition(testTopic, p, p); err != nil {
			t.Fatalf("lead partition %d by broker %d: %v", p, p, err)
		}
	}
	return c
}

func testConfig(addrs []string, zone string) Config {
	return Config{
		BootstrapServers:          addrs,
		Topic:                     testTopic,
		Zone:                      zone,
		Interval:                  10 * time.Millisecond,
		ProduceTimeout:            time.Second, // kgo's minimum
		MetadataRefresh:           time.Second,
		StaleAfter:                300 * time.Millisecond,
		InsecurePlaintextForTests: true,
		LogLevel:                  "info",
	}
}

func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// running is a canary under test; stop cancels it and waits for Run.
type running struct {
	*Canary
	stop func() error
}

func startCanary(t *testing.T, cfg Config) running {
	t.Helper()
	c := New(cfg, testLogger(t).With("zone", cfg.Zone))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		err := c.Run(ctx)
		if ctx.Err() == nil {
			t.Errorf("canary Run returned before it was stopped: %v", err)
		}
		done <- err
	}()
	stopped := false
	var runErr error
	stop := func() error {
		if !stopped {
			stopped = true
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("canary did not stop within 10s of cancellation")
			}
		}
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	return running{c, stop}
}

// series is one gathered metric: its labels and value (counter/gauge
// value, or histogram sample count, sum and buckets).
type series struct {
	labels map[string]string
	m      *dto.Metric
}

func gather(t *testing.T, m *Metrics, name string) []series {
	t.Helper()
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var out []series
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, mm := range f.GetMetric() {
			s := series{labels: map[string]string{}, m: mm}
			for _, l := range mm.GetLabel() {
				s.labels[l.GetName()] = l.GetValue()
			}
			out = append(out, s)
		}
	}
	return out
}

// sum adds counter/gauge values of the series of name matching match.
func sum(t *testing.T, m *Metrics, name string, match map[string]string) float64 {
	t.Helper()
	var v float64
	for _, s := range gather(t, m, name) {
		if matches(s.labels, match) {
			v += s.m.GetCounter().GetValue() + s.m.GetGauge().GetValue()
		}
	}
	return v
}

func matches(labels, match map[string]string) bool {
	for k, v := range match {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func part(p int) map[string]string { return map[string]string{"partition": strconv.Itoa(p)} }

func TestCanaryMeasuresLatencyPerPartitionAndLeader(t *testing.T) {
	cluster := startCluster(t)
	defer cluster.Close()
	// Observe (not fault) the wire: fetches carry client.rack = zone and
	// produces ask for acks=all (-1) from an idempotent producer (id >= 0).
	rackFetches := cluster.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Fetch}, Observe: true, Count: -1, When: func(r kmsg.Request) bool {
		return r.(*kmsg.FetchRequest).Rack == "zone-a"
	}})
	otherFetches := cluster.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Fetch}, Observe: true, Count: -1, When: func(r kmsg.Request) bool {
		rack := r.(*kmsg.FetchRequest).Rack
		return rack != "zone-a" && rack != "zone-b"
	}})
	weakProduces := cluster.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Observe: true, Count: -1, When: func(r kmsg.Request) bool {
		return r.(*kmsg.ProduceRequest).Acks != -1
	}})
	a := startCanary(t, testConfig(cluster.ListenAddrs(), "zone-a"))
	b := startCanary(t, testConfig(cluster.ListenAddrs(), "zone-b"))

	srv := httptest.NewServer(a.Handler())
	defer srv.Close()

	for _, c := range []running{a, b} {
		waitFor(t, 10*time.Second, c.cfg.Zone+" consuming 20 own records on every partition", func() bool {
			for p := range testPartitions {
				if sum(t, c.metrics, MetricConsumed, part(p)) < 20 {
					return false
				}
			}
			return true
		})
		waitFor(t, 5*time.Second, c.cfg.Zone+" up", func() bool { return sum(t, c.metrics, MetricUp, nil) == 1 })
	}

	// Probes and exposition while running.
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`kafka_canary_produce_ack_seconds_bucket{leader="1",partition="1",zone="zone-a",le="0.00025"}`,
		`kafka_canary_e2e_seconds_bucket{leader="2",partition="2",zone="zone-a",le="0.1"}`,
		`kafka_canary_up{zone="zone-a"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	if rackFetches.Hits() == 0 {
		t.Error("no fetch request carried rack zone-a: client.rack not set")
	}
	if n := otherFetches.Hits(); n != 0 {
		t.Errorf("%d fetch requests without the canary's zone as rack", n)
	}
	if n := weakProduces.Hits(); n != 0 {
		t.Errorf("%d produce requests with acks other than all", n)
	}
	if err := a.stop(); err != nil {
		t.Fatalf("Run returned %v on cancellation, want nil", err)
	}
	if err := b.stop(); err != nil {
		t.Fatalf("Run returned %v on cancellation, want nil", err)
	}

	for _, c := range []running{a, b} {
		zone := c.cfg.Zone
		for _, hist := range []string{MetricProduceAck, MetricE2E} {
			seen := map[string]bool{}
			for _, s := range gather(t, c.metrics, hist) {
				h := s.m.GetHistogram()
				p, leader := s.labels["partition"], s.labels["leader"]
				seen[p] = true
				pi, _ := strconv.Atoi(p)
				if want := strconv.Itoa(int(cluster.LeaderFor(testTopic, int32(pi)))); leader != want {
					t.Errorf("%s %s partition %s: leader label %s, want %s", zone, hist, p, leader, want)
				}
				if s.labels["zone"] != zone {
					t.Errorf("%s %s: zone label %q", zone, hist, s.labels["zone"])
				}
				if h.GetSampleCount() == 0 || h.GetSampleSum() <= 0 {
					t.Errorf("%s %s partition %s: count %d sum %g, want both > 0", zone, hist, p, h.GetSampleCount(), h.GetSampleSum())
				}
				// Loopback: every sample under the 100 ms top bucket.
				buckets := h.GetBucket()
				if top := buckets[len(buckets)-1]; top.GetUpperBound() != 0.1 || (!raceEnabled && top.GetCumulativeCount() != h.GetSampleCount()) {
					t.Errorf("%s %s partition %s: %d of %d samples <= %gs, want all under 100ms",
						zone, hist, p, top.GetCumulativeCount(), h.GetSampleCount(), top.GetUpperBound())
				}
				mean := h.GetSampleSum() / float64(h.GetSampleCount())
				if mean <= 0 || (!raceEnabled && mean > 0.1) {
					t.Errorf("%s %s partition %s: mean %gs, want (0, 0.1]", zone, hist, p, mean)
				}
				t.Logf("%s %s partition %s leader %s: %d samples, mean %.3f ms", zone, hist, p, leader, h.GetSampleCount(), mean*1e3)
			}
			if len(seen) != testPartitions {
				t.Errorf("%s %s: partitions %v, want all %d", zone, hist, seen, testPartitions)
			}
		}
		// Only own records are counted and measured: a canary counting the
		// other zone's records too would consume about twice what it produced.
		for p := range testPartitions {
			produced := sum(t, c.metrics, MetricProduced, part(p))
			consumed := sum(t, c.metrics, MetricConsumed, part(p))
			var e2e uint64
			for _, s := range gather(t, c.metrics, MetricE2E) {
				if matches(s.labels, part(p)) {
					e2e += s.m.GetHistogram().GetSampleCount()
				}
			}
			if consumed > produced || consumed < 20 {
				t.Errorf("%s partition %d: consumed %v own records, produced %v", zone, p, consumed, produced)
			}
			if float64(e2e) != consumed {
				t.Errorf("%s partition %d: %d e2e samples, %v consumed", zone, p, e2e, consumed)
			}
		}
		for _, name := range []string{MetricGaps, MetricDuplicates, MetricProduceErrors, MetricProduceTimeouts, MetricInvalid} {
			if v := sum(t, c.metrics, name, nil); v != 0 {
				t.Errorf("%s %s = %v on a healthy cluster, want 0", zone, name, v)
			}
		}
		if up := sum(t, c.metrics, MetricUp, nil); up != 0 {
			t.Errorf("%s kafka_canary_up after stop = %v, want 0", zone, up)
		}
	}
	// After Run returns the canary is no longer healthy.
	resp, err = http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GET /healthz after stop = %d, want 503", resp.StatusCode)
	}
}

// A produce error the broker returns is counted by reason, and its missing
// sequence number is not also counted as a gap.
func TestCanaryCountsProduceErrorsWithoutGaps(t *testing.T) {
	cluster := startCluster(t)
	defer cluster.Close()
	c := startCanary(t, testConfig(cluster.ListenAddrs(), "zone-a"))
	waitFor(t, 10*time.Second, "up", func() bool { return sum(t, c.metrics, MetricUp, nil) == 1 })

	h := cluster.Fault(kfake.Fault{
		Keys:       []kmsg.Key{kmsg.Produce},
		Topic:      testTopic,
		Partitions: []int32{1},
		Err:        kerr.TopicAuthorizationFailed,
		Count:      3,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.Wait(ctx, 3); err != nil {
		t.Fatalf("fault hit %d of 3 times: %v", h.Hits(), err)
	}
	reason := map[string]string{"partition": "1", "reason": "TOPIC_AUTHORIZATION_FAILED"}
	waitFor(t, 5*time.Second, "produce errors counted", func() bool { return sum(t, c.metrics, MetricProduceErrors, reason) >= 3 })
	before := sum(t, c.metrics, MetricConsumed, part(1))
	waitFor(t, 5*time.Second, "records flowing on partition 1 again", func() bool { return sum(t, c.metrics, MetricConsumed, part(1)) >= before+20 })
	// Wait out the gap grace period: failed records must not turn into gaps.
	time.Sleep(2*c.cfg.ProduceTimeout + c.cfg.StaleAfter + 2*c.cfg.Interval)
	if v := sum(t, c.metrics, MetricGaps, nil); v != 0 {
		t.Errorf("gaps = %v after failed produces, want 0 (failures are errors, not losses)", v)
	}
	if v := sum(t, c.metrics, MetricDuplicates, nil); v != 0 {
		t.Errorf("duplicates = %v, want 0", v)
	}
	if other := sum(t, c.metrics, MetricProduceErrors, part(0)) + sum(t, c.metrics, MetricProduceErrors, part(2)); other != 0 {
		t.Errorf("errors on unfaulted partitions = %v, want 0", other)
	}
	waitFor(t, 5*time.Second, "up again", func() bool { return sum(t, c.metrics, MetricUp, nil) == 1 })
}

// A cluster that dies shows up as timeouts and kafka_canary_up 0, not a
// crash; the cluster coming back on the same addresses with its data (as a
// restarted broker set does: same topic IDs, same logs) brings the canary
// back. (Restarting an in-memory cluster would give the topic a new topic
// ID, i.e. delete and recreate it, which kgo deliberately does not follow;
// see the limitations in doc.go.)
func TestCanarySurvivesClusterRestart(t *testing.T) {
	dataDir := t.TempDir()
	cluster := startCluster(t, kfake.DataDir(dataDir))
	addrs := cluster.ListenAddrs()
	var ports []int
	for _, a := range addrs {
		_, p, err := net.SplitHostPort(a)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(p)
		ports = append(ports, n)
	}
	c := startCanary(t, testConfig(addrs, "zone-a"))
	waitFor(t, 10*time.Second, "up", func() bool { return sum(t, c.metrics, MetricUp, nil) == 1 })

	cluster.Close()
	waitFor(t, 5*time.Second, "up 0 after the cluster died", func() bool { return sum(t, c.metrics, MetricUp, nil) == 0 })
	waitFor(t, 5*time.Second, "timeouts counted", func() bool { return sum(t, c.metrics, MetricProduceTimeouts, nil) > 0 })
	if !c.running.Load() {
		t.Fatal("canary stopped running while the cluster was down")
	}

	restarted := startCluster(t, kfake.Ports(ports...), kfake.DataDir(dataDir))
	defer restarted.Close()
	before := sum(t, c.metrics, MetricConsumed, nil)
	waitFor(t, 20*time.Second, "up again after restart", func() bool { return sum(t, c.metrics, MetricUp, nil) == 1 })
	waitFor(t, 5*time.Second, "records flowing after restart", func() bool { return sum(t, c.metrics, MetricConsumed, nil) >= before+30 })
	if err := c.stop(); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	t.Logf("timeouts %v, errors %v, gaps %v",
		sum(t, c.metrics, MetricProduceTimeouts, nil), sum(t, c.metrics, MetricProduceErrors, nil), sum(t, c.metrics, MetricGaps, nil))
}

// When leadership moves, new samples carry the new leader within one
// metadata refresh, and the leader gauge follows.
func TestCanaryFollowsLeaderMoves(t *testing.T) {
	cluster := startCluster(t)
	defer cluster.Close()
	c := startCanary(t, testConfig(cluster.ListenAddrs(), "zone-a"))
	waitFor(t, 10*time.Second, "up", func() bool { return sum(t, c.metrics, MetricUp, nil) == 1 })

	if err := cluster.MoveTopicPartition(testTopic, 0, 2); err != nil {
		t.Fatal(err)
	}
	moved := map[string]string{"partition": "0", "leader": "2"}
	waitFor(t, 3*c.cfg.MetadataRefresh, "acks labelled with the new leader", func() bool {
		for _, s := range gather(t, c.metrics, MetricProduceAck) {
			if matches(s.labels, moved) && s.m.GetHistogram().GetSampleCount() > 0 {
				return true
			}
		}
		return false
	})
	if got := sum(t, c.metrics, MetricPartitionLeaders, part(0)); got != 2 {
		t.Errorf("leader gauge for partition 0 = %v, want 2", got)
	}
	waitFor(t, 3*time.Second, "e2e labelled with the new leader", func() bool {
		for _, s := range gather(t, c.metrics, MetricE2E) {
			if matches(s.labels, moved) && s.m.GetHistogram().GetSampleCount() > 0 {
				return true
			}
		}
		return false
	})
	waitFor(t, 3*time.Second, "up after the move", func() bool { return sum(t, c.metrics, MetricUp, nil) == 1 })
}
