package canary

import (
	"slices"
	"testing"
)

const grace = 1000

// step is one event fed to a one-partition tracker.
type step struct {
	op   string // "seen", "failed", "expire"
	seq  uint64
	at   int64
	want SeqResult // for "seen"
	gaps uint64    // for "expire"
}

func TestTracker(t *testing.T) {
	cases := map[string][]step{
		"in order": {
			{op: "seen", seq: 0, want: SeqInOrder}, {op: "seen", seq: 1, want: SeqInOrder}, {op: "seen", seq: 2, want: SeqInOrder},
			{op: "expire", at: 10 * grace, gaps: 0},
		},
		"gap confirmed only after grace": {
			{op: "seen", seq: 0}, {op: "seen", seq: 3, at: 10, want: SeqInOrder},
			{op: "expire", at: 10 + grace - 1, gaps: 0},
			{op: "expire", at: 10 + grace, gaps: 2},
			{op: "expire", at: 10 * grace, gaps: 0},
		},
		"first record missing is a gap": {
			{op: "seen", seq: 1, at: 0}, {op: "expire", at: grace, gaps: 1},
		},
		"failed produce is not a gap (reported before the skip)": {
			{op: "seen", seq: 0}, {op: "failed", seq: 1}, {op: "failed", seq: 2}, {op: "seen", seq: 3},
			{op: "expire", at: 10 * grace, gaps: 0},
		},
		"failed produce is not a gap (reported after the skip)": {
			{op: "seen", seq: 0}, {op: "seen", seq: 3}, {op: "failed", seq: 2},
			{op: "expire", at: 10 * grace, gaps: 1},
		},
		"late arrival within grace is not a gap": {
			{op: "seen", seq: 0}, {op: "seen", seq: 2}, {op: "seen", seq: 1, want: SeqLate},
			{op: "expire", at: 10 * grace, gaps: 0},
		},
		"duplicate": {
			{op: "seen", seq: 0}, {op: "seen", seq: 1}, {op: "seen", seq: 1, want: SeqDuplicate}, {op: "seen", seq: 0, want: SeqDuplicate},
			{op: "seen", seq: 2, want: SeqInOrder},
		},
		"arrival after its gap was counted is also a duplicate (documented)": {
			{op: "seen", seq: 0}, {op: "seen", seq: 2}, {op: "expire", at: grace, gaps: 1},
			{op: "seen", seq: 1, want: SeqDuplicate},
		},
		"failed then written anyway (ambiguous timeout) is neither gap nor duplicate": {
			{op: "seen", seq: 0}, {op: "failed", seq: 1}, {op: "seen", seq: 1, want: SeqInOrder}, {op: "seen", seq: 2, want: SeqInOrder},
			{op: "expire", at: 10 * grace, gaps: 0},
		},
		"huge jump is counted without unbounded memory": {
			{op: "seen", seq: 0}, {op: "failed", seq: maxSuspects + 10}, {op: "seen", seq: 1 << 40},
			{op: "expire", at: grace, gaps: 1<<40 - 1 - 1},
		},
	}
	for name, steps := range cases {
		t.Run(name, func(t *testing.T) {
			tr := NewTracker(1, grace)
			var gaps []uint64
			for i, s := range steps {
				switch s.op {
				case "seen":
					if got := tr.Observe(0, s.seq, s.at); got != s.want {
						t.Fatalf("step %d: Observe(%d) = %d, want %d", i, s.seq, got, s.want)
					}
				case "failed":
					tr.Failed(0, s.seq)
				case "expire":
					gaps = tr.Expire(s.at, gaps)
					if gaps[0] != s.gaps {
						t.Fatalf("step %d: Expire(%d) = %d gaps, want %d", i, s.at, gaps[0], s.gaps)
					}
				}
			}
		})
	}
}

func TestTrackerPartitionsAreIndependent(t *testing.T) {
	tr := NewTracker(3, grace)
	tr.Observe(0, 0, 0)
	tr.Observe(1, 5, 0)
	tr.Observe(2, 0, 0)
	tr.Observe(2, 0, 0)
	if got := tr.Observe(3, 0, 0); got != SeqUnknownPartition {
		t.Errorf("partition 3 of 3: got %d, want SeqUnknownPartition", got)
	}
	if got := tr.Observe(-1, 0, 0); got != SeqUnknownPartition {
		t.Errorf("partition -1: got %d, want SeqUnknownPartition", got)
	}
	if got := tr.Expire(grace, nil); !slices.Equal(got, []uint64{0, 5, 0}) {
		t.Errorf("gaps per partition = %v, want [0 5 0]", got)
	}
}

func TestTrackerObserveInOrderDoesNotAllocate(t *testing.T) {
	tr := NewTracker(1, grace)
	var seq uint64
	allocs := testing.AllocsPerRun(1000, func() {
		tr.Observe(0, seq, 0)
		seq++
	})
	if allocs != 0 {
		t.Errorf("Observe allocates %.1f times per record, want 0", allocs)
	}
}
