package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

var (
	keyBrokerInstanceType = define(Key{Name: "brokerInstanceType", Type: String, Default: "i4i.4xlarge",
		Description: "EC2 type of broker nodes; must be an i-family type with local NVMe (see docs/config.md for the list). i4i.4xlarge: 16 vCPU, 128 GiB (about 100 GiB of page cache after the broker's heap), 3.75 TB NVMe."})
	keyBrokers = define(Key{Name: "brokers", Type: Integer, Default: 6,
		Description: "Total broker count, a multiple of three (equal per zone so losing a zone loses a third of the capacity and no partition loses two replicas). One broker per node."})
	keyControllerInstanceType = define(Key{Name: "controllerInstanceType", Type: String, Default: "m7i.large",
		Description: "EC2 type of the three KRaft controller nodes (one per zone). Controllers hold only metadata: 2 vCPU, 8 GiB is ample."})
	keySystemInstanceType = define(Key{Name: "systemInstanceType", Type: String, Default: "m7i.xlarge",
		Description: "EC2 type of the system node group (operators, Cruise Control, monitoring, canaries)."})
	keySystemNodesPerAZ = define(Key{Name: "systemNodesPerAz", Type: Integer, Default: 1,
		Description: "System nodes per zone (desired and minimum; the group may grow to twice this)."})
	keyRootVolumeGiB = define(Key{Name: "rootVolumeSizeGiB", Type: Integer, Default: 50,
		Description: "gp3 root volume size of every node, KMS-encrypted. Kafka data does not live here (brokers use NVMe, controllers use PVCs)."})
	keyIMDSHopLimit = define(Key{Name: "imdsHopLimit", Type: Integer, Default: 1,
		Description: "IMDSv2 response hop limit. 1 keeps pod-network containers from reaching the node role's credentials, so a broker can only use its IRSA role (the tiered-storage plugin cannot fall back to the node role). Host-network daemons (VPC CNI, EBS CSI node) are unaffected."})
	keyTopologyManagerPolicy = define(Key{Name: "topologyManagerPolicy", Type: String, Default: "single-numa-node",
		Description: "Kubelet topology manager policy on broker nodes: none, best-effort, restricted or single-numa-node. single-numa-node keeps a broker's pinned CPUs and memory on one NUMA node (no cross-socket memory latency); on single-socket types it costs nothing."})
	keyTopologyManagerScope = define(Key{Name: "topologyManagerScope", Type: String, Default: "pod",
		Description: "Kubelet topology manager scope: container or pod. pod aligns the broker container and its sidecars together."})
	keyReservedSystemCPUs = define(Key{Name: "reservedSystemCpus", Type: String, Default: "0-1",
		Description: "CPUs kept for the OS, kubelet and NIC interrupts on broker nodes (kubelet reservedSystemCPUs). The static CPU manager never gives these to Guaranteed pods, and the tuning script steers IRQs and RPS/XPS onto them, so broker threads on the remaining CPUs are not interrupted."})
	keySysctls = define(Key{Name: "brokerSysctls", Type: Object, Default: map[string]string{
		// Swap only under real memory pressure: broker heap and page cache must stay in RAM.
		"vm.swappiness": "1",
		// Start background writeback early and evenly (5% of RAM) so flushes never stall produces...
		"vm.dirty_background_ratio": "5",
		// ...but allow a large dirty window before writers block (Kafka relies on the page cache, replication gives durability).
		"vm.dirty_ratio": "60",
		// Every log segment maps an index: two maps per segment across thousands of partitions.
		"vm.max_map_count": "262144",
		// Accept backlog for client connection storms at the open.
		"net.core.somaxconn":           "4096",
		"net.ipv4.tcp_max_syn_backlog": "8192",
		// Packets queued per CPU before the stack drops them.
		"net.core.netdev_max_backlog": "30000",
		// 16 MiB socket buffers: enough for cross-AZ replication at 25 Gb/s with sub-ms RTT, and MirrorMaker across regions.
		"net.core.rmem_max": "16777216",
		"net.core.wmem_max": "16777216",
		"net.ipv4.tcp_rmem": "4096 87380 16777216",
		"net.ipv4.tcp_wmem": "4096 65536 16777216",
		// Do not shrink cwnd after idle: bursts at the open go out at full rate.
		"net.ipv4.tcp_slow_start_after_idle": "0",
		"fs.file-max":                        "2097152",
	}, Description: "Kernel settings applied on broker nodes by the tuning script (sysctl name to value). The defaults, each justified in internal/config/nodes.go, favour low produce latency: swappiness 1, early background writeback, large socket buffers and backlogs."})
	keyNoFile = define(Key{Name: "brokerNofileLimit", Type: Integer, Default: 1048576,
		Description: "Open-file limit for containerd and its containers on broker nodes. Each partition segment holds file handles; 1,048,576 leaves headroom for tens of thousands of partitions and client sockets."})
	keyTHP = define(Key{Name: "transparentHugepages", Type: String, Default: "never",
		Description: "Transparent huge pages mode on broker nodes: never, madvise or always. never: THP compaction stalls cause multi-millisecond latency spikes."})
	keyIRQSteering = define(Key{Name: "irqSteering", Type: Boolean, Default: true,
		Description: "Steer NIC interrupts and RPS/XPS to reservedSystemCpus on broker nodes (irqbalance stopped), so pinned broker CPUs are not interrupted."})
)

