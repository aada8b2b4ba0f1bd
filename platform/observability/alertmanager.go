package observability

// AlertmanagerConfig is the subset of Alertmanager's configuration file this
// project writes (https://prometheus.io/docs/alerting/latest/configuration/).
type AlertmanagerConfig struct {
	Global       *AlertmanagerGlobal `json:"global,omitempty"`
	Route        Route               `json:"route"`
	InhibitRules []InhibitRule       `json:"inhibit_rules,omitempty"`
	Receivers    []Receiver          `json:"receivers"`
}

// AlertmanagerGlobal holds the SMTP settings of the mail receiver.
type AlertmanagerGlobal struct {
	SMTPSmarthost  string `json:"smtp_smarthost,omitempty"`
	SMTPFrom       string `json:"smtp_from,omitempty"`
	SMTPRequireTLS bool   `json:"smtp_require_tls"`
}

// Route is a routing tree node.
type Route struct {
	Receiver       string   `json:"receiver"`
	GroupBy        []string `json:"group_by,omitempty"`
	GroupWait      string   `json:"group_wait,omitempty"`
	GroupInterval  string   `json:"group_interval,omitempty"`
	RepeatInterval string   `json:"repeat_interval,omitempty"`
	Matchers       []string `json:"matchers,omitempty"`
	Continue       bool     `json:"continue,omitempty"`
	Routes         []Route  `json:"routes,omitempty"`
}

// InhibitRule mutes target alerts while a source alert fires.
type InhibitRule struct {
	SourceMatchers []string `json:"source_matchers"`
	TargetMatchers []string `json:"target_matchers"`
	Equal          []string `json:"equal,omitempty"`
}

// Receiver is a named notification target.
type Receiver struct {
	Name           string          `json:"name"`
	WebhookConfigs []WebhookConfig `json:"webhook_configs,omitempty"`
	EmailConfigs   []EmailConfig   `json:"email_configs,omitempty"`
}

// WebhookConfig posts alerts to a URL read from a file, so the URL (which
// embeds credentials) lives in a Kubernetes Secret and never in the
// Alertmanager configuration or the Helm values.
type WebhookConfig struct {
	URLFile      string `json:"url_file"`
	SendResolved bool   `json:"send_resolved"`
}

// EmailConfig sends mail.
type EmailConfig struct {
	To           string `json:"to"`
	SendResolved bool   `json:"send_resolved"`
}

// Receiver names.
const (
	ReceiverServiceNow = "servicenow-slo"
	ReceiverPager      = "oncall-pager"
	ReceiverEmail      = "team-email"
	ReceiverNull       = "null"
)

// AlertmanagerSecretName is the Secret holding webhook URLs, mounted by the
// Alertmanager pods at /etc/alertmanager/secrets/<name>/ (the operator's
// alertmanagerSpec.secrets convention).
const AlertmanagerSecretName = "alertmanager-webhooks"

// Keys of AlertmanagerSecretName.
const (
	secretKeyServiceNow = "servicenow-url"
	secretKeyPager      = "pager-url"
)

func secretFile(key string) string {
	return "/etc/alertmanager/secrets/" + AlertmanagerSecretName + "/" + key
}

// RoutingArgs says which destinations are configured. Only whether a secret
// is set is known here, never its value.
type RoutingArgs struct {
	// ServiceNow is true when a ServiceNow webhook URL is configured.
	ServiceNow bool
	// Pager is true when an on-call pager webhook URL is configured.
	Pager bool
	// EmailTo, SMTPSmarthost and EmailFrom configure mail ("" EmailTo: none).
	EmailTo       string
	SMTPSmarthost string
	EmailFrom     string
}

// Alertmanager builds the routing: SLO breaches (slo="true") go to
// ServiceNow and then continue down the severity routes; critical pages,
// warning mails. Without ServiceNow the SLO route is absent and SLO breaches,
// all critical, reach the pager (or mail) through the severity routes, which
// the render notes. Watchdog and InfoInhibitor (kube-prometheus-stack's
// heartbeat alerts) go nowhere.
func Alertmanager(a RoutingArgs) AlertmanagerConfig {
	c := AlertmanagerConfig{Receivers: []Receiver{{Name: ReceiverNull}}}
	critical, warning := ReceiverNull, ReceiverNull
	if a.EmailTo != "" {
		c.Global = &AlertmanagerGlobal{SMTPSmarthost: a.SMTPSmarthost, SMTPFrom: a.EmailFrom, SMTPRequireTLS: true}
		c.Receivers = append(c.Receivers, Receiver{Name: ReceiverEmail, EmailConfigs: []EmailConfig{{To: a.EmailTo, SendResolved: true}}})
		critical, warning = ReceiverEmail, ReceiverEmail
	}
	if a.Pager {
		c.Receivers = append(c.Receivers, Receiver{Name: ReceiverPager, WebhookConfigs: []WebhookConfig{{URLFile: secretFile(secretKeyPager), SendResolved: true}}})
		critical = ReceiverPager
		if warning == ReceiverNull {
			// No mailbox: warnings page too rather than vanish.
			warning = ReceiverPager
		}
	}
	var routes []Route
	if a.ServiceNow {
		c.Receivers = append(c.Receivers, Receiver{Name: ReceiverServiceNow, WebhookConfigs: []WebhookConfig{{URLFile: secretFile(secretKeyServiceNow), SendResolved: true}}})
		routes = append(routes, Route{Receiver: ReceiverServiceNow, Matchers: []string{SLOLabel + `="true"`}, Continue: true,
			GroupBy: []string{"alertname", "slo_id"}, RepeatInterval: "1h"})
	}
	routes = append(routes,
		Route{Receiver: ReceiverNull, Matchers: []string{`alertname=~"Watchdog|InfoInhibitor"`}},
		Route{Receiver: critical, Matchers: []string{`severity="critical"`}, RepeatInterval: "1h"},
		Route{Receiver: warning, Matchers: []string{`severity="warning"`}, RepeatInterval: "12h"},
	)
	c.Route = Route{Receiver: warning, GroupBy: []string{"alertname", "namespace"}, GroupWait: "30s", GroupInterval: "5m",
		RepeatInterval: "12h", Routes: routes}
	// The critical twin of a warning supersedes it for the same disk or
	// certificate.
	c.InhibitRules = []InhibitRule{
		{SourceMatchers: []string{`alertname="KafkaHotWindowDiskUsageCritical"`}, TargetMatchers: []string{`alertname="KafkaHotWindowDiskUsageHigh"`},
			Equal: []string{"instance", "mountpoint"}},
		{SourceMatchers: []string{`alertname="KafkaCertificateExpiresCritical"`}, TargetMatchers: []string{`alertname="KafkaCertificateExpiresSoon"`},
			Equal: []string{"cluster", "type"}},
	}
	return c
}
