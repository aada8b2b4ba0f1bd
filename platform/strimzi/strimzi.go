package strimzi

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	schedulingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/scheduling/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/kube"
	"github.com/tradingfirm/kafka-platform/internal/topology"
	strimziv1 "github.com/tradingfirm/kafka-platform/platform/strimzi/api/v1"
)

// Chart locations.
const (
	OperatorChart     = "oci://quay.io/strimzi-helm/strimzi-kafka-operator"
	DrainCleanerChart = "oci://quay.io/strimzi-helm/strimzi-drain-cleaner"
	CertManagerRepo   = "https://charts.jetstack.io"
)

// Strimzi is the Kafka platform of one region.
type Strimzi struct {
	pulumi.ResourceState

	// Kafka is the Kafka custom resource: depend on it for anything that
	// needs the cluster.
	Kafka *apiextensions.CustomResource
	// Operator is the cluster operator's Helm release.
	Operator *helmv3.Release
	// BootstrapInternal is <cluster>-kafka-bootstrap.<ns>.svc:9093.
	BootstrapInternal pulumi.StringOutput `pulumi:"bootstrapInternal"`
	// BootstrapCrossRegion is host:port of the cross-region NLB; empty when
	// no peer VPC is configured.
	BootstrapCrossRegion pulumi.StringOutput `pulumi:"bootstrapCrossRegion"`
	// ClusterCASecret is the Secret with the cluster CA certificate.
	ClusterCASecret pulumi.StringOutput `pulumi:"clusterCaSecret"`
	// UserSecrets maps user name to the Secret with its certificate.
	UserSecrets pulumi.StringMapOutput `pulumi:"userSecrets"`
	// Topics are all topic names; MirroredTopics the durable ones.
	Topics         pulumi.StringArrayOutput `pulumi:"topics"`
	MirroredTopics pulumi.StringArrayOutput `pulumi:"mirroredTopics"`
	// ClientSettings per topic class, for app teams.
	ClientSettings pulumi.MapOutput `pulumi:"clientSettings"`
}

