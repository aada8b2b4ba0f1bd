package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Defaults with where they come from.
const (
	// DefaultStrimziVersion is the Strimzi release this program is written
	// and tested for (its CRDs are in shared/strimzi/1.2.0/crds).
	DefaultStrimziVersion = "1.2.0"
	// DefaultDrainCleanerVersion is the Drain Cleaner release that ships with
	// Strimzi 1.2.0.
	DefaultDrainCleanerVersion = "1.6.1"
	// DefaultKafkaVersion and DefaultMetadataVersion are the newest Kafka
	// Strimzi 1.2.0 supports and its KRaft metadata version.
	DefaultKafkaVersion    = "4.3.1"
	DefaultMetadataVersion = "4.3-IV0"
	// DefaultBrokerHeapGiB is the heap LinkedIn and Confluent recommend for
	// brokers: 6 GiB holds the request and replica-fetch working set; the
	// rest of the node's memory is page cache, where Kafka actually serves
	// reads from.
	DefaultBrokerHeapGiB = 6
	// DaemonSetCPUHeadroom is whole CPUs left on a broker node, beyond the
	// reserved system CPUs, for the DaemonSets (VPC CNI, kube-proxy, EBS CSI
	// node, node exporter) that also request CPU.
	DaemonSetCPUHeadroom = 2
	// NodeMemoryHeadroomGiB is memory left on a broker node for the kubelet
	// eviction threshold, system daemons and DaemonSets.
	NodeMemoryHeadroomGiB = 16
	// SevenYearsMs is 2557 days (seven years incl. leap days): SEC 17a-4 and
	// MiFID II record keeping for order records.
	SevenYearsMs int64 = 2557 * 24 * 3600 * 1000
	hourMs       int64 = 3600 * 1000
	dayMs              = 24 * hourMs
)

// TopicClass says how a topic is treated: durability, tiering, mirroring and
// the client settings app teams get.
type TopicClass string

// Topic classes.
const (
	// TopicDurable: records of business (the order journal). Tiered to S3,
	// mirrored to DR, clients use acks=all with idempotence.
	TopicDurable TopicClass = "durable"
	// TopicStandard: important but re-derivable feeds. Local only, not
	// mirrored, acks=all.
	TopicStandard TopicClass = "standard"
	// TopicEphemeral: high-rate fan-out (market data) that is useless a few
	// minutes later. Short retention, not tiered, not mirrored, acks=1.
	TopicEphemeral TopicClass = "ephemeral"
)

// TopicClasses lists the classes in a stable order.
var TopicClasses = []TopicClass{TopicDurable, TopicStandard, TopicEphemeral}

// TopicSpec is one entry of the kafkaTopics key.
type TopicSpec struct {
	// Class is durable, standard or ephemeral.
	Class TopicClass `json:"class"`
	// Partitions; 0 means one per broker (the canary's layout).
	Partitions int `json:"partitions"`
	// Replicas; 0 means replicationFactor.
	Replicas int `json:"replicas,omitempty"`
	// MinInsyncReplicas; 0 means minInsyncReplicas.
	MinInsyncReplicas int `json:"minInsyncReplicas,omitempty"`
	// RetentionMs is the total retention (local plus remote), -1 forever.
	RetentionMs int64 `json:"retentionMs"`
	// Tiered copies closed segments to S3 (remote.storage.enable).
	Tiered bool `json:"tiered,omitempty"`
	// LocalRetentionMs is how long segments stay on the broker's NVMe when
	// tiered (local.retention.ms); required when Tiered.
	LocalRetentionMs int64 `json:"localRetentionMs,omitempty"`
	// Config are extra topic settings (e.g. "segment.bytes"); they may not
	// override the keys above.
	Config map[string]string `json:"config,omitempty"`
}

// UserQuotas are Kafka client quotas; 0 means no quota.
type UserQuotas struct {
	// ProducerByteRate in bytes per second per broker.
	ProducerByteRate int64 `json:"producerByteRate,omitempty"`
	// ConsumerByteRate in bytes per second per broker.
	ConsumerByteRate int64 `json:"consumerByteRate,omitempty"`
	// RequestPercentage of a broker's request threads (100 = one thread).
	RequestPercentage int `json:"requestPercentage,omitempty"`
}

