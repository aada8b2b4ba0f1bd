package config

// DRConfig configures the cross-region path and MirrorMaker 2 (issue: DR).
type DRConfig struct{}

func (o *DRConfig) parse(_ *reader) {}

func (o *DRConfig) validate(_ *Config, _ *Problems) {}
