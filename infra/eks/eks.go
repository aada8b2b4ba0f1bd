package eks

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	pulumieks "github.com/pulumi/pulumi-eks/sdk/v2/go/eks"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/iampolicy"
)

// Type is the component's type token.
const Type = "kafka-platform:infra:Cluster"

// LogTypes are every EKS control-plane log type; all are enabled (audit
// evidence for a regulated venue).
var LogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// ClusterAdminPolicyArn is the EKS access policy granted to AdminRoleArns.
const ClusterAdminPolicyArn = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

// AddonVersions pins the EKS managed add-ons (e.g. "v1.20.4-eksbuild.2").
type AddonVersions struct {
	// VpcCni is vpc-cni (with its own IRSA role for kube-system/aws-node).
	VpcCni string
	// KubeProxy is kube-proxy; its minor must match the cluster's.
	KubeProxy string
	// CoreDNS is coredns.
	CoreDNS string
	// EbsCsi is aws-ebs-csi-driver (with its own IRSA role).
	EbsCsi string
}

// Args configures the cluster.
type Args struct {
	// ClusterName is the EKS cluster's physical name (also in the log group
	// name and node group names). Changing it replaces the cluster.
	ClusterName string
	// KubernetesVersion is the control plane version, e.g. "1.34".
	KubernetesVersion string
	// VpcID and PrivateSubnetIDs place the control-plane ENIs; the subnets
	// are the three private ones.
	VpcID            pulumi.StringInput
	PrivateSubnetIDs pulumi.StringArrayInput
	// PublicAccessCidrs opens the API endpoint publicly to these CIDRs only.
	// Empty (default): the endpoint is private and the deployer must be
	// inside the VPC or on a peered network / VPN.
	PublicAccessCidrs []string
	// AdminRoleArns get an access entry with AmazonEKSClusterAdminPolicy at
	// cluster scope.
	AdminRoleArns []string
	// LogRetentionDays of the control-plane log group.
	LogRetentionDays int
	// Addons are the pinned add-on versions (all four required).
	Addons AddonVersions
	// Tags go on the cluster and the resources pulumi-eks creates.
	Tags map[string]string
}

// Cluster is the component.
type Cluster struct {
	pulumi.ResourceState

	// Name is the cluster name (from the lookup, so it resolves only once
	// the cluster exists).
	Name pulumi.StringOutput `pulumi:"name"`
	// Endpoint is the API server URL.
	Endpoint pulumi.StringOutput `pulumi:"endpoint"`
	// KubeconfigJSON is the kubeconfig (secret). It runs `aws eks get-token`.
	KubeconfigJSON pulumi.StringOutput `pulumi:"kubeconfigJson"`
	// OidcProviderArn and OidcIssuer (with https://) are for IRSA roles.
	OidcProviderArn pulumi.StringOutput `pulumi:"oidcProviderArn"`
	OidcIssuer      pulumi.StringOutput `pulumi:"oidcIssuer"`
	// SecretsKMSKeyArn envelope-encrypts Kubernetes secrets.
	SecretsKMSKeyArn pulumi.StringOutput `pulumi:"secretsKmsKeyArn"`
	// ClusterSecurityGroupID is the EKS-created cluster security group that
	// managed nodes (no security groups in their launch templates) carry.
	ClusterSecurityGroupID pulumi.StringOutput `pulumi:"clusterSecurityGroupId"`
	// Provider is a Kubernetes provider for the platform layers, with
	// server-side apply.
	Provider *kubernetes.Provider
	// NodePrerequisites are what nodes need before they can become Ready
	// (vpc-cni and kube-proxy add-ons): pass them to the node groups'
	// DependsOn. coredns and the EBS CSI driver are not among them, they
	// need nodes themselves.
	NodePrerequisites []pulumi.Resource
}

