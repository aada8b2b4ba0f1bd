package clientconfig

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func fixture(t *testing.T) *Outputs {
	t.Helper()
	b, err := os.ReadFile("testdata/outputs.json")
	if err != nil {
		t.Fatal(err)
	}
	o, err := ParseOutputs(b)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestBuild checks the resolved configuration of valid requests against the
// fixture: bootstrap per listener, Secret names and mount paths, class
// settings split by role, client.rack from -zone.
func TestBuild(t *testing.T) {
	cases := []struct {
		name       string
		req        Request
		common     map[string]string // subset expected in Common
		producer   map[string]string // subset expected; nil: Producer must be nil
		consumer   map[string]string // subset expected; nil: Consumer must be nil
		absent     []string          // keys in no section
		userSecret string
		caDir      string
	}{
		{
			name: "durable producer", req: Request{User: "ledger-writer", Topic: "payments.ledger", Role: RoleProducer},
			common: map[string]string{
				"bootstrap.servers": "events-kafka-bootstrap.streaming.svc:9093", "security.protocol": "SSL",
				"ssl.keystore.location": "/etc/kafka/user/user.p12", "ssl.keystore.password": "${secrets:/etc/kafka/user:user.password}",
				"ssl.truststore.location": "/etc/kafka/ca/ca.p12", "ssl.truststore.password": "${secrets:/etc/kafka/ca:ca.password}",
				"config.providers": "secrets", "config.providers.secrets.class": DirectoryProvider,
				"config.providers.secrets.param.allowed.paths": "/etc/kafka/ca,/etc/kafka/user",
				"reconnect.backoff.ms":                         "50",
			},
			producer:   map[string]string{"acks": "all", "enable.idempotence": "true", "linger.ms": "0"},
			absent:     []string{"client.rack", "isolation.level"},
			userSecret: "ledger-writer", caDir: DefaultCADir,
		},
		{
			name: "durable consumer with zone", req: Request{User: "ledger-writer", Topic: "payments.ledger", Role: RoleConsumer, Zone: "eu-west-1b"},
			common:     map[string]string{"bootstrap.servers": "events-kafka-bootstrap.streaming.svc:9093"},
			consumer:   map[string]string{"client.rack": "eu-west-1b", "isolation.level": "read_committed", "enable.auto.commit": "false"},
			absent:     []string{"acks"},
			userSecret: "ledger-writer", caDir: DefaultCADir,
		},
		{
			name: "both roles, default role, differing key stays per role", req: Request{User: "ticker", Topic: "prices.ticks", Zone: "eu-west-1a"},
			common:     map[string]string{"security.protocol": "SSL", "ssl.keystore.type": "PKCS12"},
			producer:   map[string]string{"acks": "1", "reconnect.backoff.ms": "100"},
			consumer:   map[string]string{"client.rack": "eu-west-1a", "auto.offset.reset": "latest", "reconnect.backoff.ms": "50"},
			userSecret: "ticker-secret", caDir: DefaultCADir,
		},
		{
			name: "consumer without rack", req: Request{User: "ticker", Topic: "prices.ticks", Role: RoleConsumer, NoRack: true},
			consumer: map[string]string{"auto.offset.reset": "latest"}, absent: []string{"client.rack"},
			userSecret: "ticker-secret", caDir: DefaultCADir,
		},
		{
			name: "cross-region consumer", req: Request{User: "ticker", Topic: "prices.ticks", Role: RoleConsumer, CrossRegion: true},
			common:   map[string]string{"bootstrap.servers": "nlb-test.elb.eu-west-1.invalid:9095"},
			consumer: map[string]string{"auto.offset.reset": "latest"}, absent: []string{"client.rack"},
			userSecret: "ticker-secret", caDir: DefaultCADir,
		},
		{
			name: "custom mount paths", req: Request{User: "ledger-writer", Topic: "payments.ledger", Role: RoleProducer, CADir: "/var/run/kafka-ca", UserDir: "/var/run/kafka-me"},
			common: map[string]string{
				"ssl.truststore.location": "/var/run/kafka-ca/ca.p12", "ssl.keystore.password": "${secrets:/var/run/kafka-me:user.password}",
				"config.providers.secrets.param.allowed.paths": "/var/run/kafka-ca,/var/run/kafka-me",
			},
			producer:   map[string]string{"acks": "all"},
			userSecret: "ledger-writer", caDir: "/var/run/kafka-ca",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Build(fixture(t), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			sub := func(section string, got, want map[string]string) {
				t.Helper()
				if want == nil {
					if got != nil && section != "common" {
						t.Errorf("%s: got %v, want none (role %s)", section, got, c.Role)
					}
					return
				}
				if got == nil {
					t.Fatalf("%s: missing", section)
				}
				for k, v := range want {
					if got[k] != v {
						t.Errorf("%s %s = %q, want %q", section, k, got[k], v)
					}
				}
			}
			sub("common", c.Common, tc.common)
			sub("producer", c.Producer, tc.producer)
			sub("consumer", c.Consumer, tc.consumer)
			for _, k := range tc.absent {
				for name, m := range map[string]map[string]string{"common": c.Common, "producer": c.Producer, "consumer": c.Consumer} {
					if v, ok := m[k]; ok {
						t.Errorf("%s has %s=%q, want absent", name, k, v)
					}
				}
			}
			if len(c.Mounts) != 2 || c.Mounts[0].Secret != "events-cluster-ca-cert" || c.Mounts[0].Path != tc.caDir || c.Mounts[1].Secret != tc.userSecret {
				t.Errorf("mounts = %+v, want CA Secret events-cluster-ca-cert at %s then user Secret %s", c.Mounts, tc.caDir, tc.userSecret)
			}
			// No value anywhere may be a template the client would take literally.
			for _, m := range []map[string]string{c.Common, c.Producer, c.Consumer} {
				for k, v := range m {
					if strings.HasPrefix(v, "<") || placeholder(v) {
						t.Errorf("%s = %q: a placeholder reached the config", k, v)
					}
				}
			}
		})
	}
}

// TestBuildErrors: every bad request names the flag, the value and a fix
// (for unknown names, the list of known ones).
func TestBuildErrors(t *testing.T) {
	cases := []struct {
		name   string
		req    Request
		mutate func(o *Outputs)
		flag   string
		want   []string // substrings of the message
	}{
		{name: "unknown user", req: Request{User: "nobody", Topic: "payments.ledger", Role: RoleProducer},
			flag: "user", want: []string{`-user "nobody"`, "ledger-writer, ticker", "kafkaUsers"}},
		{name: "empty user", req: Request{Topic: "payments.ledger", Role: RoleProducer},
			flag: "user", want: []string{`-user ""`, "ledger-writer, ticker"}},
		{name: "unknown topic", req: Request{User: "ticker", Topic: "orders", Role: RoleProducer},
			flag: "topic", want: []string{`-topic "orders"`, "legacy.audit, payments.ledger, prices.ticks"}},
		{name: "topic with no class", req: Request{User: "ticker", Topic: "legacy.audit", Role: RoleProducer},
			flag: "topic", want: []string{`-topic "legacy.audit"`, "no class in kafkaClientSettings"}},
		{name: "consumer without zone", req: Request{User: "ticker", Topic: "prices.ticks", Role: RoleConsumer},
			flag: "zone", want: []string{"required for consumers", "-zone eu-west-1a", "-no-rack"}},
		{name: "both without zone", req: Request{User: "ticker", Topic: "prices.ticks"},
			flag: "zone", want: []string{"required for consumers"}},
		{name: "zone ID instead of name", req: Request{User: "ticker", Topic: "prices.ticks", Zone: "euw1-az2"},
			flag: "zone", want: []string{`"euw1-az2"`, "zone ID", "-zone eu-west-1a"}},
		{name: "zone of another region", req: Request{User: "ticker", Topic: "prices.ticks", Zone: "us-east-1a"},
			flag: "zone", want: []string{`"us-east-1a"`, "region eu-west-1"}},
		{name: "zone is the region", req: Request{User: "ticker", Topic: "prices.ticks", Zone: "eu-west-1"},
			flag: "zone", want: []string{"region eu-west-1"}},
		{name: "zone and no-rack", req: Request{User: "ticker", Topic: "prices.ticks", Zone: "eu-west-1a", NoRack: true},
			flag: "zone", want: []string{"-no-rack"}},
		{name: "zone with cross-region", req: Request{User: "ticker", Topic: "prices.ticks", Zone: "eu-west-1a", CrossRegion: true},
			flag: "zone", want: []string{"drop -zone"}},
		{name: "no cross-region listener", req: Request{User: "ticker", Topic: "prices.ticks", CrossRegion: true},
			mutate: func(o *Outputs) { o.BootstrapCrossRegion = "" },
			flag:   "cross-region", want: []string{"kafkaBootstrapCrossRegion", "internal bootstrap"}},
		{name: "unknown role", req: Request{User: "ticker", Topic: "prices.ticks", Role: "admin"},
			flag: "role", want: []string{`"admin"`, "producer, consumer or both"}},
		{name: "relative mount path", req: Request{User: "ticker", Topic: "prices.ticks", Role: RoleProducer, CADir: "certs"},
			flag: "ca-dir", want: []string{`"certs"`, "absolute"}},
		{name: "same mount path", req: Request{User: "ticker", Topic: "prices.ticks", Role: RoleProducer, CADir: "/etc/kafka", UserDir: "/etc/kafka"},
			flag: "user-dir", want: []string{"different paths"}},
		{name: "class contradicts mTLS", req: Request{User: "ticker", Topic: "payments.ledger", Role: RoleProducer},
			mutate: func(o *Outputs) { o.ClientSettings["durable"].Producer["security.protocol"] = "PLAINTEXT" },
			flag:   "outputs", want: []string{"security.protocol=PLAINTEXT", "class durable"}},
		{name: "unknown placeholder in class", req: Request{User: "ticker", Topic: "payments.ledger", Role: RoleProducer},
			mutate: func(o *Outputs) { o.ClientSettings["durable"].Producer["client.id"] = "<your app>" },
			flag:   "outputs", want: []string{"client.id=<your app>", "placeholder"}},
		{name: "secret user secret name", req: Request{User: "ticker", Topic: "prices.ticks", Role: RoleProducer},
			mutate: func(o *Outputs) { o.Users["ticker"] = "[secret]" },
			flag:   "outputs", want: []string{"kafkaUsers"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := fixture(t)
			if tc.mutate != nil {
				tc.mutate(o)
			}
			_, err := Build(o, tc.req)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.Flag != tc.flag {
				t.Errorf("flag = %s, want %s (%v)", e.Flag, tc.flag, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if e.Fix == "" {
				t.Errorf("error %q has no fix", err)
			}
		})
	}
}

func TestParseOutputs(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"not JSON", "kafkaUsers: x", "not a JSON object"},
		{"missing outputs", `{"kafkaUsers": {}, "kafkaTopics": []}`, "kafkaBootstrapInternal"},
		{"secret where a map belongs", `{"kafkaBootstrapInternal":"a:1","kafkaClusterCaSecret":"c","kafkaUsers":"[secret]","kafkaTopics":[],"kafkaClientSettings":{}}`, "stack outputs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseOutputs([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}
