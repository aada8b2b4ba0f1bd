package policy

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// stackDoc is a stack's analyzer inputs that mutations edit in place.
type stackDoc struct{ rs []map[string]any }

func loadStackDoc(path string) (*stackDoc, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Resources []map[string]any `json:"resources"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	return &stackDoc{rs: doc.Resources}, nil
}

// clone deep-copies the document so each mutation starts from the original.
func (s *stackDoc) clone() *stackDoc {
	b, err := json.Marshal(s.rs)
	if err != nil {
		panic(err)
	}
	var rs []map[string]any
	if err := json.Unmarshal(b, &rs); err != nil {
		panic(err)
	}
	return &stackDoc{rs: rs}
}

func (s *stackDoc) ofType(typ string) []map[string]any {
	var out []map[string]any
	for _, r := range s.rs {
		if r["__type"] == typ {
			out = append(out, r)
		}
	}
	return out
}

func (s *stackDoc) first(typ string) map[string]any {
	if rs := s.ofType(typ); len(rs) > 0 {
		return rs[0]
	}
	return nil
}

// remove drops r and every resource whose only purpose is r is left alone.
func (s *stackDoc) remove(r map[string]any) {
	out := s.rs[:0]
	for _, x := range s.rs {
		if x["__urn"] != r["__urn"] {
			out = append(out, x)
		}
	}
	s.rs = out
}

// setIn sets a value at path (string keys, int indexes) creating maps on
// the way, in both the overlaid inputs and __properties, as the analyzer
// gives both.
func setIn(r map[string]any, v any, path ...any) {
	setPath(r, v, path...)
	if p, ok := r["__properties"].(map[string]any); ok {
		setPath(p, v, path...)
	}
}

func setPath(m any, v any, path ...any) {
	for i, k := range path {
		last := i == len(path)-1
		switch key := k.(type) {
		case string:
			mm := m.(map[string]any)
			if last {
				if v == nil {
					delete(mm, key)
				} else {
					mm[key] = v
				}
				return
			}
			next, ok := mm[key]
			if !ok || next == nil {
				next = map[string]any{}
				mm[key] = next
			}
			m = next
		case int:
			arr := m.([]any)
			if last {
				arr[key] = v
				return
			}
			m = arr[key]
		}
	}
}

func getIn(m any, path ...any) any {
	for _, k := range path {
		switch key := k.(type) {
		case string:
			mm, ok := m.(map[string]any)
			if !ok {
				return nil
			}
			m = mm[key]
		case int:
			arr, ok := m.([]any)
			if !ok || key >= len(arr) {
				return nil
			}
			m = arr[key]
		}
	}
	return m
}

// editJSON rewrites a JSON-text field (a bucket or trust policy).
func editJSON(r map[string]any, field string, edit func(doc map[string]any) bool) bool {
	s, ok := r[field].(string)
	if !ok {
		return false
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return false
	}
	if !edit(doc) {
		return false
	}
	b, _ := json.Marshal(doc)
	setIn(r, string(b), field)
	return true
}

func statementsOf(doc map[string]any) []any {
	switch st := doc["Statement"].(type) {
	case []any:
		return st
	case map[string]any:
		return []any{st}
	}
	return nil
}

// zoneOfPinned returns the pool's single pinned zone expression, if any.
func pinnedZoneExpr(pool map[string]any) map[string]any {
	terms, _ := getIn(pool, "spec", "template", "pod", "affinity", "nodeAffinity",
		"requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms").([]any)
	for _, t := range terms {
		exprs, _ := getIn(t, "matchExpressions").([]any)
		for _, e := range exprs {
			em, _ := e.(map[string]any)
			if em["key"] == "topology.kubernetes.io/zone" {
				return em
			}
		}
	}
	return nil
}

func hasRole(pool map[string]any, role string) bool {
	roles, _ := getIn(pool, "spec", "roles").([]any)
	for _, r := range roles {
		if r == role {
			return true
		}
	}
	return false
}

func (s *stackDoc) pools(role string) []map[string]any {
	var out []map[string]any
	for _, p := range s.ofType("kubernetes:kafka.strimzi.io/v1:KafkaNodePool") {
		if hasRole(p, role) {
			out = append(out, p)
		}
	}
	return out
}

func describe(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "\n  [%s] %s %s: %s", v.Level, v.Rule, v.Name, v.Message)
	}
	return b.String()
}
