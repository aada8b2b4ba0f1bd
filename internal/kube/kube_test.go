package kube

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/render"
)

type testObj struct {
	Header
	Spec struct {
		Bootstrap string   `json:"bootstrap"`
		Hosts     []string `json:"hosts"`
		Keep      string   `json:"keep"`
	} `json:"spec"`
}

// TestApplyWithReplacesPlaceholders: every string equal to a placeholder,
// nested in maps or lists, becomes the Pulumi value; other fields and the
// header pass through unchanged.
func TestApplyWithReplacesPlaceholders(t *testing.T) {
	obj := testObj{Header: NewHeader("example.io/v1", "Thing", "ns", "t")}
	obj.Spec.Bootstrap = "${bootstrap}"
	obj.Spec.Hosts = []string{"a", "${bootstrap}"}
	obj.Spec.Keep = "keep"
	m := render.NewMocks("kafka-platform", "test", "us-east-1")
	err := m.Run(func(ctx *pulumi.Context) error {
		_, err := ApplyWith(ctx, "thing", obj, Substitutions{"${bootstrap}": pulumi.String("b:9093")})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r := m.Find("kubernetes:example.io/v1:Thing", "thing")
	if r == nil {
		t.Fatal("custom resource not registered")
	}
	spec := r.Inputs["spec"].(map[string]any)
	hosts := spec["hosts"].([]any)
	if spec["bootstrap"] != "b:9093" || hosts[0] != "a" || hosts[1] != "b:9093" || spec["keep"] != "keep" {
		t.Errorf("spec = %v", spec)
	}
	md := r.Inputs["metadata"].(map[string]any)
	if r.Inputs["apiVersion"] != "example.io/v1" || r.Inputs["kind"] != "Thing" || md["name"] != "t" || md["namespace"] != "ns" {
		t.Errorf("header = %v %v %v", r.Inputs["apiVersion"], r.Inputs["kind"], md)
	}
}
