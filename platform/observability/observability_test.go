package observability

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/render"
	"github.com/tradingfirm/kafka-platform/internal/render/rendertest"
	"github.com/tradingfirm/kafka-platform/internal/topology"
)

const (
	fakeServiceNowURL = "https://tradingfirm.service-now.invalid/api/sn_em_connector/em/inbound_event?token=SEKRIT-SN"
	fakePagerURL      = "https://events.pager.invalid/integration/SEKRIT-PAGER/enqueue"
	fakeOIDCSecret    = "SEKRIT-OIDC-CLIENT"
	testCertARN       = "arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000"
)

func testArgs() Args {
	r := testRuleArgs()
	return Args{
		Namespace:    "monitoring",
		ChartVersion: "79.5.0",
		Values: ValuesArgs{Retention: "15d", StorageGiB: 100, StorageClass: "gp3", Hostname: "grafana.kafka.example.com",
			Routing: RoutingArgs{EmailTo: "kafka-team@example.com", SMTPSmarthost: "smtp.example.com:587", EmailFrom: "am@example.com"},
			OIDC: GrafanaOIDC{ClientID: "grafana", AuthURL: "https://sso.example.com/authorize", TokenURL: "https://sso.example.com/token",
				APIURL: "https://sso.example.com/userinfo", Scopes: "openid email profile groups", AdminGroup: "kafka-admins"},
			Ingress: GrafanaIngress{CertificateARN: testCertARN, InboundCIDRs: []string{"10.40.0.0/16", "192.168.10.0/24"}}},
		Rules:          r,
		Canary:         CanaryArgs{Image: "000000000000.dkr.ecr.us-east-1.amazonaws.com/kafka-canary@sha256:" + strings.Repeat("ab", 32), Zones: []string{"use1-az1", "use1-az2", "use1-az4"}, ZoneIDs: true, KafkaNamespace: "kafka", ClusterName: "trading", Topic: "canary", User: "canary"},
		ScrapeInterval: "15s",
	}
}

func run(t *testing.T, args Args) *render.Mocks {
	t.Helper()
	return rendertest.Run(t, func(ctx *pulumi.Context) error {
		p, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String(render.FakeKubeconfig("c", "us-east-1"))})
		if err != nil {
			return err
		}
		_, err = New(ctx, "obs", args, pulumi.Provider(p))
		return err
	})
}

func TestComponentWiresEveryChildToTheComponentAndProvider(t *testing.T) {
	m := run(t, testArgs())
	comp := m.Find("kafka-platform:platform:Observability", "obs")
	if comp == nil {
		t.Fatal("no Observability component")
	}
	n := 0
	for _, r := range m.Resources() {
		if r == comp || r.Type == "pulumi:providers:kubernetes" || r.Type == "pulumi:pulumi:Stack" {
			continue
		}
		n++
		if r.Parent != comp.URN {
			t.Errorf("%s %s: parent %q, want the component", r.Type, r.Name, r.Parent)
		}
		if !strings.Contains(r.Provider, "pulumi:providers:kubernetes::k8s") {
			t.Errorf("%s %s: provider %q, want the k8s provider", r.Type, r.Name, r.Provider)
		}
	}
	if n < 10 {
		t.Errorf("only %d children", n)
	}
}

