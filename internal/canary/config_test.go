package canary

import (
	"io"
	"strings"
	"testing"
	"time"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestParseConfig(t *testing.T) {
	tlsFlags := []string{"-tls-ca-file", "/certs/ca.crt", "-tls-cert-file", "/user/user.crt", "-tls-key-file", "/user/user.key"}
	cases := map[string]struct {
		args    []string
		env     map[string]string
		check   func(t *testing.T, c Config)
		wantErr []string // substrings, all must appear
	}{
		"flags with defaults": {
			args: append([]string{"-bootstrap-servers", "a:9093, b:9093", "-zone", "us-east-1a"}, tlsFlags...),
			check: func(t *testing.T, c Config) {
				if strings.Join(c.BootstrapServers, "|") != "a:9093|b:9093" {
					t.Errorf("bootstrap %q", c.BootstrapServers)
				}
				if c.Topic != "canary" || c.Interval != 100*time.Millisecond || c.ProduceTimeout != 2*time.Second ||
					c.ListenAddr != ":8080" || c.StaleAfter != 2*time.Second || c.MetadataRefresh != 10*time.Second {
					t.Errorf("defaults not applied: %+v", c)
				}
				if c.InsecurePlaintextForTests {
					t.Error("plaintext enabled by default")
				}
			},
		},
		"env fallback, flag wins": {
			args: []string{"-zone", "from-flag"},
			env: map[string]string{
				"CANARY_BOOTSTRAP_SERVERS": "k:9093", "CANARY_ZONE": "from-env", "CANARY_INTERVAL": "50ms",
				"CANARY_TLS_CA_FILE": "/ca", "CANARY_TLS_CERT_FILE": "/crt", "CANARY_TLS_KEY_FILE": "/key",
			},
			check: func(t *testing.T, c Config) {
				if c.Zone != "from-flag" || c.Interval != 50*time.Millisecond || c.BootstrapServers[0] != "k:9093" || c.TLSKeyFile != "/key" {
					t.Errorf("got %+v", c)
				}
			},
		},
		"plaintext only with the explicit test flag": {
			args: []string{"-bootstrap-servers", "k:9092", "-zone", "z", "-insecure-plaintext-for-tests"},
			check: func(t *testing.T, c Config) {
				if !c.InsecurePlaintextForTests {
					t.Error("flag not applied")
				}
			},
		},
		"every problem at once": {
			args: []string{"-interval", "0s", "-stale-after", "0s", "-log-level", "loud", "-produce-timeout", "100ms"},
			wantErr: []string{
				"-bootstrap-servers (CANARY_BOOTSTRAP_SERVERS)", "-zone (CANARY_ZONE)", "-interval (CANARY_INTERVAL) = 0s",
				"-stale-after", "-log-level (CANARY_LOG_LEVEL) = loud", "-produce-timeout (CANARY_PRODUCE_TIMEOUT) = 100ms: must be at least 1s",
				"-tls-ca-file", "-tls-cert-file", "-tls-key-file", "mTLS",
			},
		},
		"bad env value names the variable": {
			args:    append([]string{"-bootstrap-servers", "k:1", "-zone", "z"}, tlsFlags...),
			env:     map[string]string{"CANARY_INTERVAL": "fast"},
			wantErr: []string{`CANARY_INTERVAL="fast"`},
		},
		"stray argument": {
			args:    append([]string{"-bootstrap-servers", "k:1", "-zone", "z", "extra"}, tlsFlags...),
			wantErr: []string{`unexpected arguments ["extra"`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := ParseConfig(tc.args, env(tc.env), io.Discard)
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("no error, want %q", tc.wantErr)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error lacks %q:\n%v", w, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

func TestEnvName(t *testing.T) {
	if got := EnvName(FlagInsecure); got != "CANARY_INSECURE_PLAINTEXT_FOR_TESTS" {
		t.Errorf("EnvName = %s", got)
	}
}