// NodesConfig is the node group layout and tuning.
type NodesConfig struct {
	// BrokerInstanceType and Broker are the broker nodes' type and its facts.
	BrokerInstanceType string
	Broker             InstanceType
	// Brokers is the total broker count; BrokersPerAZ = Brokers / 3.
	Brokers      int
	BrokersPerAZ int
	// ControllerInstanceType is the KRaft controller node type.
	ControllerInstanceType string
	// SystemInstanceType and SystemNodesPerAZ size the system group.
	SystemInstanceType string
	SystemNodesPerAZ   int
	// RootVolumeGiB is every node's root volume.
	RootVolumeGiB int
	// IMDSHopLimit is the IMDSv2 hop limit.
	IMDSHopLimit int
	// TopologyManagerPolicy and Scope configure kubelet on broker nodes.
	TopologyManagerPolicy string
	TopologyManagerScope  string
	// ReservedSystemCPUs is a cpuset (e.g. "0-1").
	ReservedSystemCPUs string
	// Sysctls are applied on broker nodes.
	Sysctls map[string]string
	// NoFile is the open-file limit.
	NoFile int
	// TransparentHugepages is never, madvise or always.
	TransparentHugepages string
	// IRQSteering moves NIC interrupts to the reserved CPUs.
	IRQSteering bool
}

