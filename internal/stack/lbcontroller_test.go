package stack_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tradingfirm/kafka-platform/infra/lbcontroller"
	"github.com/tradingfirm/kafka-platform/infra/nodegroups"
	"github.com/tradingfirm/kafka-platform/internal/offline"
	"github.com/tradingfirm/kafka-platform/internal/render"
)

// strimziType is platform/strimzi's component type (it exports no constant).
const strimziType = "kafka-platform:platform:Strimzi"

func byType(rs []*render.Resource, typ string) []*render.Resource {
	var out []*render.Resource
	for _, r := range rs {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// The Strimzi component (and so the cross-region NLB Service inside it)
// depends on the AWS Load Balancer Controller, which is built on the
// cluster's Kubernetes provider after the node groups, with the stack's
// region, VPC and pinned chart.
func TestProdStrimziDependsOnLoadBalancerController(t *testing.T) {
	r, err := offline.Render(offline.Options{Dir: "../..", Stack: "prod"})
	if err != nil {
		t.Fatalf("render prod: %v", err)
	}
	lbcs := byType(r.Resources, lbcontroller.TypeToken)
	if len(lbcs) != 1 {
		t.Fatalf("%d %s components, want 1", len(lbcs), lbcontroller.TypeToken)
	}
	lbc := lbcs[0]
	kafkas := byType(r.Resources, strimziType)
	if len(kafkas) != 1 {
		t.Fatalf("%d %s components, want 1", len(kafkas), strimziType)
	}
	var release *render.Resource
	for _, rel := range byType(r.Resources, "kubernetes:helm.sh/v3:Release") {
		if rel.Parent == lbc.URN {
			release = rel
		}
	}
	if release == nil {
		t.Fatal("no Helm release under the controller component")
	}
	// The SDK expands a dependency on a component into its children, so the
	// release itself must be among the Strimzi component's dependencies.
	if !slices.Contains(kafkas[0].DependsOn, release.URN) {
		t.Errorf("Strimzi component depends on %v, want the controller release %s among them", kafkas[0].DependsOn, release.URN)
	}
	// The controller runs on system nodes: it depends on the node groups
	// (the SDK expands that into the children registered so far).
	onNodes := slices.ContainsFunc(lbc.DependsOn, func(u string) bool {
		return strings.HasPrefix(u, "urn:pulumi:prod::kafka-platform::"+nodegroups.Type+"$")
	})
	if !onNodes {
		t.Errorf("controller depends on %v, want the node groups", lbc.DependsOn)
	}
	if release.Inputs["version"] != r.Config.LBController.ChartVersion || release.Inputs["chart"] != lbcontroller.ChartName {
		t.Errorf("release %v %v, want %s %s", release.Inputs["chart"], release.Inputs["version"], lbcontroller.ChartName, r.Config.LBController.ChartVersion)
	}
	v, _ := release.Inputs["values"].(map[string]any)
	if v["region"] != r.Config.Stack.Region || v["clusterName"] != r.Outputs["clusterName"] || v["vpcId"] != r.Outputs["vpcId"] {
		t.Errorf("values region/clusterName/vpcId = %v/%v/%v, want %v/%v/%v", v["region"], v["clusterName"], v["vpcId"],
			r.Config.Stack.Region, r.Outputs["clusterName"], r.Outputs["vpcId"])
	}
	if v["enableServiceMutatorWebhook"] != false {
		t.Errorf("service mutator webhook %v, want false", v["enableServiceMutatorWebhook"])
	}
	if !strings.Contains(release.Provider, "$pulumi:providers:kubernetes::") {
		t.Errorf("release provider %q, want the cluster's kubernetes provider", release.Provider)
	}
}
