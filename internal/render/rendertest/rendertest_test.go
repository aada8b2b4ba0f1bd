package rendertest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/iampolicy"
)

// fatalRecorder is a testing.TB whose Fatalf records instead of stopping,
// so the failure paths can be checked.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
}

func TestRunRecordsResourcesAndIDs(t *testing.T) {
	var got pulumi.IDOutput
	m := RunStack(t, "dr", "us-west-2", func(ctx *pulumi.Context) error {
		s, err := ec2.NewSubnet(ctx, "private-a", &ec2.SubnetArgs{VpcId: pulumi.String("vpc-x"), CidrBlock: pulumi.String("10.0.0.0/24")})
		got = s.ID()
		return err
	})
	if m.Stack != "dr" || m.Region != "us-west-2" || m.Project != Project {
		t.Errorf("mocks for %s/%s in %s", m.Project, m.Stack, m.Region)
	}
	r := MustFind(t, m, "aws:ec2/subnet:Subnet", "private-a")
	if Str(r, "cidrBlock") != "10.0.0.0/24" || Str(r, "vpcId") != "vpc-x" || Str(r, "missing") != "" {
		t.Errorf("inputs %v", r.Inputs)
	}
	id := MustID(t, m, "aws:ec2/subnet:Subnet", "private-a")
	if !strings.HasPrefix(id, "subnet-fake") {
		t.Errorf("id %q, want the mocks' subnet placeholder", id)
	}
	ch := make(chan string, 1)
	got.ApplyT(func(v pulumi.ID) string { ch <- string(v); return string(v) })
	if v := <-ch; v != id {
		t.Errorf("recorded id %q, the program saw %q", id, v)
	}
}

func TestRunFailsOnProgramError(t *testing.T) {
	f := &fatalRecorder{TB: t}
	Run(f, func(ctx *pulumi.Context) error { return fmt.Errorf("boom") })
	if !strings.Contains(f.msg, "boom") {
		t.Errorf("Fatalf %q, want the program's error", f.msg)
	}
}

func TestMissingResourceFails(t *testing.T) {
	m := Run(t, func(ctx *pulumi.Context) error { return nil })
	f := &fatalRecorder{TB: t}
	if r := MustFind(f, m, "aws:ec2/subnet:Subnet", "nope"); r != nil || !strings.Contains(f.msg, "no aws:ec2/subnet:Subnet named nope") {
		t.Errorf("MustFind = %v, Fatalf %q", r, f.msg)
	}
	f = &fatalRecorder{TB: t}
	if id := MustID(f, m, "aws:ec2/subnet:Subnet", "nope"); id != "" || f.msg == "" {
		t.Errorf("MustID = %q, Fatalf %q", id, f.msg)
	}
}

func TestGetStrsContains(t *testing.T) {
	v := map[string]any{"a": map[string]any{"b": []any{"x", float64(2)}}}
	if got := Strs(Get(v, "a", "b")); !reflect.DeepEqual(got, []string{"x", "2"}) {
		t.Errorf("Strs(Get) = %v", got)
	}
	if Get(v, "a", "b", "c") != nil || Get(v, "z") != nil || len(Strs("not a list")) != 0 {
		t.Error("Get/Strs through a non-map or non-list must be empty")
	}
	if !Contains([]string{"a", "b"}, "b") || Contains([]string{"a"}, "b") {
		t.Error("Contains")
	}
}

func TestPolicyAndStatement(t *testing.T) {
	doc := iampolicy.New(iampolicy.Statement{Sid: "Read", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{"*"}})
	js, err := doc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	d := Policy(t, js)
	if s := Statement(t, d, "Read"); len(s.Action) != 1 || s.Action[0] != "s3:GetObject" {
		t.Errorf("statement %+v", s)
	}
	f := &fatalRecorder{TB: t}
	Statement(f, d, "Write")
	if !strings.Contains(f.msg, "no statement Write") {
		t.Errorf("Fatalf %q", f.msg)
	}
	f = &fatalRecorder{TB: t}
	Policy(f, "{not json")
	if f.msg == "" {
		t.Error("a broken policy document was accepted")
	}
}

func TestCRDsValidateStrimziResources(t *testing.T) {
	v := CRDs(t)
	if CRDs(t) != v {
		t.Error("CRDs loaded twice")
	}
	ok := map[string]any{"apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaTopic",
		"metadata": map[string]any{"name": "t", "namespace": "kafka"}, "spec": map[string]any{"partitions": 3, "replicas": 3}}
	if err := v.Validate(ok); err != nil {
		t.Errorf("valid KafkaTopic rejected: %v", err)
	}
	bad := map[string]any{"apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaTopic",
		"metadata": map[string]any{"name": "t", "namespace": "kafka"}, "spec": map[string]any{"partitions": "three"}}
	if err := v.Validate(bad); err == nil {
		t.Error("a KafkaTopic with string partitions was accepted")
	}
}

type fakeArgs struct{ cidr string }

func newFakeComponent(ctx *pulumi.Context, name string, args fakeArgs, opts ...pulumi.ResourceOption) (*ec2.Subnet, error) {
	if args.cidr == "" {
		return nil, fmt.Errorf("no cidr")
	}
	return ec2.NewSubnet(ctx, name, &ec2.SubnetArgs{VpcId: pulumi.String("vpc-x"), CidrBlock: pulumi.String(args.cidr)}, opts...)
}

func TestComponentRunsNewWithNameAndArgs(t *testing.T) {
	m := Component(t, newFakeComponent, "comp", fakeArgs{cidr: "10.1.0.0/24"})
	if got := Str(MustFind(t, m, "aws:ec2/subnet:Subnet", "comp"), "cidrBlock"); got != "10.1.0.0/24" {
		t.Errorf("cidrBlock %q", got)
	}
	f := &fatalRecorder{TB: t}
	Component(f, newFakeComponent, "comp", fakeArgs{})
	if !strings.Contains(f.msg, "no cidr") {
		t.Errorf("Fatalf %q, want New's error", f.msg)
	}
}
