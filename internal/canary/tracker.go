package canary

import (
	"sync"
)

// maxSuspects bounds the sequence numbers a partition holds while waiting
// to learn whether they were lost. Beyond it a jump is counted as a gap at
// once, so a corrupt or far-future sequence number cannot exhaust memory.
const maxSuspects = 1 << 16

// SeqResult classifies one consumed sequence number.
type SeqResult int

const (
	// SeqInOrder is the expected next number, or a jump forward (the
	// skipped numbers become suspects, see Tracker).
	SeqInOrder SeqResult = iota
	// SeqLate is a number that was skipped earlier and has now arrived.
	SeqLate
	// SeqDuplicate is a number that was already consumed.
	SeqDuplicate
	// SeqUnknownPartition is a partition the tracker was not sized for.
	SeqUnknownPartition
)

// Tracker detects missing and duplicated sequence numbers per partition for
// the canary's own records.
//
// The canary positions its consumer at the end of every partition before it
// produces anything, so each partition's first own record is number 0 and
// every later one is the previous plus one. A number the consumer skips is
// not counted as a gap at once: it becomes a suspect for the grace period,
// and stops being one if it arrives late or the producer reports that its
// produce failed (that failure is already counted as an error or timeout, so
// counting it again as a gap would page twice for one fault). A suspect that
// is still missing after the grace period is a gap: a record the broker
// acknowledged, or never answered for, that no consumer will see.
//
// A number seen twice is a duplicate; the idempotent producer should make
// that impossible, so any is worth an alert. A number arriving after its
// grace period ended was already counted as a gap and is then counted as
// a duplicate too: the tracker forgets expired numbers to stay bounded, and
// in a partition (consumed in offset order, never re-sent by the canary)
// both events are anomalies worth the alert.
//
// Tracker is safe for concurrent use: the consumer calls Observe, produce
// promises call Failed, and a ticker calls Expire.
type Tracker struct {
	grace int64
	parts []partTracker
}

type partTracker struct {
	mu   sync.Mutex
	next uint64
	// failed holds numbers at or after next whose produce failed.
	failed map[uint64]struct{}
	// suspects maps skipped numbers to the time (ns) they become gaps.
	suspects map[uint64]int64
	// overflow counts gaps decided at once because suspects was full.
	overflow uint64
}

// NewTracker returns a tracker for partitions 0..partitions-1; graceNanos
// is how long a skipped number may still arrive or be reported failed.
func NewTracker(partitions int, graceNanos int64) *Tracker {
	t := &Tracker{grace: graceNanos, parts: make([]partTracker, partitions)}
	for i := range t.parts {
		t.parts[i].failed = map[uint64]struct{}{}
		t.parts[i].suspects = map[uint64]int64{}
	}
	return t
}

func (t *Tracker) part(p int32) *partTracker {
	if p < 0 || int(p) >= len(t.parts) {
		return nil
	}
	return &t.parts[p]
}

// Observe records that seq was consumed from partition p at nowNanos.
func (t *Tracker) Observe(p int32, seq uint64, nowNanos int64) SeqResult {
	pt := t.part(p)
	if pt == nil {
		return SeqUnknownPartition
	}
	pt.mu.Lock()
	defer pt.mu.Unlock()
	switch {
	case seq == pt.next:
		pt.next++
		return SeqInOrder
	case seq > pt.next:
		deadline := nowNanos + t.grace
		for s := pt.next; s < seq; s++ {
			if _, ok := pt.failed[s]; ok {
				delete(pt.failed, s)
				continue
			}
			if len(pt.suspects) >= maxSuspects {
				// Count the rest of the jump without walking it.
				pt.overflow += seq - s
				for f := range pt.failed {
					if f >= s && f < seq {
						delete(pt.failed, f)
						pt.overflow--
					}
				}
				break
			}
			pt.suspects[s] = deadline
		}
		pt.next = seq + 1
		return SeqInOrder
	default:
		if _, ok := pt.suspects[seq]; ok {
			delete(pt.suspects, seq)
			return SeqLate
		}
		return SeqDuplicate
	}
}

// Failed records that the produce of seq to partition p failed, so its
// absence is not a gap.
func (t *Tracker) Failed(p int32, seq uint64) {
	pt := t.part(p)
	if pt == nil {
		return
	}
	pt.mu.Lock()
	defer pt.mu.Unlock()
	if seq >= pt.next {
		pt.failed[seq] = struct{}{}
		return
	}
	// Already skipped by the consumer (a suspect) or consumed anyway (a
	// timed-out produce can still have been written): either way not a gap.
	delete(pt.suspects, seq)
}

// Expire returns, per partition, the number of suspects whose grace period
// ended at or before nowNanos, and forgets them: each is one gap.
func (t *Tracker) Expire(nowNanos int64, gaps []uint64) []uint64 {
	gaps = gaps[:0]
	for i := range t.parts {
		pt := &t.parts[i]
		pt.mu.Lock()
		n := pt.overflow
		pt.overflow = 0
		for s, deadline := range pt.suspects {
			if deadline <= nowNanos {
				delete(pt.suspects, s)
				n++
			}
		}
		pt.mu.Unlock()
		gaps = append(gaps, n)
	}
	return gaps
}
