package config

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const testBrokerImage = "000000000000.dkr.ecr.us-east-1.amazonaws.com/kafka-tiered@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// kafkaProblems parses the prod stack with overrides and returns the
// problems of this file's keys only (other sections are validated, and may
// be incomplete, elsewhere) plus the config when it parsed.
func kafkaProblems(t *testing.T, over map[string]string) (Problems, *Config) {
	t.Helper()
	vals := validProd()
	vals[keyBrokerImage.FullName()] = testBrokerImage
	for k, v := range over {
		vals[Project+":"+k] = v
	}
	c, err := Parse("prod", Source{Values: vals, Secret: map[string]bool{}})
	var ce *Error
	if err != nil && !errors.As(err, &ce) {
		t.Fatal(err)
	}
	var out Problems
	if ce != nil {
		for _, p := range ce.Problems {
			name := strings.TrimPrefix(p.Key, Project+":")
			for _, k := range []Key{keyKafkaNamespace, keyKafkaClusterName, keyReplicationFactor, keyMinISR, keyStrimziVersion, keyStrimziOperatorNamespace,
				keyDrainCleanerVersion, keyKafkaVersion, keyMetadataVersion, keyBrokerImage, keyBrokerCPUs, keyBrokerMemoryGiB, keyBrokerHeapGiB,
				keyBrokerJvmXX, keyNetworkThreads, keyIOThreads, keySocketBuffer, keyBrokerStorageGiB, keyControllerVolumeGiB, keyPlatformAdmins, keyTopics, keyUsers} {
				if strings.HasPrefix(name, k.Name) {
					out = append(out, p)
					break
				}
			}
		}
	}
	return out, c
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestKafkaDefaultsResolve(t *testing.T) {
	ps, _ := kafkaProblems(t, nil)
	if len(ps) > 0 {
		t.Fatalf("default Kafka config invalid: %v", ps)
	}
	// Resolution is checked on a config parsed without other sections'
	// problems: Parse returns no Config on error, so resolve directly.
	var p Problems
	c := &Config{}
	c.Nodes.Broker = NVMeInstanceTypes["i4i.4xlarge"]
	c.Nodes.BrokerInstanceType = "i4i.4xlarge"
	c.Nodes.Brokers = 6
	c.Nodes.ReservedSystemCPUs = "0-1"
	r := &reader{src: Source{Values: map[string]string{keyBrokerImage.FullName(): testBrokerImage}}, p: &p}
	c.Kafka.parse(r)
	c.Kafka.validate(c, &p)
	if len(p) > 0 {
		t.Fatal(p)
	}
	k := c.Kafka
	if k.BrokerCPUs != 12 || k.BrokerMemoryGiB != 112 || k.BrokerHeapGiB != 6 {
		t.Errorf("resolved broker resources cpu=%d mem=%d heap=%d, want 12/112/6 on i4i.4xlarge", k.BrokerCPUs, k.BrokerMemoryGiB, k.BrokerHeapGiB)
	}
	if k.BrokerStorageGiB != 2968 { // 3750 GB = 3492 GiB, 85%
		t.Errorf("storage limit %d GiB", k.BrokerStorageGiB)
	}
	if got := k.Topics["canary"]; got.Partitions != 6 || got.Replicas != 3 || got.MinInsyncReplicas != 2 || got.Tiered {
		t.Errorf("canary topic %+v: want one partition per broker, RF 3, min ISR 2, not tiered", got)
	}
	j := k.Topics["orders.journal"]
	if j.Class != TopicDurable || !j.Tiered || j.RetentionMs != SevenYearsMs || j.LocalRetentionMs >= j.RetentionMs {
		t.Errorf("journal %+v", j)
	}
	if k.Topics["marketdata.quotes"].Tiered || k.Topics["marketdata.quotes"].Class != TopicEphemeral {
		t.Errorf("market data must be ephemeral and local")
	}
	if d := k.DurableTopics(); strings.Join(d, ",") != "orders.journal,risk.positions" {
		t.Errorf("durable topics %v", d)
	}
	for _, u := range []string{"canary", "mirrormaker-dr", "order-management", "marketdata-gateway", "strategy-engine", "risk-aggregator"} {
		if _, ok := k.Users[u]; !ok {
			t.Errorf("default user %s missing", u)
		}
	}
	if !k.Users["mirrormaker-dr"].MirrorSource || len(k.Users["mirrormaker-dr"].Produce) > 0 {
		t.Error("mirrormaker-dr must be a read-only mirror source")
	}
}

func TestKafkaRejectsBadSpecs(t *testing.T) {
	topic := func(m map[string]TopicSpec) string {
		for k, v := range defaultTopics {
			if _, ok := m[k]; !ok {
				m[k] = v
			}
		}
		return jsonOf(m)
	}
	user := func(m map[string]UserSpec) string {
		for k, v := range defaultUsers {
			if _, ok := m[k]; !ok {
				m[k] = v
			}
		}
		return jsonOf(m)
	}
	cases := []struct {
		name    string
		over    map[string]string
		wantKey string
		wantIn  string
	}{
		{"replicas < 3", map[string]string{"kafkaTopics": topic(map[string]TopicSpec{"x": {Class: TopicStandard, Partitions: 3, Replicas: 2, MinInsyncReplicas: 1, RetentionMs: 1000}})}, "kafkaTopics.x.replicas", "at least 3"},
		{"min ISR < 2", map[string]string{"kafkaTopics": topic(map[string]TopicSpec{"x": {Class: TopicStandard, Partitions: 3, MinInsyncReplicas: 1, RetentionMs: 1000}})}, "kafkaTopics.x.minInsyncReplicas", "at least 2"},
		{"min ISR >= replicas", map[string]string{"kafkaTopics": topic(map[string]TopicSpec{"x": {Class: TopicStandard, Partitions: 3, Replicas: 3, MinInsyncReplicas: 3, RetentionMs: 1000}})}, "kafkaTopics.x.minInsyncReplicas", "less than replicas"},
		{"durable not tiered", map[string]string{"kafkaTopics": topic(map[string]TopicSpec{"x": {Class: TopicDurable, Partitions: 3, RetentionMs: 1000}})}, "kafkaTopics.x.tiered", "durable"},
		{"tiered without local < retention", map[string]string{"kafkaTopics": topic(map[string]TopicSpec{"x": {Class: TopicDurable, Partitions: 3, RetentionMs: 1000, Tiered: true, LocalRetentionMs: 1000}})}, "kafkaTopics.x.localRetentionMs", "less than retentionMs"},
		{"tiered without local", map[string]string{"kafkaTopics": topic(map[string]TopicSpec{"x": {Class: TopicDurable, Partitions: 3, RetentionMs: 1000, Tiered: true}})}, "kafkaTopics.x.localRetentionMs", "positive"},
		{"bad topic name", map[string]string{"kafkaTopics": topic(map[string]TopicSpec{"Orders_Journal": {Class: TopicStandard, Partitions: 3, RetentionMs: 1000}})}, "kafkaTopics.Orders_Journal", "lowercase"},
		{"bad class", map[string]string{"kafkaTopics": topic(map[string]TopicSpec{"x": {Class: "forever", Partitions: 3, RetentionMs: 1000}})}, "kafkaTopics.x.class", "durable, standard or ephemeral"},
		{"managed key in config", map[string]string{"kafkaTopics": topic(map[string]TopicSpec{"x": {Class: TopicStandard, Partitions: 3, RetentionMs: 1000, Config: map[string]string{"min.insync.replicas": "1"}}})}, "kafkaTopics.x.config.min.insync.replicas", "derived"},
		{"unknown field", map[string]string{"kafkaTopics": `{"x": {"class": "standard", "partitons": 3, "retentionMs": 1}}`}, "kafkaTopics", "unknown field"},
		{"unknown ACL topic", map[string]string{"kafkaUsers": user(map[string]UserSpec{"app": {Produce: []string{"orders.jornal"}}})}, "kafkaUsers.app.produce", "orders.jornal"},
		{"consumer without group", map[string]string{"kafkaUsers": user(map[string]UserSpec{"app": {Consume: []string{"canary"}}})}, "kafkaUsers.app.group", "consumer group"},
		{"mirror with writes", map[string]string{"kafkaUsers": user(map[string]UserSpec{"mm": {MirrorSource: true, Produce: []string{"canary"}}})}, "kafkaUsers.mm.mirrorSource", "no produce"},
		{"bad user name", map[string]string{"kafkaUsers": user(map[string]UserSpec{"App_1": {Produce: []string{"canary"}}})}, "kafkaUsers.App_1", "DNS label"},
		{"user without access", map[string]string{"kafkaUsers": user(map[string]UserSpec{"idle": {}})}, "kafkaUsers.idle", "produces, consumes or mirrors"},
		{"image by tag", map[string]string{"kafkaBrokerImage": "quay.io/strimzi/kafka:1.2.0-kafka-4.3.1"}, "kafkaBrokerImage", "digest"},
		{"image missing", map[string]string{"kafkaBrokerImage": ""}, "kafkaBrokerImage", "images/kafka-tiered"},
		{"too many cpus", map[string]string{"brokerCpus": "16"}, "brokerCpus", "2 to 12"},
		{"too much memory", map[string]string{"brokerMemoryGiB": "128"}, "brokerMemoryGiB", "8 to 112"},
		{"huge heap", map[string]string{"brokerHeapGiB": "64"}, "brokerHeapGiB", "quarter"},
		{"metadata version of another Kafka", map[string]string{"kafkaMetadataVersion": "4.2-IV1"}, "kafkaMetadataVersion", "Kafka 4.3"},
		{"v1beta2-era strimzi", map[string]string{"strimziVersion": "0.45.0"}, "strimziVersion", "1.x"},
		{"storage above NVMe", map[string]string{"brokerStorageSizeLimitGiB": "4000"}, "brokerStorageSizeLimitGiB", "NVMe"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ps, _ := kafkaProblems(t, tc.over)
			for _, p := range ps {
				if p.Key == Project+":"+tc.wantKey && strings.Contains(p.String(), tc.wantIn) {
					if p.Fix == "" {
						t.Errorf("problem without a fix: %v", p)
					}
					return
				}
			}
			t.Fatalf("want a problem on %s mentioning %q, got %v", tc.wantKey, tc.wantIn, ps)
		})
	}
}
