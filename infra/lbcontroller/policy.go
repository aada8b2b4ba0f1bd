package lbcontroller

import (
	"fmt"

	"github.com/tradingfirm/kafka-platform/internal/iampolicy"
)

// ClusterTagKey is the tag the controller puts on every security group,
// load balancer and target group it creates. The policy lets it modify or
// delete only resources carrying that tag, and create only resources it
// tags at creation.
const ClusterTagKey = "elbv2.k8s.aws/cluster"

// The condition keys that scope the policy to the controller's own
// resources.
const (
	requestTag  = "aws:RequestTag/" + ClusterTagKey
	resourceTag = "aws:ResourceTag/" + ClusterTagKey
)

// Policy is the controller's permission policy: the statements of the
// upstream reference policy docs/install/iam_policy.json of
// kubernetes-sigs/aws-load-balancer-controller, aimed at v2.12.0 (the app
// version of chart 1.12.0, the default awsLoadBalancerControllerChartVersion),
// written as typed statements. Sids are ours (upstream has none) so tests
// and reviewers can name a statement. partition is the ARN partition ("aws",
// "aws-cn", "aws-us-gov"): upstream ships one file per partition that
// differs only there.
//
// Provenance, stated plainly: a verbatim copy of the v2.12.0 file was NOT
// available (the reference index holds upstream's iam_policy.json only at
// commits 00a1fab5 (v2.0 era, ingress.k8s.aws tags) and c5332115 (v2.2+
// era), iam_policy_us-gov.json at 043f39b9 and iam_policy_isof.json at
// 1df08dd7; the Go module proxy serves no v2 tag of the module). Compared
// statement by statement (actions, resources, conditions) against those
// upstream files, every statement matches: the service-linked-role
// statement with its iam:AWSServiceName condition, the security-group
// create/retag/manage statements with their security-group/* ARNs and
// Null/CreateAction conditions, the load balancer create, retag
// (targetgroup/*/*, loadbalancer/net|app/*/*), listener/rule tagging,
// tag-on-create (CreateAction CreateTargetGroup, CreateLoadBalancer) and
// modify statements, RegisterTargets/DeregisterTargets on targetgroup/*/*
// only. Order differs in one place: those upstream files put the
// tag-on-create statement before the modify statement; order has no effect
// in IAM, and later third-party copies of the file show the order used here.
//
// Actions in this policy that no stored upstream file shows, taken from
// release notes and from third-party copies of the later file (not
// verbatim upstream, so re-check against the v2.12.0 tag before relying on
// them): ec2:DescribeIpamPools, elasticloadbalancing:ModifyIpPools and
// SetRulePriorities (v2.12.0 release notes, aws/eks-charts#1201);
// DescribeListenerAttributes, ModifyListenerAttributes,
// DescribeCapacityReservation, ModifyCapacityReservation (v2.8-v2.10).
// ec2:GetSecurityGroupsForVpc is confirmed by upstream (isof, 1df08dd7).
// ModifyIpPools sits in the statement scoped to the cluster tag.
//
// The wildcards ("Resource": "*") are upstream's: the controller discovers
// subnets, security groups and instances it did not create, and EC2/ELB
// create calls have no resource ARN yet. Everything that changes or deletes
// an existing resource is scoped by the cluster tag where upstream scopes it.
func Policy(partition string) iampolicy.Document {
	arn := func(service, resource string) string {
		return fmt.Sprintf("arn:%s:%s:*:*:%s", partition, service, resource)
	}
	elbTagged := []string{
		arn("elasticloadbalancing", "targetgroup/*/*"),
		arn("elasticloadbalancing", "loadbalancer/net/*/*"),
		arn("elasticloadbalancing", "loadbalancer/app/*/*"),
	}
	securityGroups := []string{arn("ec2", "security-group/*")}
	return iampolicy.New(
		iampolicy.Statement{
			Sid:      "CreateELBServiceLinkedRole",
			Effect:   iampolicy.Allow,
			Action:   []string{"iam:CreateServiceLinkedRole"},
			Resource: []string{"*"},
		}.Cond("StringEquals", "iam:AWSServiceName", "elasticloadbalancing.amazonaws.com"),
		iampolicy.Statement{
			Sid:    "Describe",
			Effect: iampolicy.Allow,
			Action: []string{
				"ec2:DescribeAccountAttributes",
				"ec2:DescribeAddresses",
				"ec2:DescribeAvailabilityZones",
				"ec2:DescribeInternetGateways",
				"ec2:DescribeVpcs",
				"ec2:DescribeVpcPeeringConnections",
				"ec2:DescribeSubnets",
				"ec2:DescribeSecurityGroups",
				"ec2:DescribeInstances",
				"ec2:DescribeNetworkInterfaces",
				"ec2:DescribeTags",
				"ec2:GetCoipPoolUsage",
				"ec2:DescribeCoipPools",
				"ec2:GetSecurityGroupsForVpc",
				"ec2:DescribeIpamPools",
				"elasticloadbalancing:DescribeLoadBalancers",
				"elasticloadbalancing:DescribeLoadBalancerAttributes",
				"elasticloadbalancing:DescribeListeners",
				"elasticloadbalancing:DescribeListenerCertificates",
				"elasticloadbalancing:DescribeSSLPolicies",
				"elasticloadbalancing:DescribeRules",
				"elasticloadbalancing:DescribeTargetGroups",
				"elasticloadbalancing:DescribeTargetGroupAttributes",
				"elasticloadbalancing:DescribeTargetHealth",
				"elasticloadbalancing:DescribeTags",
				"elasticloadbalancing:DescribeTrustStores",
				"elasticloadbalancing:DescribeListenerAttributes",
				"elasticloadbalancing:DescribeCapacityReservation",
			},
			Resource: []string{"*"},
		},
		iampolicy.Statement{
			Sid:    "ALBIntegrations",
			Effect: iampolicy.Allow,
			Action: []string{
				"cognito-idp:DescribeUserPoolClient",
				"acm:ListCertificates",
				"acm:DescribeCertificate",
				"iam:ListServerCertificates",
				"iam:GetServerCertificate",
				"waf-regional:GetWebACL",
				"waf-regional:GetWebACLForResource",
				"waf-regional:AssociateWebACL",
				"waf-regional:DisassociateWebACL",
				"wafv2:GetWebACL",
				"wafv2:GetWebACLForResource",
				"wafv2:AssociateWebACL",
				"wafv2:DisassociateWebACL",
				"shield:GetSubscriptionState",
				"shield:DescribeProtection",
				"shield:CreateProtection",
				"shield:DeleteProtection",
			},
			Resource: []string{"*"},
		},
		// Upstream allows ingress rule changes on any security group: the
		// controller adds rules to the node/pod security groups (which it
		// did not create) so the NLB can reach ip targets.
		iampolicy.Statement{
			Sid:      "NodeSecurityGroupRules",
			Effect:   iampolicy.Allow,
			Action:   []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"},
			Resource: []string{"*"},
		},
		iampolicy.Statement{
			Sid:      "CreateSecurityGroup",
			Effect:   iampolicy.Allow,
			Action:   []string{"ec2:CreateSecurityGroup"},
			Resource: []string{"*"},
		},
		iampolicy.Statement{
			Sid:      "TagSecurityGroupOnCreate",
			Effect:   iampolicy.Allow,
			Action:   []string{"ec2:CreateTags"},
			Resource: securityGroups,
		}.Cond("StringEquals", "ec2:CreateAction", "CreateSecurityGroup").
			Cond("Null", requestTag, "false"),
		iampolicy.Statement{
			Sid:      "RetagOwnSecurityGroups",
			Effect:   iampolicy.Allow,
			Action:   []string{"ec2:CreateTags", "ec2:DeleteTags"},
			Resource: securityGroups,
		}.Cond("Null", requestTag, "true").
			Cond("Null", resourceTag, "false"),
		iampolicy.Statement{
			Sid:      "ManageOwnSecurityGroups",
			Effect:   iampolicy.Allow,
			Action:   []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"},
			Resource: []string{"*"},
		}.Cond("Null", resourceTag, "false"),
		iampolicy.Statement{
			Sid:      "CreateTaggedLoadBalancers",
			Effect:   iampolicy.Allow,
			Action:   []string{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"},
			Resource: []string{"*"},
		}.Cond("Null", requestTag, "false"),
		iampolicy.Statement{
			Sid:    "ListenersAndRules",
			Effect: iampolicy.Allow,
			Action: []string{
				"elasticloadbalancing:CreateListener",
				"elasticloadbalancing:DeleteListener",
				"elasticloadbalancing:CreateRule",
				"elasticloadbalancing:DeleteRule",
			},
			Resource: []string{"*"},
		},
		iampolicy.Statement{
			Sid:      "RetagOwnLoadBalancers",
			Effect:   iampolicy.Allow,
			Action:   []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"},
			Resource: elbTagged,
		}.Cond("Null", requestTag, "true").
			Cond("Null", resourceTag, "false"),
		iampolicy.Statement{
			Sid:    "TagListenersAndRules",
			Effect: iampolicy.Allow,
			Action: []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"},
			Resource: []string{
				arn("elasticloadbalancing", "listener/net/*/*/*"),
				arn("elasticloadbalancing", "listener/app/*/*/*"),
				arn("elasticloadbalancing", "listener-rule/net/*/*/*"),
				arn("elasticloadbalancing", "listener-rule/app/*/*/*"),
			},
		},
		iampolicy.Statement{
			Sid:    "ModifyOwnLoadBalancers",
			Effect: iampolicy.Allow,
			Action: []string{
				"elasticloadbalancing:ModifyLoadBalancerAttributes",
				"elasticloadbalancing:SetIpAddressType",
				"elasticloadbalancing:SetSecurityGroups",
				"elasticloadbalancing:SetSubnets",
				"elasticloadbalancing:DeleteLoadBalancer",
				"elasticloadbalancing:ModifyTargetGroup",
				"elasticloadbalancing:ModifyTargetGroupAttributes",
				"elasticloadbalancing:DeleteTargetGroup",
				"elasticloadbalancing:ModifyListenerAttributes",
				"elasticloadbalancing:ModifyCapacityReservation",
				"elasticloadbalancing:ModifyIpPools",
			},
			Resource: []string{"*"},
		}.Cond("Null", resourceTag, "false"),
		iampolicy.Statement{
			Sid:      "TagLoadBalancersOnCreate",
			Effect:   iampolicy.Allow,
			Action:   []string{"elasticloadbalancing:AddTags"},
			Resource: elbTagged,
		}.Cond("StringEquals", "elasticloadbalancing:CreateAction", "CreateTargetGroup", "CreateLoadBalancer").
			Cond("Null", requestTag, "false"),
		iampolicy.Statement{
			Sid:      "RegisterTargets",
			Effect:   iampolicy.Allow,
			Action:   []string{"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"},
			Resource: []string{arn("elasticloadbalancing", "targetgroup/*/*")},
		},
		iampolicy.Statement{
			Sid:    "ListenerSettings",
			Effect: iampolicy.Allow,
			Action: []string{
				"elasticloadbalancing:SetWebAcl",
				"elasticloadbalancing:ModifyListener",
				"elasticloadbalancing:AddListenerCertificates",
				"elasticloadbalancing:RemoveListenerCertificates",
				"elasticloadbalancing:ModifyRule",
				"elasticloadbalancing:SetRulePriorities",
			},
			Resource: []string{"*"},
		},
	)
}