// UserSpec is one entry of the kafkaUsers key: what the client does, from
// which the least-privilege ACLs are derived (platform/strimzi).
type UserSpec struct {
	// Produce lists topics the user writes (Write, Describe).
	Produce []string `json:"produce,omitempty"`
	// Consume lists topics the user reads (Read, Describe); needs Group.
	Consume []string `json:"consume,omitempty"`
	// Group is the consumer group the user commits offsets in (Read).
	Group string `json:"group,omitempty"`
	// GroupPrefix makes Group a prefix (one group per instance, e.g. "strategy-").
	GroupPrefix bool `json:"groupPrefix,omitempty"`
	// Transactional producers get Write/Describe on transactional IDs
	// prefixed with the user name.
	Transactional bool `json:"transactional,omitempty"`
	// MirrorSource is the DR MirrorMaker 2 source-side user: read-only on
	// every durable topic, Describe on groups and the cluster.
	MirrorSource bool `json:"mirrorSource,omitempty"`
	// Quotas limit the user.
	Quotas UserQuotas `json:"quotas,omitempty"`
}

// Default topics: the trading set.
var defaultTopics = map[string]TopicSpec{
	// Records of business: every acknowledged order event kept seven years,
	// six hours on NVMe (a trading day's replays stay local), the rest on S3.
	"orders.journal": {Class: TopicDurable, Partitions: 24, RetentionMs: SevenYearsMs, Tiered: true, LocalRetentionMs: 6 * hourMs},
	// Positions published by the risk aggregator: mirrored so DR risk starts
	// warm; 90 days covers quarterly reconciliation.
	"risk.positions": {Class: TopicDurable, Partitions: 12, RetentionMs: 90 * dayMs, Tiered: true, LocalRetentionMs: 6 * hourMs},
	// Quote fan-out: worthless after the session, re-derivable from venues.
	"marketdata.quotes": {Class: TopicEphemeral, Partitions: 48, RetentionMs: hourMs},
	// End-to-end latency canary: one partition per broker so every broker
	// leads one and is measured; an hour is enough to debug a bad minute.
	"canary": {Class: TopicEphemeral, Partitions: 0, RetentionMs: hourMs},
}

// Default users: the trading applications, the DR mirror and the canary.
var defaultUsers = map[string]UserSpec{
	"marketdata-gateway": {Produce: []string{"marketdata.quotes"}},
	"strategy-engine":    {Consume: []string{"marketdata.quotes"}, Group: "strategy-", GroupPrefix: true},
	"order-management":   {Produce: []string{"orders.journal"}, Transactional: true},
	"risk-aggregator":    {Consume: []string{"orders.journal"}, Group: "risk-aggregator", Produce: []string{"risk.positions"}},
	"mirrormaker-dr":     {MirrorSource: true},
	"canary":             {Produce: []string{"canary"}, Consume: []string{"canary"}, Group: "canary-", GroupPrefix: true},
}

