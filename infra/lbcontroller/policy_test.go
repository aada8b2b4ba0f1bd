package lbcontroller

import (
	"strings"
	"testing"

	"github.com/tradingfirm/kafka-platform/internal/iampolicy"
	"github.com/tradingfirm/kafka-platform/internal/render/rendertest"
)

// Every statement that creates, retags, modifies or deletes load balancers,
// target groups or security groups carries the cluster-tag condition
// upstream gives it (docs/install/iam_policy.json, v2.12.0).
func TestMutatingStatementsAreScopedByClusterTag(t *testing.T) {
	d := Policy("aws")
	for _, c := range []struct {
		sid  string
		null map[string]string // condition Null: key -> value
	}{
		{"TagSecurityGroupOnCreate", map[string]string{requestTag: "false"}},
		{"RetagOwnSecurityGroups", map[string]string{requestTag: "true", resourceTag: "false"}},
		{"ManageOwnSecurityGroups", map[string]string{resourceTag: "false"}},
		{"CreateTaggedLoadBalancers", map[string]string{requestTag: "false"}},
		{"RetagOwnLoadBalancers", map[string]string{requestTag: "true", resourceTag: "false"}},
		{"ModifyOwnLoadBalancers", map[string]string{resourceTag: "false"}},
		{"TagLoadBalancersOnCreate", map[string]string{requestTag: "false"}},
	} {
		s := rendertest.Statement(t, d, c.sid)
		if len(s.Condition["Null"]) != len(c.null) {
			t.Errorf("%s: Null conditions %v, want %v", c.sid, s.Condition["Null"], c.null)
		}
		for k, v := range c.null {
			if got := s.Condition["Null"][k]; len(got) != 1 || got[0] != v {
				t.Errorf("%s: Null %s = %v, want %s", c.sid, k, got, v)
			}
		}
	}
	if got := rendertest.Statement(t, d, "TagSecurityGroupOnCreate").Condition["StringEquals"]["ec2:CreateAction"]; len(got) != 1 || got[0] != "CreateSecurityGroup" {
		t.Errorf("security-group create tagging allowed for %v, want only CreateSecurityGroup", got)
	}
	if got := rendertest.Statement(t, d, "TagLoadBalancersOnCreate").Condition["StringEquals"]["elasticloadbalancing:CreateAction"]; strings.Join(got, ",") != "CreateTargetGroup,CreateLoadBalancer" {
		t.Errorf("ELB create tagging allowed for %v", got)
	}
	if got := rendertest.Statement(t, d, "CreateELBServiceLinkedRole").Condition["StringEquals"]["iam:AWSServiceName"]; len(got) != 1 || got[0] != "elasticloadbalancing.amazonaws.com" {
		t.Errorf("service-linked role for %v, want only elasticloadbalancing", got)
	}
}

// Destructive actions appear only in statements with a resource-tag
// condition: the controller can never delete a load balancer, target group
// or security group it did not create.
func TestDestructiveActionsOnlyOnTaggedResources(t *testing.T) {
	destructive := map[string]bool{
		"ec2:DeleteSecurityGroup":                 true,
		"elasticloadbalancing:DeleteLoadBalancer": true,
		"elasticloadbalancing:DeleteTargetGroup":  true,
		"elasticloadbalancing:SetSecurityGroups":  true,
		"elasticloadbalancing:SetSubnets":         true,
		"elasticloadbalancing:ModifyIpPools":      true,
		"ec2:DeleteTags":                          true,
	}
	seen := map[string]bool{}
	for _, s := range Policy("aws").Statement {
		for _, a := range s.Action {
			if !destructive[a] {
				continue
			}
			seen[a] = true
			if got := s.Condition["Null"][resourceTag]; len(got) != 1 || got[0] != "false" {
				t.Errorf("%s in %s without %s present", a, s.Sid, resourceTag)
			}
		}
	}
	for a := range destructive {
		if !seen[a] {
			t.Errorf("%s missing from the policy (upstream v2.12.0 has it)", a)
		}
	}
}

func TestPolicyCoversWhatTheNLBReconcilerCalls(t *testing.T) {
	all := map[string]bool{}
	for _, s := range Policy("aws").Statement {
		if s.Effect != iampolicy.Allow {
			t.Errorf("%s: effect %s, upstream has only Allow", s.Sid, s.Effect)
		}
		for _, a := range s.Action {
			if all[a] && a != "elasticloadbalancing:AddTags" && a != "elasticloadbalancing:RemoveTags" &&
				a != "ec2:CreateTags" && a != "ec2:AuthorizeSecurityGroupIngress" && a != "ec2:RevokeSecurityGroupIngress" {
				t.Errorf("%s granted twice", a)
			}
			all[a] = true
		}
	}
	// The calls the NLB (service) reconciler makes for a Kafka listener of
	// type loadbalancer with ip targets: discover, create, tag, attach
	// security groups, register pods, and clean up on delete.
	for _, a := range []string{
		"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup",
		"elasticloadbalancing:CreateListener", "elasticloadbalancing:RegisterTargets",
		"elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:ModifyTargetGroupAttributes",
		"elasticloadbalancing:DescribeListenerAttributes", "ec2:DescribeSubnets", "ec2:GetSecurityGroupsForVpc",
		"ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "iam:CreateServiceLinkedRole",
		"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
		"elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes",
		"elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeListeners",
		"elasticloadbalancing:DescribeTags", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
		"elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyTargetGroup",
		"elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:SetSecurityGroups",
		"elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteListener",
		"elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:DeleteLoadBalancer",
		"ec2:DescribeSecurityGroups", "ec2:DescribeVpcs", "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces",
		"ec2:DescribeAvailabilityZones", "ec2:CreateTags", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup",
	} {
		if !all[a] {
			t.Errorf("policy lacks %s", a)
		}
	}
}

func TestResourceARNsUseThePartition(t *testing.T) {
	for _, part := range []string{"aws", "aws-us-gov"} {
		d := Policy(part)
		for _, sid := range []string{"TagSecurityGroupOnCreate", "RetagOwnLoadBalancers", "TagListenersAndRules", "RegisterTargets"} {
			for _, r := range rendertest.Statement(t, d, sid).Resource {
				if !strings.HasPrefix(r, "arn:"+part+":") {
					t.Errorf("%s: %s resource %s not in partition %s", part, sid, r, part)
				}
			}
		}
		if _, err := d.JSON(); err != nil {
			t.Errorf("%s: %v", part, err)
		}
	}
	if got := rendertest.Statement(t, Policy("aws"), "RegisterTargets").Resource; len(got) != 1 || got[0] != "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*" {
		t.Errorf("RegisterTargets on %v, want only target groups", got)
	}
}
