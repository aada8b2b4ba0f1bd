package config

// ObservabilityConfig configures Prometheus, Grafana, alerting and the canary (issue: observability).
type ObservabilityConfig struct{}

func (o *ObservabilityConfig) parse(_ *reader) {}

func (o *ObservabilityConfig) validate(_ *Config, _ *Problems) {}
