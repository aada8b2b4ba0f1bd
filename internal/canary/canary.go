package canary

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// maxBufferedRecords bounds records waiting for an acknowledgement. In
// steady state a partition has ProduceTimeout/Interval (20 by default)
// records in flight at most; 10000 covers 500 partitions at the defaults.
// Beyond it TryProduce fails fast (reason "buffer_full") rather than
// blocking the round.
const maxBufferedRecords = 10000

// startupRetry is the pause between attempts to read the topic's metadata
// and end offsets while the cluster is unreachable at startup.
const startupRetry = time.Second

// Canary is one running canary: a producer and a consumer client, the
// per-partition state and the metrics.
type Canary struct {
	cfg     Config
	log     *slog.Logger
	metrics *Metrics

	runID uint64
	start time.Time
	zone  []byte

	prod *kgo.Client
	cons *kgo.Client

	parts   []*partition
	tracker *Tracker

	ready   atomic.Bool
	running atomic.Bool
	closing atomic.Bool
}

// partition is the state of one canary partition. seq is touched only by
// the produce loop; the rest is shared with promises and the consumer.
type partition struct {
	id      int32
	metrics *partitionMetrics
	seq     uint64

	leader        atomic.Int32
	lastProduceOK atomic.Bool
	lastConsumed  atomic.Int64 // monotonic ns since start, 0 = never

	mu      sync.Mutex
	latency map[int32]latencyObservers // by leader

	inflightMu sync.Mutex
	inflight   []*inflight // in send order
}

// inflight is one record awaiting its acknowledgement.
//
// The canary enforces ProduceTimeout itself instead of relying on kgo's
// RecordDeliveryTimeout alone: with the idempotent producer kgo only fails
// a record when that cannot break sequence numbers, i.e. never while a
// request carrying it may have reached a broker (see the RecordDeliveryTimeout
// docs in pkg/kgo/config.go). Against a dead cluster records would then wait
// silently, with no timeout counted, until the cluster came back.
type inflight struct {
	seq   uint64
	sent  time.Time
	state atomic.Uint32 // inflightPending, inflightDone or inflightTimedOut
}

const (
	inflightPending uint32 = iota
	inflightDone
	inflightTimedOut
)

// New builds a canary for cfg. It does not connect: Run does.
func New(cfg Config, log *slog.Logger) *Canary {
	start := time.Now()
	return &Canary{
		cfg:     cfg,
		log:     log,
		metrics: NewMetrics(cfg.Zone),
		runID:   uint64(start.UnixNano()),
		start:   start,
		zone:    []byte(cfg.Zone),
	}
}

// Metrics returns the canary's metrics (for tests and the HTTP handler).
func (c *Canary) Metrics() *Metrics { return c.metrics }

// Handler serves /metrics, /healthz (200 while Run is running) and
// /readyz (200 once the canary knows the topic's partitions and has
// positioned its consumer; it stays ready while Kafka is down, because the
// canary's job is then to report that, and an unready pod would only hide
// its metrics from nothing).
func (c *Canary) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(c.metrics.Registry, promhttp.HandlerOpts{
		Registry:          c.metrics.Registry,
		EnableOpenMetrics: true,
	}))
	probe := func(ok *atomic.Bool, what string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			if !ok.Load() {
				http.Error(w, what+": no", http.StatusServiceUnavailable)
				return
			}
			_, _ = w.Write([]byte(what + ": ok\n"))
		}
	}
	mux.Handle("/healthz", probe(&c.running, "running"))
	mux.Handle("/readyz", probe(&c.ready, "ready"))
	return mux
}

func (c *Canary) now() int64 { return int64(time.Since(c.start)) }