// SortedSysctls returns the sysctl names in a stable order.
func (n NodesConfig) SortedSysctls() []string {
	out := make([]string, 0, len(n.Sysctls))
	for k := range n.Sysctls {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var (
	instanceTypeRe = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	cpusetRe       = regexp.MustCompile(`^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$`)
	sysctlNameRe   = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_-]+)+$`)
	sysctlValueRe  = regexp.MustCompile(`^[0-9]+( [0-9]+)*$`)
)

func (n *NodesConfig) parse(r *reader) {
	n.BrokerInstanceType = r.str(keyBrokerInstanceType)
	n.Broker = NVMeInstanceTypes[n.BrokerInstanceType]
	n.Brokers = r.integer(keyBrokers)
	n.BrokersPerAZ = n.Brokers / AZCount
	n.ControllerInstanceType = r.str(keyControllerInstanceType)
	n.SystemInstanceType = r.str(keySystemInstanceType)
	n.SystemNodesPerAZ = r.integer(keySystemNodesPerAZ)
	n.RootVolumeGiB = r.integer(keyRootVolumeGiB)
	n.IMDSHopLimit = r.integer(keyIMDSHopLimit)
	n.TopologyManagerPolicy = r.str(keyTopologyManagerPolicy)
	n.TopologyManagerScope = r.str(keyTopologyManagerScope)
	n.ReservedSystemCPUs = r.str(keyReservedSystemCPUs)
	n.Sysctls = map[string]string{}
	r.object(keySysctls, &n.Sysctls)
	n.NoFile = r.integer(keyNoFile)
	n.TransparentHugepages = r.str(keyTHP)
	n.IRQSteering = r.boolean(keyIRQSteering)
}

func (n *NodesConfig) validate(_ *Config, p *Problems) {
	if _, ok := NVMeInstanceTypes[n.BrokerInstanceType]; !ok {
		known := make([]string, 0, len(NVMeInstanceTypes))
		for k := range NVMeInstanceTypes {
			known = append(known, k)
		}
		sort.Strings(known)
		p.Add(keyBrokerInstanceType.Name, n.BrokerInstanceType, "an instance type with local NVMe: "+strings.Join(known, ", "),
			"pick an i-family type (e.g. i4i.4xlarge); brokers keep their hot window on instance-store NVMe")
	}
	if n.Brokers < AZCount || n.Brokers%AZCount != 0 {
		p.Addf(keyBrokers.Name, n.Brokers, fmt.Sprintf("a positive multiple of the zone count (%d)", AZCount),
			fmt.Sprintf("use %d, %d or %d brokers so every zone holds the same number", AZCount, 2*AZCount, 3*AZCount))
	}
	for _, it := range []struct {
		k Key
		v string
	}{{keyControllerInstanceType, n.ControllerInstanceType}, {keySystemInstanceType, n.SystemInstanceType}} {
		if !instanceTypeRe.MatchString(it.v) {
			p.Add(it.k.Name, it.v, "an EC2 instance type such as m7i.large", "fix the instance type")
		}
	}
	if n.SystemNodesPerAZ < 1 || n.SystemNodesPerAZ > 10 {
		p.Addf(keySystemNodesPerAZ.Name, n.SystemNodesPerAZ, "1 to 10", "use at least one system node per zone")
	}
	if n.RootVolumeGiB < 20 || n.RootVolumeGiB > 1000 {
		p.Addf(keyRootVolumeGiB.Name, n.RootVolumeGiB, "20 to 1000 GiB", "AL2023 needs at least 20 GiB")
	}
	if n.IMDSHopLimit < 1 || n.IMDSHopLimit > 2 {
		p.Addf(keyIMDSHopLimit.Name, n.IMDSHopLimit, "1 or 2", "use 1 (pods cannot reach node credentials) unless a pod truly needs IMDS")
	}
	switch n.TopologyManagerPolicy {
	case "none", "best-effort", "restricted", "single-numa-node":
	default:
		p.Add(keyTopologyManagerPolicy.Name, n.TopologyManagerPolicy, "none, best-effort, restricted or single-numa-node", "pick a kubelet topology manager policy")
	}
	switch n.TopologyManagerScope {
	case "container", "pod":
	default:
		p.Add(keyTopologyManagerScope.Name, n.TopologyManagerScope, "container or pod", "pick a topology manager scope")
	}
	if !cpusetRe.MatchString(n.ReservedSystemCPUs) {
		p.Add(keyReservedSystemCPUs.Name, n.ReservedSystemCPUs, "a cpuset such as 0-1 or 0,8", "fix the cpuset syntax")
	} else if n.Broker.VCPU > 0 {
		cpus, _ := ParseCPUSet(n.ReservedSystemCPUs)
		if len(cpus) >= n.Broker.VCPU/2 {
			p.Add(keyReservedSystemCPUs.Name, n.ReservedSystemCPUs,
				fmt.Sprintf("fewer than half of the broker type's %d vCPUs", n.Broker.VCPU), "reserve fewer CPUs or use a larger broker type")
		}
		for _, c := range cpus {
			if c >= n.Broker.VCPU {
				p.Addf(keyReservedSystemCPUs.Name, n.ReservedSystemCPUs, fmt.Sprintf("CPUs below %d (the broker type's vCPU count)", n.Broker.VCPU), "reserve CPUs that exist")
				break
			}
		}
	}
	for _, k := range n.SortedSysctls() {
		v := n.Sysctls[k]
		if !sysctlNameRe.MatchString(k) || !sysctlValueRe.MatchString(v) {
			p.Add(keySysctls.Name+"."+k, v, "a dotted sysctl name with numeric value(s)", "fix the sysctl entry")
		}
	}
	if n.NoFile < 65536 {
		p.Addf(keyNoFile.Name, n.NoFile, "at least 65536", "Kafka needs many file handles; use 1048576")
	}
	switch n.TransparentHugepages {
	case "never", "madvise", "always":
	default:
		p.Add(keyTHP.Name, n.TransparentHugepages, "never, madvise or always", "use never for brokers")
	}
}

// ParseCPUSet expands a cpuset such as "0-1,8" into CPU numbers.
func ParseCPUSet(s string) ([]int, error) {
	if !cpusetRe.MatchString(s) {
		return nil, fmt.Errorf("bad cpuset %q", s)
	}
	var out []int
	for _, part := range strings.Split(s, ",") {
		var lo, hi int
		if strings.Contains(part, "-") {
			fmt.Sscanf(part, "%d-%d", &lo, &hi)
		} else {
			fmt.Sscanf(part, "%d", &lo)
			hi = lo
		}
		if hi < lo {
			return nil, fmt.Errorf("bad cpuset range %q", part)
		}
		for c := lo; c <= hi; c++ {
			out = append(out, c)
		}
	}
	return out, nil
}
