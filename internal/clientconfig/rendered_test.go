package clientconfig

import (
	"bytes"
	"encoding/json"
	"sort"
	"sync"
	"testing"

	"github.com/tradingfirm/kafka-platform/internal/offline"
)

var (
	prodOnce sync.Once
	prod     *offline.Rendered
	prodErr  error
)

// renderProd renders the prod stack in-process, as `make render` does, so
// these tests read what the stack exports today rather than a stale file.
func renderProd(t *testing.T) (*offline.Rendered, *Outputs) {
	t.Helper()
	prodOnce.Do(func() { prod, prodErr = offline.Render(offline.Options{Dir: "../..", Stack: "prod"}) })
	if prodErr != nil {
		t.Fatal(prodErr)
	}
	// Through JSON, exactly as `pulumi stack output --json` hands them over.
	b, err := json.Marshal(prod.Outputs)
	if err != nil {
		t.Fatal(err)
	}
	o, err := ParseOutputs(b)
	if err != nil {
		t.Fatal(err)
	}
	return prod, o
}

// aclPairs reads the rendered KafkaUser resources and returns, per user,
// the literal topics it may Write and Read: what the brokers will allow.
func aclPairs(t *testing.T, r *offline.Rendered) (write, read map[string][]string) {
	t.Helper()
	write, read = map[string][]string{}, map[string][]string{}
	n := 0
	for _, res := range r.Resources {
		if res.Type != "kubernetes:kafka.strimzi.io/v1:KafkaUser" {
			continue
		}
		n++
		b, err := json.Marshal(res.Inputs)
		if err != nil {
			t.Fatal(err)
		}
		var u struct {
			Metadata struct{ Name string }
			Spec     struct {
				Authorization struct {
					Acls []struct {
						Resource   struct{ Type, Name, PatternType string }
						Operations []string
					}
				}
			}
		}
		if err := json.Unmarshal(b, &u); err != nil {
			t.Fatal(err)
		}
		for _, a := range u.Spec.Authorization.Acls {
			if a.Resource.Type != "topic" || a.Resource.PatternType != "literal" {
				continue
			}
			for _, op := range a.Operations {
				switch op {
				case "Write":
					write[u.Metadata.Name] = append(write[u.Metadata.Name], a.Resource.Name)
				case "Read":
					read[u.Metadata.Name] = append(read[u.Metadata.Name], a.Resource.Name)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no KafkaUser in the prod render")
	}
	return write, read
}

// TestEveryACLPairYieldsConfig: for every user/topic pair the rendered ACLs
// allow, the tool resolves a configuration from the rendered outputs, with
// the user's own Secret, the role's class settings and client.rack for
// consumers. If the stack renamed an output, dropped a topic from
// kafkaClientSettings or changed Secret naming, this fails.
func TestEveryACLPairYieldsConfig(t *testing.T) {
	r, o := renderProd(t)
	write, read := aclPairs(t, r)
	if len(write) == 0 || len(read) == 0 {
		t.Fatalf("ACLs give no producers (%v) or no consumers (%v)", write, read)
	}
	zone := o.Region + "b"
	check := func(user, topic string, role Role) {
		t.Helper()
		req := Request{User: user, Topic: topic, Role: role}
		if role == RoleConsumer {
			req.Zone = zone
		}
		c, err := Build(o, req)
		if err != nil {
			t.Errorf("%s %s %s: %v", user, role, topic, err)
			return
		}
		if c.BootstrapServers != r.Outputs[OutBootstrapInternal] {
			t.Errorf("%s: bootstrap %q, want the stack's %v", user, c.BootstrapServers, r.Outputs[OutBootstrapInternal])
		}
		if c.Mounts[1].Secret != user {
			t.Errorf("%s: user Secret %q, want %q (Strimzi names a KafkaUser's Secret after it)", user, c.Mounts[1].Secret, user)
		}
		if c.Mounts[0].Secret != r.Config.Kafka.ClusterName+"-cluster-ca-cert" {
			t.Errorf("%s: CA Secret %q", user, c.Mounts[0].Secret)
		}
		if role == RoleConsumer && c.Consumer["client.rack"] != zone {
			t.Errorf("%s consuming %s: client.rack = %q, want %s", user, topic, c.Consumer["client.rack"], zone)
		}
		if role == RoleProducer && c.Producer == nil {
			t.Errorf("%s producing %s: no producer settings", user, topic)
		}
		for _, f := range Formats {
			if role == RoleBoth && f == FormatProperties {
				continue
			}
			if _, err := c.Render(f); err != nil {
				t.Errorf("%s %s %s as %s: %v", user, role, topic, f, err)
			}
		}
	}
	users := keys(write)
	for _, u := range keys(read) {
		if _, ok := write[u]; !ok {
			users = append(users, u)
		}
	}
	sort.Strings(users)
	for _, u := range users {
		for _, topic := range write[u] {
			check(u, topic, RoleProducer)
		}
		for _, topic := range read[u] {
			check(u, topic, RoleConsumer)
		}
	}
	// Every exported user resolves, and every exported topic has a class.
	for u := range o.Users {
		if _, ok := r.Config.Kafka.Users[u]; !ok {
			t.Errorf("kafkaUsers exports %s, which is not a configured user", u)
		}
	}
	for _, topic := range o.Topics {
		if _, _, ok := classOf(o, topic); !ok {
			t.Errorf("topic %s has no class in the rendered kafkaClientSettings", topic)
		}
	}
}

// TestJournalSettings pins what the order journal's clients must get from
// the real stack: an acknowledged write on min.insync replicas with no
// duplicates on retry, and consumers that never see aborted transactions.
func TestJournalSettings(t *testing.T) {
	_, o := renderProd(t)
	c, err := Build(o, Request{User: "order-management", Topic: "orders.journal", Zone: o.Region + "a"})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"acks": "all", "enable.idempotence": "true"} {
		if c.Producer[k] != v {
			t.Errorf("journal producer %s = %q, want %q", k, c.Producer[k], v)
		}
	}
	if c.Consumer["isolation.level"] != "read_committed" {
		t.Errorf("journal consumer isolation.level = %q, want read_committed", c.Consumer["isolation.level"])
	}
	if c.Common["security.protocol"] != "SSL" || c.Class != "durable" {
		t.Errorf("journal: class %s, security.protocol %s", c.Class, c.Common["security.protocol"])
	}
	b, err := c.Render(FormatProperties)
	if err != nil {
		t.Fatal(err)
	}
	props := parseProperties(t, b)
	if props["acks"] != "all" || props["client.rack"] != o.Region+"a" {
		t.Errorf("rendered properties: acks=%q client.rack=%q\n%s", props["acks"], props["client.rack"], b)
	}
	// The cross-region listener prod exports works too.
	x, err := Build(o, Request{User: "mirrormaker-dr", Topic: "orders.journal", Role: RoleConsumer, CrossRegion: true})
	if err != nil {
		t.Fatal(err)
	}
	if x.BootstrapServers != o.BootstrapCrossRegion || x.BootstrapServers == o.BootstrapInternal {
		t.Errorf("cross-region bootstrap = %q", x.BootstrapServers)
	}
}

// TestRenderedOutputsCarryNoSecrets: the tool never needs a secret output;
// no secret the render handled and no "[secret]" placeholder reaches a
// rendered configuration.
func TestRenderedOutputsCarryNoSecrets(t *testing.T) {
	r, o := renderProd(t)
	if len(r.SecretValues) == 0 {
		t.Fatal("the prod render handled no secrets: this test would check nothing")
	}
	for _, role := range []Role{RoleProducer, RoleConsumer} {
		c, err := Build(o, Request{User: "risk-aggregator", Topic: "orders.journal", Role: role, Zone: o.Region + "a"})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range Formats {
			b, err := c.Render(f)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(secretPlaceholder)) {
				t.Errorf("%s %s output contains %s", role, f, secretPlaceholder)
			}
			for _, s := range r.SecretValues {
				if s != "" && bytes.Contains(b, []byte(s)) {
					t.Errorf("%s %s output contains a secret value", role, f)
				}
			}
		}
	}
}