// Run connects, positions the consumer at the end of every partition,
// then produces and consumes until ctx is cancelled. It returns nil on a
// clean shutdown; Kafka being unreachable is reported in metrics, not as
// an error.
func (c *Canary) Run(ctx context.Context) error {
	c.running.Store(true)
	defer c.running.Store(false)

	brokerTLS, err := c.cfg.BrokerTLS(c.log)
	if err != nil {
		return err
	}
	common := []kgo.Opt{
		kgo.SeedBrokers(c.cfg.BootstrapServers...),
		kgo.WithLogger(slogLogger{c.log}),
		// Re-read metadata at least as often as the leader labels are
		// refreshed, so produce routing follows leadership moves.
		kgo.MetadataMaxAge(c.cfg.MetadataRefresh),
		// kgo's 5 s default minimum would keep a produce to a moved leader
		// failing for up to 5 s after a NOT_LEADER error; 1 s follows
		// leadership moves (rolling restarts) faster at one metadata
		// request per second at worst.
		kgo.MetadataMinAge(min(time.Second, c.cfg.MetadataRefresh)),
	}
	if brokerTLS != nil {
		// A dialer rather than kgo.DialTLSConfig: each connection trusts
		// the cluster CA file as it is now (see BrokerTLS).
		common = append(common, kgo.Dialer(brokerTLS.DialContext))
	}
	c.prod, err = kgo.NewClient(append(common,
		kgo.ClientID("canary-producer-"+c.cfg.Zone),
		kgo.DefaultProduceTopic(c.cfg.Topic),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerLinger(0),
		kgo.RecordDeliveryTimeout(c.cfg.ProduceTimeout),
		kgo.ProduceRequestTimeout(c.cfg.ProduceTimeout),
		kgo.MaxBufferedRecords(maxBufferedRecords),
	)...)
	if err != nil {
		return fmt.Errorf("producer client: %w", err)
	}
	defer c.prod.Close()

	leaders, err := c.discover(ctx)
	if err != nil {
		return err
	}
	// Initialise the idempotent producer ID now, so the first round's ack
	// latency measures the cluster, not client start-up. A failure here is
	// not fatal: produce retries it and the outage shows in the metrics.
	if _, _, err := c.prod.ProducerID(ctx); err != nil {
		c.log.Warn("initialising producer id", "err", err)
	}
	c.parts = make([]*partition, len(leaders))
	for i, l := range leaders {
		p := &partition{id: int32(i), metrics: c.metrics.forPartition(int32(i)), latency: map[int32]latencyObservers{}}
		p.leader.Store(l)
		c.metrics.setLeader(int32(i), l)
		c.parts[i] = p
	}
	// Suspected gaps wait twice the produce timeout: by then the producer
	// has reported the record failed, or it was acknowledged and a
	// consumer reading with lag under StaleAfter would have seen it.
	c.tracker = NewTracker(len(leaders), int64(2*c.cfg.ProduceTimeout+c.cfg.StaleAfter))

	offsets, err := c.endOffsets(ctx, len(leaders))
	if err != nil {
		return err
	}
	c.cons, err = kgo.NewClient(append(common,
		kgo.ClientID("canary-"+c.cfg.Zone),
		// Fetch from the in-zone replica (KIP-392): with the brokers'
		// RackAwareReplicaSelector this is what consumers in this zone do.
		kgo.Rack(c.cfg.Zone),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{c.cfg.Topic: offsets}),
		// A restarted or recreated topic (offset out of range) is read
		// from its start: the tracker then sees fresh records, not a hang.
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)...)
	if err != nil {
		return fmt.Errorf("consumer client: %w", err)
	}
	defer c.cons.Close()
	c.ready.Store(true)
	c.log.Info("canary started", "topic", c.cfg.Topic, "zone", c.cfg.Zone, "partitions", len(leaders), "leaders", leaders, "interval", c.cfg.Interval)

	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); c.consumeLoop(ctx) }()
	go func() { defer wg.Done(); c.metadataLoop(ctx) }()
	go func() { defer wg.Done(); c.statusLoop(ctx) }()
	c.produceLoop(ctx)
	wg.Wait()

	// Give in-flight records one produce timeout to settle so their
	// outcome is counted, then stop counting: records the closing client
	// fails are shutdown artefacts, not cluster faults.
	flushCtx, cancel := context.WithTimeout(context.Background(), c.cfg.ProduceTimeout)
	defer cancel()
	if err := c.prod.Flush(flushCtx); err != nil {
		c.log.Warn("flush on shutdown", "err", err)
	}
	c.closing.Store(true)
	c.metrics.setUp(false)
	c.log.Info("canary stopped")
	return nil
}

