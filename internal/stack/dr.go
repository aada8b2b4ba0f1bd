package stack

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	vaultsdk "github.com/pulumi/pulumi-vault/sdk/v6/go/vault"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/infra/peering"
	"github.com/tradingfirm/kafka-platform/internal/config"
	"github.com/tradingfirm/kafka-platform/platform/mirrormaker"
	"github.com/tradingfirm/kafka-platform/platform/strimzi"
	"github.com/tradingfirm/kafka-platform/platform/vault"
)

// Names of the DR wiring's in-cluster identities and objects. They are part
// of the contract between the two stacks (Vault roles bind them), so they
// are constants, not config.
const (
	// pusherServiceAccount/pusherRole: the primary's credential pusher and
	// its Vault role (create+update on the one KV path).
	pusherServiceAccount = "mirrormaker-credentials-pusher"
	pusherRole           = "mirrormaker-pusher"
	// syncServiceAccount/syncRole: Vault Secrets Operator's login in DR
	// (read on the same path).
	syncServiceAccount = "mirrormaker-credentials-sync"
	syncRole           = "mirrormaker-sync"
	// SourceCredentialsSecret is the DR Secret VSO keeps in step with Vault
	// (user.crt, user.key, ca.crt of the primary) and MirrorMaker 2 reads.
	SourceCredentialsSecret = "mirrormaker-source-credentials"
)

// CrossRegion is what the DR layer builds before the Kafka layer: the
// security group of the cross-region listener's load balancers.
type CrossRegion struct {
	// ListenerAccess is the group with its two rules; nil without a peer VPC.
	ListenerAccess *peering.ListenerAccess
	// SecurityGroupName is the group's name, which the listener's load
	// balancers reference (annotation); empty without a peer VPC.
	SecurityGroupName string
}

// ListenerSecurityGroupName is the cross-region listener's security group
// name: empty when no peer VPC is configured (then there is no listener).
func ListenerSecurityGroupName(cfg *config.Config) string {
	if !cfg.Network.PeerVpcCidr.IsValid() {
		return ""
	}
	return cfg.Stack.Name + "-kafka-xregion"
}

// ProdStackName is the stack part of <org>/<project>/<stack>.
func ProdStackName(ref string) string {
	return ref[strings.LastIndex(ref, "/")+1:]
}

// MirrorMakerSecretFor is the Vault KV secret (relative to vaultKvMount)
// holding the primary's MirrorMaker source credentials. It is keyed by the
// primary's Pulumi stack name: the primary knows it as its own stack, a DR
// stack as the last part of prodStackRef, so both derive the same plain
// path without reading each other (Vault policies and VSO objects need it
// as a plain value).
func MirrorMakerSecretFor(primaryStack string) string {
	return vault.MirrorMakerSecret(primaryStack)
}

// vaultAuthPath is this cluster's Kubernetes auth backend in Vault (one per
// cluster: each has its own API server, CA and issuer).
func vaultAuthPath(cfg *config.Config) string { return "kubernetes-" + cfg.Stack.Name }

// mirrorMakerName is the KafkaMirrorMaker2 in DR, e.g. prod-to-dr.
func mirrorMakerName(cfg *config.Config) string {
	return ProdStackName(cfg.Stack.ProdStackRef) + "-to-" + cfg.Stack.StackName
}

// newDRNetwork builds the cross-region listener's security group (listener
// port from the peer VPC only) before the Kafka layer, whose load balancers
// name it. Every stack with peerVpcCidr has the listener, so the DR stack
// gets the mirror-image group too (used for failback).
func newDRNetwork(ctx *pulumi.Context, cfg *config.Config, infra *Infra, out Outputs) (*CrossRegion, error) {
	xr := &CrossRegion{}
	name := ListenerSecurityGroupName(cfg)
	if name == "" {
		return xr, nil
	}
	la, err := peering.NewListenerAccess(ctx, name, peering.ListenerAccessArgs{
		Name:     name,
		VpcID:    infra.Network.VpcID,
		VpcCidr:  cfg.Network.VpcCidr,
		PeerCidr: cfg.Network.PeerVpcCidr,
		Port:     strimzi.CrossRegionListenerPort,
		Tags:     cfg.Stack.Tags,
	})
	if err != nil {
		return nil, err
	}
	xr.ListenerAccess, xr.SecurityGroupName = la, name
	out["crossRegionListenerSecurityGroupId"] = la.SecurityGroupID
	return xr, nil
}

