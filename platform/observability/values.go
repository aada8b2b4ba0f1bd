package observability

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	"github.com/tradingfirm/kafka-platform/internal/topology"
)

// StrimziDashboardRef is the git tag Strimzi's upstream Grafana dashboards are
// loaded from: the operator version this platform runs.
const StrimziDashboardRef = "1.2.0"

// strimziDashboards are Strimzi's upstream dashboards, by name to path in
// strimzi/strimzi-kafka-operator. The Kafka, KRaft and MirrorMaker 2 ones are
// the Strimzi Metrics Reporter variants (metric names differ from the JMX
// exporter ones).
var strimziDashboards = map[string]string{
	"strimzi-kafka":                "packaging/examples/metrics/strimzi-metrics-reporter/grafana-dashboards/strimzi-kafka.json",
	"strimzi-kraft":                "packaging/examples/metrics/strimzi-metrics-reporter/grafana-dashboards/strimzi-kraft.json",
	"strimzi-kafka-mirror-maker-2": "packaging/examples/metrics/strimzi-metrics-reporter/grafana-dashboards/strimzi-kafka-mirror-maker-2.json",
	"strimzi-kafka-exporter":       "packaging/examples/metrics/grafana-dashboards/strimzi-kafka-exporter.json",
	"strimzi-operators":            "packaging/examples/metrics/grafana-dashboards/strimzi-operators.json",
	"strimzi-cruise-control":       "packaging/examples/metrics/grafana-dashboards/strimzi-cruise-control.json",
}

// StrimziDashboardURL is the raw URL of an upstream dashboard pinned to the tag.
func StrimziDashboardURL(path string) string {
	return "https://raw.githubusercontent.com/strimzi/strimzi-kafka-operator/" + StrimziDashboardRef + "/" + path
}

// GrafanaOIDC is Grafana's generic OAuth client (endpoints explicit: Grafana's
// generic_oauth does not use OIDC discovery).
type GrafanaOIDC struct {
	ClientID, AuthURL, TokenURL, APIURL, Scopes string
	// AdminGroup and EditorGroup map IdP groups to Grafana roles.
	AdminGroup, EditorGroup string
}

// GrafanaOIDCSecretName is the Secret Grafana takes its environment from; its
// key GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET overrides auth.generic_oauth's
// client_secret (Grafana's GF_<SECTION>_<KEY> convention).
const GrafanaOIDCSecretName = "grafana-oidc-client"

// ValuesArgs is what the kube-prometheus-stack values depend on.
type ValuesArgs struct {
	Retention    string
	StorageGiB   int
	StorageClass string
	Routing      RoutingArgs
	Hostname     string
	OIDC         GrafanaOIDC
	// Ingress exposes Grafana at https://<Hostname> through an internal ALB.
	Ingress GrafanaIngress
}

// GrafanaIngress is how Grafana is exposed: an internal Application Load
// Balancer provisioned by the AWS Load Balancer Controller (infra/lbcontroller)
// from the Grafana chart's Ingress, terminating TLS with an ACM certificate.
type GrafanaIngress struct {
	// CertificateARN is the ACM certificate for Hostname, in the stack's
	// region (an ALB can only use certificates from its own region).
	CertificateARN string
	// InboundCIDRs are the only source ranges the ALB's security group
	// admits: the VPC CIDR and the office/VPN ranges. Never 0.0.0.0/0.
	InboundCIDRs []string
}

// IngressClassALB is the IngressClass the AWS Load Balancer Controller
// installs and watches.
const IngressClassALB = "alb"

// GrafanaSSLPolicy is the ALB listener security policy: TLS 1.2 and 1.3 with
// the restricted (forward-secret AEAD) cipher set and post-quantum hybrid key
// exchange; it is what the AWS console picks by default since 2025-09 (AWS
// docs, "Security policies for your Application Load Balancer"), while
// controllers and APIs that set no policy still get ELBSecurityPolicy-2016-08
// (TLS 1.0+).
const GrafanaSSLPolicy = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"

// grafanaHealthPath is Grafana's unauthenticated health endpoint: "/" answers
// 302 to the login page, which the ALB's default health check (200 only)
// would count as unhealthy.
const grafanaHealthPath = "/api/health"

