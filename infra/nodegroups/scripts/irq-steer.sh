#!/bin/bash
# kafka-platform-irq-steer: steers NIC interrupts and RPS/XPS packet steering
# of broker nodes onto the reserved system CPUs, away from the CPUs the
# static CPU manager pins brokers to.
#
# Installed by tune-node.sh as /usr/local/sbin/kafka-platform-irq-steer and
# run by kafka-platform-irq-steer.service at every boot: /proc/irq and
# /sys/class/net/*/queues are rebuilt by the kernel at boot (and when a
# driver re-creates its queues), so the first-boot run alone does not last.
# The first boot runs this same file, so there is one copy of the logic.
#
# Input: KP_IRQ_CPUS, a cpuset (e.g. 0-1). When it is not set in the
# environment it is read from /etc/kafka-platform/tuning.env (KEY=value
# lines, also valid as a systemd EnvironmentFile). The file is parsed, not
# sourced, so it can hold no code.
# Test hook: ROOT prefixes every /etc, /proc and /sys path.
set -euo pipefail
shopt -s nullglob

ROOT="${ROOT:-}"
ENV_FILE="$ROOT/etc/kafka-platform/tuning.env"
KP_IRQ_CPUS="${KP_IRQ_CPUS:-}"

log() { echo "kafka-platform-irq-steer: $*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# read_env_file sets KP_IRQ_CPUS from ENV_FILE; other keys are ignored.
read_env_file() {
	local key value
	[[ -r $ENV_FILE ]] || die "KP_IRQ_CPUS not set and $ENV_FILE missing (written by kafka-platform node tuning)"
	while IFS='=' read -r key value; do
		[[ $key == KP_IRQ_CPUS ]] && KP_IRQ_CPUS=$value
	done <"$ENV_FILE"
	[[ -n $KP_IRQ_CPUS ]] || die "$ENV_FILE sets no KP_IRQ_CPUS"
}

# cpuset_to_mask prints the kernel's hex CPU mask for a cpuset: 32-bit words,
# most significant first, comma-separated (the format of smp_affinity,
# rps_cpus and xps_cpus).
cpuset_to_mask() {
	local set="$1" part lo hi cpu max=0 i out=""
	local -a parts words=()
	[[ $set =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]] || die "bad cpuset '$set'"
	IFS=, read -ra parts <<<"$set"
	for part in "${parts[@]}"; do
		if [[ $part == *-* ]]; then
			lo=${part%-*}
			hi=${part#*-}
		else
			lo=$part
			hi=$part
		fi
		((lo <= hi)) || die "bad cpuset range '$part'"
		for ((cpu = lo; cpu <= hi; cpu++)); do
			words[cpu / 32]=$((${words[cpu / 32]:-0} | (1 << (cpu % 32))))
			((cpu > max)) && max=$cpu
		done
	done
	for ((i = max / 32; i >= 0; i--)); do
		if [[ -z $out ]]; then
			out=$(printf '%x' "${words[i]:-0}")
		else
			out+=$(printf ',%08x' "${words[i]:-0}")
		fi
	done
	echo "$out"
}

steer() {
	local mask dev irq q
	mask=$(cpuset_to_mask "$KP_IRQ_CPUS")
	# IRQs allocated later (ENIs the VPC CNI attaches after boot) start here.
	if [[ -e $ROOT/proc/irq/default_smp_affinity ]]; then
		echo "$mask" >"$ROOT/proc/irq/default_smp_affinity"
	fi
	for dev in "$ROOT"/sys/class/net/*; do
		# Only devices with MSI-X interrupts (ENA); skips lo and virtual links.
		[[ -d $dev/device/msi_irqs ]] || continue
		for irq in "$dev"/device/msi_irqs/*; do
			irq=${irq##*/}
			if [[ -e $ROOT/proc/irq/$irq/smp_affinity ]]; then
				echo "$mask" >"$ROOT/proc/irq/$irq/smp_affinity"
			fi
		done
		for q in "$dev"/queues/rx-*/rps_cpus; do echo "$mask" >"$q"; done
		for q in "$dev"/queues/tx-*/xps_cpus; do echo "$mask" >"$q"; done
		log "steered ${dev##*/} interrupts, RPS and XPS to CPUs $KP_IRQ_CPUS (mask $mask)"
	done
}

main() {
	[[ -n $KP_IRQ_CPUS ]] || read_env_file
	steer
}

main "$@"