// newDR builds the Vault wiring and, by role, the primary's credential
// pusher or the DR side: peering to the primary, the credential sync and
// MirrorMaker 2. A primary without peerVpcCidr has no DR and gets nothing.
func newDR(ctx *pulumi.Context, cfg *config.Config, infra *Infra, kafka *Kafka, out Outputs) error {
	if !cfg.Vault.Required(cfg) {
		return nil
	}
	if infra.Cluster == nil || infra.Cluster.Provider == nil || kafka == nil {
		return fmt.Errorf("dr: the EKS cluster and the Kafka layer must be built first")
	}
	prov, err := newVaultProvider(ctx, cfg)
	if err != nil {
		return err
	}
	switch cfg.Stack.Role {
	case config.RolePrimary:
		return newDRSource(ctx, cfg, infra, kafka, prov, out)
	case config.RoleDR:
		return newDRTarget(ctx, cfg, infra, kafka, prov, out)
	}
	return fmt.Errorf("dr: role %q is neither primary nor dr", cfg.Stack.Role)
}

// newVaultProvider is the explicit Vault provider. pulumi-vault requires a
// token argument even when an auth login supplies the real token
// (pulumi/pulumi-vault#509), so the AWS method passes an empty one; the
// token method passes VAULT_TOKEN from the deployer's environment as a
// secret (config.Load reads it; it never sits in a stack file).
func newVaultProvider(ctx *pulumi.Context, cfg *config.Config) (*vaultsdk.Provider, error) {
	v := cfg.Vault
	token := pulumi.StringInput(pulumi.String(""))
	if v.AuthMethod == config.VaultAuthToken {
		token = v.Token.Output()
	}
	args := &vaultsdk.ProviderArgs{Address: pulumi.String(v.Address), Token: token}
	if v.Namespace != "" {
		args.Namespace = pulumi.String(v.Namespace)
	}
	if v.AuthMethod == config.VaultAuthAWS {
		args.AuthLoginAws = &vaultsdk.ProviderAuthLoginAwsArgs{Role: pulumi.String(v.AwsRole), Mount: pulumi.String(v.AwsMount)}
	}
	return vaultsdk.NewProvider(ctx, cfg.Stack.Name+"-vault", args)
}

// vaultWiring configures Vault for this stack's cluster: the Kubernetes
// auth backend (API host, CA, OIDC issuer) and one consumer. Only the
// primary creates the KV mount.
func vaultWiring(ctx *pulumi.Context, cfg *config.Config, infra *Infra, prov pulumi.ProviderResource, c vault.Consumer) (*vault.Wiring, error) {
	// The component exposes no CA; the lookup (answered once the cluster
	// exists) does, base64-encoded, and Vault wants the PEM.
	lookup := awseks.LookupClusterOutput(ctx, awseks.LookupClusterOutputArgs{Name: infra.Cluster.Name})
	ca := lookup.CertificateAuthorities().Index(pulumi.Int(0)).Data().ApplyT(func(d string) (string, error) {
		pem, err := base64.StdEncoding.DecodeString(d)
		if err != nil {
			return "", fmt.Errorf("dr: cluster CA is not base64: %w", err)
		}
		return string(pem), nil
	}).(pulumi.StringOutput)
	return vault.New(ctx, cfg.Stack.Name+"-vault", vault.Args{
		Provider:         prov,
		KvMount:          cfg.Vault.KvMount,
		CreateKvMount:    cfg.Stack.Role == config.RolePrimary,
		AuthPath:         vaultAuthPath(cfg),
		KubernetesHost:   infra.Cluster.Endpoint,
		KubernetesCACert: ca,
		Issuer:           infra.Cluster.OidcIssuer,
		Consumers:        []vault.Consumer{c},
	})
}

// mirrorSourceUser is the one configured KafkaUser with mirrorSource: true,
// whose certificate the pusher publishes.
func mirrorSourceUser(cfg *config.Config) (string, error) {
	var names []string
	for _, n := range cfg.Kafka.UserNames() {
		if cfg.Kafka.Users[n].MirrorSource {
			names = append(names, n)
		}
	}
	if len(names) != 1 {
		return "", fmt.Errorf("dr: kafka-platform:kafkaUsers has %d users with mirrorSource: true (%s); a primary with peerVpcCidr needs exactly one (the default mirrormaker-dr)",
			len(names), strings.Join(names, ", "))
	}
	return names[0], nil
}

