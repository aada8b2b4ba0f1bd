package canary

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// replaceFile swaps path's content atomically (write beside, rename), the
// way the kubelet updates a mounted Secret.
func replaceFile(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".new")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func ports(t *testing.T, addrs []string) []int {
	t.Helper()
	var out []int
	for _, a := range addrs {
		_, p, err := net.SplitHostPort(a)
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

// A cluster CA renewal as Strimzi performs it: the brokers come back with
// certificates signed by a new CA and the mounted ca.crt changes. While the
// file still holds only the old CA the new brokers are refused (so the old
// CA really is not trusted for them); once the file holds the new CA the
// running canary reconnects and records flow again, without a restart.
func TestCanaryFollowsClusterCARenewal(t *testing.T) {
	oldCA, newCA2, clientsCA := newCA(t, "cluster-ca-v0"), newCA(t, "cluster-ca-v1"), newCA(t, "clients-ca")
	dataDir := t.TempDir()
	cluster := mtlsCluster(t, oldCA, clientsCA, kfake.DataDir(dataDir))
	addrs := cluster.ListenAddrs()

	cfg := mtlsConfig(t, addrs, oldCA, clientsCA)

	c := startCanary(t, cfg)
	waitFor(t, 10*time.Second, "up over mTLS with the old CA", func() bool { return sum(t, c.metrics, MetricUp, nil) == 1 })

	// The brokers roll onto certificates from the new CA.
	cluster.Close()
	srvCert, srvKey := newCA2.issue(t, "broker", x509.ExtKeyUsageServerAuth)
	rolled := startCluster(t, kfake.Ports(ports(t, addrs)...), kfake.DataDir(dataDir), brokerTLSOpt(t, srvCert, srvKey, clientsCA))
	defer rolled.Close()

	waitFor(t, 5*time.Second, "up 0 while ca.crt holds only the old CA", func() bool { return sum(t, c.metrics, MetricUp, nil) == 0 })
	b, err := cfg.BrokerTLS(nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var unknown x509.UnknownAuthorityError
	if conn, err := b.DialContext(ctx, "tcp", addrs[0]); !errors.As(err, &unknown) {
		if conn != nil {
			conn.Close()
		}
		t.Fatalf("dial with the old CA only: err = %v, want x509.UnknownAuthorityError", err)
	}
	consumed := sum(t, c.metrics, MetricConsumed, nil)
	time.Sleep(time.Second)
	if v := sum(t, c.metrics, MetricConsumed, nil); v != consumed || sum(t, c.metrics, MetricUp, nil) != 0 {
		t.Fatalf("records consumed (%v -> %v) from brokers the old CA does not sign", consumed, v)
	}

	// Strimzi updates the Secret; the kubelet swaps the mounted file.
	replaceFile(t, cfg.TLSCAFile, newCA2.pem)
	waitFor(t, 20*time.Second, "up again with the renewed CA, no restart", func() bool { return sum(t, c.metrics, MetricUp, nil) == 1 })
	waitFor(t, 5*time.Second, "records flowing after the renewal", func() bool { return sum(t, c.metrics, MetricConsumed, nil) >= consumed+30 })
	if !c.running.Load() {
		t.Fatal("canary stopped running during the renewal")
	}
	if err := c.stop(); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
}

// Host-name verification still happens: a broker certificate from the
// trusted cluster CA that names another host is refused, with the
// host-name error (not a trust error), and the canary never produces.
func TestCanaryRejectsBrokerCertificateForAnotherHost(t *testing.T) {
	clusterCA, clientsCA := newCA(t, "cluster-ca"), newCA(t, "clients-ca")
	srvCert, srvKey := clusterCA.issueFor(t, "broker", x509.ExtKeyUsageServerAuth, nil, []string{"broker-0.other-cluster.invalid"})
	cluster := startCluster(t, brokerTLSOpt(t, srvCert, srvKey, clientsCA))
	defer cluster.Close()

	cfg := mtlsConfig(t, cluster.ListenAddrs(), clusterCA, clientsCA)

	b, err := cfg.BrokerTLS(nil)
	if err != nil {
		t.Fatal(err)
	}
	dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer dcancel()
	var hostErr x509.HostnameError
	if conn, err := b.DialContext(dctx, "tcp", cluster.ListenAddrs()[0]); !errors.As(err, &hostErr) {
		if conn != nil {
			conn.Close()
		}
		t.Fatalf("dial = %v, want x509.HostnameError", err)
	}

	wantNeverProduces(t, cfg, "a broker certificate for another host")
}

// The CA pool is parsed again only when the file's content changes, and a
// bundle that becomes unreadable or empty fails the dial instead of being
// trusted stale.
func TestCABundleReloadsOnContentChange(t *testing.T) {
	a, b := newCA(t, "a"), newCA(t, "b")
	dir := t.TempDir()
	path := writeFile(t, dir, "ca.crt", a.pem)
	bundle := &caBundle{path: path}

	p1, changed, err := bundle.load()
	if err != nil || changed {
		t.Fatalf("first load: changed=%v err=%v", changed, err)
	}
	p2, changed, err := bundle.load()
	if err != nil || changed || p2 != p1 {
		t.Fatalf("unchanged file: same pool=%v changed=%v err=%v", p2 == p1, changed, err)
	}
	verifies := func(p *x509.CertPool, ca testCA) bool {
		_, err := ca.cert.Verify(x509.VerifyOptions{Roots: p})
		return err == nil
	}
	if !verifies(p1, a) || verifies(p1, b) {
		t.Fatal("first pool does not hold exactly CA a")
	}

	// During a renewal Strimzi's ca.crt holds both CAs, then only the new.
	replaceFile(t, path, append(append([]byte{}, a.pem...), b.pem...))
	p3, changed, err := bundle.load()
	if err != nil || !changed || !verifies(p3, a) || !verifies(p3, b) {
		t.Fatalf("both CAs: changed=%v err=%v", changed, err)
	}
	replaceFile(t, path, b.pem)
	p4, changed, err := bundle.load()
	if err != nil || !changed || verifies(p4, a) || !verifies(p4, b) {
		t.Fatalf("new CA only: changed=%v err=%v", changed, err)
	}

	replaceFile(t, path, []byte("not a certificate"))
	if _, _, err := bundle.load(); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Fatalf("garbage bundle: err = %v", err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, _, err := bundle.load(); err == nil || !strings.Contains(err.Error(), "read -tls-ca-file") {
		t.Fatalf("missing bundle: err = %v", err)
	}
}
