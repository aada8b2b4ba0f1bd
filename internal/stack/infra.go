package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/config"
)

// Infra is the AWS substrate the platform layers build on.
type Infra struct {
	// Network, Cluster, Nodes and Tier are added by the foundation work.
}

// newInfra builds the foundation: VPC, EKS, node groups, tiered-storage
// bucket with the broker IRSA role. Every Args field is filled from cfg here.
func newInfra(ctx *pulumi.Context, cfg *config.Config, out Outputs) (*Infra, error) {
	out["region"] = pulumi.String(cfg.Stack.Region)
	out["role"] = pulumi.String(string(cfg.Stack.Role))
	out["availabilityZones"] = pulumi.ToStringArray(cfg.Network.AZs)
	out["vpcCidr"] = pulumi.String(cfg.Network.VpcCidr.String())
	return &Infra{}, nil
}
