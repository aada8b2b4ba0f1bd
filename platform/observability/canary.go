package observability

import (
	"fmt"
	"regexp"
	"strings"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/topology"
)

// CanaryAppName is the app.kubernetes.io/name of the canary pods.
const CanaryAppName = "kafka-canary"

const (
	canaryMetricsPort = "metrics"
	canaryPort        = 8080
	canaryUID         = 65532 // distroless "nonroot"
	canaryUserMount   = "/etc/canary/user"
	canaryCAMount     = "/etc/canary/ca"
	// Requests equal limits: Guaranteed QoS, so the canary is neither
	// throttled nor evicted first and its latency reflects Kafka, not itself.
	canaryCPU    = "500m"
	canaryMemory = "256Mi"
)

// ZoneIDLabel is the node label AWS sets to the zone ID (use1-az1). Zone IDs
// are known when the program runs; zone names for IDs only after AWS maps
// them per account, so IDs pin by this label and names by ZoneLabel.
const ZoneIDLabel = "topology.k8s.aws/zone-id"

// CanaryArgs configures the per-zone canary Deployments.
type CanaryArgs struct {
	// Image is <registry>/<repo>@sha256:<digest>.
	Image string
	// Zones are the zone IDs or names, one Deployment each.
	Zones []string
	// ZoneIDs tells whether Zones are IDs (pin by ZoneIDLabel) or names
	// (pin by topology.ZoneLabel).
	ZoneIDs bool
	// KafkaNamespace and ClusterName locate the cluster; the canary runs in
	// the Kafka namespace because it mounts Strimzi's Secrets from there.
	KafkaNamespace string
	ClusterName    string
	// Topic is the canary topic; User the KafkaUser whose Secret (same name)
	// holds user.crt/user.key.
	Topic string
	User  string
}

// Bootstrap is the internal TLS bootstrap address Strimzi creates.
func (a CanaryArgs) Bootstrap() string {
	return fmt.Sprintf("%s-kafka-bootstrap.%s.svc:9093", a.ClusterName, a.KafkaNamespace)
}

// ClusterCASecret is Strimzi's cluster CA certificate Secret.
func (a CanaryArgs) ClusterCASecret() string { return a.ClusterName + "-cluster-ca-cert" }

// zoneKey is the node label the canary of a zone is pinned by.
func (a CanaryArgs) zoneKey() string {
	if a.ZoneIDs {
		return ZoneIDLabel
	}
	return topology.ZoneLabel
}

var zoneRe = regexp.MustCompile(`^[a-z0-9-]+$`)

// canaryName is the Deployment of a zone, keyed by the zone so adding a zone
// never renames the others.
func canaryName(zone string) string { return CanaryAppName + "-" + zone }

// CanaryArgsList are the container arguments of a zone's canary. The flag
// names are cmd/canary's (internal/canary Flag* constants); the contract is
// checked by parsing these arguments with the canary's own parser in tests,
// rather than importing it here, which would link the Kafka client into the
// Pulumi program.
func (a CanaryArgs) CanaryArgsList(zone string) []string {
	return []string{
		"-bootstrap-servers=" + a.Bootstrap(),
		"-topic=" + a.Topic,
		"-zone=" + zone,
		"-listen-addr=:" + fmt.Sprint(canaryPort),
		"-tls-ca-file=" + canaryCAMount + "/ca.crt",
		"-tls-cert-file=" + canaryUserMount + "/user.crt",
		"-tls-key-file=" + canaryUserMount + "/user.key",
	}
}

func (a CanaryArgs) validate() error {
	if len(a.Zones) == 0 {
		return fmt.Errorf("canary: no zones")
	}
	for _, z := range a.Zones {
		if !zoneRe.MatchString(z) {
			return fmt.Errorf("canary: zone %q is not a zone ID or name", z)
		}
	}
	if !strings.Contains(a.Image, "@sha256:") {
		return fmt.Errorf("canary: image %q is not pinned by digest", a.Image)
	}
	return nil
}

