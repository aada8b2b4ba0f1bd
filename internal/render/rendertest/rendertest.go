package rendertest

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/crdvalidate"
	"github.com/tradingfirm/kafka-platform/internal/iampolicy"
	"github.com/tradingfirm/kafka-platform/internal/render"
)

// Project, Stack and Region are what Run uses: the project's name and a
// stack that is neither prod nor dr, so nothing stack-specific applies.
const (
	Project = "kafka-platform"
	Stack   = "test"
	Region  = "us-east-1"
)

// Run runs program under fresh mocks for Project/Stack in Region and fails
// the test if it returns an error.
func Run(t testing.TB, program pulumi.RunFunc) *render.Mocks {
	t.Helper()
	return RunStack(t, Stack, Region, program)
}

// RunStack is Run for another stack and region (the DR stack runs in
// us-west-2, some components read the stack name).
func RunStack(t testing.TB, stack, region string, program pulumi.RunFunc) *render.Mocks {
	t.Helper()
	m := render.NewMocks(Project, stack, region)
	if err := m.Run(program); err != nil {
		t.Fatalf("run under mocks (stack %s, %s): %v", stack, region, err)
	}
	return m
}

// Component runs one component's New (the house-style constructor) as the
// whole program under Run's mocks, named name with args, and fails the test
// on error.
func Component[A, C any](t testing.TB, newFn func(*pulumi.Context, string, A, ...pulumi.ResourceOption) (C, error), name string, args A) *render.Mocks {
	t.Helper()
	return Run(t, func(ctx *pulumi.Context) error {
		_, err := newFn(ctx, name, args)
		return err
	})
}

// MustFind returns the recorded resource of type typ and logical name, and
// fails the test when there is none.
func MustFind(t testing.TB, m *render.Mocks, typ, name string) *render.Resource {
	t.Helper()
	r := m.Find(typ, name)
	if r == nil {
		t.Fatalf("no %s named %s", typ, name)
	}
	return r
}

// MustID returns the ID the mocks gave the resource of type typ and logical
// name, and fails the test when there is none.
func MustID(t testing.TB, m *render.Mocks, typ, name string) string {
	t.Helper()
	id, ok := m.ID(typ, name)
	if !ok {
		t.Fatalf("no %s named %s", typ, name)
	}
	return id
}

// Str is the string input key of r, or "" when it is missing or not a string.
func Str(r *render.Resource, key string) string {
	s, _ := r.Inputs[key].(string)
	return s
}

// Get walks a plain value (a resource's Inputs or part of them) by map keys;
// it returns nil as soon as a step is not a map.
func Get(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// Strs formats each element of a plain list; anything but a list is empty.
func Strs(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, len(arr))
	for i, e := range arr {
		out[i] = fmt.Sprint(e)
	}
	return out
}

// Contains says whether xs holds x.
func Contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// Policy decodes an IAM policy document input (a JSON string, as
// iampolicy.Document.JSON writes it) and fails the test when it is not one.
func Policy(t testing.TB, v any) iampolicy.Document {
	t.Helper()
	s, _ := v.(string)
	var d iampolicy.Document
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		t.Fatalf("policy %q: %v", s, err)
	}
	return d
}

// Statement returns the statement of d with Sid sid, and fails the test when
// there is none.
func Statement(t testing.TB, d iampolicy.Document, sid string) iampolicy.Statement {
	t.Helper()
	for _, s := range d.Statement {
		if s.Sid == sid {
			return s
		}
	}
	t.Fatalf("no statement %s in %+v", sid, d)
	return iampolicy.Statement{}
}

var (
	crdOnce sync.Once
	crdVal  *crdvalidate.Validator
	crdErr  error
)

// CRDs returns a validator for the Strimzi CRDs crdvalidate.FindDir locates,
// loaded once per test binary (parsing them is the slow part), and fails the
// test when they cannot be loaded.
func CRDs(t testing.TB) *crdvalidate.Validator {
	t.Helper()
	crdOnce.Do(func() {
		dir, err := crdvalidate.FindDir()
		if err != nil {
			crdErr = err
			return
		}
		crdVal, crdErr = crdvalidate.LoadDir(dir)
	})
	if crdErr != nil {
		t.Fatal(crdErr)
	}
	return crdVal
}
