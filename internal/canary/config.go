package canary

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
)

// Defaults, with where they come from.
const (
	// DefaultTopic is the canary topic the platform creates (KafkaTopic
	// "canary", one partition per broker).
	DefaultTopic = "canary"
	// DefaultInterval: 10 records/s per partition per zone gives a p99
	// from ~36k samples an hour per partition, cheap for the brokers.
	DefaultInterval = 100 * time.Millisecond
	// DefaultProduceTimeout: a produce not acknowledged in 2 s is 250x the
	// 8 ms SLO; waiting longer only delays the timeout signal.
	DefaultProduceTimeout = 2 * time.Second
	// DefaultMetadataRefresh: how often the leader of each partition is
	// re-read for the "leader" label; leadership moves on rolling restarts
	// and rebalances, which take longer than this.
	DefaultMetadataRefresh = 10 * time.Second
	// DefaultStaleAfter: kafka_canary_up drops to 0 when no own record was
	// consumed from some partition for this long (20 intervals).
	DefaultStaleAfter = 2 * time.Second
	// DefaultListenAddr serves /metrics, /healthz and /readyz.
	DefaultListenAddr = ":8080"
)

// Config is the canary's configuration, from flags with environment
// variable fallbacks (flag wins).
type Config struct {
	// BootstrapServers are the Kafka bootstrap host:port pairs (required).
	BootstrapServers []string
	// Topic is the canary topic (default DefaultTopic).
	Topic string
	// Zone is this canary's availability zone: the "zone" label, the
	// consumer's client.rack and the origin written into records
	// (required; from the downward API / node label in Kubernetes).
	Zone string
	// Interval between rounds of one record to every partition.
	Interval time.Duration
	// ProduceTimeout bounds each record's delivery (acks=all).
	ProduceTimeout time.Duration
	// MetadataRefresh is how often partition leaders are re-read.
	MetadataRefresh time.Duration
	// StaleAfter is how long without consuming an own record from a
	// partition before kafka_canary_up is 0.
	StaleAfter time.Duration
	// ListenAddr is the HTTP listen address.
	ListenAddr string
	// TLSCAFile is the cluster CA bundle (Strimzi <cluster>-cluster-ca-cert
	// secret, key ca.crt).
	TLSCAFile string
	// TLSCertFile and TLSKeyFile are the client certificate and key
	// (Strimzi KafkaUser secret, keys user.crt and user.key).
	TLSCertFile, TLSKeyFile string
	// InsecurePlaintextForTests disables TLS; only for tests against an
	// in-process cluster. Without it all three TLS files are required.
	InsecurePlaintextForTests bool
	// LogLevel is debug, info, warn or error.
	LogLevel string
}

// Flag names and their environment variables.
const (
	FlagBootstrapServers = "bootstrap-servers"
	FlagTopic            = "topic"
	FlagZone             = "zone"
	FlagInterval         = "interval"
	FlagProduceTimeout   = "produce-timeout"
	FlagMetadataRefresh  = "metadata-refresh"
	FlagStaleAfter       = "stale-after"
	FlagListenAddr       = "listen-addr"
	FlagTLSCAFile        = "tls-ca-file"
	FlagTLSCertFile      = "tls-cert-file"
	FlagTLSKeyFile       = "tls-key-file"
	FlagInsecure         = "insecure-plaintext-for-tests"
	FlagLogLevel         = "log-level"
)

// EnvName is the environment variable backing a flag: CANARY_ plus the
// flag name upper-cased with dashes as underscores.
func EnvName(flagName string) string {
	return "CANARY_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// ParseConfig parses args (without the program name), falling back to
// getenv for flags not given, and validates the result, reporting every
// problem at once.
func ParseConfig(args []string, getenv func(string) string, out io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("canary", flag.ContinueOnError)
	fs.SetOutput(out)
	var bootstrap string
	fs.StringVar(&bootstrap, FlagBootstrapServers, "", "comma-separated Kafka bootstrap host:port list (required)")
	fs.StringVar(&c.Topic, FlagTopic, DefaultTopic, "canary topic, one partition led by each broker")
	fs.StringVar(&c.Zone, FlagZone, "", "this canary's availability zone: metric label, client.rack and record origin (required)")
	fs.DurationVar(&c.Interval, FlagInterval, DefaultInterval, "interval between rounds of one record to every partition")
	fs.DurationVar(&c.ProduceTimeout, FlagProduceTimeout, DefaultProduceTimeout, "delivery timeout of each canary record")
	fs.DurationVar(&c.MetadataRefresh, FlagMetadataRefresh, DefaultMetadataRefresh, "how often partition leaders are re-read")
	fs.DurationVar(&c.StaleAfter, FlagStaleAfter, DefaultStaleAfter, "kafka_canary_up is 0 when no own record was consumed from a partition for this long")
	fs.StringVar(&c.ListenAddr, FlagListenAddr, DefaultListenAddr, "HTTP address for /metrics, /healthz, /readyz")
	fs.StringVar(&c.TLSCAFile, FlagTLSCAFile, "", "PEM cluster CA bundle (Strimzi cluster CA secret ca.crt)")
	fs.StringVar(&c.TLSCertFile, FlagTLSCertFile, "", "PEM client certificate (Strimzi KafkaUser secret user.crt)")
	fs.StringVar(&c.TLSKeyFile, FlagTLSKeyFile, "", "PEM client key (Strimzi KafkaUser secret user.key)")
	fs.BoolVar(&c.InsecurePlaintextForTests, FlagInsecure, false, "connect without TLS; only for tests against an in-process cluster")
	fs.StringVar(&c.LogLevel, FlagLogLevel, "info", "log level: debug, info, warn, error")
	// Environment values become the flag values unless the flag is given.
	var envErrs []error
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(EnvName(f.Name)); v != "" {
			if err := f.Value.Set(v); err != nil {
				envErrs = append(envErrs, fmt.Errorf("%s=%q: %w", EnvName(f.Name), v, err))
			}
		}
	})
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		envErrs = append(envErrs, fmt.Errorf("unexpected arguments %q: all settings are -flags", fs.Args()))
	}
	for _, s := range strings.Split(bootstrap, ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.BootstrapServers = append(c.BootstrapServers, s)
		}
	}
	if err := errors.Join(append(envErrs, c.validate()...)...); err != nil {
		return Config{}, err
	}
	return c, nil
}