var (
	keyKafkaNamespace = define(Key{Name: "kafkaNamespace", Type: String, Default: "kafka",
		Description: "Kubernetes namespace of the Kafka cluster, its topics, users and node pools."})
	keyKafkaClusterName = define(Key{Name: "kafkaClusterName", Type: String, Default: "trading",
		Description: "Name of the Strimzi Kafka resource. Strimzi derives pod, service, secret and service-account names from it (the brokers' IRSA service account is `<name>-kafka`). Changing it replaces the cluster."})
	keyReplicationFactor = define(Key{Name: "replicationFactor", Type: Integer, Default: 3,
		Description: "default.replication.factor and the replication of internal topics. 3: one replica per zone."})
	keyMinISR = define(Key{Name: "minInsyncReplicas", Type: Integer, Default: 2,
		Description: "min.insync.replicas: acks=all writes need this many replicas in sync. 2 with RF 3 survives one zone down without losing acknowledged writes."})
	keyStrimziVersion = define(Key{Name: "strimziVersion", Type: String, Default: DefaultStrimziVersion,
		Description: "Version of the Strimzi operator Helm chart (oci://quay.io/strimzi-helm/strimzi-kafka-operator). 1.2.0: the release whose v1 CRDs this program is validated against; upgrade together with the code."})
	keyStrimziOperatorNamespace = define(Key{Name: "strimziOperatorNamespace", Type: String, Default: "strimzi",
		Description: "Namespace of the Strimzi cluster operator and Drain Cleaner, separate from the Kafka namespace so the operator's RBAC and upgrades are isolated from the data plane."})
	keyDrainCleanerVersion = define(Key{Name: "drainCleanerVersion", Type: String, Default: DefaultDrainCleanerVersion,
		Description: "Version of the Strimzi Drain Cleaner Helm chart (oci://quay.io/strimzi-helm/strimzi-drain-cleaner). 1.6.1 ships with Strimzi 1.2.0."})
	keyCertManagerVersion = define(Key{Name: "certManagerVersion", Type: String, Default: "v1.19.2",
		Description: "Version of the cert-manager Helm chart (https://charts.jetstack.io) installed for the Drain Cleaner webhook's certificate, which cert-manager renews automatically. v1.19.2 (December 2025) is the latest patch of the 1.19 line this was checked against. Empty: cert-manager is already installed in the cluster and is not managed here."})
	keyKafkaVersion = define(Key{Name: "kafkaVersion", Type: String, Default: DefaultKafkaVersion,
		Description: "Kafka version the brokers run (Kafka.spec.kafka.version). 4.3.1 is the newest Strimzi 1.2.0 supports; the broker image must be built from the same version."})
	keyMetadataVersion = define(Key{Name: "kafkaMetadataVersion", Type: String, Default: DefaultMetadataVersion,
		Description: "KRaft metadata version, pinned so that an operator or Kafka upgrade never bumps it implicitly (downgrading metadata is not always possible). Bump it in its own change after the new version has soaked."})
	keyBrokerImage = define(Key{Name: "kafkaBrokerImage", Type: String, Default: "",
		Description: "Broker image with the tiered-storage plugin, pinned by digest: `<registry>/<repo>@sha256:<64 hex>` (built from images/kafka-tiered). Required: the stock Strimzi image has no S3 RemoteStorageManager."})
	keyBrokerCPUs = define(Key{Name: "brokerCpus", Type: Integer, Default: 0,
		Description: "Whole CPUs per broker (requests = limits, so the static CPU manager pins them). 0: the broker type's vCPUs minus reservedSystemCpus minus 2 for DaemonSets (12 on i4i.4xlarge)."})
	keyBrokerMemoryGiB = define(Key{Name: "brokerMemoryGiB", Type: Integer, Default: 0,
		Description: "Memory per broker in GiB (requests = limits). The page cache of the broker's files is charged to its cgroup, so this bounds the cache too: keep it large. 0: the type's memory minus 16 GiB for kubelet, eviction threshold and DaemonSets (112 on i4i.4xlarge)."})
	keyBrokerHeapGiB = define(Key{Name: "brokerHeapGiB", Type: Integer, Default: DefaultBrokerHeapGiB,
		Description: "Broker JVM heap (-Xms = -Xmx) in GiB. 6: the commonly recommended broker heap; Kafka serves from the page cache, so more heap only lengthens GC. At most a quarter of brokerMemoryGiB."})
	keyBrokerJvmXX = define(Key{Name: "brokerJvmXX", Type: Object, Default: map[string]string{
		// G1 with a 20 ms pause target: Kafka's own kafka-run-class default, and the
		// target that keeps produce p99 in single-digit milliseconds with a 6 GiB heap.
		"UseG1GC":          "true",
		"MaxGCPauseMillis": "20",
		// Start concurrent marking early so a mixed collection never has to wait for a full GC.
		"InitiatingHeapOccupancyPercent": "35",
		// System.gc() from NIO buffer cleanup must not stop the world.
		"ExplicitGCInvokesConcurrent": "true",
		// Touch the heap at start so page faults never happen on the request path.
		"AlwaysPreTouch": "true",
	}, Description: "Broker -XX JVM flags (name to value; \"true\"/\"false\" become +/-). Defaults: G1, MaxGCPauseMillis 20, InitiatingHeapOccupancyPercent 35, ExplicitGCInvokesConcurrent, AlwaysPreTouch; each justified in internal/config/kafka.go."})
	keyNetworkThreads = define(Key{Name: "kafkaNumNetworkThreads", Type: Integer, Default: 4,
		Description: "num.network.threads per broker. 4 with 8 I/O threads fills 12 pinned CPUs without oversubscribing them (context switches are latency)."})
	keyIOThreads = define(Key{Name: "kafkaNumIoThreads", Type: Integer, Default: 8,
		Description: "num.io.threads per broker (request handlers; NVMe needs few). 8 is Kafka's default and matches the CPU budget above."})
	keySocketBuffer = define(Key{Name: "kafkaSocketBufferBytes", Type: Integer, Default: 1048576,
		Description: "socket.send/receive.buffer.bytes and replica.socket.receive.buffer.bytes. 1 MiB (Kafka's 100 KiB default throttles cross-AZ replication at tens of Gb/s); the node's net.core.[rw]mem_max (16 MiB) bounds it."})
	keyBrokerStorageGiB = define(Key{Name: "brokerStorageSizeLimitGiB", Type: Integer, Default: 0,
		Description: "Size limit of each broker's ephemeral (emptyDir on the NVMe RAID0) log volume in GiB. 0: 85% of the broker type's NVMe capacity (the rest holds images, logs and filesystem overhead). Local retention of tiered topics and retention of the others must fit."})
	keyControllerVolumeGiB = define(Key{Name: "controllerVolumeSizeGiB", Type: Integer, Default: 20,
		Description: "gp3 volume per KRaft controller (metadata log and snapshots). 20 GiB: metadata for hundreds of thousands of partitions is a few GiB."})
	keyPlatformAdmins = define(Key{Name: "kafkaPlatformAdmins", Type: Array, Default: []string{},
		Description: "KafkaUser names (certificate CNs) of platform administrators, made Kafka super users. Strimzi adds its own components itself; nobody else bypasses ACLs."})
	keyTopics = define(Key{Name: "kafkaTopics", Type: Object, Default: defaultTopics,
		Description: "Topics by name: {class: durable|standard|ephemeral, partitions (0 = one per broker), replicas, minInsyncReplicas (0 = cluster defaults), retentionMs, tiered, localRetentionMs, config}. Defaults: orders.journal (durable, seven years, tiered), risk.positions (durable), marketdata.quotes (ephemeral), canary. Replace the whole map to change one: list every topic."})
	keyUsers = define(Key{Name: "kafkaUsers", Type: Object, Default: defaultUsers,
		Description: "mTLS client identities by name: {produce: [topics], consume: [topics], group, groupPrefix, transactional, mirrorSource, quotas: {producerByteRate, consumerByteRate, requestPercentage}}. ACLs are derived least-privilege from these. Defaults: marketdata-gateway, strategy-engine, order-management, risk-aggregator, mirrormaker-dr, canary."})
)