// discover returns the leader of each canary partition (index = partition),
// retrying until the topic is readable or ctx ends.
func (c *Canary) discover(ctx context.Context) ([]int32, error) {
	for {
		leaders, err := c.leaders(ctx)
		if err == nil {
			return leaders, nil
		}
		c.log.Warn("reading canary topic metadata, retrying", "topic", c.cfg.Topic, "err", err)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("canary topic %q metadata: %w", c.cfg.Topic, context.Cause(ctx))
		case <-time.After(startupRetry):
		}
	}
}

// leaders reads the partitions of the canary topic and their leaders.
func (c *Canary) leaders(ctx context.Context) ([]int32, error) {
	req := kmsg.NewPtrMetadataRequest()
	t := kmsg.NewMetadataRequestTopic()
	t.Topic = kmsg.StringPtr(c.cfg.Topic)
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, c.prod)
	if err != nil {
		return nil, err
	}
	if len(resp.Topics) != 1 {
		return nil, fmt.Errorf("metadata answered %d topics, want 1", len(resp.Topics))
	}
	rt := resp.Topics[0]
	if err := kerr.ErrorForCode(rt.ErrorCode); err != nil {
		return nil, err
	}
	if len(rt.Partitions) == 0 {
		return nil, errors.New("topic has no partitions")
	}
	leaders := make([]int32, len(rt.Partitions))
	for i := range leaders {
		leaders[i] = -1
	}
	for _, p := range rt.Partitions {
		if p.Partition < 0 || int(p.Partition) >= len(leaders) {
			return nil, fmt.Errorf("metadata names partition %d of %d", p.Partition, len(leaders))
		}
		if kerr.ErrorForCode(p.ErrorCode) == nil {
			leaders[p.Partition] = p.Leader
		}
	}
	return leaders, nil
}

// endOffsets reads the end offset of every partition, retrying until ctx
// ends, so the consumer starts exactly where this run's first records go.
func (c *Canary) endOffsets(ctx context.Context, partitions int) (map[int32]kgo.Offset, error) {
	for {
		offsets, err := c.tryEndOffsets(ctx, partitions)
		if err == nil {
			return offsets, nil
		}
		c.log.Warn("reading canary topic end offsets, retrying", "topic", c.cfg.Topic, "err", err)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("canary topic %q end offsets: %w", c.cfg.Topic, context.Cause(ctx))
		case <-time.After(startupRetry):
		}
	}
}

func (c *Canary) tryEndOffsets(ctx context.Context, partitions int) (map[int32]kgo.Offset, error) {
	req := kmsg.NewPtrListOffsetsRequest()
	req.ReplicaID = -1
	t := kmsg.NewListOffsetsRequestTopic()
	t.Topic = c.cfg.Topic
	for p := range partitions {
		rp := kmsg.NewListOffsetsRequestTopicPartition()
		rp.Partition = int32(p)
		rp.Timestamp = -1 // latest
		t.Partitions = append(t.Partitions, rp)
	}
	req.Topics = append(req.Topics, t)
	// kgo splits ListOffsets by partition leader and merges the answers.
	resp, err := req.RequestWith(ctx, c.prod)
	if err != nil {
		return nil, err
	}
	offsets := make(map[int32]kgo.Offset, partitions)
	for _, rt := range resp.Topics {
		for _, rp := range rt.Partitions {
			if err := kerr.ErrorForCode(rp.ErrorCode); err != nil {
				return nil, fmt.Errorf("partition %d: %w", rp.Partition, err)
			}
			offsets[rp.Partition] = kgo.NewOffset().At(rp.Offset)
		}
	}
	if len(offsets) != partitions {
		return nil, fmt.Errorf("got end offsets for %d of %d partitions", len(offsets), partitions)
	}
	return offsets, nil
}

// observers returns the latency histograms of partition p for leader,
// creating them once per (partition, leader).
func (c *Canary) observers(p *partition, leader int32) latencyObservers {
	p.mu.Lock()
	defer p.mu.Unlock()
	o, ok := p.latency[leader]
	if !ok {
		o = c.metrics.latency(p.id, leader)
		p.latency[leader] = o
	}
	return o
}