// Values are the kube-prometheus-stack chart values this project sets.
type Values struct {
	Alertmanager          AlertmanagerValues `json:"alertmanager"`
	Prometheus            PrometheusValues   `json:"prometheus"`
	Grafana               GrafanaValues      `json:"grafana"`
	KubeStateMetrics      PodPlacement       `json:"kube-state-metrics"`
	NodeExporter          NodeExporterValues `json:"prometheus-node-exporter"`
	PrometheusOperator    PodPlacement       `json:"prometheusOperator"`
	DefaultRules          DefaultRules       `json:"defaultRules"`
	KubeControllerManager Enabled            `json:"kubeControllerManager"`
	KubeScheduler         Enabled            `json:"kubeScheduler"`
	KubeEtcd              Enabled            `json:"kubeEtcd"`
	KubeProxy             Enabled            `json:"kubeProxy"`
}

// Enabled toggles a chart component.
type Enabled struct {
	Enabled bool `json:"enabled"`
}

// DefaultRules keeps the chart's Kubernetes rules.
type DefaultRules struct {
	Create bool `json:"create"`
}

// PodPlacement pins a workload to system nodes.
type PodPlacement struct {
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
}

// Toleration is a pod toleration.
type Toleration struct {
	Operator string `json:"operator"`
}

// NodeExporterValues runs node-exporter on every node, brokers and
// controllers included (their dedicated taints are tolerated).
type NodeExporterValues struct {
	Tolerations []Toleration `json:"tolerations"`
}

// AlertmanagerValues configures Alertmanager.
type AlertmanagerValues struct {
	Config           AlertmanagerConfig `json:"config"`
	AlertmanagerSpec AlertmanagerSpec   `json:"alertmanagerSpec"`
}

// AlertmanagerSpec is the Alertmanager CR spec subset.
type AlertmanagerSpec struct {
	Replicas     int               `json:"replicas"`
	Secrets      []string          `json:"secrets"`
	NodeSelector map[string]string `json:"nodeSelector"`
	Storage      StorageSpec       `json:"storage"`
}

// PrometheusValues configures Prometheus.
type PrometheusValues struct {
	PrometheusSpec PrometheusSpec `json:"prometheusSpec"`
}

// PrometheusSpec is the Prometheus CR spec subset.
type PrometheusSpec struct {
	Replicas       int               `json:"replicas"`
	Retention      string            `json:"retention"`
	RetentionSize  string            `json:"retentionSize"`
	ScrapeInterval string            `json:"scrapeInterval"`
	NodeSelector   map[string]string `json:"nodeSelector"`
	StorageSpec    StorageSpec       `json:"storageSpec"`
	// The *NilUsesHelmValues switches off the chart's default "release=<name>"
	// selectors so Prometheus picks up this project's monitors and rules.
	PodMonitorSelectorNilUsesHelmValues     bool `json:"podMonitorSelectorNilUsesHelmValues"`
	ServiceMonitorSelectorNilUsesHelmValues bool `json:"serviceMonitorSelectorNilUsesHelmValues"`
	RuleSelectorNilUsesHelmValues           bool `json:"ruleSelectorNilUsesHelmValues"`
}

// StorageSpec is a persistent volume claim template.
type StorageSpec struct {
	VolumeClaimTemplate VolumeClaimTemplate `json:"volumeClaimTemplate"`
}

// VolumeClaimTemplate wraps the PVC spec.
type VolumeClaimTemplate struct {
	Spec PVCSpec `json:"spec"`
}

// PVCSpec is a PVC spec subset.
type PVCSpec struct {
	StorageClassName string   `json:"storageClassName"`
	AccessModes      []string `json:"accessModes"`
	Resources        struct {
		Requests map[string]string `json:"requests"`
	} `json:"resources"`
}

// GrafanaValues configures the Grafana sub-chart.
type GrafanaValues struct {
	NodeSelector       map[string]string                       `json:"nodeSelector"`
	EnvFromSecret      string                                  `json:"envFromSecret"`
	GrafanaIni         map[string]map[string]any               `json:"grafana.ini"`
	DashboardProviders map[string]DashboardProviderFile        `json:"dashboardProviders"`
	Dashboards         map[string]map[string]DashboardURLValue `json:"dashboards"`
	Sidecar            GrafanaSidecar                          `json:"sidecar"`
	Ingress            GrafanaIngressValues                    `json:"ingress"`
}

// GrafanaIngressValues is the Grafana chart's `ingress` block.
type GrafanaIngressValues struct {
	Enabled          bool              `json:"enabled"`
	IngressClassName string            `json:"ingressClassName"`
	Annotations      map[string]string `json:"annotations"`
	Hosts            []string          `json:"hosts"`
	Path             string            `json:"path"`
	PathType         string            `json:"pathType"`
}