// KafkaConfig is the Kafka cluster.
type KafkaConfig struct {
	// Namespace holds the cluster.
	Namespace string
	// ClusterName is the Strimzi Kafka name.
	ClusterName string
	// ReplicationFactor and MinISR are cluster-wide defaults.
	ReplicationFactor int
	MinISR            int
	// StrimziVersion and DrainCleanerVersion are Helm chart versions;
	// OperatorNamespace holds both.
	StrimziVersion      string
	DrainCleanerVersion string
	OperatorNamespace   string
	// CertManagerVersion is the cert-manager chart; empty: preinstalled.
	CertManagerVersion string
	// KafkaVersion and MetadataVersion are pinned.
	KafkaVersion    string
	MetadataVersion string
	// BrokerImage is registry/repo@sha256:digest.
	BrokerImage string
	// BrokerCPUs and BrokerMemoryGiB are the resolved (never 0) Guaranteed
	// resources of one broker; BrokerHeapGiB the heap.
	BrokerCPUs      int
	BrokerMemoryGiB int
	BrokerHeapGiB   int
	// BrokerJvmXX are -XX flags.
	BrokerJvmXX map[string]string
	// NetworkThreads, IOThreads and SocketBufferBytes tune the brokers.
	NetworkThreads    int
	IOThreads         int
	SocketBufferBytes int
	// BrokerStorageGiB is the resolved ephemeral size limit.
	BrokerStorageGiB int
	// ControllerVolumeGiB is each controller's gp3 volume.
	ControllerVolumeGiB int
	// PlatformAdmins become super users.
	PlatformAdmins []string
	// Topics and Users by name (partitions, replicas and min ISR resolved).
	Topics map[string]TopicSpec
	Users  map[string]UserSpec
}

// BrokerServiceAccount is the service account Strimzi creates for brokers:
// the subject the broker IRSA role trusts.
func (k KafkaConfig) BrokerServiceAccount() string { return k.ClusterName + "-kafka" }

// TopicNames returns topic names sorted.
func (k KafkaConfig) TopicNames() []string { return slices.Sorted(maps.Keys(k.Topics)) }

// UserNames returns user names sorted.
func (k KafkaConfig) UserNames() []string { return slices.Sorted(maps.Keys(k.Users)) }

// DurableTopics are the topics of class durable, sorted: what DR mirrors.
func (k KafkaConfig) DurableTopics() []string {
	var out []string
	for _, n := range k.TopicNames() {
		if k.Topics[n].Class == TopicDurable {
			out = append(out, n)
		}
	}
	return out
}