func TestHelmReleaseValues(t *testing.T) {
	m := run(t, testArgs())
	rel := m.Find("kubernetes:helm.sh/v3:Release", "obs-kube-prometheus-stack")
	if rel == nil {
		t.Fatal("no kube-prometheus-stack release")
	}
	if rel.Inputs["chart"] != "kube-prometheus-stack" || rel.Inputs["version"] != "79.5.0" || rendertest.Get(rel.Inputs, "repositoryOpts", "repo") != ChartRepo {
		t.Errorf("chart pin: %v %v %v", rel.Inputs["chart"], rel.Inputs["version"], rel.Inputs["repositoryOpts"])
	}
	v := rel.Inputs["values"]
	checks := map[string]struct {
		got, want any
	}{
		"retention":                {rendertest.Get(v, "prometheus", "prometheusSpec", "retention"), "15d"},
		"retentionSize":            {rendertest.Get(v, "prometheus", "prometheusSpec", "retentionSize"), "90GiB"},
		"storage":                  {rendertest.Get(v, "prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate", "spec", "resources", "requests", "storage"), "100Gi"},
		"storageClass":             {rendertest.Get(v, "prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate", "spec", "storageClassName"), "gp3"},
		"podMonitorSelector":       {rendertest.Get(v, "prometheus", "prometheusSpec", "podMonitorSelectorNilUsesHelmValues"), false},
		"ruleSelector":             {rendertest.Get(v, "prometheus", "prometheusSpec", "ruleSelectorNilUsesHelmValues"), false},
		"login form off":           {rendertest.Get(v, "grafana", "grafana.ini", "auth", "disable_login_form"), true},
		"basic auth off":           {rendertest.Get(v, "grafana", "grafana.ini", "auth.basic", "enabled"), false},
		"oidc on":                  {rendertest.Get(v, "grafana", "grafana.ini", "auth.generic_oauth", "enabled"), true},
		"oidc client":              {rendertest.Get(v, "grafana", "grafana.ini", "auth.generic_oauth", "client_id"), "grafana"},
		"oidc secret env":          {rendertest.Get(v, "grafana", "envFromSecret"), GrafanaOIDCSecretName},
		"am secrets":               {rendertest.Get(v, "alertmanager", "alertmanagerSpec", "secrets"), []any{AlertmanagerSecretName}},
		"node-exporter everywhere": {rendertest.Get(v, "prometheus-node-exporter", "tolerations"), []any{map[string]any{"operator": "Exists"}}},
		"ksm on system nodes":      {rendertest.Get(v, "kube-state-metrics", "nodeSelector", topology.RoleLabel), topology.RoleSystem},
	}
	for name, c := range checks {
		gb, _ := json.Marshal(c.got)
		wb, _ := json.Marshal(c.want)
		if string(gb) != string(wb) {
			t.Errorf("%s: got %s, want %s", name, gb, wb)
		}
	}
	if rendertest.Get(v, "grafana", "adminPassword") != nil {
		t.Error("grafana.adminPassword is set: the admin password must not come from the stack")
	}
	dash, _ := rendertest.Get(v, "grafana", "dashboards", "strimzi").(map[string]any)
	if len(dash) != len(strimziDashboards) {
		t.Fatalf("strimzi dashboards: %v", dash)
	}
	for name, d := range dash {
		u, _ := rendertest.Get(d, "url").(string)
		if !strings.HasPrefix(u, "https://raw.githubusercontent.com/strimzi/strimzi-kafka-operator/1.2.0/packaging/examples/metrics/") {
			t.Errorf("dashboard %s: url %q is not pinned to the 1.2.0 tag", name, u)
		}
	}
}

func TestSecretsNeverInPlaintext(t *testing.T) {
	a := testArgs()
	a.ServiceNowWebhookURL = pulumi.ToSecret(pulumi.String(fakeServiceNowURL)).(pulumi.StringOutput)
	a.PagerWebhookURL = pulumi.ToSecret(pulumi.String(fakePagerURL)).(pulumi.StringOutput)
	a.OIDCClientSecret = pulumi.ToSecret(pulumi.String(fakeOIDCSecret)).(pulumi.StringOutput)
	m := run(t, a)
	all, _ := json.Marshal(m.Resources())
	for _, s := range []string{"SEKRIT"} {
		if strings.Contains(string(all), s) {
			t.Fatalf("a secret value appears in plaintext in the resources")
		}
	}
	wh := m.Find("kubernetes:core/v1:Secret", "obs-alertmanager-webhooks")
	if wh == nil || !rendertest.Contains(wh.SecretInputs, "stringData") {
		t.Fatalf("webhook Secret missing or its stringData not secret: %+v", wh)
	}
	if m.Find("kubernetes:core/v1:Secret", "obs-grafana-oidc") == nil {
		t.Error("no Grafana OIDC client Secret although the client secret is set")
	}
	// With both webhooks set, the release routes SLO breaches to ServiceNow.
	rel := m.Find("kubernetes:helm.sh/v3:Release", "obs-kube-prometheus-stack")
	routes, _ := rendertest.Get(rel.Inputs["values"], "alertmanager", "config", "route", "routes").([]any)
	if len(routes) == 0 || rendertest.Get(routes[0], "receiver") != ReceiverServiceNow {
		t.Errorf("first route %v, want the ServiceNow SLO route", routes)
	}
}

