package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
)

// Defaults of the observability keys and where they come from.
const (
	// defaultKubePrometheusStackVersion is the prometheus-community chart
	// pinned for this release of the platform; upgrade deliberately (CRD
	// changes ship in chart majors and need `kubectl apply --server-side`).
	defaultKubePrometheusStackVersion = "79.5.0"
	// defaultPrometheusRetention: 15 days covers the 6h burn-rate window many
	// times over and two weeks of incident look-back; long-term evidence lives
	// in the journal itself, not in metrics.
	defaultPrometheusRetention = "15d"
	// defaultPrometheusStorageGiB: ~1.5 M active series at ~1.3 bytes/sample,
	// 30 s scrape, 15 days is ~80 GiB; 100 GiB leaves headroom for the WAL.
	defaultPrometheusStorageGiB = 100
	// defaultLagAlertRecords is the SLO row "strategy-engine consumer lag <
	// 1000 records".
	defaultLagAlertRecords = 1000
	// defaultMirrorLagSeconds is the DR RPO the MirrorMaker 2 alert guards.
	defaultMirrorLagSeconds = 60
	// defaultTieredCopyLagBytes: 10 GiB not yet copied to S3 is a few minutes
	// of peak ingest; beyond that the local hot window cannot be trimmed and
	// the NVMe fills.
	defaultTieredCopyLagBytes = 10 << 30
)