var (
	dnsLabelRe = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	// imageDigestRe is registry[:port]/repo[/...]@sha256:<64 hex>.
	imageDigestRe = regexp.MustCompile(`^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$`)
	semverRe      = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)
	metadataVerRe = regexp.MustCompile(`^[0-9]+\.[0-9]+-IV[0-9]+$`)
	// topicNameRe: Kafka allows [a-zA-Z0-9._-]; the KafkaTopic resource is
	// named after the topic, so it must also be a DNS subdomain.
	topicNameRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]{0,198}[a-z0-9])?$`)
	// userNameRe: the KafkaUser and its Secret are named after the user.
	userNameRe  = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,48}[a-z0-9])?$`)
	groupNameRe = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)
)

// managedTopicKeys are topic settings derived from TopicSpec fields.
var managedTopicKeys = []string{"retention.ms", "local.retention.ms", "remote.storage.enable", "min.insync.replicas"}

func (k *KafkaConfig) parse(r *reader) {
	k.Namespace = r.str(keyKafkaNamespace)
	k.ClusterName = r.str(keyKafkaClusterName)
	k.ReplicationFactor = r.integer(keyReplicationFactor)
	k.MinISR = r.integer(keyMinISR)
	k.StrimziVersion = r.str(keyStrimziVersion)
	k.OperatorNamespace = r.str(keyStrimziOperatorNamespace)
	k.DrainCleanerVersion = r.str(keyDrainCleanerVersion)
	k.CertManagerVersion = r.str(keyCertManagerVersion)
	k.KafkaVersion = r.str(keyKafkaVersion)
	k.MetadataVersion = r.str(keyMetadataVersion)
	k.BrokerImage = r.str(keyBrokerImage)
	k.BrokerCPUs = r.integer(keyBrokerCPUs)
	k.BrokerMemoryGiB = r.integer(keyBrokerMemoryGiB)
	k.BrokerHeapGiB = r.integer(keyBrokerHeapGiB)
	k.BrokerJvmXX = map[string]string{}
	r.object(keyBrokerJvmXX, &k.BrokerJvmXX)
	k.NetworkThreads = r.integer(keyNetworkThreads)
	k.IOThreads = r.integer(keyIOThreads)
	k.SocketBufferBytes = r.integer(keySocketBuffer)
	k.BrokerStorageGiB = r.integer(keyBrokerStorageGiB)
	k.ControllerVolumeGiB = r.integer(keyControllerVolumeGiB)
	k.PlatformAdmins = r.strings(keyPlatformAdmins)
	k.Topics = map[string]TopicSpec{}
	r.object(keyTopics, &k.Topics)
	k.Users = map[string]UserSpec{}
	r.object(keyUsers, &k.Users)
}