// newCanaries registers one Deployment per zone.
func newCanaries(ctx *pulumi.Context, name string, a CanaryArgs, opts ...pulumi.ResourceOption) ([]*appsv1.Deployment, error) {
	if err := a.validate(); err != nil {
		return nil, err
	}
	var out []*appsv1.Deployment
	for _, zone := range a.Zones {
		labels := pulumi.StringMap{
			"app.kubernetes.io/name":     pulumi.String(CanaryAppName),
			"app.kubernetes.io/instance": pulumi.String(canaryName(zone)),
			"app.kubernetes.io/part-of":  pulumi.String("kafka-platform"),
			"kafka-platform/canary-zone": pulumi.String(zone),
		}
		d, err := appsv1.NewDeployment(ctx, name+"-canary-"+zone, &appsv1.DeploymentArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(canaryName(zone)), Namespace: pulumi.String(a.KafkaNamespace), Labels: labels},
			Spec: &appsv1.DeploymentSpecArgs{
				Replicas: pulumi.Int(1),
				Selector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{
					"app.kubernetes.io/name": pulumi.String(CanaryAppName), "app.kubernetes.io/instance": pulumi.String(canaryName(zone))}},
				// One canary per zone at a time: two would double the
				// measured load and blur the per-zone series.
				Strategy: &appsv1.DeploymentStrategyArgs{Type: pulumi.String("Recreate")},
				Template: &corev1.PodTemplateSpecArgs{
					Metadata: &metav1.ObjectMetaArgs{Labels: labels},
					Spec: &corev1.PodSpecArgs{
						AutomountServiceAccountToken: pulumi.Bool(false),
						Affinity: &corev1.AffinityArgs{NodeAffinity: &corev1.NodeAffinityArgs{
							RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelectorArgs{
								NodeSelectorTerms: corev1.NodeSelectorTermArray{&corev1.NodeSelectorTermArgs{
									MatchExpressions: corev1.NodeSelectorRequirementArray{
										&corev1.NodeSelectorRequirementArgs{Key: pulumi.String(a.zoneKey()), Operator: pulumi.String("In"), Values: pulumi.ToStringArray([]string{zone})},
										&corev1.NodeSelectorRequirementArgs{Key: pulumi.String(topology.RoleLabel), Operator: pulumi.String("In"), Values: pulumi.ToStringArray([]string{topology.RoleSystem})},
									},
								}},
							},
						}},
						SecurityContext: &corev1.PodSecurityContextArgs{
							RunAsNonRoot: pulumi.Bool(true),
							RunAsUser:    pulumi.Int(canaryUID),
							RunAsGroup:   pulumi.Int(canaryUID),
							// Secret files are group-owned by fsGroup: 0440 lets
							// the non-root user read the key and nobody else.
							FsGroup:        pulumi.Int(canaryUID),
							SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
						},
						Containers: corev1.ContainerArray{&corev1.ContainerArgs{
							Name:  pulumi.String("canary"),
							Image: pulumi.String(a.Image),
							Args:  pulumi.ToStringArray(a.CanaryArgsList(zone)),
							Ports: corev1.ContainerPortArray{&corev1.ContainerPortArgs{Name: pulumi.String(canaryMetricsPort), ContainerPort: pulumi.Int(canaryPort)}},
							Resources: &corev1.ResourceRequirementsArgs{
								Requests: pulumi.StringMap{"cpu": pulumi.String(canaryCPU), "memory": pulumi.String(canaryMemory)},
								Limits:   pulumi.StringMap{"cpu": pulumi.String(canaryCPU), "memory": pulumi.String(canaryMemory)},
							},
							LivenessProbe: &corev1.ProbeArgs{HttpGet: &corev1.HTTPGetActionArgs{Path: pulumi.String("/healthz"), Port: pulumi.String(canaryMetricsPort)},
								PeriodSeconds: pulumi.Int(10), FailureThreshold: pulumi.Int(3)},
							ReadinessProbe: &corev1.ProbeArgs{HttpGet: &corev1.HTTPGetActionArgs{Path: pulumi.String("/readyz"), Port: pulumi.String(canaryMetricsPort)},
								PeriodSeconds: pulumi.Int(5)},
							SecurityContext: &corev1.SecurityContextArgs{
								AllowPrivilegeEscalation: pulumi.Bool(false),
								ReadOnlyRootFilesystem:   pulumi.Bool(true),
								RunAsNonRoot:             pulumi.Bool(true),
								Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.ToStringArray([]string{"ALL"})},
							},
							VolumeMounts: corev1.VolumeMountArray{
								&corev1.VolumeMountArgs{Name: pulumi.String("user"), MountPath: pulumi.String(canaryUserMount), ReadOnly: pulumi.Bool(true)},
								&corev1.VolumeMountArgs{Name: pulumi.String("cluster-ca"), MountPath: pulumi.String(canaryCAMount), ReadOnly: pulumi.Bool(true)},
							},
						}},
						Volumes: corev1.VolumeArray{
							&corev1.VolumeArgs{Name: pulumi.String("user"), Secret: &corev1.SecretVolumeSourceArgs{
								SecretName: pulumi.String(a.User), DefaultMode: pulumi.Int(0o440),
								Items: corev1.KeyToPathArray{
									&corev1.KeyToPathArgs{Key: pulumi.String("user.crt"), Path: pulumi.String("user.crt")},
									&corev1.KeyToPathArgs{Key: pulumi.String("user.key"), Path: pulumi.String("user.key")},
								}}},
							// Mounted as a volume, never with subPath: the kubelet then
							// swaps ca.crt in place when Strimzi renews the cluster CA,
							// and the canary re-reads it for every new broker connection
							// (internal/canary BrokerTLS), so no restart is needed.
							&corev1.VolumeArgs{Name: pulumi.String("cluster-ca"), Secret: &corev1.SecretVolumeSourceArgs{
								SecretName: pulumi.String(a.ClusterCASecret()), DefaultMode: pulumi.Int(0o444),
								Items: corev1.KeyToPathArray{&corev1.KeyToPathArgs{Key: pulumi.String("ca.crt"), Path: pulumi.String("ca.crt")}}}},
						},
					},
				},
			},
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("canary %s: %w", zone, err)
		}
		out = append(out, d)
	}
	return out, nil
}
