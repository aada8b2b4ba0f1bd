package observability

import (
	"fmt"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/kube"
)

// ChartRepo is the prometheus-community Helm repository.
const ChartRepo = "https://prometheus-community.github.io/helm-charts"

// ReleaseName is the Helm release name; the chart derives object names
// (e.g. the Prometheus service) from it, so it is fixed.
const ReleaseName = "kube-prometheus-stack"

// Args configures the observability layer of one region.
type Args struct {
	// Namespace of the monitoring stack (created here).
	Namespace string
	// ChartVersion pins kube-prometheus-stack.
	ChartVersion string
	// Values are the chart settings; Values.Routing.ServiceNow and .Pager are
	// overwritten from whether the webhook inputs below are set.
	Values ValuesArgs
	// Rules are the SLO rules' parameters; also used for the SLO dashboard.
	Rules RuleArgs
	// Canary configures the per-zone canary Deployments.
	Canary CanaryArgs
	// ScrapeInterval of brokers, controllers and the canary (e.g. "15s").
	ScrapeInterval string
	// ServiceNowWebhookURL is the ServiceNow webhook (a secret); nil when not
	// configured, and SLO breaches then reach only the severity receivers.
	ServiceNowWebhookURL pulumi.StringInput
	// PagerWebhookURL is the on-call pager webhook (a secret); nil when not
	// configured.
	PagerWebhookURL pulumi.StringInput
	// OIDCClientSecret is Grafana's OIDC client secret (a secret); nil when
	// the GrafanaOIDCSecretName Secret is provisioned out of band.
	OIDCClientSecret pulumi.StringInput
	// CanaryDependsOn are resources the canaries wait for (the Kafka cluster
	// and the canary KafkaUser, whose Secrets they mount). Only the canaries
	// wait: monitoring comes up first so it can watch the cluster come up.
	CanaryDependsOn []pulumi.Resource
}

// Observability is the monitoring stack of one region.
type Observability struct {
	pulumi.ResourceState

	// Namespace is the monitoring namespace.
	Namespace pulumi.StringOutput `pulumi:"namespace"`
	// GrafanaURL is where people log in (OIDC).
	GrafanaURL pulumi.StringOutput `pulumi:"grafanaUrl"`
	// SLORouting says where SLO breaches go, e.g. "servicenow+oncall-pager".
	SLORouting pulumi.StringOutput `pulumi:"sloRouting"`
}

// sloRouting describes where slo="true" alerts end up.
func sloRouting(r RoutingArgs) string {
	c := Alertmanager(r)
	var out string
	for _, rt := range c.Route.Routes {
		if rt.Receiver == ReceiverServiceNow {
			out = ReceiverServiceNow + "+"
		}
		if len(rt.Matchers) == 1 && rt.Matchers[0] == `severity="critical"` {
			return out + rt.Receiver
		}
	}
	return out + c.Route.Receiver
}