func (k *KafkaConfig) validate(c *Config, p *Problems) {
	if !dnsLabelRe.MatchString(k.Namespace) {
		p.Add(keyKafkaNamespace.Name, k.Namespace, "a DNS label (lowercase letters, digits, dashes)", "fix the namespace")
	}
	if !dnsLabelRe.MatchString(k.OperatorNamespace) || k.OperatorNamespace == k.Namespace {
		p.Add(keyStrimziOperatorNamespace.Name, k.OperatorNamespace, "a DNS label different from kafkaNamespace", "use e.g. strimzi")
	}
	if !dnsLabelRe.MatchString(k.ClusterName) || len(k.ClusterName) > 40 {
		p.Add(keyKafkaClusterName.Name, k.ClusterName, "a DNS label of at most 40 characters (Strimzi appends suffixes)", "use e.g. trading")
	}
	if k.ReplicationFactor < 3 {
		p.Addf(keyReplicationFactor.Name, k.ReplicationFactor, "at least 3 (one replica per zone)", "set replicationFactor to 3")
	}
	if k.MinISR < 2 {
		p.Addf(keyMinISR.Name, k.MinISR, "at least 2 (an acknowledged write must exist on two zones)", "set minInsyncReplicas to 2")
	}
	if k.MinISR >= k.ReplicationFactor {
		p.Addf(keyMinISR.Name, k.MinISR, fmt.Sprintf("less than replicationFactor (%d), or one replica down blocks every acks=all write", k.ReplicationFactor),
			fmt.Sprintf("set minInsyncReplicas to %d", k.ReplicationFactor-1))
	}
	if c.Nodes.Brokers > 0 && k.ReplicationFactor > c.Nodes.Brokers {
		p.Addf(keyReplicationFactor.Name, k.ReplicationFactor, fmt.Sprintf("at most the broker count (%d)", c.Nodes.Brokers),
			"add brokers or lower the replication factor")
	}
	for _, v := range []struct {
		k Key
		v string
	}{{keyStrimziVersion, k.StrimziVersion}, {keyDrainCleanerVersion, k.DrainCleanerVersion}, {keyKafkaVersion, k.KafkaVersion}} {
		if !semverRe.MatchString(v.v) {
			p.Add(v.k.Name, v.v, "a version such as "+v.k.DefaultJSON(), "pin an exact release")
		}
	}
	if k.CertManagerVersion != "" && !regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+$`).MatchString(k.CertManagerVersion) {
		p.Add(keyCertManagerVersion.Name, k.CertManagerVersion, "a chart version such as v1.19.1, or empty when cert-manager is preinstalled", "pin an exact release")
	}
	if !strings.HasPrefix(k.StrimziVersion, "1.") {
		p.Add(keyStrimziVersion.Name, k.StrimziVersion, "a Strimzi 1.x release (this program writes kafka.strimzi.io/v1 only)", "use "+DefaultStrimziVersion)
	}
	if !metadataVerRe.MatchString(k.MetadataVersion) {
		p.Add(keyMetadataVersion.Name, k.MetadataVersion, "a KRaft metadata version such as 4.3-IV0", "pin the metadata version")
	} else if mm := majorMinor(k.KafkaVersion); mm != "" && !strings.HasPrefix(k.MetadataVersion, mm+"-") {
		p.Add(keyMetadataVersion.Name, k.MetadataVersion, "a metadata version of Kafka "+mm+" (kafkaVersion "+k.KafkaVersion+")",
			"bump kafkaVersion first, then the metadata version in a later change")
	}
	switch {
	case k.BrokerImage == "":
		p.Add(keyBrokerImage.Name, "", "the broker image with the tiered-storage plugin, pinned by digest",
			"build images/kafka-tiered, push it and set kafkaBrokerImage to <registry>/<repo>@sha256:<digest>")
	case !imageDigestRe.MatchString(k.BrokerImage):
		p.Add(keyBrokerImage.Name, k.BrokerImage, "<registry>/<repo>@sha256:<64 lowercase hex> (a digest, never a tag)",
			"use the digest printed by `docker push` or `crane digest`")
	}
	k.validateResources(c, p)
	for _, n := range slices.Sorted(maps.Keys(k.BrokerJvmXX)) {
		if !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]+$`).MatchString(n) || k.BrokerJvmXX[n] == "" {
			p.Add(keyBrokerJvmXX.Name+"."+n, k.BrokerJvmXX[n], "a JVM -XX flag name with a value (true/false for switches)", "fix the flag")
		}
	}
	if k.NetworkThreads < 1 || k.IOThreads < 1 {
		p.Addf(keyNetworkThreads.Name+"/"+keyIOThreads.Name, fmt.Sprintf("%d/%d", k.NetworkThreads, k.IOThreads), "at least 1 each", "use 4 and 8")
	} else if k.BrokerCPUs > 0 && k.NetworkThreads+k.IOThreads > 2*k.BrokerCPUs {
		p.Addf(keyNetworkThreads.Name+"/"+keyIOThreads.Name, fmt.Sprintf("%d/%d", k.NetworkThreads, k.IOThreads),
			fmt.Sprintf("together at most twice the broker's %d CPUs (more threads only add context switches)", k.BrokerCPUs), "lower the thread counts")
	}
	if k.SocketBufferBytes < 65536 || k.SocketBufferBytes > 16777216 {
		p.Addf(keySocketBuffer.Name, k.SocketBufferBytes, "65536 to 16777216 bytes (the node's net.core.rmem_max)", "use 1048576")
	}
	if k.ControllerVolumeGiB < 5 || k.ControllerVolumeGiB > 1000 {
		p.Addf(keyControllerVolumeGiB.Name, k.ControllerVolumeGiB, "5 to 1000 GiB", "use 20")
	}
	for _, a := range k.PlatformAdmins {
		if !userNameRe.MatchString(a) {
			p.Add(keyPlatformAdmins.Name, a, "a KafkaUser name (lowercase DNS label)", "list admin user names, e.g. platform-admin")
		}
	}
	k.validateTopics(c, p)
	k.validateUsers(p)
}

