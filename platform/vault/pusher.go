package vault

import (
	_ "embed"
	"fmt"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/topology"
)

// PushScript is the pusher's loop, run by /bin/sh in the Vault image.
//
//go:embed push.sh
var PushScript string

// PusherImage is the official Vault image: it carries the vault CLI and a
// busybox shell with sha256sum, all the script needs.
const PusherImage = "hashicorp/vault:1.20.4"

// TokenPath is where the pods' projected Vault-audience token is mounted.
const TokenPath = "/var/run/secrets/vault"

// Pusher is a one-replica Deployment in the primary cluster that keeps the
// MirrorMaker source credentials (the KafkaUser's user.crt/user.key and the
// cluster CA's ca.crt) in Vault. A Deployment with a loop rather than a
// CronJob: a rotation reaches Vault within one interval, and a failing
// write shows as a crash-looping pod, which is alerted on.
type Pusher struct {
	pulumi.ResourceState

	// ServiceAccount is the pusher's service account (the Vault role binds it).
	ServiceAccount pulumi.StringOutput `pulumi:"serviceAccount"`
}

// PusherArgs configures the Pusher.
type PusherArgs struct {
	// Provider is the primary cluster's Kubernetes provider.
	Provider pulumi.ProviderResource
	// Namespace is the Kafka namespace, where the Secrets live.
	Namespace string
	// ServiceAccount is the name to create; the Vault role is bound to it.
	ServiceAccount string
	// UserSecret is the KafkaUser's Secret (Strimzi names it after the user).
	UserSecret string
	// ClusterCASecret is <cluster>-cluster-ca-cert.
	ClusterCASecret string
	// VaultAddress is the Vault URL.
	VaultAddress string
	// VaultNamespace is the Vault Enterprise namespace, empty for root.
	VaultNamespace string
	// AuthPath and Role are the Kubernetes auth backend and role to log in with.
	AuthPath pulumi.StringInput
	Role     string
	// KvMount and Secret name where to write.
	KvMount pulumi.StringInput
	Secret  string
	// IntervalSeconds between checks; default 60.
	IntervalSeconds int
}

func (a PusherArgs) check() error {
	if a.Provider == nil || a.Namespace == "" || a.ServiceAccount == "" || a.UserSecret == "" ||
		a.ClusterCASecret == "" || a.VaultAddress == "" || a.AuthPath == nil || a.Role == "" || a.KvMount == nil || a.Secret == "" {
		return fmt.Errorf("vault pusher: Provider, Namespace, ServiceAccount, UserSecret, ClusterCASecret, VaultAddress, AuthPath, Role, KvMount and Secret are required")
	}
	return nil
}

