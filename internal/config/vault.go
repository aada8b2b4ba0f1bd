package config

// VaultConfig configures the Vault provider and secret paths (issue: DR and secrets).
type VaultConfig struct{}

func (o *VaultConfig) parse(_ *reader) {}

func (o *VaultConfig) validate(_ *Config, _ *Problems) {}