func majorMinor(v string) string {
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return ""
	}
	return parts[0] + "." + parts[1]
}

// validateResources resolves the 0 defaults and checks the broker fits its
// node with Guaranteed QoS.
func (k *KafkaConfig) validateResources(c *Config, p *Problems) {
	it := c.Nodes.Broker
	if it.VCPU == 0 {
		return // unknown broker type, reported by the nodes section
	}
	reserved, err := ParseCPUSet(c.Nodes.ReservedSystemCPUs)
	if err != nil {
		return // reported by the nodes section
	}
	maxCPU := it.VCPU - len(reserved) - DaemonSetCPUHeadroom
	if k.BrokerCPUs == 0 {
		k.BrokerCPUs = maxCPU
	}
	if k.BrokerCPUs < 2 || k.BrokerCPUs > maxCPU {
		p.Addf(keyBrokerCPUs.Name, k.BrokerCPUs, fmt.Sprintf("2 to %d whole CPUs (%s: %d vCPUs - %d reserved - %d for DaemonSets)",
			maxCPU, c.Nodes.BrokerInstanceType, it.VCPU, len(reserved), DaemonSetCPUHeadroom), "lower brokerCpus, or 0 for the maximum")
	}
	maxMem := it.MemoryGiB - NodeMemoryHeadroomGiB
	if k.BrokerMemoryGiB == 0 {
		k.BrokerMemoryGiB = maxMem
	}
	if k.BrokerMemoryGiB < 8 || k.BrokerMemoryGiB > maxMem {
		p.Addf(keyBrokerMemoryGiB.Name, k.BrokerMemoryGiB, fmt.Sprintf("8 to %d GiB (%s: %d GiB - %d GiB headroom)", maxMem, c.Nodes.BrokerInstanceType, it.MemoryGiB, NodeMemoryHeadroomGiB),
			"lower brokerMemoryGiB, or 0 for the maximum")
	}
	if k.BrokerHeapGiB < 1 || k.BrokerHeapGiB*4 > k.BrokerMemoryGiB {
		p.Addf(keyBrokerHeapGiB.Name, k.BrokerHeapGiB, fmt.Sprintf("1 to %d GiB (a quarter of brokerMemoryGiB: the rest is page cache)", k.BrokerMemoryGiB/4),
			"use 6")
	}
	nvmeGiB := it.TotalNVMeGB() * 1000 * 1000 * 1000 / (1 << 30)
	if k.BrokerStorageGiB == 0 {
		k.BrokerStorageGiB = nvmeGiB * 85 / 100
	}
	if k.BrokerStorageGiB < 10 || k.BrokerStorageGiB > nvmeGiB*90/100 {
		p.Addf(keyBrokerStorageGiB.Name, k.BrokerStorageGiB, fmt.Sprintf("10 to %d GiB (90%% of %s's %d GiB NVMe)", nvmeGiB*90/100, c.Nodes.BrokerInstanceType, nvmeGiB),
			"lower it, or 0 for 85%")
	}
}