// New builds the monitoring stack. opts should carry the Kubernetes provider.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Observability, error) {
	if err := ValidateIngress(args.Values.Hostname, args.Values.Ingress); err != nil {
		return nil, err
	}
	o := &Observability{}
	if err := ctx.RegisterComponentResource("kafka-platform:platform:Observability", name, o, opts...); err != nil {
		return nil, err
	}
	child := append(append([]pulumi.ResourceOption{}, opts...), pulumi.Parent(o))
	with := func(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
		return append(append([]pulumi.ResourceOption{}, child...), extra...)
	}

	ns, err := corev1.NewNamespace(ctx, name+"-namespace", &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: pulumi.String(args.Namespace),
			// node-exporter needs host namespaces and hostPath mounts: the
			// privileged Pod Security level, for this namespace only.
			Labels: pulumi.StringMap{"pod-security.kubernetes.io/enforce": pulumi.String("privileged")},
		},
	}, child...)
	if err != nil {
		return nil, err
	}
	inNS := with(pulumi.DependsOn([]pulumi.Resource{ns}))

	// Webhook URLs live only in this Secret; Alertmanager reads them with
	// url_file. It always exists (possibly empty) because the Alertmanager
	// pods mount it.
	webhooks := pulumi.StringMap{}
	if args.ServiceNowWebhookURL != nil {
		webhooks[secretKeyServiceNow] = pulumi.ToSecret(args.ServiceNowWebhookURL).(pulumi.StringOutput)
	}
	if args.PagerWebhookURL != nil {
		webhooks[secretKeyPager] = pulumi.ToSecret(args.PagerWebhookURL).(pulumi.StringOutput)
	}
	whSecret, err := corev1.NewSecret(ctx, name+"-alertmanager-webhooks", &corev1.SecretArgs{
		Metadata:   &metav1.ObjectMetaArgs{Name: pulumi.String(AlertmanagerSecretName), Namespace: pulumi.String(args.Namespace)},
		Type:       pulumi.String("Opaque"),
		StringData: webhooks,
	}, inNS...)
	if err != nil {
		return nil, err
	}
	deps := []pulumi.Resource{ns, whSecret}
	if args.OIDCClientSecret != nil {
		s, err := corev1.NewSecret(ctx, name+"-grafana-oidc", &corev1.SecretArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(GrafanaOIDCSecretName), Namespace: pulumi.String(args.Namespace)},
			Type:     pulumi.String("Opaque"),
			StringData: pulumi.StringMap{
				"GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET": pulumi.ToSecret(args.OIDCClientSecret).(pulumi.StringOutput),
			},
		}, inNS...)
		if err != nil {
			return nil, err
		}
		deps = append(deps, s)
	}

	va := args.Values
	va.Routing.ServiceNow = args.ServiceNowWebhookURL != nil
	va.Routing.Pager = args.PagerWebhookURL != nil
	if !va.Routing.ServiceNow {
		ctx.Log.Warn("serviceNowWebhookUrl is not set: SLO breaches go to "+sloRouting(va.Routing)+" only, no ServiceNow incident is opened", &pulumi.LogArgs{Resource: o})
	}
	values, err := ChartValues(va).ToMap()
	if err != nil {
		return nil, err
	}
	release, err := helmv3.NewRelease(ctx, name+"-kube-prometheus-stack", &helmv3.ReleaseArgs{
		Name:           pulumi.String(ReleaseName),
		Chart:          pulumi.String("kube-prometheus-stack"),
		Version:        pulumi.String(args.ChartVersion),
		RepositoryOpts: &helmv3.RepositoryOptsArgs{Repo: pulumi.String(ChartRepo)},
		Namespace:      pulumi.String(args.Namespace),
		Values:         pulumi.ToMap(values),
		// Roll back a half-applied upgrade instead of leaving monitoring broken.
		Atomic: pulumi.Bool(true),
	}, with(pulumi.DependsOn(deps))...)
	if err != nil {
		return nil, err
	}
	// The chart installs the monitoring.coreos.com CRDs the objects below use.
	afterChart := with(pulumi.DependsOn([]pulumi.Resource{release}))

	for _, pm := range PodMonitors(MonitorArgs{MonitoringNamespace: args.Namespace, KafkaNamespace: args.Rules.KafkaNamespace,
		ClusterName: args.Rules.ClusterName, ScrapeInterval: args.ScrapeInterval}) {
		if _, err := kube.Apply(ctx, name+"-podmonitor-"+pm.Metadata.Name, pm, afterChart...); err != nil {
			return nil, fmt.Errorf("podmonitor %s: %w", pm.Metadata.Name, err)
		}
	}
	rule := PrometheusRule{Header: kube.NewHeader("monitoring.coreos.com/v1", "PrometheusRule", args.Namespace, "kafka-platform-slo"), Spec: Rules(args.Rules)}
	rule.Metadata.Labels = map[string]string{"app.kubernetes.io/part-of": "kafka-platform", "role": "alert-rules"}
	if _, err := kube.Apply(ctx, name+"-rules", rule, afterChart...); err != nil {
		return nil, err
	}

	dashboards, err := Dashboards(args.Rules)
	if err != nil {
		return nil, err
	}
	data := pulumi.StringMap{}
	for file, b := range dashboards {
		data[file] = pulumi.String(string(b))
	}
	if _, err := corev1.NewConfigMap(ctx, name+"-slo-dashboard", &corev1.ConfigMapArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("kafka-platform-slo-dashboard"), Namespace: pulumi.String(args.Namespace),
			Labels: pulumi.StringMap{DashboardLabel: pulumi.String("1")}},
		Data: data,
	}, inNS...); err != nil {
		return nil, err
	}

	if _, err := newCanaries(ctx, name, args.Canary, with(pulumi.DependsOn(args.CanaryDependsOn))...); err != nil {
		return nil, err
	}

	o.Namespace = ns.Metadata.Name().Elem()
	o.GrafanaURL = pulumi.String("https://" + args.Values.Hostname).ToStringOutput()
	o.SLORouting = pulumi.String(sloRouting(va.Routing)).ToStringOutput()
	if err := ctx.RegisterResourceOutputs(o, pulumi.Map{
		"namespace": o.Namespace, "grafanaUrl": o.GrafanaURL, "sloRouting": o.SLORouting,
	}); err != nil {
		return nil, err
	}
	return o, nil
}
