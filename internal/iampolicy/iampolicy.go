// Package iampolicy builds IAM policy documents from typed structs, so that
// trust and permission policies are data the tests and the policy pack can
// inspect, never concatenated strings.
package iampolicy

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Version is the only current IAM policy language version.
const Version = "2012-10-17"

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one policy statement. Principal and Condition are maps so
// they marshal to IAM's shapes; use the helpers below to fill them.
type Statement struct {
	Sid       string                         `json:"Sid,omitempty"`
	Effect    Effect                         `json:"Effect"`
	Principal map[string][]string            `json:"Principal,omitempty"`
	Action    []string                       `json:"Action"`
	Resource  []string                       `json:"Resource,omitempty"`
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

// Effect is Allow or Deny.
type Effect string

// The effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// New returns a document with the given statements.
func New(st ...Statement) Document { return Document{Version: Version, Statement: st} }

// JSON marshals the document deterministically (maps marshal sorted).
func (d Document) JSON() (string, error) {
	if d.Version == "" {
		d.Version = Version
	}
	for i, s := range d.Statement {
		if s.Effect != Allow && s.Effect != Deny {
			return "", fmt.Errorf("statement %d (%q): effect %q is not Allow or Deny", i, s.Sid, s.Effect)
		}
		if len(s.Action) == 0 {
			return "", fmt.Errorf("statement %d (%q): no actions", i, s.Sid)
		}
		sort.Strings(d.Statement[i].Action)
	}
	b, err := json.Marshal(d)
	return string(b), err
}

// MustJSON is JSON for documents built from constants; it panics only on a
// programming error in this repository.
func (d Document) MustJSON() string {
	s, err := d.JSON()
	if err != nil {
		panic(err)
	}
	return s
}

// Cond adds a condition test/variable/values to st and returns it.
func (s Statement) Cond(test, variable string, values ...string) Statement {
	if s.Condition == nil {
		s.Condition = map[string]map[string][]string{}
	}
	if s.Condition[test] == nil {
		s.Condition[test] = map[string][]string{}
	}
	s.Condition[test][variable] = append(s.Condition[test][variable], values...)
	return s
}