func (k *KafkaConfig) validateTopics(c *Config, p *Problems) {
	if len(k.Topics) == 0 {
		p.Add(keyTopics.Name, "{}", "at least the canary topic", "list the topics")
	}
	for _, n := range k.TopicNames() {
		t := k.Topics[n]
		key := keyTopics.Name + "." + n
		if !topicNameRe.MatchString(n) {
			p.Add(key, n, "lowercase letters, digits, dots and dashes, at most 200 characters (the KafkaTopic resource is named after it)", "rename the topic")
		}
		switch t.Class {
		case TopicDurable, TopicStandard, TopicEphemeral:
		default:
			p.Add(key+".class", string(t.Class), "durable, standard or ephemeral", "pick the topic's class")
		}
		if t.Partitions == 0 {
			t.Partitions = c.Nodes.Brokers
		}
		if t.Partitions < 1 || t.Partitions > 10000 {
			p.Addf(key+".partitions", t.Partitions, "1 to 10000 (0: one per broker)", "set a partition count")
		}
		if t.Replicas == 0 {
			t.Replicas = k.ReplicationFactor
		}
		if t.MinInsyncReplicas == 0 {
			t.MinInsyncReplicas = k.MinISR
		}
		if t.Replicas < 3 {
			p.Addf(key+".replicas", t.Replicas, "at least 3 (one replica per zone)", "set replicas to 3 or remove it")
		} else if c.Nodes.Brokers > 0 && t.Replicas > c.Nodes.Brokers {
			p.Addf(key+".replicas", t.Replicas, fmt.Sprintf("at most the broker count (%d)", c.Nodes.Brokers), "lower replicas")
		}
		if t.MinInsyncReplicas < 2 {
			p.Addf(key+".minInsyncReplicas", t.MinInsyncReplicas, "at least 2", "set minInsyncReplicas to 2 or remove it")
		}
		if t.MinInsyncReplicas >= t.Replicas {
			p.Addf(key+".minInsyncReplicas", t.MinInsyncReplicas, fmt.Sprintf("less than replicas (%d), or one replica down blocks acks=all writes", t.Replicas),
				fmt.Sprintf("set minInsyncReplicas to %d", t.Replicas-1))
		}
		if t.RetentionMs == 0 || t.RetentionMs < -1 {
			p.Addf(key+".retentionMs", t.RetentionMs, "a positive number of milliseconds, or -1 for unlimited", "set retentionMs")
		}
		if t.Class == TopicDurable && !t.Tiered {
			p.Add(key+".tiered", "false", "true for a durable topic (its retention lives in S3, not on broker NVMe)", "set tiered: true or change the class")
		}
		if t.Tiered && t.Class == TopicEphemeral {
			p.Add(key+".tiered", "true", "false for an ephemeral topic", "remove tiered or change the class")
		}
		if t.Tiered {
			if t.LocalRetentionMs <= 0 || (t.RetentionMs != -1 && t.LocalRetentionMs >= t.RetentionMs) {
				p.Addf(key+".localRetentionMs", t.LocalRetentionMs, fmt.Sprintf("positive and less than retentionMs (%d)", t.RetentionMs),
					"keep a few hours locally, e.g. 21600000 (6 h)")
			}
		} else if t.LocalRetentionMs != 0 {
			p.Addf(key+".localRetentionMs", t.LocalRetentionMs, "unset on a topic that is not tiered", "remove localRetentionMs or set tiered: true")
		}
		for _, ck := range slices.Sorted(maps.Keys(t.Config)) {
			for _, m := range managedTopicKeys {
				if ck == m {
					p.Add(key+".config."+ck, t.Config[ck], "not set in config (derived from the topic's fields)", "use the matching field instead")
				}
			}
		}
		k.Topics[n] = t
	}
}

func (k *KafkaConfig) validateUsers(p *Problems) {
	for _, n := range k.UserNames() {
		u := k.Users[n]
		key := keyUsers.Name + "." + n
		if !userNameRe.MatchString(n) {
			p.Add(key, n, "a DNS label of at most 50 characters (the KafkaUser and its Secret are named after it)", "rename the user")
		}
		for _, list := range []struct {
			field  string
			topics []string
		}{{"produce", u.Produce}, {"consume", u.Consume}} {
			for _, t := range list.topics {
				if _, ok := k.Topics[t]; !ok {
					p.Add(key+"."+list.field, t, "a topic defined in kafkaTopics ("+strings.Join(k.TopicNames(), ", ")+")", "add the topic or fix the name")
				}
			}
		}
		if u.MirrorSource && (len(u.Produce) > 0 || len(u.Consume) > 0 || u.Transactional || u.Group != "") {
			p.Add(key+".mirrorSource", "true", "no produce, consume, group or transactional on the mirror user (its read-only access to durable topics is derived)",
				"use a separate user for anything else")
		}
		if !u.MirrorSource && len(u.Produce) == 0 && len(u.Consume) == 0 {
			p.Add(key, n, "a user that produces, consumes or mirrors", "list its produce/consume topics or remove the user")
		}
		if len(u.Consume) > 0 && u.Group == "" {
			p.Add(key+".group", "", "the consumer group the user commits in", "set group (and groupPrefix for one group per instance)")
		}
		if u.Group != "" && (len(u.Consume) == 0 || !groupNameRe.MatchString(u.Group) || u.Group == "*") {
			p.Add(key+".group", u.Group, "a group name (letters, digits, . _ -), only with consume", "fix the group or remove it")
		}
		if u.Transactional && len(u.Produce) == 0 {
			p.Add(key+".transactional", "true", "only on a producing user", "add produce topics or remove transactional")
		}
		q := u.Quotas
		if q.ProducerByteRate < 0 || q.ConsumerByteRate < 0 || q.RequestPercentage < 0 {
			p.Addf(key+".quotas", fmt.Sprintf("%+v", q), "non-negative quotas (0: none)", "fix the quota")
		}
	}
}