func (c *Canary) produceLoop(ctx context.Context) {
	tick := time.NewTicker(c.cfg.Interval)
	defer tick.Stop()
	for {
		c.produceRound()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// produceRound sends one record to every partition.
func (c *Canary) produceRound() {
	for _, p := range c.parts {
		seq := p.seq
		p.seq++
		leader := p.leader.Load()
		obs := c.observers(p, leader)
		rec := Record{RunID: c.runID, Seq: seq, Partition: p.id, Leader: leader, Origin: c.zone}
		sent := time.Now()
		rec.SentNanos = int64(sent.Sub(c.start))
		f := &inflight{seq: seq, sent: sent}
		p.inflightMu.Lock()
		p.inflight = append(p.inflight, f)
		p.inflightMu.Unlock()
		kr := &kgo.Record{
			Topic:     c.cfg.Topic,
			Partition: p.id,
			Value:     AppendRecord(make([]byte, 0, EncodedLen(rec)), rec),
		}
		// The context only gates buffering (TryProduce never blocks);
		// delivery is bounded by RecordDeliveryTimeout, and records still
		// in flight at shutdown get to settle in Run's flush.
		c.prod.TryProduce(context.Background(), kr, func(_ *kgo.Record, err error) {
			c.produced(p, f, obs, time.Since(sent), err)
		})
	}
}

// produced handles one produce outcome. A record acknowledged after the
// canary counted its timeout still has its (true, long) latency observed:
// it lands in the +Inf bucket and is counted as produced.
func (c *Canary) produced(p *partition, f *inflight, obs latencyObservers, took time.Duration, err error) {
	first := f.state.CompareAndSwap(inflightPending, inflightDone)
	if err == nil {
		obs.ack.Observe(took.Seconds())
		p.metrics.produced.Inc()
		p.lastProduceOK.Store(true)
		return
	}
	if c.closing.Load() {
		return
	}
	p.lastProduceOK.Store(false)
	c.tracker.Failed(p.id, f.seq)
	switch {
	case !first:
		// Already counted as a timeout by expireInflight.
	case isTimeout(err):
		p.metrics.timeouts.Inc()
	default:
		c.metrics.produceError(p.id, errorReason(err))
	}
	c.log.Debug("canary produce failed", "partition", p.id, "seq", f.seq, "took", took, "err", err)
}

func isTimeout(err error) bool {
	return errors.Is(err, kgo.ErrRecordTimeout) ||
		errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, kerr.RequestTimedOut)
}

// errorReason maps a produce error onto a small fixed set of label values:
// the Kafka error code name (kerr's list is finite) or a client-side class.
func errorReason(err error) string {
	var ke *kerr.Error
	var ne net.Error
	switch {
	case errors.As(err, &ke):
		return ke.Message
	case errors.Is(err, kgo.ErrMaxBuffered):
		return "buffer_full"
	case errors.Is(err, kgo.ErrRecordRetries):
		return "retries_exhausted"
	case errors.Is(err, kgo.ErrClientClosed):
		return "client_closed"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &ne):
		return "network"
	default:
		return "other"
	}
}

func (c *Canary) consumeLoop(ctx context.Context) {
	var rec Record
	for {
		fetches := c.cons.PollFetches(ctx)
		if ctx.Err() != nil {
			return
		}
		fetches.EachError(func(_ string, p int32, err error) {
			if pp := c.part(p); pp != nil {
				pp.metrics.consumeErrors.Inc()
			}
			c.log.Debug("canary fetch error", "partition", p, "err", err)
		})
		fetches.EachRecord(func(r *kgo.Record) {
			c.consumed(r, &rec, c.now())
		})
	}
}

func (c *Canary) part(id int32) *partition {
	if id < 0 || int(id) >= len(c.parts) {
		return nil
	}
	return c.parts[id]
}

// consumed handles one fetched record at nowNanos (monotonic since start).
// It must not allocate: it runs once per record.
func (c *Canary) consumed(r *kgo.Record, rec *Record, nowNanos int64) {
	p := c.part(r.Partition)
	if p == nil {
		return
	}
	if err := DecodeRecord(r.Value, rec); err != nil || rec.Partition != r.Partition {
		p.metrics.invalid.Inc()
		return
	}
	if rec.RunID != c.runID || !bytes.Equal(rec.Origin, c.zone) {
		// Another zone's canary (or an earlier run of this one): its send
		// time is on another clock, so it is not measured here.
		return
	}
	p.metrics.consumed.Inc()
	if c.tracker.Observe(p.id, rec.Seq, nowNanos) == SeqDuplicate {
		// A second copy's latency says nothing about the path it took.
		p.metrics.duplicates.Inc()
		return
	}
	c.observers(p, rec.Leader).e2e.Observe(float64(nowNanos-rec.SentNanos) / 1e9)
	p.lastConsumed.Store(nowNanos)
}

