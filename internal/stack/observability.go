package stack

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/config"
	"github.com/tradingfirm/kafka-platform/internal/topology"
	"github.com/tradingfirm/kafka-platform/platform/observability"
)

// Strimzi names the canary relies on (platform/strimzi creates them from
// the default kafkaUsers/kafkaTopics config).
const (
	canaryTopic = "canary"
	canaryUser  = "canary"
	// controllerCount: one KRaft controller per zone.
	controllerCount = config.AZCount
	// scrapeInterval of brokers, controllers and the canary: 15s resolves a
	// 5-minute latency window into 20 points.
	scrapeInterval = "15s"
)

// ruleArgs maps the config onto the SLO rules; cmd/render calls it to write
// the plain rule files and dashboards without running the program.
func ruleArgs(cfg *config.Config) observability.RuleArgs {
	o := cfg.Observability
	return observability.RuleArgs{
		KafkaNamespace:          cfg.Kafka.Namespace,
		ClusterName:             cfg.Kafka.ClusterName,
		Brokers:                 cfg.Nodes.Brokers,
		Controllers:             controllerCount,
		CanaryZones:             len(cfg.Network.AZs),
		StrategyConsumerGroup:   o.StrategyConsumerGroup,
		LagAlertRecords:         o.LagAlertRecords,
		MirrorMaker2:            cfg.Stack.Role == config.RoleDR,
		MirrorLagAlertSeconds:   o.MirrorLagAlertSeconds,
		TieredCopyLagAlertBytes: o.TieredCopyLagAlertBytes,
		NVMeMountPath:           topology.NVMeMountPath,
		RunbookBaseURL:          o.RunbookBaseURL,
	}
}

// ObservabilityFiles are the plain files the render writes beside the
// manifests: Prometheus rule files (what promtool reads) and the project's
// Grafana dashboards, file name to content.
func ObservabilityFiles(cfg *config.Config) (rules, dashboards map[string][]byte, err error) {
	a := ruleArgs(cfg)
	if rules, err = observability.RuleFiles(a); err != nil {
		return nil, nil, err
	}
	if dashboards, err = observability.Dashboards(a); err != nil {
		return nil, nil, err
	}
	return rules, dashboards, nil
}

// grafanaInboundCIDRs is who may reach Grafana's internal ALB: the VPC
// (bastions, in-cluster tooling, peered VPN attachments routed through it)
// and the configured office/VPN ranges, without duplicates.
func grafanaInboundCIDRs(cfg *config.Config) []string {
	out := []string{cfg.Network.VpcCidr.String()}
	for _, p := range cfg.Observability.GrafanaAllowedCIDRs {
		if s := p.String(); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// observabilityArgs maps the config onto the component's Args.
func observabilityArgs(cfg *config.Config) observability.Args {
	o := cfg.Observability
	a := observability.Args{
		Namespace:    o.Namespace,
		ChartVersion: o.ChartVersion,
		Values: observability.ValuesArgs{
			Retention: o.Retention, StorageGiB: o.StorageGiB, StorageClass: o.StorageClass,
			Routing:  observability.RoutingArgs{EmailTo: o.EmailTo, SMTPSmarthost: o.SmtpSmarthost, EmailFrom: o.EmailFrom},
			Hostname: o.GrafanaHostname,
			Ingress:  observability.GrafanaIngress{CertificateARN: o.GrafanaCertificateARN, InboundCIDRs: grafanaInboundCIDRs(cfg)},
			OIDC: observability.GrafanaOIDC{ClientID: o.OIDC.ClientID, AuthURL: o.OIDC.AuthURL, TokenURL: o.OIDC.TokenURL,
				APIURL: o.OIDC.APIURL, Scopes: o.OIDC.Scopes, AdminGroup: o.OIDC.AdminGroup, EditorGroup: o.OIDC.EditorGroup},
		},
		Rules: ruleArgs(cfg),
		Canary: observability.CanaryArgs{
			Image: o.CanaryImage, Zones: cfg.Network.AZs, ZoneIDs: cfg.Network.ZoneIDs,
			KafkaNamespace: cfg.Kafka.Namespace, ClusterName: cfg.Kafka.ClusterName,
			Topic: canaryTopic, User: canaryUser,
		},
		ScrapeInterval: scrapeInterval,
	}
	// Unset secrets stay nil: the component then leaves the receiver (or the
	// Grafana client Secret) out instead of creating an empty one.
	if o.ServiceNowWebhookURL.IsSet() {
		a.ServiceNowWebhookURL = o.ServiceNowWebhookURL.Output()
	}
	if o.PagerWebhookURL.IsSet() {
		a.PagerWebhookURL = o.PagerWebhookURL.Output()
	}
	if o.OIDCClientSecret.IsSet() {
		a.OIDCClientSecret = o.OIDCClientSecret.Output()
	}
	return a
}

// newObservability builds Prometheus, Grafana, the SLO rules and the canary.
func newObservability(ctx *pulumi.Context, cfg *config.Config, infra *Infra, kafka *Kafka, out Outputs) error {
	if infra.Cluster == nil || infra.Cluster.Provider == nil {
		return fmt.Errorf("observability: the EKS cluster's Kubernetes provider is missing")
	}
	args := observabilityArgs(cfg)
	if kafka != nil && kafka.Component != nil {
		args.CanaryDependsOn = []pulumi.Resource{kafka.Component.Kafka}
	}
	obs, err := observability.New(ctx, cfg.Stack.Name+"-observability", args, pulumi.Provider(infra.Cluster.Provider))
	if err != nil {
		return err
	}
	out["monitoringNamespace"] = obs.Namespace
	out["grafanaUrl"] = obs.GrafanaURL
	out["sloAlertRouting"] = obs.SLORouting
	return nil
}
