// Package config is the single typed view of a stack's configuration.
//
// Every project config key is defined once in this package (define, in the
// file of its area: cluster.go, network.go, kafka.go, dr.go, vault.go, ...)
// with its type, description and default; the same definitions generate the
// `config:` block of Pulumi.yaml and docs/config.md (cmd/configdoc) and a
// test keeps them in sync, because the Pulumi CLI applies Pulumi.yaml
// defaults while the mock engine and the offline render do not.
//
// Parse turns raw values into Config, applies defaults and validates the
// whole thing, collecting every problem (key, bad value, allowed values, fix)
// before returning, so that no resource is registered from a bad stack.
// Load also takes the deployer's credentials from the environment
// (VAULT_TOKEN for vaultAuthMethod token), marked secret: they are not keys,
// so they can never sit in a stack file.
// Components never read config themselves: the stack composition hands each
// one the part it needs.
package config