// NewPusher creates the pusher's service account, its TokenReview binding
// and the Deployment.
func NewPusher(ctx *pulumi.Context, name string, args PusherArgs, opts ...pulumi.ResourceOption) (*Pusher, error) {
	if err := args.check(); err != nil {
		return nil, err
	}
	if args.IntervalSeconds == 0 {
		args.IntervalSeconds = 60
	}
	p := &Pusher{}
	if err := ctx.RegisterComponentResource("kafka-platform:platform:VaultPusher", name, p, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(p), pulumi.Provider(args.Provider)}
	sa, err := vaultServiceAccount(ctx, name, args.Namespace, args.ServiceAccount, child)
	if err != nil {
		return nil, err
	}
	labels := pulumi.StringMap{"app.kubernetes.io/name": pulumi.String("mirrormaker-credentials-pusher"), "app.kubernetes.io/part-of": pulumi.String("kafka-platform")}
	env := corev1.EnvVarArray{
		envVar("VAULT_ADDR", pulumi.String(args.VaultAddress)),
		envVar("VAULT_AUTH_PATH", args.AuthPath),
		envVar("VAULT_ROLE", pulumi.String(args.Role)),
		envVar("KV_MOUNT", args.KvMount),
		envVar("KV_SECRET", pulumi.String(args.Secret)),
		envVar("CRED_DIR", pulumi.String("/credentials")),
		envVar("TOKEN_FILE", pulumi.String(TokenPath+"/token")),
		envVar("INTERVAL_SECONDS", pulumi.String(fmt.Sprint(args.IntervalSeconds))),
		envVar("HOME", pulumi.String("/tmp")),
	}
	if args.VaultNamespace != "" {
		env = append(env, envVar("VAULT_NAMESPACE", pulumi.String(args.VaultNamespace)))
	}
	if _, err := appsv1.NewDeployment(ctx, name, &appsv1.DeploymentArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(args.ServiceAccount), Namespace: pulumi.String(args.Namespace), Labels: labels},
		Spec: &appsv1.DeploymentSpecArgs{
			Replicas: pulumi.Int(1),
			Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
			// Recreate: two pushers never race on the same KV secret.
			Strategy: &appsv1.DeploymentStrategyArgs{Type: pulumi.String("Recreate")},
			Template: &corev1.PodTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{Labels: labels},
				Spec: &corev1.PodSpecArgs{
					ServiceAccountName:           sa.Metadata.Name().Elem(),
					AutomountServiceAccountToken: pulumi.Bool(false),
					NodeSelector:                 pulumi.StringMap{topology.RoleLabel: pulumi.String(topology.RoleSystem)},
					SecurityContext: &corev1.PodSecurityContextArgs{
						RunAsNonRoot:   pulumi.Bool(true),
						RunAsUser:      pulumi.Int(100),
						SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
					},
					Containers: corev1.ContainerArray{&corev1.ContainerArgs{
						Name:    pulumi.String("push"),
						Image:   pulumi.String(PusherImage),
						Command: pulumi.ToStringArray([]string{"/bin/sh", "-c", PushScript}),
						Env:     env,
						Resources: &corev1.ResourceRequirementsArgs{
							Requests: pulumi.StringMap{"cpu": pulumi.String("10m"), "memory": pulumi.String("32Mi")},
							Limits:   pulumi.StringMap{"memory": pulumi.String("64Mi")},
						},
						SecurityContext: &corev1.SecurityContextArgs{
							AllowPrivilegeEscalation: pulumi.Bool(false),
							ReadOnlyRootFilesystem:   pulumi.Bool(true),
							Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.ToStringArray([]string{"ALL"})},
						},
						VolumeMounts: corev1.VolumeMountArray{
							&corev1.VolumeMountArgs{Name: pulumi.String("credentials"), MountPath: pulumi.String("/credentials"), ReadOnly: pulumi.Bool(true)},
							&corev1.VolumeMountArgs{Name: pulumi.String("vault-token"), MountPath: pulumi.String(TokenPath), ReadOnly: pulumi.Bool(true)},
							&corev1.VolumeMountArgs{Name: pulumi.String("tmp"), MountPath: pulumi.String("/tmp")},
						},
					}},
					Volumes: corev1.VolumeArray{
						// A projected volume (not subPath) so kubelet updates the files
						// when Strimzi rotates the Secrets.
						&corev1.VolumeArgs{Name: pulumi.String("credentials"), Projected: &corev1.ProjectedVolumeSourceArgs{
							DefaultMode: pulumi.Int(0o400),
							Sources: corev1.VolumeProjectionArray{
								&corev1.VolumeProjectionArgs{Secret: &corev1.SecretProjectionArgs{
									Name: pulumi.String(args.UserSecret),
									Items: corev1.KeyToPathArray{
										&corev1.KeyToPathArgs{Key: pulumi.String(KeyUserCert), Path: pulumi.String(KeyUserCert)},
										&corev1.KeyToPathArgs{Key: pulumi.String(KeyUserKey), Path: pulumi.String(KeyUserKey)},
									},
								}},
								&corev1.VolumeProjectionArgs{Secret: &corev1.SecretProjectionArgs{
									Name:  pulumi.String(args.ClusterCASecret),
									Items: corev1.KeyToPathArray{&corev1.KeyToPathArgs{Key: pulumi.String(KeyCACert), Path: pulumi.String(KeyCACert)}},
								}},
							},
						}},
						&corev1.VolumeArgs{Name: pulumi.String("vault-token"), Projected: &corev1.ProjectedVolumeSourceArgs{
							Sources: corev1.VolumeProjectionArray{&corev1.VolumeProjectionArgs{
								ServiceAccountToken: &corev1.ServiceAccountTokenProjectionArgs{
									Audience: pulumi.String(DefaultAudience), ExpirationSeconds: pulumi.Int(600), Path: pulumi.String("token"),
								},
							}},
						}},
						&corev1.VolumeArgs{Name: pulumi.String("tmp"), EmptyDir: &corev1.EmptyDirVolumeSourceArgs{Medium: pulumi.String("Memory"), SizeLimit: pulumi.String("8Mi")}},
					},
				},
			},
		},
	}, child...); err != nil {
		return nil, err
	}
	p.ServiceAccount = pulumi.String(args.ServiceAccount).ToStringOutput()
	if err := ctx.RegisterResourceOutputs(p, pulumi.Map{"serviceAccount": p.ServiceAccount}); err != nil {
		return nil, err
	}
	return p, nil
}

func envVar(name string, v pulumi.StringInput) *corev1.EnvVarArgs {
	return &corev1.EnvVarArgs{Name: pulumi.String(name), Value: v}
}

// vaultServiceAccount is the service account of a pod that logs in to
// Vault with its Kubernetes token: no token is automounted (only the
// projected Vault-audience token is), and the account may call the
// TokenReview API (system:auth-delegator), which Vault's Kubernetes auth
// does with the login JWT when it has no reviewer JWT of its own (Vault
// docs, "Use the Vault client's JWT as the reviewer JWT").
func vaultServiceAccount(ctx *pulumi.Context, name, namespace, serviceAccount string, opts []pulumi.ResourceOption) (*corev1.ServiceAccount, error) {
	sa, err := corev1.NewServiceAccount(ctx, name, &corev1.ServiceAccountArgs{
		Metadata:                     &metav1.ObjectMetaArgs{Name: pulumi.String(serviceAccount), Namespace: pulumi.String(namespace)},
		AutomountServiceAccountToken: pulumi.Bool(false),
	}, opts...)
	if err != nil {
		return nil, err
	}
	_, err = rbacv1.NewClusterRoleBinding(ctx, name+"-tokenreview", &rbacv1.ClusterRoleBindingArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(namespace + "-" + serviceAccount + "-tokenreview")},
		RoleRef: &rbacv1.RoleRefArgs{
			ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("ClusterRole"), Name: pulumi.String("system:auth-delegator"),
		},
		Subjects: rbacv1.SubjectArray{&rbacv1.SubjectArgs{
			Kind: pulumi.String("ServiceAccount"), Name: pulumi.String(serviceAccount), Namespace: pulumi.String(namespace),
		}},
	}, opts...)
	return sa, err
}