func TestEveryComponentIsScraped(t *testing.T) {
	m := run(t, testArgs())
	jobs := map[string]map[string]any{}
	for _, r := range m.ByType("kubernetes:monitoring.coreos.com/v1:PodMonitor") {
		eps, _ := rendertest.Get(r.Inputs, "spec", "podMetricsEndpoints").([]any)
		for _, ep := range eps {
			rls, _ := rendertest.Get(ep, "relabelings").([]any)
			for _, rl := range rls {
				if rendertest.Get(rl, "targetLabel") == "job" {
					jobs[rendertest.Get(rl, "replacement").(string)] = r.Inputs
				}
			}
		}
	}
	for _, st := range ScrapeTargets {
		pm, ok := jobs[st.Job]
		if !ok {
			t.Errorf("%s is not scraped (no PodMonitor sets job=%s)", st.Component, st.Job)
			continue
		}
		if sel := rendertest.Get(pm, "spec", "selector", "matchLabels"); sel == nil {
			t.Errorf("%s: PodMonitor has no selector", st.Component)
		}
	}
	// The rules select on these labels; the PodMonitors must produce them.
	brokers := m.Find("kubernetes:monitoring.coreos.com/v1:PodMonitor", "obs-podmonitor-trading-brokers")
	b, _ := json.Marshal(brokers.Inputs)
	for _, want := range []string{`"strimzi.io/broker-role":"true"`, `"strimzi.io/cluster":"trading"`, `"port":"tcp-prometheus"`, `__meta_kubernetes_pod_label_(strimzi_io_.+)`, `"targetLabel":"kubernetes_pod_name"`, `"targetLabel":"namespace"`, `"interval":"15s"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("broker PodMonitor lacks %s: %s", want, b)
		}
	}
}

func TestPrometheusRuleCarriesEverySLO(t *testing.T) {
	m := run(t, testArgs())
	r := m.Find("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "obs-rules")
	if r == nil {
		t.Fatal("no PrometheusRule")
	}
	b, _ := json.Marshal(r.Inputs["spec"])
	var f RuleFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(AlertNames(f), ",")
	for _, s := range SLOs {
		for _, a := range s.Alerts {
			if !strings.Contains(got, a) {
				t.Errorf("SLO %s: alert %s not in the applied PrometheusRule", s.ID, a)
			}
		}
	}
}

func TestCanaryDeploymentPerZone(t *testing.T) {
	a := testArgs()
	m := run(t, a)
	deps := m.ByType("kubernetes:apps/v1:Deployment")
	if len(deps) != len(a.Canary.Zones) {
		t.Fatalf("%d canary Deployments, want one per zone (%d)", len(deps), len(a.Canary.Zones))
	}
	for _, zone := range a.Canary.Zones {
		d := m.Find("kubernetes:apps/v1:Deployment", "obs-canary-"+zone)
		if d == nil {
			t.Errorf("no canary for %s", zone)
			continue
		}
		spec := rendertest.Get(d.Inputs, "spec", "template", "spec")
		terms, _ := rendertest.Get(spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms").([]any)
		if len(terms) != 1 {
			t.Fatalf("%s: node affinity %v", zone, terms)
		}
		exprs, _ := rendertest.Get(terms[0], "matchExpressions").([]any)
		pinned := map[string]any{}
		for _, e := range exprs {
			pinned[rendertest.Get(e, "key").(string)] = rendertest.Get(e, "values")
		}
		if vs, _ := pinned[ZoneIDLabel].([]any); len(vs) != 1 || vs[0] != zone {
			t.Errorf("%s: not pinned to its zone ID: %v", zone, pinned)
		}
		if vs, _ := pinned[topology.RoleLabel].([]any); len(vs) != 1 || vs[0] != topology.RoleSystem {
			t.Errorf("%s: not on system nodes: %v", zone, pinned)
		}
		if rendertest.Get(d.Inputs, "metadata", "namespace") != "kafka" {
			t.Errorf("%s: namespace %v, want the Kafka namespace (it mounts Strimzi's secrets)", zone, rendertest.Get(d.Inputs, "metadata", "namespace"))
		}
		cs, _ := rendertest.Get(spec, "containers").([]any)
		c := cs[0]
		if rendertest.Get(c, "image") != a.Canary.Image {
			t.Errorf("%s: image %v", zone, rendertest.Get(c, "image"))
		}
		args, _ := json.Marshal(rendertest.Get(c, "args"))
		for _, want := range []string{"-bootstrap-servers=trading-kafka-bootstrap.kafka.svc:9093", "-topic=canary", "-zone=" + zone, "-tls-ca-file=/etc/canary/ca/ca.crt", "-tls-cert-file=/etc/canary/user/user.crt", "-tls-key-file=/etc/canary/user/user.key"} {
			if !strings.Contains(string(args), want) {
				t.Errorf("%s: args %s lack %s", zone, args, want)
			}
		}
		req, lim := rendertest.Get(c, "resources", "requests"), rendertest.Get(c, "resources", "limits")
		rb, _ := json.Marshal(req)
		lb, _ := json.Marshal(lim)
		if req == nil || string(rb) != string(lb) {
			t.Errorf("%s: requests %s != limits %s", zone, rb, lb)
		}
		sc := rendertest.Get(c, "securityContext")
		if rendertest.Get(sc, "allowPrivilegeEscalation") != false || rendertest.Get(sc, "readOnlyRootFilesystem") != true || rendertest.Get(spec, "securityContext", "runAsNonRoot") != true ||
			rendertest.Get(spec, "securityContext", "seccompProfile", "type") != "RuntimeDefault" {
			t.Errorf("%s: not restricted PSS: %v / %v", zone, sc, rendertest.Get(spec, "securityContext"))
		}
		if drop, _ := rendertest.Get(sc, "capabilities", "drop").([]any); len(drop) != 1 || drop[0] != "ALL" {
			t.Errorf("%s: capabilities not dropped", zone)
		}
		if rendertest.Get(c, "livenessProbe", "httpGet", "path") != "/healthz" || rendertest.Get(c, "readinessProbe", "httpGet", "path") != "/readyz" {
			t.Errorf("%s: probes %v %v", zone, rendertest.Get(c, "livenessProbe"), rendertest.Get(c, "readinessProbe"))
		}
		vols, _ := json.Marshal(rendertest.Get(spec, "volumes"))
		for _, want := range []string{`"secretName":"canary"`, `"secretName":"trading-cluster-ca-cert"`, `"key":"user.key"`, `"key":"ca.crt"`} {
			if !strings.Contains(string(vols), want) {
				t.Errorf("%s: volumes %s lack %s", zone, vols, want)
			}
		}
	}
}

func TestCanaryZoneNamesPinByZoneLabel(t *testing.T) {
	a := testArgs()
	a.Canary.Zones, a.Canary.ZoneIDs = []string{"us-east-1a", "us-east-1b", "us-east-1c"}, false
	m := run(t, a)
	d := m.Find("kubernetes:apps/v1:Deployment", "obs-canary-us-east-1b")
	b, _ := json.Marshal(d.Inputs)
	if !strings.Contains(string(b), `"key":"`+topology.ZoneLabel+`","operator":"In","values":["us-east-1b"]`) {
		t.Errorf("zone-name canary not pinned by %s: %s", topology.ZoneLabel, b)
	}
}

func TestCanaryRejectsUnpinnedImage(t *testing.T) {
	a := testArgs()
	a.Canary.Image = "example.com/kafka-canary:latest"
	m := render.NewMocks("kafka-platform", "test", "us-east-1")
	err := m.Run(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "obs", a)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "not pinned by digest") {
		t.Fatalf("err = %v, want a digest error", err)
	}
}

// Grafana is reachable only through an internal ALB, over HTTPS with a
// current TLS policy, from the VPC and the configured ranges, at the host
// its root_url (and so the OIDC redirect URI) names.
func TestGrafanaIngress(t *testing.T) {
	m := run(t, testArgs())
	rel := m.Find("kubernetes:helm.sh/v3:Release", "obs-kube-prometheus-stack")
	if rel == nil {
		t.Fatal("no kube-prometheus-stack release")
	}
	ing := rendertest.Get(rel.Inputs["values"], "grafana", "ingress")
	ann := func(k string) any { return rendertest.Get(ing, "annotations", "alb.ingress.kubernetes.io/"+k) }
	checks := map[string]struct{ got, want any }{
		"enabled":         {rendertest.Get(ing, "enabled"), true},
		"class":           {rendertest.Get(ing, "ingressClassName"), "alb"},
		"hosts":           {rendertest.Get(ing, "hosts"), []any{"grafana.kafka.example.com"}},
		"path":            {rendertest.Get(ing, "path"), "/"},
		"internal":        {ann("scheme"), "internal"},
		"ip targets":      {ann("target-type"), "ip"},
		"https 443 only":  {ann("listen-ports"), `[{"HTTPS":443}]`},
		"tls policy":      {ann("ssl-policy"), "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"},
		"certificate":     {ann("certificate-arn"), testCertARN},
		"inbound cidrs":   {ann("inbound-cidrs"), "10.40.0.0/16,192.168.10.0/24"},
		"health check":    {ann("healthcheck-path"), "/api/health"},
		"root_url = host": {rendertest.Get(rel.Inputs["values"], "grafana", "grafana.ini", "server", "root_url"), "https://grafana.kafka.example.com"},
		"domain = host":   {rendertest.Get(rel.Inputs["values"], "grafana", "grafana.ini", "server", "domain"), "grafana.kafka.example.com"},
	}
	for name, c := range checks {
		gb, _ := json.Marshal(c.got)
		wb, _ := json.Marshal(c.want)
		if string(gb) != string(wb) {
			t.Errorf("%s: got %s, want %s", name, gb, wb)
		}
	}
	// The listener must be HTTPS only: no HTTP port, not even a redirect.
	var ports []map[string]int
	if err := json.Unmarshal([]byte(ann("listen-ports").(string)), &ports); err != nil {
		t.Fatalf("listen-ports is not the controller's JSON: %v", err)
	}
	for _, p := range ports {
		if _, ok := p["HTTP"]; ok {
			t.Errorf("plaintext listener: %v", ports)
		}
	}
}

func TestGrafanaIngressRejectsOpenOrIncomplete(t *testing.T) {
	for name, mut := range map[string]func(*GrafanaIngress){
		"world":          func(g *GrafanaIngress) { g.InboundCIDRs = append(g.InboundCIDRs, "0.0.0.0/0") },
		"world v6":       func(g *GrafanaIngress) { g.InboundCIDRs = []string{"::/0"} },
		"no cidrs":       func(g *GrafanaIngress) { g.InboundCIDRs = nil },
		"not a cidr":     func(g *GrafanaIngress) { g.InboundCIDRs = []string{"office"} },
		"no certificate": func(g *GrafanaIngress) { g.CertificateARN = "" },
	} {
		t.Run(name, func(t *testing.T) {
			a := testArgs()
			a.Values.Ingress.InboundCIDRs = append([]string(nil), a.Values.Ingress.InboundCIDRs...)
			mut(&a.Values.Ingress)
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				_, err := New(ctx, "obs", a)
				return err
			}, pulumi.WithMocks("kafka-platform", "test", render.NewMocks("kafka-platform", "test", "us-east-1")))
			if err == nil || !strings.Contains(err.Error(), "grafana ingress") {
				t.Fatalf("New = %v, want a grafana ingress error", err)
			}
		})
	}
}
