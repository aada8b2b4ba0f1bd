package canary

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// testCA is a throwaway certificate authority, like Strimzi's cluster and
// clients CAs.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

var serial int64

// newCert signs a fresh P-256 key's certificate from tmpl (serial and
// validity filled in: an hour either side of now) with parent and
// parentKey, or self-signed when parent is nil.
func newCert(t *testing.T, tmpl *x509.Certificate, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*ecdsa.PrivateKey, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial++
	tmpl.SerialNumber = big.NewInt(serial)
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	return key, der
}

func newCA(t *testing.T, cn string) testCA {
	t.Helper()
	key, der := newCert(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: cn},
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}, nil, nil)
	cert, _ := x509.ParseCertificate(der)
	return testCA{cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns a PEM certificate and key signed by ca, valid for
// 127.0.0.1 (where the test brokers listen).
func (ca testCA) issue(t *testing.T, cn string, usage x509.ExtKeyUsage) (certPEM, keyPEM []byte) {
	t.Helper()
	return ca.issueFor(t, cn, usage, []net.IP{net.ParseIP("127.0.0.1")}, nil)
}

// issueFor returns a PEM certificate and key signed by ca with the given
// subject alternative names.
func (ca testCA) issueFor(t *testing.T, cn string, usage x509.ExtKeyUsage, ips []net.IP, dnsNames []string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, der := newCert(t, &x509.Certificate{
		Subject:     pkix.Name{CommonName: cn},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{usage},
		IPAddresses: ips,
		DNSNames:    dnsNames,
	}, ca.cert, ca.key)
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

// mtlsConfig is a canary config for the brokers at addrs over mTLS, with
// the files a Strimzi deployment mounts written to a temp dir: ca.crt
// holding trusted, user.crt and user.key issued by clientsCA.
func mtlsConfig(t *testing.T, addrs []string, trusted, clientsCA testCA) Config {
	t.Helper()
	dir := t.TempDir()
	userCrt, userKey := clientsCA.issue(t, "kafka-canary", x509.ExtKeyUsageClientAuth)
	cfg := testConfig(addrs, "zone-a")
	cfg.InsecurePlaintextForTests = false
	cfg.TLSCAFile = writeFile(t, dir, "ca.crt", trusted.pem)
	cfg.TLSCertFile = writeFile(t, dir, "user.crt", userCrt)
	cfg.TLSKeyFile = writeFile(t, dir, "user.key", userKey)
	return cfg
}

// wantNeverProduces runs a canary with cfg until a short deadline and
// wants it to fail on metadata without becoming ready or producing
// (against, say, a broker it must not trust).
func wantNeverProduces(t *testing.T, cfg Config, against string) {
	t.Helper()
	c := New(cfg, testLogger(t))
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	err := c.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "metadata") {
		t.Fatalf("Run = %v, want a metadata error after the deadline", err)
	}
	if c.ready.Load() {
		t.Error("ready against " + against)
	}
	if v := sum(t, c.metrics, MetricProduced, nil); v != 0 {
		t.Errorf("produced %v records to %s", v, against)
	}
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// mtlsCluster starts a cluster that requires client certificates from
// clientsCA and presents a server certificate from clusterCA.
func mtlsCluster(t *testing.T, clusterCA, clientsCA testCA, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	srvCert, srvKey := clusterCA.issue(t, "broker", x509.ExtKeyUsageServerAuth)
	return startCluster(t, append(opts, brokerTLSOpt(t, srvCert, srvKey, clientsCA))...)
}

// brokerTLSOpt makes the test brokers present srvCert and require client
// certificates from clientsCA, as Strimzi's mTLS listener does.
func brokerTLSOpt(t *testing.T, srvCert, srvKey []byte, clientsCA testCA) kfake.Opt {
	t.Helper()
	pair, err := tls.X509KeyPair(srvCert, srvKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(clientsCA.cert)
	return kfake.TLS(&tls.Config{
		Certificates: []tls.Certificate{pair},
		ClientCAs:    pool,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS12,
	})
}

// The canary connects with the files a Strimzi deployment mounts: ca.crt
// from the cluster CA secret, user.crt and user.key from the KafkaUser.
func TestCanaryMutualTLS(t *testing.T) {
	clusterCA, clientsCA := newCA(t, "cluster-ca"), newCA(t, "clients-ca")
	cluster := mtlsCluster(t, clusterCA, clientsCA)
	defer cluster.Close()

	cfg := mtlsConfig(t, cluster.ListenAddrs(), clusterCA, clientsCA)

	c := startCanary(t, cfg)
	waitFor(t, 10*time.Second, "up over mTLS", func() bool { return sum(t, c.metrics, MetricUp, nil) == 1 })
}

// A broker certificate from an unknown CA is refused: the canary never
// becomes ready and never produces.
func TestCanaryRejectsUntrustedBroker(t *testing.T) {
	clusterCA, clientsCA, otherCA := newCA(t, "cluster-ca"), newCA(t, "clients-ca"), newCA(t, "someone-else")
	cluster := mtlsCluster(t, clusterCA, clientsCA)
	defer cluster.Close()

	cfg := mtlsConfig(t, cluster.ListenAddrs(), otherCA, clientsCA)

	wantNeverProduces(t, cfg, "an untrusted broker")
}

func TestTLSConfigErrorsNameFilesNotKeys(t *testing.T) {
	ca := newCA(t, "ca")
	crt, key := ca.issue(t, "u", x509.ExtKeyUsageClientAuth)
	_, otherKey := ca.issue(t, "v", x509.ExtKeyUsageClientAuth)
	dir := t.TempDir()
	caFile := writeFile(t, dir, "ca.crt", ca.pem)
	crtFile := writeFile(t, dir, "user.crt", crt)
	keyFile := writeFile(t, dir, "user.key", key)
	otherKeyFile := writeFile(t, dir, "other.key", otherKey)
	notPEM := writeFile(t, dir, "not.pem", []byte("hello"))

	cases := map[string]struct {
		cfg  Config
		want string
	}{
		"missing CA":        {Config{TLSCAFile: filepath.Join(dir, "nope"), TLSCertFile: crtFile, TLSKeyFile: keyFile}, "read -tls-ca-file"},
		"CA without PEM":    {Config{TLSCAFile: notPEM, TLSCertFile: crtFile, TLSKeyFile: keyFile}, "no PEM certificate"},
		"mismatched key":    {Config{TLSCAFile: caFile, TLSCertFile: crtFile, TLSKeyFile: otherKeyFile}, "load -tls-cert-file/-tls-key-file"},
		"key in cert field": {Config{TLSCAFile: caFile, TLSCertFile: keyFile, TLSKeyFile: keyFile}, "load -tls-cert-file/-tls-key-file"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := tc.cfg.BrokerTLS(nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			for _, secret := range [][]byte{key, otherKey} {
				body := strings.TrimSpace(strings.Split(string(secret), "-----")[2])
				if strings.Contains(err.Error(), body[:20]) {
					t.Errorf("error leaks key material: %v", err)
				}
			}
		})
	}
	b, err := Config{TLSCAFile: caFile, TLSCertFile: crtFile, TLSKeyFile: keyFile}.BrokerTLS(nil)
	if err != nil {
		t.Fatal(err)
	}
	good, err := b.Config("broker-0.kafka.invalid")
	if err != nil {
		t.Fatal(err)
	}
	if good.MinVersion < tls.VersionTLS12 || good.InsecureSkipVerify || good.GetClientCertificate == nil ||
		good.RootCAs == nil || good.ServerName != "broker-0.kafka.invalid" {
		t.Errorf("weak TLS config: %+v", good)
	}
	if _, err := b.Config(""); err == nil {
		t.Error("a config without a host name (no host-name verification) was built")
	}
}