var (
	keyMonitoringNamespace = define(Key{Name: "monitoringNamespace", Type: String, Default: "monitoring",
		Description: "Kubernetes namespace of Prometheus, Alertmanager, Grafana and the kube-prometheus-stack release."})
	keyKubePrometheusStackVersion = define(Key{Name: "kubePrometheusStackVersion", Type: String, Default: defaultKubePrometheusStackVersion,
		Description: "Pinned version of the prometheus-community/kube-prometheus-stack Helm chart. Chart majors change CRDs: upgrade one major at a time after applying the new CRDs."})
	keyPrometheusRetention = define(Key{Name: "prometheusRetention", Type: String, Default: defaultPrometheusRetention,
		Description: "How long Prometheus keeps samples (Prometheus duration, e.g. 15d). 15d: many times the longest burn-rate window (6h) plus two weeks of incident look-back."})
	keyPrometheusStorageGiB = define(Key{Name: "prometheusStorageGiB", Type: Integer, Default: defaultPrometheusStorageGiB,
		Description: "Size in GiB of each Prometheus replica's persistent volume (gp3). 100: ~1.5M series at 30s scrape for 15 days plus WAL headroom. Prometheus also stops at 90% of it (retentionSize)."})
	keyPrometheusStorageClass = define(Key{Name: "prometheusStorageClass", Type: String, Default: "gp3",
		Description: "StorageClass of the Prometheus and Alertmanager volumes (EBS CSI)."})
	keyCanaryImage = define(Key{Name: "canaryImage", Type: String, Default: "",
		Description: "Image of the latency canary built from images/canary/Dockerfile, pinned by digest: `<registry>/<repo>@sha256:<64 hex>`. Required: the SLO alerts are computed from its histograms."})
	keyStrategyConsumerGroup = define(Key{Name: "strategyConsumerGroup", Type: String, Default: "strategy-engine",
		Description: "Consumer group of the strategy engine whose lag is an SLO row."})
	keyLagAlertRecords = define(Key{Name: "strategyLagAlertRecords", Type: Integer, Default: defaultLagAlertRecords,
		Description: "Consumer lag (records, summed over the group's partitions of a topic) above which the strategy-engine SLO alert fires. 1000: the SLO table."})
	keyMirrorLagAlertSeconds = define(Key{Name: "mirrorLagAlertSeconds", Type: Integer, Default: defaultMirrorLagSeconds,
		Description: "DR stacks: MirrorMaker 2 replication latency (seconds) above which the DR RPO alert fires. 60: the agreed RPO of the order journal."})
	keyTieredCopyLagAlertBytes = define(Key{Name: "tieredCopyLagAlertBytes", Type: Integer, Default: defaultTieredCopyLagBytes,
		Description: "Bytes of closed segments per broker not yet copied to S3 above which the tiered-storage alert fires. 10 GiB: minutes of peak ingest; more means the local hot window cannot be trimmed."})
	keyRunbookBaseURL = define(Key{Name: "runbookBaseUrl", Type: String, Default: "https://github.com/tradingfirm/kafka-platform/blob/main/docs/runbooks",
		Description: "Base URL of docs/runbooks in this repository; every alert's runbook_url is <base>/<file>.md#<alert>."})
	keyGrafanaHostname = define(Key{Name: "grafanaHostname", Type: String, Default: "",
		Description: "Host name Grafana is reached at (its root_url and the OIDC redirect URI https://<host>/login/generic_oauth). Required."})
	keyGrafanaCertificateArn = define(Key{Name: "grafanaCertificateArn", Type: String, Default: "",
		Description: "ARN of the ACM certificate for grafanaHostname (arn:aws:acm:<region>:<account>:certificate/<id>), in the stack's own region: the internal ALB in front of Grafana terminates HTTPS with it. Required whenever grafanaHostname is set."})
	keyGrafanaAllowedCidrs = define(Key{Name: "grafanaAllowedCidrs", Type: Array, Default: []string{},
		Description: "IPv4 CIDRs besides the VPC (office, VPN) allowed to reach Grafana's internal ALB (its inbound-cidrs). Empty: the VPC CIDR only. Ranges wider than /8, 0.0.0.0/0 included, are rejected: Grafana must never be open to the world."})
	keyGrafanaOidc = define(Key{Name: "grafanaOidc", Type: Object, Default: GrafanaOIDC{Scopes: "openid email profile groups"},
		Description: "Grafana single sign-on (generic OAuth/OIDC): {clientId, authUrl, tokenUrl, apiUrl, scopes, adminGroup, editorGroup}. The login form and basic auth are disabled: OIDC is the only way in. Groups map to Grafana roles; everyone else is Viewer."})
	keyGrafanaOidcClientSecret = define(Key{Name: "grafanaOidcClientSecret", Type: String, Default: "", Secret: true,
		Description: "Client secret of the Grafana OIDC application; set with `pulumi config set --secret grafanaOidcClientSecret <value>`. When set, the program writes it into the Kubernetes Secret `grafana-oidc-client`; when empty that Secret must be provisioned out of band (e.g. synced from Vault) and Grafana will not start until it exists, so an offline render works without the secret."})
	keyServiceNowWebhookURL = define(Key{Name: "serviceNowWebhookUrl", Type: String, Default: "", Secret: true,
		Description: "ServiceNow event webhook URL that SLO breaches are sent to. Optional: empty sends SLO breaches to the pager receiver only (the render notes it). Secret: it embeds credentials."})
	keyPagerWebhookURL = define(Key{Name: "pagerWebhookUrl", Type: String, Default: "", Secret: true,
		Description: "On-call pager webhook (e.g. a PagerDuty/Opsgenie Alertmanager integration URL) for severity=critical. Secret: it embeds the integration key."})
	keyAlertEmailTo = define(Key{Name: "alertEmailTo", Type: String, Default: "",
		Description: "Team mailbox for severity=warning alerts (and critical ones when no pager webhook is set)."})
	keyAlertSmtpSmarthost = define(Key{Name: "alertSmtpSmarthost", Type: String, Default: "",
		Description: "SMTP relay host:port Alertmanager sends mail through; required with alertEmailTo."})
	keyAlertEmailFrom = define(Key{Name: "alertEmailFrom", Type: String, Default: "alertmanager@kafka-platform.invalid",
		Description: "Sender address of alert mail."})
)

// GrafanaOIDC is the generic OAuth (OIDC) client of Grafana. The endpoints
// are explicit because Grafana's generic_oauth does not do OIDC discovery.
type GrafanaOIDC struct {
	// ClientID of the application registered with the identity provider.
	ClientID string `json:"clientId"`
	// AuthURL, TokenURL and APIURL (userinfo) endpoints of the provider.
	AuthURL  string `json:"authUrl"`
	TokenURL string `json:"tokenUrl"`
	APIURL   string `json:"apiUrl"`
	// Scopes requested, space separated; must include openid and whatever
	// scope puts the groups claim in the token.
	Scopes string `json:"scopes"`
	// AdminGroup and EditorGroup are IdP groups mapped to Grafana Admin and
	// Editor; empty maps nobody.
	AdminGroup  string `json:"adminGroup,omitempty"`
	EditorGroup string `json:"editorGroup,omitempty"`
}

