// Command kafka-platform is the Pulumi program: one region of the trading
// firm's Kafka platform. Everything it builds is decided by the stack's
// config (internal/config, declared in Pulumi.yaml) and composed in
// internal/stack, layer by layer.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/config"
	"github.com/tradingfirm/kafka-platform/internal/stack"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		// Validate the whole config before registering any resource.
		cfg, err := config.Load(ctx)
		if err != nil {
			return err
		}
		outputs, err := stack.New(ctx, cfg)
		if err != nil {
			return err
		}
		outputs.Export(ctx)
		return nil
	})
}
