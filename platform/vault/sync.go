package vault

import (
	"fmt"

	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/kube"
	"github.com/tradingfirm/kafka-platform/internal/topology"
)

// Vault Secrets Operator chart, pinned.
const (
	VSOChartRepo    = "https://helm.releases.hashicorp.com"
	VSOChart        = "vault-secrets-operator"
	VSOChartVersion = "0.10.0"
	VSONamespace    = "vault-secrets-operator"
	vsoAPIVersion   = "secrets.hashicorp.com/v1beta1"
)

// VaultConnection is VSO's connection to one Vault (the subset used).
type VaultConnection struct {
	kube.Header
	Spec VaultConnectionSpec `json:"spec"`
}

// VaultConnectionSpec is the connection's address.
type VaultConnectionSpec struct {
	Address       string `json:"address"`
	SkipTLSVerify bool   `json:"skipTLSVerify"`
}

// VaultAuth is how VSO logs in for the secrets that reference it.
type VaultAuth struct {
	kube.Header
	Spec VaultAuthSpec `json:"spec"`
}

// VaultAuthSpec uses the Kubernetes method only.
type VaultAuthSpec struct {
	VaultConnectionRef string              `json:"vaultConnectionRef"`
	Method             string              `json:"method"`
	Mount              string              `json:"mount"`
	Namespace          string              `json:"namespace,omitempty"`
	Kubernetes         VaultAuthKubernetes `json:"kubernetes"`
}

// VaultAuthKubernetes is the role and the service account whose token VSO
// requests (with Audiences) to log in.
type VaultAuthKubernetes struct {
	Role           string   `json:"role"`
	ServiceAccount string   `json:"serviceAccount"`
	Audiences      []string `json:"audiences"`
}

// VaultStaticSecret syncs one KV secret into one Kubernetes Secret.
type VaultStaticSecret struct {
	kube.Header
	Spec VaultStaticSecretSpec `json:"spec"`
}

// VaultStaticSecretSpec is the source path and the destination Secret.
type VaultStaticSecretSpec struct {
	VaultAuthRef string      `json:"vaultAuthRef"`
	Mount        string      `json:"mount"`
	Type         string      `json:"type"`
	Path         string      `json:"path"`
	RefreshAfter string      `json:"refreshAfter"`
	Destination  Destination `json:"destination"`
}

// Destination is the Kubernetes Secret VSO owns.
type Destination struct {
	Name   string            `json:"name"`
	Create bool              `json:"create"`
	Labels map[string]string `json:"labels,omitempty"`
}

// Sync installs the Vault Secrets Operator in the DR cluster and has it keep
// one Kubernetes Secret in step with the MirrorMaker credentials in Vault.
// The Secret is owned by the operator (created, refreshed, deleted with the
// VaultStaticSecret), never written by this program, and its data never
// passes through Pulumi state.
type Sync struct {
	pulumi.ResourceState

	// SecretName is the Kubernetes Secret MirrorMaker 2 references.
	SecretName pulumi.StringOutput `pulumi:"secretName"`
	// Resources are the VSO release and objects: DependsOn these rather
	// than the component (see Wiring.Resources).
	Resources []pulumi.Resource
}

// SyncArgs configures the Sync.
type SyncArgs struct {
	// Provider is the DR cluster's Kubernetes provider.
	Provider pulumi.ProviderResource
	// Namespace is where MirrorMaker 2 runs and the Secret is created.
	Namespace string
	// ServiceAccount is created for VSO to log in as; the Vault role binds it.
	ServiceAccount string
	// VaultAddress and VaultNamespace locate Vault.
	VaultAddress   string
	VaultNamespace string
	// AuthPath and Role are the DR cluster's Kubernetes auth backend and role
	// (plain: they are names this program chooses, and they go into typed
	// objects; the stack orders the Sync after the Vault wiring).
	AuthPath string
	Role     string
	// KvMount and Secret are the KV v2 mount and the secret (relative to the
	// mount) written by the primary's Pusher.
	KvMount string
	Secret  string
	// SecretName is the Kubernetes Secret to maintain.
	SecretName string
	// RefreshAfter is how often VSO re-reads the KV secret; default 60s, so a
	// rotation on the primary reaches DR within two minutes (pusher + sync).
	RefreshAfter string
}

