package lbcontroller

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/infra/eks"
)

// TypeToken is the component's type; it is part of every child's URN.
const TypeToken = "kafka-platform:infra:LoadBalancerController"

// Chart coordinates. The chart version is pinned by the caller (config key
// awsLoadBalancerControllerChartVersion).
const (
	ChartRepo = "https://aws.github.io/eks-charts"
	ChartName = "aws-load-balancer-controller"
	// ReleaseName is also the name of the chart's Deployment and webhook
	// Service.
	ReleaseName = "aws-load-balancer-controller"
	// Namespace: kube-system, where the upstream install guide puts it and
	// where the system-cluster-critical priority class is allowed.
	Namespace = "kube-system"
	// ServiceAccountName is the only subject the IRSA role trusts.
	ServiceAccountName = "aws-load-balancer-controller"
)

// Args configures the controller.
type Args struct {
	// ChartVersion is the exact aws-load-balancer-controller chart version;
	// Policy() matches the app version of chart 1.12.0. Required.
	ChartVersion string
	// Region is the AWS region of the cluster (see Values.Region for why it
	// is passed explicitly). Required.
	Region string
	// ClusterName is the EKS cluster's name. Required.
	ClusterName pulumi.StringInput
	// VpcID is the cluster's VPC. Required.
	VpcID pulumi.StringInput
	// OidcProviderArn is the ARN of the cluster's IAM OIDC provider. Required.
	OidcProviderArn pulumi.StringInput
	// OidcIssuer is the cluster's issuer URL (with or without https://).
	// Required.
	OidcIssuer pulumi.StringInput
	// Tags go on the IAM role and policy.
	Tags map[string]string
}

// Controller is the installed AWS Load Balancer Controller.
type Controller struct {
	pulumi.ResourceState

	// RoleArn is the controller's IRSA role.
	RoleArn pulumi.StringOutput `pulumi:"roleArn"`
	// PolicyArn is its permission policy.
	PolicyArn pulumi.StringOutput `pulumi:"policyArn"`
	// ReleaseStatus is the Helm release's status (deployed when ready).
	ReleaseStatus pulumi.StringOutput `pulumi:"releaseStatus"`
	// Release is the Helm release: depend on it (not on the component, whose
	// expansion into children races in the Go SDK) before creating Services
	// of loadBalancerClass service.k8s.aws/nlb or ALB Ingresses.
	Release *helmv3.Release
}

func (a Args) validate() error {
	var errs []error
	if a.ChartVersion == "" {
		errs = append(errs, errors.New("ChartVersion is empty: pin the aws-load-balancer-controller chart, e.g. 1.12.0"))
	}
	if a.Region == "" {
		errs = append(errs, errors.New("Region is empty: pass the cluster's region (the controller cannot read it from IMDS)"))
	}
	if a.ClusterName == nil || a.VpcID == nil {
		errs = append(errs, errors.New("ClusterName and VpcID are required: pass the EKS cluster's name and VPC ID"))
	}
	if a.OidcProviderArn == nil || a.OidcIssuer == nil {
		errs = append(errs, errors.New("OidcProviderArn and OidcIssuer are required: pass the cluster's OIDC provider"))
	}
	return errors.Join(errs...)
}

func (a Args) tags() pulumi.StringMap {
	m := pulumi.StringMap{}
	for k, v := range a.Tags {
		m[k] = pulumi.String(v)
	}
	return m
}

// New builds the IRSA role, its policy and the Helm release. Pass the
// cluster's Kubernetes provider (pulumi.Providers) and depend on the node
// groups: the release waits for ready pods on system nodes.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Controller, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("load balancer controller %s: %w", name, err)
	}
	c := &Controller{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	partition, err := aws.GetPartition(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("load balancer controller %s: look up partition: %w", name, err)
	}
	policyJSON, err := Policy(partition.Partition).JSON()
	if err != nil {
		return nil, err
	}
	policy, err := iam.NewPolicy(ctx, name, &iam.PolicyArgs{
		Description: pulumi.String("AWS Load Balancer Controller (reference policy of v2.12.0), scoped to resources tagged " + ClusterTagKey),
		Policy:      pulumi.String(policyJSON),
		Tags:        args.tags(),
	}, parent)
	if err != nil {
		return nil, err
	}

	trust := pulumi.All(args.OidcProviderArn, args.OidcIssuer).ApplyT(func(v []any) (string, error) {
		return eks.IRSATrustPolicy(v[0].(string), v[1].(string), Namespace, ServiceAccountName)
	}).(pulumi.StringOutput)
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		AssumeRolePolicy: trust,
		Description:      pulumi.String("IRSA role of " + Namespace + "/" + ServiceAccountName),
		Tags:             args.tags(),
	}, parent)
	if err != nil {
		return nil, err
	}
	att, err := iam.NewRolePolicyAttachment(ctx, name, &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: policy.Arn,
	}, parent)
	if err != nil {
		return nil, err
	}

	values := pulumi.All(args.ClusterName, args.VpcID, role.Arn).ApplyT(func(v []any) (map[string]any, error) {
		return ChartValues(v[0].(string), args.Region, v[1].(string), v[2].(string)).ToMap()
	}).(pulumi.MapOutput)
	release, err := helmv3.NewRelease(ctx, name, &helmv3.ReleaseArgs{
		Name:           pulumi.String(ReleaseName),
		Chart:          pulumi.String(ChartName),
		Version:        pulumi.String(args.ChartVersion),
		RepositoryOpts: &helmv3.RepositoryOptsArgs{Repo: pulumi.String(ChartRepo)},
		Namespace:      pulumi.String(Namespace),
		Values:         values,
		// Roll back a half-applied upgrade: a broken controller stops NLB
		// reconciliation for the cross-region listener.
		Atomic: pulumi.Bool(true),
	}, parent, pulumi.DependsOn([]pulumi.Resource{att}))
	if err != nil {
		return nil, err
	}

	c.RoleArn = role.Arn
	c.PolicyArn = policy.Arn
	c.ReleaseStatus = release.Status.Status()
	c.Release = release
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"roleArn":       c.RoleArn,
		"policyArn":     c.PolicyArn,
		"releaseStatus": c.ReleaseStatus,
	}); err != nil {
		return nil, err
	}
	return c, nil
}
