package canary

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"
)

// dialTimeout bounds the TCP connect and TLS handshake of one broker
// connection: kgo's own default for DialTLSConfig (10 s), which a custom
// dialer replaces.
const dialTimeout = 10 * time.Second

// BrokerTLS dials brokers with mutual TLS, trusting the cluster CA bundle as
// it is on disk at the moment of each dial.
//
// Why: when Strimzi renews the cluster CA it first puts the old and new CA
// certificates in the <cluster>-cluster-ca-cert Secret (ca.crt), rolls the
// brokers onto certificates signed by the new CA, and later removes the old
// CA. A canary that parsed ca.crt once at start keeps only the old CA, so
// after the roll every reconnect fails verification until the pod restarts
// (Strimzi docs, "Renewing CA certificates"). Kubernetes updates a mounted
// Secret in place (an atomic symlink swap), so re-reading the file is
// enough.
//
// How: kgo.DialTLSConfig clones one *tls.Config per dial, which freezes its
// RootCAs. Instead DialContext builds a fresh config for every connection,
// with RootCAs from the current file and ServerName set to the broker host
// being dialed, and lets crypto/tls do its normal verification (chain,
// validity, ExtKeyUsage serverAuth and the host name). The alternative of
// InsecureSkipVerify plus a VerifyConnection callback is deliberately not
// used: the callback only sees ConnectionState.ServerName, which is the SNI
// value and therefore empty when the broker is dialed by IP address
// (crypto/tls never sends an IP literal as SNI), and x509.Verify with an
// empty DNSName silently skips the host-name check. Here the host name comes
// from the address being dialed and an empty one is refused.
type BrokerTLS struct {
	base *tls.Config
	ca   *caBundle
	log  *slog.Logger
}

// Config is the TLS client configuration of one connection to host (a broker
// host name or IP address, without port): the current CA bundle as RootCAs
// and host as the name the broker certificate must carry.
func (b *BrokerTLS) Config(host string) (*tls.Config, error) {
	if host == "" {
		return nil, errors.New("broker TLS: empty host name; refusing to connect without host-name verification")
	}
	pool, changed, err := b.ca.load()
	if err != nil {
		return nil, err
	}
	if changed {
		b.log.Info("cluster CA bundle changed on disk; new broker connections trust it",
			"file", b.ca.path, "sha256", b.ca.fingerprint())
	}
	cfg := b.base.Clone()
	cfg.RootCAs = pool
	cfg.ServerName = host
	cfg.InsecureSkipVerify = false
	return cfg, nil
}

// DialContext opens a TLS connection to addr (host:port); it is the
// canary's kgo.Dialer.
func (b *BrokerTLS) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("broker TLS: split host:port %q: %w", addr, err)
	}
	cfg, err := b.Config(host)
	if err != nil {
		return nil, err
	}
	d := tls.Dialer{NetDialer: &net.Dialer{Timeout: dialTimeout}, Config: cfg}
	return d.DialContext(ctx, network, addr)
}

// caBundle is a PEM CA bundle file whose parsed pool is cached by content:
// every load re-reads the file (a few KiB, once per new broker connection,
// which is negligible next to the TLS handshake it precedes) and parses it
// again only when its SHA-256 differs from the cached one. A content hash
// rather than mtime/size: a renewed bundle can have the same size, and two
// writes within the file system's timestamp granularity the same mtime.
type caBundle struct {
	path string

	mu     sync.Mutex
	sum    [sha256.Size]byte
	cached *x509.CertPool
}

// pool returns the current pool (used at start-up to fail fast).
func (c *caBundle) pool() (*x509.CertPool, error) {
	p, _, err := c.load()
	return p, err
}

// load returns the pool for the file's current content and whether that
// content differs from the previous successful load (false on the first).
// An unreadable file or one without a PEM certificate is an error and the
// connection is not made: trusting a stale bundle silently would hide a
// broken mount, and the canary's up metric reports the outage instead.
func (c *caBundle) load() (*x509.CertPool, bool, error) {
	pemBytes, err := os.ReadFile(c.path)
	if err != nil {
		return nil, false, fmt.Errorf("read -%s: %w", FlagTLSCAFile, err)
	}
	sum := sha256.Sum256(pemBytes)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cached != nil && sum == c.sum {
		return c.cached, false, nil
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, false, fmt.Errorf("-%s %s: no PEM certificate found", FlagTLSCAFile, c.path)
	}
	changed := c.cached != nil
	c.sum, c.cached = sum, pool
	return pool, changed, nil
}

// fingerprint is the SHA-256 of the cached bundle, for logs.
func (c *caBundle) fingerprint() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return hex.EncodeToString(c.sum[:])
}