// newDRSource is the primary's side: Vault (KV mount, auth for this
// cluster) and the pusher of the mirrorSource user's credentials.
func newDRSource(ctx *pulumi.Context, cfg *config.Config, infra *Infra, kafka *Kafka, prov pulumi.ProviderResource, out Outputs) error {
	user, err := mirrorSourceUser(cfg)
	if err != nil {
		return err
	}
	secret := MirrorMakerSecretFor(cfg.Stack.StackName)
	w, err := vaultWiring(ctx, cfg, infra, prov, vault.Consumer{
		Role: pusherRole, ServiceAccount: pusherServiceAccount, Namespace: kafka.Namespace,
		// Write-only: the pusher can never read the key back.
		Policy: vault.Policy{Rules: []vault.Rule{{Path: vault.KVv2DataPath(cfg.Vault.KvMount, secret), Capabilities: []vault.Capability{vault.Create, vault.Update}}}},
	})
	if err != nil {
		return err
	}
	// Custom resources, not components: a dependency on a component expands
	// only to the children registered so far (non-deterministic renders).
	deps := append([]pulumi.Resource{}, w.Resources...)
	if kafka.Component != nil && kafka.Component.Kafka != nil {
		deps = append(deps, kafka.Component.Kafka)
	}
	if _, err := vault.NewPusher(ctx, cfg.Stack.Name+"-vault-pusher", vault.PusherArgs{
		Provider: infra.Cluster.Provider, Namespace: kafka.Namespace, ServiceAccount: pusherServiceAccount,
		UserSecret: kafka.UserSecrets[user], ClusterCASecret: kafka.ClusterCASecret,
		VaultAddress: cfg.Vault.Address, VaultNamespace: cfg.Vault.Namespace,
		AuthPath: w.AuthPath, Role: pusherRole, KvMount: w.KvMount, Secret: secret,
	}, pulumi.DependsOn(deps)); err != nil {
		return err
	}
	// What a DR stack reads (besides region, vpcId, vpcCidr,
	// privateRouteTableIds and kafkaBootstrapCrossRegion from the other layers).
	out["vaultKvMount"] = w.KvMount
	out["vaultAuthPath"] = w.AuthPath
	out["vaultMirrorMakerSecret"] = pulumi.String(secret)
	out["mirrorMakerSourceUser"] = pulumi.String(user)
	// The DR VPC this stack admits: DR checks it is its own vpcCidr.
	out["peerVpcCidr"] = pulumi.String(cfg.Network.PeerVpcCidr.String())
	return nil
}

// perZoneIDs reads one of prod's per-zone id lists (route tables, subnets)
// and fails unless it holds one non-empty id per zone.
func perZoneIDs(ref *pulumi.StackReference, cfg *config.Config, output, what string) pulumi.StringArrayOutput {
	return ref.GetOutput(pulumi.String(output)).ApplyT(func(v any) ([]string, error) {
		xs, _ := v.([]any)
		ids := make([]string, 0, len(xs))
		for _, x := range xs {
			if s, ok := x.(string); ok && s != "" {
				ids = append(ids, s)
			}
		}
		if len(ids) != config.AZCount || len(xs) != config.AZCount {
			return nil, fmt.Errorf("dr: %s exports %s %v; want %d %s ids (one per zone)", cfg.Stack.ProdStackRef, output, v, config.AZCount, what)
		}
		return ids, nil
	}).(pulumi.StringArrayOutput)
}