// ObservabilityConfig configures Prometheus, Grafana, alerting and the canary.
type ObservabilityConfig struct {
	// Namespace of the monitoring stack.
	Namespace string
	// ChartVersion is the kube-prometheus-stack chart version.
	ChartVersion string
	// Retention (Prometheus duration) and StorageGiB/StorageClass of Prometheus.
	Retention    string
	StorageGiB   int
	StorageClass string
	// CanaryImage is registry/repo@sha256:digest.
	CanaryImage string
	// StrategyConsumerGroup and LagAlertRecords make the lag SLO row.
	StrategyConsumerGroup string
	LagAlertRecords       int
	// MirrorLagAlertSeconds is the DR RPO alert threshold.
	MirrorLagAlertSeconds int
	// TieredCopyLagAlertBytes is the tiered-storage copy lag threshold.
	TieredCopyLagAlertBytes int
	// RunbookBaseURL prefixes every runbook_url.
	RunbookBaseURL string
	// GrafanaHostname, OIDC and OIDCClientSecret configure Grafana SSO.
	GrafanaHostname string
	// GrafanaCertificateARN is the ACM certificate of the Grafana ALB.
	GrafanaCertificateARN string
	// GrafanaAllowedCIDRs are the office/VPN ranges (besides the VPC) that
	// may reach Grafana, as validated networks.
	GrafanaAllowedCIDRs []netip.Prefix
	rawGrafanaCIDRs     []string
	OIDC                GrafanaOIDC
	OIDCClientSecret    Secret
	// ServiceNowWebhookURL and PagerWebhookURL are alert receivers (secrets).
	ServiceNowWebhookURL Secret
	PagerWebhookURL      Secret
	// EmailTo, SmtpSmarthost and EmailFrom configure the mail receiver.
	EmailTo       string
	SmtpSmarthost string
	EmailFrom     string
}

