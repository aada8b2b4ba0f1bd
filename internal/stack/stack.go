package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/config"
)

// New builds the whole stack described by cfg and returns its outputs. Each
// layer lives in its own file and maps config onto its components' Args:
// infra.go (VPC, EKS, node groups, AWS Load Balancer Controller,
// tiered-storage bucket), kafka.go (Strimzi and the Kafka cluster),
// observability.go (Prometheus, Grafana, canary) and dr.go (cross-region
// listener access, peering or transit gateway, MirrorMaker 2, Vault).
func New(ctx *pulumi.Context, cfg *config.Config) (Outputs, error) {
	out := Outputs{}
	infra, err := newInfra(ctx, cfg, out)
	if err != nil {
		return nil, err
	}
	// The cross-region listener's security group comes before Kafka: the
	// listener's load balancers name it.
	xregion, err := newDRNetwork(ctx, cfg, infra, out)
	if err != nil {
		return nil, err
	}
	kafka, err := newKafka(ctx, cfg, infra, xregion, out)
	if err != nil {
		return nil, err
	}
	if err := newObservability(ctx, cfg, infra, kafka, out); err != nil {
		return nil, err
	}
	if err := newDR(ctx, cfg, infra, kafka, out); err != nil {
		return nil, err
	}
	return out, nil
}
