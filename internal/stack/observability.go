package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/config"
)

// newObservability builds Prometheus, Grafana, the SLO rules and the canary.
func newObservability(ctx *pulumi.Context, cfg *config.Config, infra *Infra, kafka *Kafka, out Outputs) error {
	return nil
}