// Validate rejects Args that cannot build a sound cluster; config
// validation should already have caught these for stack users.
func (a Args) Validate() error {
	var errs []string
	if a.Namespace == "" || a.OperatorNamespace == "" || a.ClusterName == "" {
		errs = append(errs, "Namespace, OperatorNamespace and ClusterName are required")
	}
	if a.Brokers < 3 || a.Brokers%3 != 0 {
		errs = append(errs, fmt.Sprintf("Brokers = %d: want a positive multiple of 3", a.Brokers))
	}
	if a.BrokerCPUs < 1 || a.BrokerMemoryGiB < 1 || a.BrokerHeapGiB < 1 {
		errs = append(errs, "BrokerCPUs, BrokerMemoryGiB and BrokerHeapGiB are required (whole numbers)")
	}
	if a.ReplicationFactor < 3 || a.MinISR < 2 || a.MinISR >= a.ReplicationFactor {
		errs = append(errs, fmt.Sprintf("ReplicationFactor %d / MinISR %d: want RF >= 3 and 2 <= MinISR < RF", a.ReplicationFactor, a.MinISR))
	}
	if a.TierBucket == nil || a.BrokerRoleArn == nil || a.Region == "" || a.TierPrefix == "" {
		errs = append(errs, "TierBucket, BrokerRoleArn, Region and TierPrefix are required (tiered storage)")
	}
	if a.BrokerImage == "" || !strings.Contains(a.BrokerImage, "@sha256:") {
		errs = append(errs, fmt.Sprintf("BrokerImage %q: want registry/repo@sha256:digest", a.BrokerImage))
	}
	for n, u := range a.Users {
		for _, t := range append(append([]string{}, u.Produce...), u.Consume...) {
			if _, ok := a.Topics[t]; !ok {
				errs = append(errs, fmt.Sprintf("user %s: unknown topic %q", n, t))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("strimzi: %s", strings.Join(errs, "; "))
	}
	return nil
}

// restricted labels a namespace for the restricted Pod Security Standard
// (enforced, and audited and warned so violations show up before they bite).
func restricted() pulumi.StringMap {
	return pulumi.StringMap{
		"pod-security.kubernetes.io/enforce":         pulumi.String("restricted"),
		"pod-security.kubernetes.io/enforce-version": pulumi.String("latest"),
		"pod-security.kubernetes.io/audit":           pulumi.String("restricted"),
		"pod-security.kubernetes.io/warn":            pulumi.String("restricted"),
	}
}

// OperatorValues are the strimzi-kafka-operator chart values.
type OperatorValues struct {
	Replicas        int                  `json:"replicas"`
	WatchNamespaces []string             `json:"watchNamespaces"`
	LeaderElection  map[string]bool      `json:"leaderElection"`
	Resources       resourceValues       `json:"resources"`
	PDB             map[string]any       `json:"podDisruptionBudget"`
	NodeSelector    map[string]string    `json:"nodeSelector"`
	Spread          []topologySpreadVals `json:"topologySpreadConstraints"`
	PriorityClass   string               `json:"priorityClassName"`
	// FullReconciliationIntervalMs: how often drift is corrected.
	FullReconciliationIntervalMs int `json:"fullReconciliationIntervalMs"`
}

type resourceValues struct {
	Requests map[string]string `json:"requests"`
	Limits   map[string]string `json:"limits"`
}

type topologySpreadVals struct {
	MaxSkew           int            `json:"maxSkew"`
	TopologyKey       string         `json:"topologyKey"`
	WhenUnsatisfiable string         `json:"whenUnsatisfiable"`
	LabelSelector     map[string]any `json:"labelSelector"`
}

// DrainCleanerValues are the strimzi-drain-cleaner chart values.
type DrainCleanerValues struct {
	ReplicaCount int               `json:"replicaCount"`
	Namespace    map[string]any    `json:"namespace"`
	CertManager  map[string]bool   `json:"certManager"`
	Resources    resourceValues    `json:"resources"`
	NodeSelector map[string]string `json:"nodeSelector"`
}

// OperatorValuesFor returns the operator chart values: two replicas with
// leader election (a standby takes over in seconds), sized for a
// production cluster with hundreds of topics and users, watching only the
// Kafka namespace, on system nodes spread over zones.
func OperatorValuesFor(a Args) OperatorValues {
	return OperatorValues{
		Replicas:        2,
		WatchNamespaces: []string{a.Namespace},
		LeaderElection:  map[string]bool{"enable": true},
		// 1 GiB: the operator caches every pod, secret and CR it watches;
		// the chart's 384 MiB is for small test clusters.
		Resources:    resourceValues{Requests: map[string]string{"cpu": "500m", "memory": "1Gi"}, Limits: map[string]string{"cpu": "2", "memory": "1Gi"}},
		PDB:          map[string]any{"enabled": true, "minAvailable": 1},
		NodeSelector: map[string]string{topology.RoleLabel: topology.RoleSystem},
		Spread: []topologySpreadVals{{MaxSkew: 1, TopologyKey: topology.ZoneLabel, WhenUnsatisfiable: "ScheduleAnyway",
			LabelSelector: map[string]any{"matchLabels": map[string]string{"name": "strimzi-cluster-operator"}}}},
		PriorityClass:                PriorityClass,
		FullReconciliationIntervalMs: 120000,
	}
}

// DrainCleanerValuesFor returns the Drain Cleaner chart values. Its
// webhook certificate comes from cert-manager (the chart's default): it is
// renewed automatically, whereas certificates generated here would expire
// silently in a year and, with the webhook's failure policy, let evictions
// bypass the operator again.
func DrainCleanerValuesFor(a Args) DrainCleanerValues {
	return DrainCleanerValues{
		ReplicaCount: 2,
		Namespace:    map[string]any{"create": false, "name": a.OperatorNamespace},
		CertManager:  map[string]bool{"create": true},
		Resources:    resourceValues{Requests: map[string]string{"cpu": "100m", "memory": "256Mi"}, Limits: map[string]string{"cpu": "500m", "memory": "256Mi"}},
		NodeSelector: map[string]string{topology.RoleLabel: topology.RoleSystem},
	}
}

func toValues(v any) (pulumi.Map, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return pulumi.ToMap(m), nil
}

// New builds the Kafka platform. Pass the cluster's Kubernetes provider
// with pulumi.Providers(...) in opts.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Strimzi, error) {
	if err := args.Validate(); err != nil {
		return nil, err
	}
	s := &Strimzi{}
	if err := ctx.RegisterComponentResource("kafka-platform:platform:Strimzi", name, s, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)

	opNs, err := corev1.NewNamespace(ctx, name+"-operator-ns", &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(args.OperatorNamespace), Labels: restricted()},
	}, parent)
	if err != nil {
		return nil, err
	}
	kafkaNs, err := corev1.NewNamespace(ctx, name+"-kafka-ns", &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(args.Namespace), Labels: restricted()},
	}, parent)
	if err != nil {
		return nil, err
	}
	// Above every other workload: a broker must never be preempted.
	pc, err := schedulingv1.NewPriorityClass(ctx, name+"-priority", &schedulingv1.PriorityClassArgs{
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(PriorityClass)},
		Value:       pulumi.Int(1000000),
		Description: pulumi.String("Kafka brokers, controllers and the Strimzi operator: never preempted by other workloads."),
	}, parent)
	if err != nil {
		return nil, err
	}
	sc, err := storagev1.NewStorageClass(ctx, name+"-controller-storage", &storagev1.StorageClassArgs{
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(ControllerStorageClass)},
		Provisioner: pulumi.String("ebs.csi.aws.com"),
		Parameters:  pulumi.StringMap{"type": pulumi.String("gp3"), "encrypted": pulumi.String("true")},
		// Retain: a deleted PVC must not delete a quorum member's metadata.
		ReclaimPolicy: pulumi.String("Retain"),
		// Bind in the zone the scheduler picked for the controller.
		VolumeBindingMode:    pulumi.String("WaitForFirstConsumer"),
		AllowVolumeExpansion: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, err
	}

	var cmDeps []pulumi.Resource
	if args.CertManagerVersion != "" {
		cm, err := helmv3.NewRelease(ctx, name+"-cert-manager", &helmv3.ReleaseArgs{
			Name:            pulumi.String("cert-manager"),
			Chart:           pulumi.String("cert-manager"),
			Version:         pulumi.String(args.CertManagerVersion),
			RepositoryOpts:  &helmv3.RepositoryOptsArgs{Repo: pulumi.String(CertManagerRepo)},
			Namespace:       pulumi.String("cert-manager"),
			CreateNamespace: pulumi.Bool(true),
			Values: pulumi.Map{
				"crds":         pulumi.Map{"enabled": pulumi.Bool(true)},
				"replicaCount": pulumi.Int(2),
				"nodeSelector": pulumi.StringMap{topology.RoleLabel: pulumi.String(topology.RoleSystem)},
			},
			Atomic: pulumi.Bool(true),
		}, parent)
		if err != nil {
			return nil, err
		}
		cmDeps = append(cmDeps, cm)
	}

	opVals, err := toValues(OperatorValuesFor(args))
	if err != nil {
		return nil, err
	}
	operator, err := helmv3.NewRelease(ctx, name+"-operator", &helmv3.ReleaseArgs{
		Name:      pulumi.String("strimzi-kafka-operator"),
		Chart:     pulumi.String(OperatorChart),
		Version:   pulumi.String(args.StrimziVersion),
		Namespace: opNs.Metadata.Name().Elem(),
		Values:    opVals,
		Atomic:    pulumi.Bool(true),
	}, parent, pulumi.DependsOn([]pulumi.Resource{kafkaNs, pc}))
	if err != nil {
		return nil, err
	}
	dcVals, err := toValues(DrainCleanerValuesFor(args))
	if err != nil {
		return nil, err
	}
	if _, err := helmv3.NewRelease(ctx, name+"-drain-cleaner", &helmv3.ReleaseArgs{
		Name:      pulumi.String("strimzi-drain-cleaner"),
		Chart:     pulumi.String(DrainCleanerChart),
		Version:   pulumi.String(args.DrainCleanerVersion),
		Namespace: opNs.Metadata.Name().Elem(),
		Values:    dcVals,
		Atomic:    pulumi.Bool(true),
	}, parent, pulumi.DependsOn(append(cmDeps, operator))); err != nil {
		return nil, err
	}

	afterOperator := pulumi.DependsOn([]pulumi.Resource{operator, kafkaNs, sc, pc})
	subst := kube.Substitutions{PlaceholderTierBucket: args.TierBucket, PlaceholderBrokerRoleArn: args.BrokerRoleArn}
	var crs []pulumi.Resource
	register := func(obj kube.Object, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
		om := obj.GetObjectMeta()
		cr, err := kube.ApplyWith(ctx, fmt.Sprintf("%s-%s-%s", name, strings.ToLower(obj.GetTypeMeta().Kind), om.Name), obj, subst,
			append([]pulumi.ResourceOption{parent, afterOperator}, opts...)...)
		if err == nil {
			crs = append(crs, cr)
		}
		return cr, err
	}
	if _, err := register(BuildRebalanceTemplate(args)); err != nil {
		return nil, err
	}
	var pools []pulumi.Resource
	for _, np := range BuildNodePools(args) {
		cr, err := register(np)
		if err != nil {
			return nil, err
		}
		pools = append(pools, cr)
	}
	kafka, err := register(BuildKafka(args), pulumi.DependsOn(pools))
	if err != nil {
		return nil, err
	}
	for _, t := range BuildTopics(args) {
		if _, err := register(t, pulumi.DependsOn([]pulumi.Resource{kafka})); err != nil {
			return nil, err
		}
	}
	userSecrets := pulumi.StringMap{}
	for _, u := range BuildUsers(args) {
		if _, err := register(u, pulumi.DependsOn([]pulumi.Resource{kafka})); err != nil {
			return nil, err
		}
		// The user operator writes the certificate to a Secret named like the user.
		userSecrets[u.Metadata.Name] = pulumi.String(u.Metadata.Name)
	}

	crossRegion := pulumi.String("").ToStringOutput()
	if args.PeerVpcCidr != "" {
		svc, err := corev1.NewService(ctx, name+"-xregion-bootstrap", &corev1.ServiceArgs{
			Metadata: &metav1.ObjectMetaArgs{
				Name: pulumi.String(CrossRegionBootstrapService(args)), Namespace: pulumi.String(args.Namespace),
				Annotations: pulumi.ToStringMap(nlbAnnotations(args)),
			},
			Spec: &corev1.ServiceSpecArgs{
				Type:                     pulumi.String("LoadBalancer"),
				LoadBalancerClass:        pulumi.String(NLBClass),
				LoadBalancerSourceRanges: pulumi.ToStringArray([]string{args.PeerVpcCidr}),
				// Every broker serves bootstrap metadata; Strimzi labels them.
				Selector: pulumi.StringMap{
					strimziv1.ClusterLabel:   pulumi.String(args.ClusterName),
					"strimzi.io/kind":        pulumi.String("Kafka"),
					"strimzi.io/broker-role": pulumi.String("true"),
				},
				Ports: corev1.ServicePortArray{corev1.ServicePortArgs{
					Name: pulumi.String("tcp-" + CrossRegionListener), Protocol: pulumi.String("TCP"),
					Port: pulumi.Int(CrossRegionListenerPort), TargetPort: pulumi.Int(CrossRegionListenerPort),
				}},
			},
		}, parent, pulumi.DependsOn([]pulumi.Resource{kafka}))
		if err != nil {
			return nil, err
		}
		// pulumi-kubernetes waits for a LoadBalancer Service's ingress, so
		// the NLB's DNS name is known when this resolves.
		crossRegion = svc.Status.LoadBalancer().Ingress().Index(pulumi.Int(0)).Hostname().ApplyT(func(h *string) (string, error) {
			if h == nil || *h == "" {
				return "", fmt.Errorf("strimzi: cross-region bootstrap service has no load balancer hostname")
			}
			return fmt.Sprintf("%s:%d", *h, CrossRegionListenerPort), nil
		}).(pulumi.StringOutput)
	}

	settings := pulumi.Map{}
	for class, cs := range ClientSettingsFor(args) {
		settings[class] = pulumi.Map{
			"topics":   pulumi.ToStringArray(cs.Topics),
			"producer": pulumi.ToStringMap(cs.Producer),
			"consumer": pulumi.ToStringMap(cs.Consumer),
		}
	}

	s.Kafka = kafka
	s.Operator = operator
	s.BootstrapInternal = pulumi.String(BootstrapInternal(args)).ToStringOutput()
	s.BootstrapCrossRegion = crossRegion
	s.ClusterCASecret = pulumi.String(ClusterCASecret(args)).ToStringOutput()
	s.UserSecrets = userSecrets.ToStringMapOutput()
	s.Topics = pulumi.ToStringArray(slices.Sorted(maps.Keys(args.Topics))).ToStringArrayOutput()
	s.MirroredTopics = pulumi.ToStringArray(DurableTopics(args)).ToStringArrayOutput()
	s.ClientSettings = settings.ToMapOutput()
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{
		"bootstrapInternal":    s.BootstrapInternal,
		"bootstrapCrossRegion": s.BootstrapCrossRegion,
		"clusterCaSecret":      s.ClusterCASecret,
		"userSecrets":          s.UserSecrets,
		"topics":               s.Topics,
		"mirroredTopics":       s.MirroredTopics,
		"clientSettings":       s.ClientSettings,
	}); err != nil {
		return nil, err
	}
	return s, nil
}