func (a SyncArgs) check() error {
	if a.Provider == nil || a.Namespace == "" || a.ServiceAccount == "" || a.VaultAddress == "" ||
		a.AuthPath == "" || a.Role == "" || a.KvMount == "" || a.Secret == "" || a.SecretName == "" {
		return fmt.Errorf("vault sync: Provider, Namespace, ServiceAccount, VaultAddress, AuthPath, Role, KvMount, Secret and SecretName are required")
	}
	return nil
}

// NewSync installs VSO and the three VSO objects.
func NewSync(ctx *pulumi.Context, name string, args SyncArgs, opts ...pulumi.ResourceOption) (*Sync, error) {
	if err := args.check(); err != nil {
		return nil, err
	}
	if args.RefreshAfter == "" {
		args.RefreshAfter = "60s"
	}
	s := &Sync{}
	if err := ctx.RegisterComponentResource("kafka-platform:platform:VaultSync", name, s, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(s), pulumi.Provider(args.Provider)}
	rel, err := helmv3.NewRelease(ctx, name+"-vso", &helmv3.ReleaseArgs{
		Name:            pulumi.String(VSOChart),
		Chart:           pulumi.String(VSOChart),
		Version:         pulumi.String(VSOChartVersion),
		RepositoryOpts:  &helmv3.RepositoryOptsArgs{Repo: pulumi.String(VSOChartRepo)},
		Namespace:       pulumi.String(VSONamespace),
		CreateNamespace: pulumi.Bool(true),
		Atomic:          pulumi.Bool(true),
		Values: pulumi.Map{
			"controller": pulumi.Map{"manager": pulumi.Map{
				"nodeSelector": pulumi.Map{topology.RoleLabel: pulumi.String(topology.RoleSystem)},
			}},
		},
	}, child...)
	if err != nil {
		return nil, err
	}
	sa, err := vaultServiceAccount(ctx, name, args.Namespace, args.ServiceAccount, child)
	if err != nil {
		return nil, err
	}
	after := append(append([]pulumi.ResourceOption{}, child...), pulumi.DependsOn([]pulumi.Resource{rel, sa}))

	conn := &VaultConnection{
		Header: kube.NewHeader(vsoAPIVersion, "VaultConnection", args.Namespace, name),
		Spec:   VaultConnectionSpec{Address: args.VaultAddress},
	}
	if _, err := kube.Apply(ctx, name+"-connection", conn, after...); err != nil {
		return nil, err
	}
	auth := &VaultAuth{
		Header: kube.NewHeader(vsoAPIVersion, "VaultAuth", args.Namespace, name),
		Spec: VaultAuthSpec{
			VaultConnectionRef: name, Method: "kubernetes", Mount: args.AuthPath, Namespace: args.VaultNamespace,
			Kubernetes: VaultAuthKubernetes{Role: args.Role, ServiceAccount: args.ServiceAccount, Audiences: []string{DefaultAudience}},
		},
	}
	if _, err := kube.Apply(ctx, name+"-auth", auth, after...); err != nil {
		return nil, err
	}
	vss := &VaultStaticSecret{
		Header: kube.NewHeader(vsoAPIVersion, "VaultStaticSecret", args.Namespace, name),
		Spec: VaultStaticSecretSpec{
			VaultAuthRef: name, Mount: args.KvMount, Type: "kv-v2", Path: args.Secret, RefreshAfter: args.RefreshAfter,
			Destination: Destination{Name: args.SecretName, Create: true, Labels: map[string]string{"app.kubernetes.io/part-of": "kafka-platform"}},
		},
	}
	vs, err := kube.Apply(ctx, name+"-secret", vss, after...)
	if err != nil {
		return nil, err
	}
	s.Resources = []pulumi.Resource{rel, sa, vs}
	s.SecretName = pulumi.String(args.SecretName).ToStringOutput()
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{"secretName": s.SecretName}); err != nil {
		return nil, err
	}
	return s, nil
}
