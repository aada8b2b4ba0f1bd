package vault

import (
	"fmt"

	vaultsdk "github.com/pulumi/pulumi-vault/sdk/v6/go/vault"
	vaultk8s "github.com/pulumi/pulumi-vault/sdk/v6/go/vault/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Wiring is what one stack configures in Vault: optionally the KV v2 mount,
// the Kubernetes auth backend of its cluster, and a policy plus a role for
// each in-cluster consumer.
type Wiring struct {
	pulumi.ResourceState

	// AuthPath is the Kubernetes auth backend's mount path.
	AuthPath pulumi.StringOutput `pulumi:"authPath"`
	// KvMount is the KV v2 mount path.
	KvMount pulumi.StringOutput `pulumi:"kvMount"`
	// Resources are the custom resources created (mount, backend, its
	// config, policies, roles): DependsOn these rather than the component,
	// whose expansion depends on registration timing.
	Resources []pulumi.Resource
}

// Consumer is a workload that logs in with its service account and gets one
// policy.
type Consumer struct {
	// Role is the Vault role name (unique within the auth backend).
	Role string
	// ServiceAccount and Namespace are the only identity the role accepts.
	ServiceAccount string
	Namespace      string
	// Policy is what the role's tokens may do.
	Policy Policy
}

// Args configures Wiring.
type Args struct {
	// Provider is the explicit Vault provider (address and login from config).
	Provider pulumi.ProviderResource
	// KvMount is the KV v2 mount path for Kafka platform secrets.
	KvMount string
	// CreateKvMount creates the mount. Only the primary does: the mount is
	// shared by both stacks and must have exactly one owner.
	CreateKvMount bool
	// AuthPath is the Kubernetes auth backend path, one per cluster (e.g.
	// kubernetes-kafka-prod); the in-cluster clients log in at auth/<AuthPath>.
	AuthPath string
	// KubernetesHost is the cluster API server URL Vault calls for TokenReview.
	KubernetesHost pulumi.StringInput
	// KubernetesCACert is the PEM CA of the API server.
	KubernetesCACert pulumi.StringInput
	// Issuer is the cluster's service-account token issuer (the EKS OIDC
	// issuer URL); Vault rejects tokens from any other issuer.
	Issuer pulumi.StringInput
	// Audience is the token audience every role requires ("vault"); clients
	// request tokens for it, so a token minted for the API server or AWS
	// (IRSA) cannot be replayed against Vault.
	Audience string
	// Consumers get one policy and one role each.
	Consumers []Consumer
}

// DefaultAudience is the audience Vault roles require and clients request.
const DefaultAudience = "vault"

// Token lifetimes of the consumer roles: short, because both consumers
// re-authenticate on their own (the pusher every cycle, VSO on renewal).
const (
	tokenTTLSeconds    = 15 * 60
	tokenMaxTTLSeconds = 60 * 60
)

func (a Args) check() error {
	switch {
	case a.Provider == nil:
		return fmt.Errorf("vault: Provider is required")
	case a.KvMount == "" || a.AuthPath == "":
		return fmt.Errorf("vault: KvMount and AuthPath are required")
	case a.KubernetesHost == nil || a.KubernetesCACert == nil || a.Issuer == nil:
		return fmt.Errorf("vault: KubernetesHost, KubernetesCACert and Issuer are required for the Kubernetes auth backend")
	}
	seen := map[string]bool{}
	for _, c := range a.Consumers {
		if c.Role == "" || c.ServiceAccount == "" || c.Namespace == "" {
			return fmt.Errorf("vault: consumer %+v needs Role, ServiceAccount and Namespace", c)
		}
		if seen[c.Role] {
			return fmt.Errorf("vault: role %q defined twice", c.Role)
		}
		seen[c.Role] = true
		if _, err := c.Policy.Document(); err != nil {
			return fmt.Errorf("vault: role %q: %w", c.Role, err)
		}
	}
	return nil
}

// New configures Vault for one stack.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Wiring, error) {
	if err := args.check(); err != nil {
		return nil, err
	}
	if args.Audience == "" {
		args.Audience = DefaultAudience
	}
	w := &Wiring{}
	if err := ctx.RegisterComponentResource("kafka-platform:platform:Vault", name, w, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(w), pulumi.Provider(args.Provider)}

	kvMount := pulumi.String(args.KvMount).ToStringOutput()
	if args.CreateKvMount {
		// The mount holds state (every secret version): deleting the stack
		// must not wipe it.
		m, err := vaultsdk.NewMount(ctx, name+"-kv", &vaultsdk.MountArgs{
			Path:        pulumi.String(args.KvMount),
			Type:        pulumi.String("kv-v2"),
			Description: pulumi.String("Kafka platform secrets (MirrorMaker peer credentials)"),
		}, append(child, pulumi.Protect(true), pulumi.RetainOnDelete(true))...)
		if err != nil {
			return nil, err
		}
		kvMount = m.Path
		w.Resources = append(w.Resources, m)
	}

	backend, err := vaultsdk.NewAuthBackend(ctx, name+"-k8s-auth", &vaultsdk.AuthBackendArgs{
		Type:        pulumi.String("kubernetes"),
		Path:        pulumi.String(args.AuthPath),
		Description: pulumi.String("Service accounts of EKS cluster " + args.AuthPath),
	}, child...)
	if err != nil {
		return nil, err
	}
	// Vault runs outside the cluster, so it must not fall back to a local
	// service-account token and CA (DisableLocalCaJwt); without a reviewer
	// JWT it calls TokenReview with the client's own token, which is why each
	// consumer's service account is bound to system:auth-delegator.
	w.Resources = append(w.Resources, backend)
	bc, err := vaultk8s.NewAuthBackendConfig(ctx, name+"-k8s-auth-config", &vaultk8s.AuthBackendConfigArgs{
		Backend:           backend.Path,
		KubernetesHost:    args.KubernetesHost,
		KubernetesCaCert:  args.KubernetesCACert,
		Issuer:            args.Issuer,
		DisableLocalCaJwt: pulumi.Bool(true),
	}, child...)
	if err != nil {
		return nil, err
	}
	w.Resources = append(w.Resources, bc)
	for _, c := range args.Consumers {
		doc, _ := c.Policy.Document() // checked above
		pol, err := vaultsdk.NewPolicy(ctx, name+"-"+c.Role, &vaultsdk.PolicyArgs{
			Name:   pulumi.String(args.AuthPath + "-" + c.Role),
			Policy: pulumi.String(doc),
		}, child...)
		if err != nil {
			return nil, err
		}
		role, err := vaultk8s.NewAuthBackendRole(ctx, name+"-"+c.Role+"-role", &vaultk8s.AuthBackendRoleArgs{
			Backend:                       backend.Path,
			RoleName:                      pulumi.String(c.Role),
			BoundServiceAccountNames:      pulumi.ToStringArray([]string{c.ServiceAccount}),
			BoundServiceAccountNamespaces: pulumi.ToStringArray([]string{c.Namespace}),
			Audience:                      pulumi.String(args.Audience),
			TokenPolicies:                 pulumi.StringArray{pol.Name},
			// The default policy stays: it lets `vault kv put` look up the
			// mount's KV version (sys/internal/ui/mounts) and a token renew itself.
			TokenNoDefaultPolicy: pulumi.Bool(false),
			TokenTtl:             pulumi.Int(tokenTTLSeconds),
			TokenMaxTtl:          pulumi.Int(tokenMaxTTLSeconds),
		}, child...)
		if err != nil {
			return nil, err
		}
		w.Resources = append(w.Resources, pol, role)
	}
	w.AuthPath = backend.Path
	w.KvMount = kvMount
	if err := ctx.RegisterResourceOutputs(w, pulumi.Map{"authPath": w.AuthPath, "kvMount": w.KvMount}); err != nil {
		return nil, err
	}
	return w, nil
}