// ALB annotations of the AWS Load Balancer Controller (its docs,
// "Ingress annotations").
const (
	albScheme          = "alb.ingress.kubernetes.io/scheme"
	albTargetType      = "alb.ingress.kubernetes.io/target-type"
	albListenPorts     = "alb.ingress.kubernetes.io/listen-ports"
	albSSLPolicy       = "alb.ingress.kubernetes.io/ssl-policy"
	albCertificateARN  = "alb.ingress.kubernetes.io/certificate-arn"
	albInboundCIDRs    = "alb.ingress.kubernetes.io/inbound-cidrs"
	albHealthcheckPath = "alb.ingress.kubernetes.io/healthcheck-path"
)

// grafanaIngress builds the chart's ingress block: an internal ALB (never
// internet-facing) with only an HTTPS listener on 443 (no port 80, so no
// plaintext path exists even for a redirect), pod IPs as targets (no
// NodePort on every node), the ACM certificate and the given source ranges.
func grafanaIngress(host string, in GrafanaIngress) GrafanaIngressValues {
	return GrafanaIngressValues{
		Enabled:          true,
		IngressClassName: IngressClassALB,
		Annotations: map[string]string{
			albScheme:          "internal",
			albTargetType:      "ip",
			albListenPorts:     `[{"HTTPS":443}]`,
			albSSLPolicy:       GrafanaSSLPolicy,
			albCertificateARN:  in.CertificateARN,
			albInboundCIDRs:    strings.Join(in.InboundCIDRs, ","),
			albHealthcheckPath: grafanaHealthPath,
		},
		Hosts:    []string{host},
		Path:     "/",
		PathType: "Prefix",
	}
}

// ValidateIngress rejects an ingress that would be reachable from anywhere
// or could not serve TLS; config validation reports the same with keys, this
// guards the component's own contract.
func ValidateIngress(host string, in GrafanaIngress) error {
	if host == "" {
		return fmt.Errorf("grafana ingress: empty host name")
	}
	if in.CertificateARN == "" {
		return fmt.Errorf("grafana ingress: no ACM certificate ARN for %s", host)
	}
	if len(in.InboundCIDRs) == 0 {
		return fmt.Errorf("grafana ingress: no inbound CIDRs (the ALB would admit 0.0.0.0/0)")
	}
	for _, c := range in.InboundCIDRs {
		p, err := netip.ParsePrefix(c)
		if err != nil || p.Bits() == 0 {
			return fmt.Errorf("grafana ingress: inbound CIDR %q is not a bounded IP range", c)
		}
	}
	return nil
}

// DashboardProviderFile is a Grafana provisioning file.
type DashboardProviderFile struct {
	APIVersion int                 `json:"apiVersion"`
	Providers  []DashboardProvider `json:"providers"`
}

// DashboardProvider is one file provider.
type DashboardProvider struct {
	Name            string            `json:"name"`
	Folder          string            `json:"folder"`
	Type            string            `json:"type"`
	DisableDeletion bool              `json:"disableDeletion"`
	Editable        bool              `json:"editable"`
	Options         map[string]string `json:"options"`
}

// DashboardURLValue is a dashboard the chart's init container downloads.
type DashboardURLValue struct {
	URL        string              `json:"url"`
	Datasource []DatasourceBinding `json:"datasource"`
}

// DatasourceBinding fills a dashboard's ${DS_...} input.
type DatasourceBinding struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// GrafanaSidecar loads ConfigMap dashboards (the project's SLO dashboard).
type GrafanaSidecar struct {
	Dashboards struct {
		Enabled    bool   `json:"enabled"`
		Label      string `json:"label"`
		LabelValue string `json:"labelValue"`
	} `json:"dashboards"`
}

// DashboardLabel is the label the Grafana sidecar looks for on ConfigMaps.
const DashboardLabel = "grafana_dashboard"

func systemNodes() map[string]string {
	return map[string]string{topology.RoleLabel: topology.RoleSystem}
}

// roleAttributePath maps IdP groups to Grafana roles (JMESPath).
func roleAttributePath(o GrafanaOIDC) string {
	var parts []string
	if o.AdminGroup != "" {
		parts = append(parts, fmt.Sprintf("contains(groups[*], '%s') && 'Admin'", o.AdminGroup))
	}
	if o.EditorGroup != "" {
		parts = append(parts, fmt.Sprintf("contains(groups[*], '%s') && 'Editor'", o.EditorGroup))
	}
	return strings.Join(append(parts, "'Viewer'"), " || ")
}