var roleNameRe = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/(?:.*/)?([A-Za-z0-9+=,.@_-]+)$`)

// AccessEntryKey is the stable key of an admin role's access entry: the
// role name. Keys (not list positions) name the entries, so adding an admin
// never renames the others.
func AccessEntryKey(roleArn string) (string, error) {
	m := roleNameRe.FindStringSubmatch(roleArn)
	if m == nil {
		return "", fmt.Errorf("eks: %q is not an IAM role ARN", roleArn)
	}
	return "admin-" + m[1], nil
}

func (a Args) validate() error {
	if a.ClusterName == "" || a.KubernetesVersion == "" {
		return fmt.Errorf("eks: cluster name and Kubernetes version are required")
	}
	for n, v := range map[string]string{"vpc-cni": a.Addons.VpcCni, "kube-proxy": a.Addons.KubeProxy,
		"coredns": a.Addons.CoreDNS, "aws-ebs-csi-driver": a.Addons.EbsCsi} {
		if v == "" {
			return fmt.Errorf("eks: add-on %s has no pinned version", n)
		}
	}
	if a.LogRetentionDays < 1 {
		return fmt.Errorf("eks: log retention %d days, want a CloudWatch retention value", a.LogRetentionDays)
	}
	return nil
}

// ebsCsiConfig is the aws-ebs-csi-driver add-on configuration this project
// sets: the node plugin must run on the tainted controller nodes, whose
// KRaft metadata lives on EBS volumes.
type ebsCsiConfig struct {
	Node struct {
		TolerateAllTaints bool `json:"tolerateAllTaints"`
	} `json:"node"`
}

// New creates the KMS keys, the control-plane log group, the EKS cluster
// (pulumi-eks), the IAM OIDC provider, the pinned add-ons with their IRSA
// roles and a Kubernetes provider.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if err := args.validate(); err != nil {
		return nil, err
	}
	accessEntries := map[string]pulumieks.AccessEntryArgs{}
	for _, arn := range args.AdminRoleArns {
		key, err := AccessEntryKey(arn)
		if err != nil {
			return nil, err
		}
		accessEntries[key] = pulumieks.AccessEntryArgs{
			PrincipalArn: pulumi.String(arn),
			Type:         pulumieks.AccessEntryTypeStandard,
			AccessPolicies: map[string]pulumieks.AccessPolicyAssociationInput{
				"cluster-admin": pulumieks.AccessPolicyAssociationArgs{
					PolicyArn:   pulumi.String(ClusterAdminPolicyArn),
					AccessScope: awseks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("cluster")},
				},
			},
		}
	}

	apiAuth := pulumieks.AuthenticationModeApi

	c := &Cluster{}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	stateful := []pulumi.ResourceOption{parent, pulumi.Protect(true), pulumi.RetainOnDelete(true)}

	partition, err := aws.GetPartition(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("eks: partition: %w", err)
	}
	caller, err := aws.GetCallerIdentity(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("eks: caller identity: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil, parent)
	if err != nil {
		return nil, fmt.Errorf("eks: region: %w", err)
	}

	secretsKey, err := kms.NewKey(ctx, name+"-secrets", &kms.KeyArgs{
		Description:       pulumi.String("Envelope encryption of Kubernetes secrets in EKS cluster " + args.ClusterName),
		EnableKeyRotation: pulumi.Bool(true),
	}, stateful...)
	if err != nil {
		return nil, err
	}

	logGroupName := "/aws/eks/" + args.ClusterName + "/cluster"
	logsKey, err := logsKMSKey(ctx, name, partition.Partition, caller.AccountId, region.Name, logGroupName, stateful)
	if err != nil {
		return nil, err
	}
	// Created before the cluster: otherwise EKS creates it itself, with no
	// retention and no KMS key.
	logGroup, err := cloudwatch.NewLogGroup(ctx, name+"-control-plane", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(logGroupName),
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		KmsKeyId:        logsKey.Arn,
	}, stateful...)
	if err != nil {
		return nil, err
	}

	cluster, err := pulumieks.NewCluster(ctx, name, &pulumieks.ClusterArgs{
		Name:                   pulumi.String(args.ClusterName),
		Version:                pulumi.String(args.KubernetesVersion),
		VpcId:                  args.VpcID,
		PrivateSubnetIds:       args.PrivateSubnetIDs,
		EndpointPrivateAccess:  pulumi.Bool(true),
		EndpointPublicAccess:   pulumi.Bool(len(args.PublicAccessCidrs) > 0),
		PublicAccessCidrs:      publicCidrs(args.PublicAccessCidrs),
		EncryptionConfigKeyArn: secretsKey.Arn,
		EnabledClusterLogTypes: pulumi.ToStringArray(LogTypes),
		AuthenticationMode:     &apiAuth,
		AccessEntries:          accessEntries,
		// The OIDC provider is created below from the cluster's issuer, so
		// it is a resource of this program the policies and tests can see.
		CreateOidcProvider: pulumi.Bool(false),
		// Node groups are infra/nodegroups' (managed, AL2023).
		SkipDefaultNodeGroup: pulumi.BoolRef(true),
		// Keep pulumi-eks from installing its own vpc-cni add-on: the
		// version is pinned below, with an IRSA role.
		UseDefaultVpcCni: pulumi.BoolRef(true),
		Tags:             pulumi.ToStringMap(args.Tags),
	}, parent, pulumi.DependsOn([]pulumi.Resource{logGroup}), pulumi.Protect(true))
	if err != nil {
		return nil, err
	}

	lookup := awseks.LookupClusterOutput(ctx, awseks.LookupClusterOutputArgs{Name: pulumi.String(args.ClusterName)},
		parent, pulumi.DependsOn([]pulumi.Resource{cluster}))
	issuer := lookup.Identities().Index(pulumi.Int(0)).Oidcs().Index(pulumi.Int(0)).Issuer()

	oidc, err := iam.NewOpenIdConnectProvider(ctx, name+"-oidc", &iam.OpenIdConnectProviderArgs{
		Url:           issuer,
		ClientIdLists: pulumi.StringArray{pulumi.String(STSAudience)},
		// No thumbprint: IAM trusts the EKS OIDC endpoint's CA itself
		// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc_verify-thumbprint.html).
	}, parent)
	if err != nil {
		return nil, err
	}

	cniRole, cniAttach, err := irsaRole(ctx, name+"-vpc-cni", oidc.Arn, issuer, "kube-system", "aws-node",
		"arn:"+partition.Partition+":iam::aws:policy/AmazonEKS_CNI_Policy", parent)
	if err != nil {
		return nil, err
	}
	ebsRole, ebsAttach, err := irsaRole(ctx, name+"-ebs-csi", oidc.Arn, issuer, "kube-system", "ebs-csi-controller-sa",
		"arn:"+partition.Partition+":iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy", parent)
	if err != nil {
		return nil, err
	}
	var ebsCfg ebsCsiConfig
	ebsCfg.Node.TolerateAllTaints = true
	ebsCfgJSON, err := json.Marshal(ebsCfg)
	if err != nil {
		return nil, err
	}

	addon := func(addonName, version string, role *iam.Role, config string, after pulumi.Resource, extra ...pulumi.ResourceOption) (*awseks.Addon, error) {
		a := &awseks.AddonArgs{
			ClusterName:  lookup.Name(),
			AddonName:    pulumi.String(addonName),
			AddonVersion: pulumi.String(version),
			// EKS installs vpc-cni, kube-proxy and coredns unmanaged at
			// cluster creation; OVERWRITE adopts them and later resets any
			// drift to the pinned configuration.
			ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
			ResolveConflictsOnUpdate: pulumi.String("OVERWRITE"),
		}
		if role != nil {
			a.ServiceAccountRoleArn = role.Arn
		}
		if config != "" {
			a.ConfigurationValues = pulumi.String(config)
		}
		o := []pulumi.ResourceOption{parent}
		if after != nil {
			o = append(o, pulumi.DependsOn([]pulumi.Resource{after}))
		}
		return awseks.NewAddon(ctx, name+"-"+addonName, a, append(o, extra...)...)
	}
	cni, err := addon("vpc-cni", args.Addons.VpcCni, cniRole, "", cniAttach)
	if err != nil {
		return nil, err
	}
	kubeProxy, err := addon("kube-proxy", args.Addons.KubeProxy, nil, "", nil)
	if err != nil {
		return nil, err
	}
	// coredns and the EBS CSI controller are Deployments: their add-ons
	// stay DEGRADED until nodes exist, and the provider waits for ACTIVE.
	// Node groups are created in parallel (they depend only on
	// NodePrerequisites), so allow for them to come up.
	needsNodes := pulumi.Timeouts(&pulumi.CustomTimeouts{Create: "45m", Update: "45m"})
	if _, err := addon("coredns", args.Addons.CoreDNS, nil, "", nil, needsNodes); err != nil {
		return nil, err
	}
	if _, err := addon("aws-ebs-csi-driver", args.Addons.EbsCsi, ebsRole, string(ebsCfgJSON), ebsAttach, needsNodes); err != nil {
		return nil, err
	}

	provider, err := kubernetes.NewProvider(ctx, name+"-k8s", &kubernetes.ProviderArgs{
		Kubeconfig:            cluster.KubeconfigJson,
		EnableServerSideApply: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, err
	}

	c.Name = lookup.Name()
	c.Endpoint = lookup.Endpoint()
	c.KubeconfigJSON = pulumi.ToSecret(cluster.KubeconfigJson).(pulumi.StringOutput)
	c.OidcProviderArn = oidc.Arn
	c.OidcIssuer = issuer
	c.SecretsKMSKeyArn = secretsKey.Arn
	c.ClusterSecurityGroupID = lookup.VpcConfig().ClusterSecurityGroupId()
	c.Provider = provider
	c.NodePrerequisites = []pulumi.Resource{cni, kubeProxy}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"name":                   c.Name,
		"endpoint":               c.Endpoint,
		"kubeconfigJson":         c.KubeconfigJSON,
		"oidcProviderArn":        c.OidcProviderArn,
		"oidcIssuer":             c.OidcIssuer,
		"secretsKmsKeyArn":       c.SecretsKMSKeyArn,
		"clusterSecurityGroupId": c.ClusterSecurityGroupID,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// publicCidrs is nil for a private-only endpoint: pulumi-eks would
// otherwise pass an empty list, and EKS's default for an absent list is
// 0.0.0.0/0 once public access is on.
func publicCidrs(cidrs []string) pulumi.StringArrayInput {
	if len(cidrs) == 0 {
		return nil
	}
	sorted := append([]string{}, cidrs...)
	sort.Strings(sorted)
	return pulumi.ToStringArray(sorted)
}

// logsKMSKey encrypts the control-plane log group. CloudWatch Logs uses the
// key as the regional logs service principal, scoped to this log group by
// the encryption context
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
func logsKMSKey(ctx *pulumi.Context, name, partition, account, region, logGroup string, opts []pulumi.ResourceOption) (*kms.Key, error) {
	policy, err := iampolicy.New(
		iampolicy.Statement{Sid: "AccountAdministers", Effect: iampolicy.Allow,
			Principal: map[string][]string{"AWS": {"arn:" + partition + ":iam::" + account + ":root"}},
			Action:    []string{"kms:*"}, Resource: []string{"*"}},
		iampolicy.Statement{Sid: "CloudWatchLogsUsesKey", Effect: iampolicy.Allow,
			Principal: map[string][]string{"Service": {"logs." + region + ".amazonaws.com"}},
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"}}.
			Cond("ArnEquals", "kms:EncryptionContext:aws:logs:arn",
				"arn:"+partition+":logs:"+region+":"+account+":log-group:"+logGroup),
	).JSON()
	if err != nil {
		return nil, err
	}
	return kms.NewKey(ctx, name+"-logs", &kms.KeyArgs{
		Description:       pulumi.String("EKS control-plane logs in " + logGroup),
		EnableKeyRotation: pulumi.Bool(true),
		Policy:            pulumi.String(policy),
	}, opts...)
}

// irsaRole is a role for one service account with one managed policy.
func irsaRole(ctx *pulumi.Context, name string, providerArn, issuer pulumi.StringOutput, namespace, sa, policyArn string,
	parent pulumi.ResourceOption) (*iam.Role, pulumi.Resource, error) {
	// Both values are outputs; the document is built by the typed helper
	// once they are known.
	trust := pulumi.All(providerArn, issuer).ApplyT(func(v []interface{}) (string, error) {
		return IRSATrustPolicy(v[0].(string), v[1].(string), namespace, sa)
	}).(pulumi.StringOutput)
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		AssumeRolePolicy: trust,
		Description:      pulumi.String("IRSA role of " + namespace + "/" + sa),
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	att, err := iam.NewRolePolicyAttachment(ctx, name, &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.String(policyArn),
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	return role, att, nil
}
