package strimzi

import (
	"maps"
	"slices"
)

// ClientSettings are the recommended client properties for one topic class,
// published as a stack output for app teams (docs/app-teams.md).
type ClientSettings struct {
	// Topics of this class.
	Topics []string `json:"topics"`
	// Producer and Consumer are Kafka client properties. "client.rack" is
	// a template: the zone of the node the client runs on.
	Producer map[string]string `json:"producer"`
	Consumer map[string]string `json:"consumer"`
}

// ZoneTemplate stands for the client's own zone in client.rack.
const ZoneTemplate = "<zone of the client's node: topology.kubernetes.io/zone>"

func common() map[string]string {
	return map[string]string{
		"security.protocol":    "SSL",
		"ssl.keystore.type":    "PKCS12",
		"ssl.truststore.type":  "PKCS12",
		"client.dns.lookup":    "use_all_dns_ips",
		"reconnect.backoff.ms": "50",
	}
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// ClientSettingsFor returns the settings per topic class that has topics.
func ClientSettingsFor(a Args) map[string]ClientSettings {
	consumer := merge(common(), map[string]string{
		// Follower fetching: read from a replica in the client's zone.
		"client.rack": ZoneTemplate,
		// Return as soon as one byte is there: latency over batching.
		"fetch.min.bytes":   "1",
		"fetch.max.wait.ms": "100",
	})
	classes := map[TopicClass]ClientSettings{
		Durable: {
			// Order events: an acknowledged write is on two zones and never
			// duplicated by a retry; each event leaves immediately.
			Producer: merge(common(), map[string]string{
				"acks": "all", "enable.idempotence": "true", "max.in.flight.requests.per.connection": "5",
				"linger.ms": "0", "compression.type": "lz4", "delivery.timeout.ms": "30000",
			}),
			// Transactional writers commit atomically; readers must not see aborted records.
			Consumer: merge(consumer, map[string]string{"isolation.level": "read_committed", "enable.auto.commit": "false"}),
		},
		Standard: {
			Producer: merge(common(), map[string]string{
				"acks": "all", "enable.idempotence": "true", "linger.ms": "1", "compression.type": "lz4",
			}),
			Consumer: consumer,
		},
		Ephemeral: {
			// Quotes: the leader's acknowledgement is enough (a lost quote is
			// superseded by the next); a 1 ms linger batches bursts so the
			// broker sees fewer, larger requests at the open.
			Producer: merge(common(), map[string]string{
				"acks": "1", "enable.idempotence": "false", "linger.ms": "1", "compression.type": "lz4", "batch.size": "65536",
			}),
			Consumer: merge(consumer, map[string]string{"auto.offset.reset": "latest"}),
		},
	}
	out := map[string]ClientSettings{}
	for _, n := range slices.Sorted(maps.Keys(a.Topics)) {
		c := a.Topics[n].Class
		s := classes[c]
		s.Topics = append(s.Topics, n)
		classes[c] = s
		out[string(c)] = s
	}
	return out
}