// newDRTarget is the DR side: read the primary, connect to it (VPC peering
// or Transit Gateway, by drNetworkPath), sync its credentials from Vault and
// run MirrorMaker 2 into this cluster.
func newDRTarget(ctx *pulumi.Context, cfg *config.Config, infra *Infra, kafka *Kafka, prov pulumi.ProviderResource, out Outputs) error {
	ref, err := pulumi.NewStackReference(ctx, cfg.Stack.ProdStackRef, nil)
	if err != nil {
		return err
	}
	prodStack := ProdStackName(cfg.Stack.ProdStackRef)

	// The accepter and the prod-side routes live in prod's region. A
	// provider's region may be an output: it is known at preview because
	// stack outputs are.
	prodAWS, err := aws.NewProvider(ctx, cfg.Stack.Name+"-peer-region", &aws.ProviderArgs{
		Region:      ref.GetStringOutput(pulumi.String("region")),
		DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(cfg.Stack.Tags)},
	})
	if err != nil {
		return err
	}
	// Prod's VPC must be the range this stack admits and expects
	// (peerVpcCidr): otherwise routes and security groups disagree.
	peer := cfg.Network.PeerVpcCidr.String()
	prodCidr := ref.GetStringOutput(pulumi.String("vpcCidr")).ApplyT(func(c string) (string, error) {
		if c != peer {
			return "", fmt.Errorf("dr: %s has vpcCidr %s but this stack's kafka-platform:peerVpcCidr is %q; set peerVpcCidr to %s", cfg.Stack.ProdStackRef, c, peer, c)
		}
		return c, nil
	}).(pulumi.StringOutput)
	// And prod must admit this VPC (its peerVpcCidr, which its listener's
	// security group opens): the prod-side routes take their destination
	// from this check, so a disagreement fails before any route exists.
	own := cfg.Network.VpcCidr.String()
	drCidrAtProd := ref.GetOutput(pulumi.String("peerVpcCidr")).ApplyT(func(v any) (string, error) {
		c, _ := v.(string)
		if v == nil {
			return "", fmt.Errorf("dr: %s exports no peerVpcCidr (deployed before this check existed): run `pulumi up -s %s` so it exports the CIDR it admits, which must be this stack's kafka-platform:vpcCidr %s",
				cfg.Stack.ProdStackRef, ProdStackName(cfg.Stack.ProdStackRef), own)
		}
		if c != own {
			return "", fmt.Errorf("dr: %s has kafka-platform:peerVpcCidr %q but this stack's kafka-platform:vpcCidr is %s; set prod's peerVpcCidr to %s (and run `pulumi up -s %s` first) or this stack's vpcCidr to %q",
				cfg.Stack.ProdStackRef, c, own, own, ProdStackName(cfg.Stack.ProdStackRef), c)
		}
		return c, nil
	}).(pulumi.StringOutput)

	// The two VPCs and their route tables, whichever path joins them.
	link := peering.Link{
		VpcID:               infra.Network.VpcID,
		VpcCidr:             own,
		VpcCidrAtPeer:       drCidrAtProd,
		RouteTableIDs:       infra.Network.PrivateRouteTableIDs,
		RouteTableCount:     len(cfg.Network.AZs),
		PeerVpcID:           ref.GetStringOutput(pulumi.String("vpcId")),
		PeerVpcCidr:         prodCidr,
		PeerRegion:          ref.GetStringOutput(pulumi.String("region")),
		PeerRouteTableIDs:   perZoneIDs(ref, cfg, "privateRouteTableIds", "route table"),
		PeerRouteTableCount: config.AZCount,
		PeerProvider:        prodAWS,
		Tags:                cfg.Stack.Tags,
	}

	switch cfg.DR.NetworkPath {
	case config.NetworkPathTransitGateway:
		tgw, err := peering.NewTransitGateway(ctx, cfg.Stack.Name+"-tgw", peering.TransitGatewayArgs{
			Link:          link,
			SubnetIDs:     infra.Network.PrivateSubnetIDs,
			Asn:           cfg.DR.TransitGatewayAsn,
			PeerSubnetIDs: perZoneIDs(ref, cfg, "privateSubnetIds", "subnet"),
			PeerAsn:       cfg.DR.PeerTransitGatewayAsn,
		})
		if err != nil {
			return err
		}
		out["transitGatewayId"] = tgw.TransitGatewayID
		out["peerTransitGatewayId"] = tgw.PeerTransitGatewayID
		out["transitGatewayPeeringAttachmentId"] = tgw.PeeringAttachmentID
	case config.NetworkPathVpcPeering:
		pcx, err := peering.New(ctx, cfg.Stack.Name+"-peering", peering.Args{Link: link})
		if err != nil {
			return err
		}
		out["peeringConnectionId"] = pcx.ConnectionID
	default:
		return fmt.Errorf("dr: kafka-platform:drNetworkPath %q is neither %s nor %s", cfg.DR.NetworkPath, config.NetworkPathVpcPeering, config.NetworkPathTransitGateway)
	}

	secret := MirrorMakerSecretFor(prodStack)
	w, err := vaultWiring(ctx, cfg, infra, prov, vault.Consumer{
		Role: syncRole, ServiceAccount: syncServiceAccount, Namespace: kafka.Namespace,
		Policy: vault.Policy{Rules: []vault.Rule{{Path: vault.KVv2DataPath(cfg.Vault.KvMount, secret), Capabilities: []vault.Capability{vault.Read}}}},
	})
	if err != nil {
		return err
	}
	sync, err := vault.NewSync(ctx, cfg.Stack.Name+"-vault-sync", vault.SyncArgs{
		Provider: infra.Cluster.Provider, Namespace: kafka.Namespace, ServiceAccount: syncServiceAccount,
		VaultAddress: cfg.Vault.Address, VaultNamespace: cfg.Vault.Namespace,
		AuthPath: vaultAuthPath(cfg), Role: syncRole,
		KvMount: cfg.Vault.KvMount, Secret: secret, SecretName: SourceCredentialsSecret,
	}, pulumi.DependsOn(w.Resources))
	if err != nil {
		return err
	}

	bootstrap := ref.GetStringOutput(pulumi.String("kafkaBootstrapCrossRegion")).ApplyT(func(b string) (string, error) {
		if b == "" {
			return "", fmt.Errorf("dr: %s has no kafkaBootstrapCrossRegion: set its kafka-platform:peerVpcCidr to this stack's vpcCidr %s", cfg.Stack.ProdStackRef, cfg.Network.VpcCidr)
		}
		return b, nil
	}).(pulumi.StringOutput)
	name := mirrorMakerName(cfg)
	// The credentials Secret and the DR cluster first. Not the peering:
	// Connect retries the source until the routes exist.
	deps := append([]pulumi.Resource{}, sync.Resources...)
	if kafka.Component != nil && kafka.Component.Kafka != nil {
		deps = append(deps, kafka.Component.Kafka)
	}
	mm, err := mirrormaker.New(ctx, cfg.Stack.Name+"-mirrormaker", mirrormaker.Args{
		Provider: infra.Cluster.Provider,
		Spec: mirrormaker.Spec{
			Namespace: kafka.Namespace, Name: name,
			Replicas: cfg.DR.MirrorMakerReplicas, TasksMax: cfg.DR.MirrorMakerTasksMax,
			TargetAlias: cfg.Stack.StackName, SourceAlias: prodStack,
			TargetBootstrap: kafka.BootstrapInternal, TargetCASecret: kafka.ClusterCASecret,
			TargetUserSecret:        "mirrormaker-" + name,
			SourceCredentialsSecret: SourceCredentialsSecret,
			TopicsPattern:           cfg.DR.MirroredTopicsPattern, GroupsPattern: cfg.DR.MirroredGroupsPattern,
			ReplicationFactor: cfg.Kafka.ReplicationFactor,
			KafkaVersion:      cfg.Kafka.KafkaVersion,
		},
		TargetCluster:   kafka.ClusterName,
		MirroredTopics:  kafka.MirroredTopics,
		SourceBootstrap: bootstrap,
		DependsOn:       deps,
	})
	if err != nil {
		return err
	}

	// Both stacks must name the same KV secret; a mismatch (a renamed mount
	// or stack) fails the update here instead of leaving MirrorMaker without
	// credentials.
	want := cfg.Vault.KvMount + "/" + secret
	out["mirrorMakerCredentialsPath"] = pulumi.Sprintf("%s/%s",
		ref.GetStringOutput(pulumi.String("vaultKvMount")), ref.GetStringOutput(pulumi.String("vaultMirrorMakerSecret")),
	).ApplyT(func(got string) (string, error) {
		if got != want {
			return "", fmt.Errorf("dr: %s writes the MirrorMaker credentials to %s but this stack reads %s: make vaultKvMount agree", cfg.Stack.ProdStackRef, got, want)
		}
		return got, nil
	}).(pulumi.StringOutput)
	out["mirrorMakerName"] = mm.Name
	out["vaultAuthPath"] = w.AuthPath
	out["mirrorMakerSourceCredentialsSecret"] = sync.SecretName
	return nil
}
