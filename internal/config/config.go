package config

import (
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Config is the whole typed configuration of one stack. Each section lives
// in its own file with its keys, parsing and validation.
type Config struct {
	Stack         StackConfig
	Network       NetworkConfig
	Cluster       ClusterConfig
	Nodes         NodesConfig
	Tier          TierConfig
	Kafka         KafkaConfig
	Observability ObservabilityConfig
	DR            DRConfig
	Vault         VaultConfig
	LBController  LBControllerConfig
}

// section is what each config file implements.
type section interface {
	parse(r *reader)
	// validate sees the whole Config for cross-section rules.
	validate(c *Config, p *Problems)
}

func (c *Config) sections() []section {
	return []section{&c.Stack, &c.Network, &c.Cluster, &c.Nodes, &c.Tier,
		&c.Kafka, &c.Observability, &c.DR, &c.Vault, &c.LBController}
}

// Parse builds and validates the Config of stack from raw values. It returns
// every problem at once in an *Error; on error the Config must not be used.
func Parse(stack string, src Source) (*Config, error) {
	var p Problems
	r := &reader{src: src, p: &p}
	c := &Config{}
	c.Stack.StackName = stack
	for _, s := range c.sections() {
		s.parse(r)
	}
	for _, s := range c.sections() {
		s.validate(c, &p)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// Load reads every defined key (and aws:region) from the Pulumi context and
// the deployer's credentials (VAULT_TOKEN) from the process environment, and
// parses them. It registers nothing, so a bad stack fails before any
// resource.
func Load(ctx *pulumi.Context) (*Config, error) { return LoadEnv(ctx, os.Getenv) }

// LoadEnv is Load with the environment lookup given: the offline render
// passes placeholders instead of the deployer's credentials.
func LoadEnv(ctx *pulumi.Context, getenv func(string) string) (*Config, error) {
	src := Source{Values: map[string]string{}, Secret: map[string]bool{}}
	names := []string{RegionKey}
	for _, k := range Keys() {
		names = append(names, k.FullName())
	}
	for _, n := range names {
		if v, ok := ctx.GetConfig(n); ok {
			src.Values[n] = v
			src.Secret[n] = ctx.IsConfigSecret(n)
		}
	}
	AddEnv(src, getenv)
	return Parse(ctx.Stack(), src)
}

// AddEnv adds the credentials the program takes from the environment to src,
// marked secret: the token auth method's VAULT_TOKEN, as the Vault CLI reads
// it. They are not project keys, so they can never sit in a stack file.
func AddEnv(src Source, getenv func(string) string) {
	if t := getenv(VaultTokenEnv); t != "" {
		src.Values[VaultTokenSource] = t
		src.Secret[VaultTokenSource] = true
	}
}