var (
	canaryImageRe = regexp.MustCompile(`^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+@sha256:[0-9a-f]{64}$`)
	promDurRe     = regexp.MustCompile(`^[0-9]+(ms|s|m|h|d|w|y)$`)
	hostnameRe    = regexp.MustCompile(`^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	hostPortRe    = regexp.MustCompile(`^[A-Za-z0-9.-]+:[0-9]{1,5}$`)
	emailRe       = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	// acmCertArnRe is an ACM certificate ARN; the region is captured.
	acmCertArnRe = regexp.MustCompile(`^arn:aws[a-z-]*:acm:([a-z]{2}(-[a-z]+)+-[0-9]):[0-9]{12}:certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// minGrafanaCIDRBits: nothing wider than a /8 may reach Grafana; a
// corporate network is at most 10.0.0.0/8, wider is "the internet".
const minGrafanaCIDRBits = 8

func (o *ObservabilityConfig) parse(r *reader) {
	o.Namespace = r.str(keyMonitoringNamespace)
	o.ChartVersion = r.str(keyKubePrometheusStackVersion)
	o.Retention = r.str(keyPrometheusRetention)
	o.StorageGiB = r.integer(keyPrometheusStorageGiB)
	o.StorageClass = r.str(keyPrometheusStorageClass)
	o.CanaryImage = r.str(keyCanaryImage)
	o.StrategyConsumerGroup = r.str(keyStrategyConsumerGroup)
	o.LagAlertRecords = r.integer(keyLagAlertRecords)
	o.MirrorLagAlertSeconds = r.integer(keyMirrorLagAlertSeconds)
	o.TieredCopyLagAlertBytes = r.integer(keyTieredCopyLagAlertBytes)
	o.RunbookBaseURL = r.str(keyRunbookBaseURL)
	o.GrafanaHostname = r.str(keyGrafanaHostname)
	o.GrafanaCertificateARN = r.str(keyGrafanaCertificateArn)
	o.rawGrafanaCIDRs = r.strings(keyGrafanaAllowedCidrs)
	o.OIDC = GrafanaOIDC{}
	r.object(keyGrafanaOidc, &o.OIDC)
	o.OIDCClientSecret = r.secret(keyGrafanaOidcClientSecret)
	o.ServiceNowWebhookURL = r.secret(keyServiceNowWebhookURL)
	o.PagerWebhookURL = r.secret(keyPagerWebhookURL)
	o.EmailTo = r.str(keyAlertEmailTo)
	o.SmtpSmarthost = r.str(keyAlertSmtpSmarthost)
	o.EmailFrom = r.str(keyAlertEmailFrom)
}

func (o *ObservabilityConfig) validate(c *Config, p *Problems) {
	if !dnsLabelRe.MatchString(o.Namespace) {
		p.Add(keyMonitoringNamespace.Name, o.Namespace, "a DNS label", "use e.g. monitoring")
	}
	if !regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`).MatchString(o.ChartVersion) {
		p.Add(keyKubePrometheusStackVersion.Name, o.ChartVersion, "an exact chart version such as "+defaultKubePrometheusStackVersion,
			"pin an exact version (no ranges): the chart ships CRDs")
	}
	if !promDurRe.MatchString(o.Retention) {
		p.Add(keyPrometheusRetention.Name, o.Retention, "a Prometheus duration such as 15d", "write a number and one unit (ms, s, m, h, d, w, y)")
	}
	if o.StorageGiB < 10 || o.StorageGiB > 16384 {
		p.Addf(keyPrometheusStorageGiB.Name, o.StorageGiB, "10 to 16384 GiB (gp3 limits)", "size it for retention, e.g. 100")
	}
	if !dnsLabelRe.MatchString(o.StorageClass) {
		p.Add(keyPrometheusStorageClass.Name, o.StorageClass, "a StorageClass name", "use e.g. gp3")
	}
	if !canaryImageRe.MatchString(o.CanaryImage) {
		p.Add(keyCanaryImage.Name, o.CanaryImage, "an image pinned by digest: <registry>/<repo>@sha256:<64 hex>",
			"build images/canary/Dockerfile, push it, and set canaryImage to the pushed digest")
	}
	if o.StrategyConsumerGroup == "" || strings.ContainsAny(o.StrategyConsumerGroup, "\"\\{}") {
		p.Add(keyStrategyConsumerGroup.Name, o.StrategyConsumerGroup, "a consumer group id without quotes, backslashes or braces", "set the strategy engine's group.id")
	}
	if o.LagAlertRecords < 1 {
		p.Addf(keyLagAlertRecords.Name, o.LagAlertRecords, "at least 1", "use the SLO value, 1000")
	}
	if o.MirrorLagAlertSeconds < 1 {
		p.Addf(keyMirrorLagAlertSeconds.Name, o.MirrorLagAlertSeconds, "at least 1 second", "use the DR RPO, e.g. 60")
	}
	if o.TieredCopyLagAlertBytes < 1<<20 {
		p.Addf(keyTieredCopyLagAlertBytes.Name, o.TieredCopyLagAlertBytes, "at least 1 MiB", "use e.g. 10737418240 (10 GiB)")
	}
	if u, err := url.Parse(o.RunbookBaseURL); err != nil || u.Scheme != "https" || u.Host == "" || strings.HasSuffix(o.RunbookBaseURL, "/") {
		p.Add(keyRunbookBaseURL.Name, o.RunbookBaseURL, "an https URL without a trailing slash", "point it at docs/runbooks of this repository")
	}
	if !hostnameRe.MatchString(o.GrafanaHostname) {
		p.Add(keyGrafanaHostname.Name, o.GrafanaHostname, "a DNS host name such as grafana.kafka.example.com", "set grafanaHostname (it is also the OIDC redirect host)")
	}
	if o.GrafanaHostname != "" {
		m := acmCertArnRe.FindStringSubmatch(o.GrafanaCertificateARN)
		switch {
		case m == nil:
			p.Add(keyGrafanaCertificateArn.Name, o.GrafanaCertificateARN, "an ACM certificate ARN arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>",
				"request or import a certificate for "+o.GrafanaHostname+" in ACM and set grafanaCertificateArn to its ARN")
		case c.Stack.Region != "" && m[1] != c.Stack.Region:
			p.Add(keyGrafanaCertificateArn.Name, o.GrafanaCertificateARN, "a certificate in the stack's region "+c.Stack.Region+" (an ALB only uses certificates from its own region)",
				"issue the certificate in ACM in "+c.Stack.Region)
		}
	}
	o.GrafanaAllowedCIDRs = nil
	for _, raw := range o.rawGrafanaCIDRs {
		pfx, err := netip.ParsePrefix(raw)
		switch {
		case err != nil || !pfx.Addr().Is4():
			p.Add(keyGrafanaAllowedCidrs.Name, raw, "an IPv4 CIDR such as 192.168.10.0/24", "fix the CIDR notation")
		case pfx.Masked() != pfx:
			p.Add(keyGrafanaAllowedCidrs.Name, raw, "a network address (host bits zero)", "use "+pfx.Masked().String())
		case pfx.Bits() < minGrafanaCIDRBits:
			p.Add(keyGrafanaAllowedCidrs.Name, raw, fmt.Sprintf("a range of /%d or narrower (never 0.0.0.0/0: Grafana is internal)", minGrafanaCIDRBits),
				"list the office and VPN egress ranges only")
		default:
			o.GrafanaAllowedCIDRs = append(o.GrafanaAllowedCIDRs, pfx)
		}
	}
	if o.OIDC.ClientID == "" {
		p.Add(keyGrafanaOidc.Name+".clientId", "", "the OIDC client id", "register Grafana with the identity provider and set grafanaOidc.clientId")
	}
	for _, f := range []struct{ name, v string }{{"authUrl", o.OIDC.AuthURL}, {"tokenUrl", o.OIDC.TokenURL}, {"apiUrl", o.OIDC.APIURL}} {
		if u, err := url.Parse(f.v); err != nil || u.Scheme != "https" || u.Host == "" {
			p.Add(keyGrafanaOidc.Name+"."+f.name, f.v, "an https URL", "copy the endpoint from the provider's /.well-known/openid-configuration")
		}
	}
	if !strings.Contains(" "+o.OIDC.Scopes+" ", " openid ") {
		p.Add(keyGrafanaOidc.Name+".scopes", o.OIDC.Scopes, "scopes including openid", "use e.g. \"openid email profile groups\"")
	}
	for _, g := range []struct{ name, v string }{{"adminGroup", o.OIDC.AdminGroup}, {"editorGroup", o.OIDC.EditorGroup}} {
		if strings.ContainsAny(g.v, "'\\") {
			p.Add(keyGrafanaOidc.Name+"."+g.name, g.v, "a group name without quotes or backslashes", "fix the group name")
		}
	}
	if o.EmailTo != "" && !emailRe.MatchString(o.EmailTo) {
		p.Add(keyAlertEmailTo.Name, o.EmailTo, "an e-mail address", "fix the address")
	}
	if o.EmailTo != "" && !hostPortRe.MatchString(o.SmtpSmarthost) {
		p.Add(keyAlertSmtpSmarthost.Name, o.SmtpSmarthost, "host:port of an SMTP relay when alertEmailTo is set", "set e.g. smtp.example.com:587")
	}
	if !emailRe.MatchString(o.EmailFrom) {
		p.Add(keyAlertEmailFrom.Name, o.EmailFrom, "an e-mail address", "fix the sender address")
	}
	if o.EmailTo == "" && !o.PagerWebhookURL.IsSet() {
		p.Add(keyAlertEmailTo.Name+"/"+keyPagerWebhookURL.Name, "", "at least one alert destination: a team mailbox or a pager webhook",
			fmt.Sprintf("set alertEmailTo (and alertSmtpSmarthost), or `pulumi config set --secret %s <url>`", keyPagerWebhookURL.Name))
	}
}