// ChartValues builds the chart values. No secret value passes through them:
// webhook URLs are files from a mounted Secret, the OIDC client secret is an
// environment variable from a Secret, and the admin password is generated
// by the Grafana chart inside the cluster (and useless: the login form and
// basic auth are off, OIDC is the only way in).
func ChartValues(a ValuesArgs) Values {
	pvc := func(size string) StorageSpec {
		s := PVCSpec{StorageClassName: a.StorageClass, AccessModes: []string{"ReadWriteOnce"}}
		s.Resources.Requests = map[string]string{"storage": size}
		return StorageSpec{VolumeClaimTemplate: VolumeClaimTemplate{Spec: s}}
	}
	v := Values{
		Alertmanager: AlertmanagerValues{
			Config: Alertmanager(a.Routing),
			AlertmanagerSpec: AlertmanagerSpec{Replicas: 3, Secrets: []string{AlertmanagerSecretName},
				NodeSelector: systemNodes(), Storage: pvc("10Gi")},
		},
		Prometheus: PrometheusValues{PrometheusSpec: PrometheusSpec{
			// Two replicas: alerting survives the loss of one system node.
			Replicas:  2,
			Retention: a.Retention,
			// Stop at 90% of the volume rather than crash on a full disk.
			RetentionSize:  fmt.Sprintf("%dGiB", a.StorageGiB*9/10),
			ScrapeInterval: "30s",
			NodeSelector:   systemNodes(),
			StorageSpec:    pvc(fmt.Sprintf("%dGi", a.StorageGiB)),
		}},
		KubeStateMetrics:   PodPlacement{NodeSelector: systemNodes()},
		PrometheusOperator: PodPlacement{NodeSelector: systemNodes()},
		NodeExporter:       NodeExporterValues{Tolerations: []Toleration{{Operator: "Exists"}}},
		DefaultRules:       DefaultRules{Create: true},
		// EKS runs these control-plane parts itself; they cannot be scraped.
		KubeControllerManager: Enabled{false}, KubeScheduler: Enabled{false}, KubeEtcd: Enabled{false},
		KubeProxy: Enabled{true},
	}
	g := GrafanaValues{
		NodeSelector:  systemNodes(),
		EnvFromSecret: GrafanaOIDCSecretName,
		GrafanaIni: map[string]map[string]any{
			"server":         {"domain": a.Hostname, "root_url": "https://" + a.Hostname},
			"auth":           {"disable_login_form": true, "oauth_auto_login": true},
			"auth.basic":     {"enabled": false},
			"auth.anonymous": {"enabled": false},
			"users":          {"allow_sign_up": false},
			"auth.generic_oauth": {
				"enabled": true, "name": "SSO", "client_id": a.OIDC.ClientID, "scopes": a.OIDC.Scopes,
				"auth_url": a.OIDC.AuthURL, "token_url": a.OIDC.TokenURL, "api_url": a.OIDC.APIURL,
				"use_pkce": true, "allow_sign_up": true, "role_attribute_path": roleAttributePath(a.OIDC),
			},
		},
		DashboardProviders: map[string]DashboardProviderFile{"dashboardproviders.yaml": {APIVersion: 1, Providers: []DashboardProvider{{
			Name: "strimzi", Folder: "Strimzi", Type: "file", DisableDeletion: true,
			Options: map[string]string{"path": "/var/lib/grafana/dashboards/strimzi"},
		}}}},
		Dashboards: map[string]map[string]DashboardURLValue{"strimzi": {}},
	}
	for name, path := range strimziDashboards {
		g.Dashboards["strimzi"][name] = DashboardURLValue{URL: StrimziDashboardURL(path),
			Datasource: []DatasourceBinding{{Name: "DS_PROMETHEUS", Value: "Prometheus"}}}
	}
	g.Ingress = grafanaIngress(a.Hostname, a.Ingress)
	g.Sidecar.Dashboards.Enabled = true
	g.Sidecar.Dashboards.Label = DashboardLabel
	g.Sidecar.Dashboards.LabelValue = "1"
	v.Grafana = g
	return v
}

// ToMap turns values into the generic map Helm takes.
func (v Values) ToMap() (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal chart values: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}
