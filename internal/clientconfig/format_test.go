package clientconfig

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// parseProperties reads key=value lines the way java.util.Properties does
// for the subset Render writes (comments, blank lines, escaped backslashes).
func parseProperties(t *testing.T, b []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("line %q is not key=value", line)
		}
		if old, dup := out[k]; dup && old != v {
			t.Fatalf("%s set twice (%q, %q)", k, old, v)
		}
		out[k] = strings.ReplaceAll(v, `\\`, `\`)
	}
	return out
}

func TestRenderProperties(t *testing.T) {
	c, err := Build(fixture(t), Request{User: "ledger-writer", Topic: "payments.ledger", Zone: "eu-west-1c"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Render(FormatProperties)
	if err != nil {
		t.Fatal(err)
	}
	got := parseProperties(t, b)
	want := map[string]string{}
	for _, m := range []map[string]string{c.Common, c.Producer, c.Consumer} {
		for k, v := range m {
			want[k] = v
		}
	}
	if len(got) != len(want) {
		t.Errorf("properties have %d keys, config %d:\n%s", len(got), len(want), b)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	for _, w := range []string{"# mount Secret events-cluster-ca-cert at /etc/kafka/ca", "# mount Secret ledger-writer at /etc/kafka/user", "# producer: class durable", "# consumer: class durable"} {
		if !bytes.Contains(b, []byte(w+"\n")) {
			t.Errorf("properties lack %q:\n%s", w, b)
		}
	}
	// Deterministic: the same request renders the same bytes.
	for i := 0; i < 5; i++ {
		c2, _ := Build(fixture(t), Request{User: "ledger-writer", Topic: "payments.ledger", Zone: "eu-west-1c"})
		b2, _ := c2.Render(FormatProperties)
		if !bytes.Equal(b, b2) {
			t.Fatalf("render %d differs:\n%s\n---\n%s", i, b, b2)
		}
	}
	// Sorted within the common section.
	var prev string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "# producer") {
			break
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, _, _ := strings.Cut(line, "=")
		if k < prev {
			t.Errorf("%q after %q: not sorted", k, prev)
		}
		prev = k
	}
}

// With both roles, a key the two roles set differently cannot share one file.
func TestRenderPropertiesConflict(t *testing.T) {
	c, err := Build(fixture(t), Request{User: "ticker", Topic: "prices.ticks", Zone: "eu-west-1a"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Render(FormatProperties)
	var e *Error
	if !errors.As(err, &e) || e.Flag != "role" || !strings.Contains(err.Error(), "reconnect.backoff.ms") {
		t.Fatalf("err = %v, want a -role error naming reconnect.backoff.ms", err)
	}
	c, err = Build(fixture(t), Request{User: "ticker", Topic: "prices.ticks", Role: RoleProducer})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Render(FormatProperties)
	if err != nil {
		t.Fatal(err)
	}
	if got := parseProperties(t, b)["reconnect.backoff.ms"]; got != "100" {
		t.Errorf("producer reconnect.backoff.ms = %q, want 100", got)
	}
}

func TestRenderEnv(t *testing.T) {
	c, err := Build(fixture(t), Request{User: "ticker", Topic: "prices.ticks", Zone: "eu-west-1a"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Render(FormatEnv)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"KAFKA_BOOTSTRAP_SERVERS='events-kafka-bootstrap.streaming.svc:9093'",
		"KAFKA_SSL_KEYSTORE_PASSWORD='${secrets:/etc/kafka/user:user.password}'",
		"KAFKA_PRODUCER_RECONNECT_BACKOFF_MS='100'",
		"KAFKA_CONSUMER_RECONNECT_BACKOFF_MS='50'",
		"KAFKA_CONSUMER_CLIENT_RACK='eu-west-1a'",
		"KAFKA_TLS_CA_CERT='/etc/kafka/ca/ca.crt'",
		"KAFKA_TLS_USER_KEY='/etc/kafka/user/user.key'",
		"KAFKA_TOPIC='prices.ticks'",
	} {
		if !bytes.Contains(b, []byte(w+"\n")) {
			t.Errorf("env lacks %s:\n%s", w, b)
		}
	}
	var prev string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		k, _, _ := strings.Cut(line, "=")
		if k < prev {
			t.Errorf("%q after %q: not sorted", k, prev)
		}
		prev = k
	}
	if got := shellQuote("it's"); got != `'it'\''s'` {
		t.Errorf("shellQuote = %s", got)
	}
}

func TestRenderJSON(t *testing.T) {
	c, err := Build(fixture(t), Request{User: "ledger-writer", Topic: "payments.ledger", Role: RoleProducer})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Render(FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.TLS.UserKey != "/etc/kafka/user/user.key" || back.TLS.CACert != "/etc/kafka/ca/ca.crt" || back.Producer["acks"] != "all" || back.Consumer != nil {
		t.Errorf("round trip lost data: %+v", back)
	}
	if _, err := c.Render("yaml"); err == nil || !strings.Contains(err.Error(), "properties, env or json") {
		t.Errorf("unknown format: err = %v", err)
	}
}