func (c Config) validate() []error {
	var errs []error
	bad := func(flagName string, value any, rule string) {
		errs = append(errs, fmt.Errorf("-%s (%s) = %v: %s", flagName, EnvName(flagName), value, rule))
	}
	if len(c.BootstrapServers) == 0 {
		bad(FlagBootstrapServers, `""`, "required: set the Kafka bootstrap address, e.g. my-cluster-kafka-bootstrap.kafka:9093")
	}
	if c.Zone == "" {
		bad(FlagZone, `""`, "required: set the availability zone (in Kubernetes from the node label topology.kubernetes.io/zone)")
	} else if len(c.Zone) > maxZoneLen {
		bad(FlagZone, c.Zone, fmt.Sprintf("at most %d bytes", maxZoneLen))
	}
	if c.Topic == "" {
		bad(FlagTopic, `""`, "must not be empty; default "+DefaultTopic)
	}
	positive := func(flagName string, d, floor time.Duration) {
		if d < floor {
			bad(flagName, d, fmt.Sprintf("must be at least %s", floor))
		}
	}
	positive(FlagInterval, c.Interval, time.Millisecond)
	// kgo rejects a record delivery timeout under 1 s.
	positive(FlagProduceTimeout, c.ProduceTimeout, time.Second)
	positive(FlagMetadataRefresh, c.MetadataRefresh, time.Second)
	if c.StaleAfter <= c.Interval {
		bad(FlagStaleAfter, c.StaleAfter, fmt.Sprintf("must be longer than -%s (%s), or kafka_canary_up flaps between rounds", FlagInterval, c.Interval))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad(FlagLogLevel, c.LogLevel, "one of debug, info, warn, error")
	}
	if !c.InsecurePlaintextForTests {
		for _, f := range []struct{ name, value string }{
			{FlagTLSCAFile, c.TLSCAFile}, {FlagTLSCertFile, c.TLSCertFile}, {FlagTLSKeyFile, c.TLSKeyFile},
		} {
			if f.value == "" {
				bad(f.name, `""`, fmt.Sprintf("required: the canary only connects with mTLS (set -%s only in tests)", FlagInsecure))
			}
		}
	}
	return errs
}

// BrokerTLS builds the mTLS dialer, or nil with InsecurePlaintextForTests.
// It fails fast on an unreadable CA bundle or a bad client key pair; after
// that every file is re-read at each dial, so certificates Strimzi renews in
// the mounted Secrets are followed without a restart (see BrokerTLS).
func (c Config) BrokerTLS(log *slog.Logger) (*BrokerTLS, error) {
	if c.InsecurePlaintextForTests {
		return nil, nil
	}
	ca := &caBundle{path: c.TLSCAFile}
	if _, err := ca.pool(); err != nil {
		return nil, err
	}
	certFile, keyFile := c.TLSCertFile, c.TLSKeyFile
	// Fail fast on a bad pair rather than at the first handshake. The error
	// from tls.LoadX509KeyPair names files, never key material.
	if _, err := tls.LoadX509KeyPair(certFile, keyFile); err != nil {
		return nil, fmt.Errorf("load -%s/-%s: %w", FlagTLSCertFile, FlagTLSKeyFile, err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &BrokerTLS{ca: ca, log: log, base: &tls.Config{
		MinVersion: tls.VersionTLS12,
		// The client certificate is re-read on every handshake: a KafkaUser
		// certificate renewed by Strimzi (the mounted Secret is updated in
		// place) is used by the next connection.
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			cert, err := tls.LoadX509KeyPair(certFile, keyFile)
			if err != nil {
				return nil, fmt.Errorf("reload client certificate: %w", err)
			}
			return &cert, nil
		},
	}}, nil
}
