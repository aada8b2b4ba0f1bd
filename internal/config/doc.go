// Package config is the single typed view of a stack's configuration.
//
// Every project config key is defined once in this package (keys_*.go) with
// its type, description and default; the same definitions generate the
// `config:` block of Pulumi.yaml (cmd/configdoc) and a test keeps the two in
// sync, because the Pulumi CLI applies Pulumi.yaml defaults while the mock
// engine and the offline render do not.
//
// Parse turns raw values into Config, applies defaults and validates the
// whole thing, collecting every problem (key, bad value, allowed values, fix)
// before returning, so that no resource is registered from a bad stack.
// Components never read config themselves: the stack composition hands each
// one the part it needs.
package config