// metadataLoop refreshes the leader of each partition.
func (c *Canary) metadataLoop(ctx context.Context) {
	tick := time.NewTicker(c.cfg.MetadataRefresh)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		reqCtx, cancel := context.WithTimeout(ctx, c.cfg.MetadataRefresh)
		leaders, err := c.leaders(reqCtx)
		cancel()
		if err != nil {
			c.log.Warn("refreshing canary partition leaders", "err", err)
			continue
		}
		c.updateLeaders(leaders)
	}
}

func (c *Canary) updateLeaders(leaders []int32) {
	if len(leaders) != len(c.parts) {
		c.log.Warn("canary topic partition count changed; restart the canary to produce to new partitions",
			"was", len(c.parts), "now", len(leaders))
	}
	for i, l := range leaders {
		if i >= len(c.parts) {
			break
		}
		p := c.parts[i]
		if old := p.leader.Swap(l); old != l {
			c.log.Info("canary partition leader changed", "partition", i, "from", old, "to", l)
		}
		c.metrics.setLeader(int32(i), l)
	}
}

// statusLoop updates kafka_canary_up and turns expired suspects into gaps.
func (c *Canary) statusLoop(ctx context.Context) {
	tick := time.NewTicker(c.cfg.Interval)
	defer tick.Stop()
	var gaps []uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		c.expireInflight(time.Now())
		now := c.now()
		gaps = c.tracker.Expire(now, gaps)
		for i, n := range gaps {
			if n > 0 {
				c.parts[i].metrics.gaps.Add(float64(n))
				c.log.Warn("canary records missing", "partition", i, "count", n)
			}
		}
		c.metrics.setUp(c.healthy(now))
	}
}

// expireInflight counts a timeout for every record still unacknowledged
// ProduceTimeout after it was sent, and drops settled records.
func (c *Canary) expireInflight(now time.Time) {
	for _, p := range c.parts {
		p.inflightMu.Lock()
		n := 0
		for _, f := range p.inflight {
			if f.state.Load() == inflightPending {
				if now.Sub(f.sent) < c.cfg.ProduceTimeout {
					break // the rest were sent later
				}
				if f.state.CompareAndSwap(inflightPending, inflightTimedOut) {
					p.metrics.timeouts.Inc()
					p.lastProduceOK.Store(false)
				}
			}
			n++
		}
		p.inflight = append(p.inflight[:0], p.inflight[n:]...)
		p.inflightMu.Unlock()
	}
}

// healthy is true when the last produce to every partition succeeded and
// an own record was consumed from each within StaleAfter.
func (c *Canary) healthy(now int64) bool {
	for _, p := range c.parts {
		last := p.lastConsumed.Load()
		if !p.lastProduceOK.Load() || last == 0 || now-last > int64(c.cfg.StaleAfter) {
			return false
		}
	}
	return len(c.parts) > 0
}

// slogLogger adapts kgo's logger to slog. kgo logs broker addresses and
// errors, never TLS material.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Level() kgo.LogLevel {
	ctx := context.Background()
	switch {
	case s.l.Enabled(ctx, slog.LevelDebug):
		return kgo.LogLevelDebug
	case s.l.Enabled(ctx, slog.LevelInfo):
		return kgo.LogLevelInfo
	case s.l.Enabled(ctx, slog.LevelWarn):
		return kgo.LogLevelWarn
	default:
		return kgo.LogLevelError
	}
}

func (s slogLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	l := slog.LevelDebug
	switch level {
	case kgo.LogLevelError:
		l = slog.LevelError
	case kgo.LogLevelWarn:
		l = slog.LevelWarn
	case kgo.LogLevelInfo:
		l = slog.LevelInfo
	}
	s.l.Log(context.Background(), l, msg, append([]any{"component", "kgo"}, keyvals...)...)
}
