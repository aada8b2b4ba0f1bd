package config

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one validation failure: the key (with a path inside structured
// keys), the offending value, and what to do about it.
type Problem struct {
	Key   string // e.g. "kafka-platform:topics.orders.replicas"
	Value string // the bad value as given
	Want  string // allowed values or the rule broken
	Fix   string // what the operator should change
}

func (p Problem) String() string {
	return fmt.Sprintf("%s = %q: %s; fix: %s", p.Key, p.Value, p.Want, p.Fix)
}

// Problems collects every validation failure so they are reported together.
type Problems []Problem

// Add records a problem for key k (a bare name is prefixed with the project).
func (ps *Problems) Add(key, value, want, fix string) {
	if !strings.Contains(key, ":") {
		key = Project + ":" + key
	}
	*ps = append(*ps, Problem{Key: key, Value: value, Want: want, Fix: fix})
}

// Addf is Add with a formatted value.
func (ps *Problems) Addf(key string, value any, want, fix string) {
	ps.Add(key, fmt.Sprint(value), want, fix)
}

// Err returns nil when there are no problems, otherwise an *Error.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	out := append(Problems(nil), ps...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return &Error{Problems: out}
}

// Error is returned by Parse when the configuration is invalid.
type Error struct{ Problems Problems }

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid stack configuration (%d problem(s)):", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.String())
	}
	return b.String()
}
