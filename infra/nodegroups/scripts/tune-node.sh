#!/bin/bash
# Kernel and runtime tuning for kafka-platform broker and controller nodes.
#
# Runs once at first boot as a text/x-shellscript part of the launch
# template's MIME user data, after nodeadm's config phase and before kubelet
# and containerd start (AL2023: nodeadm-run.service is ordered after
# cloud-final.service).
#
# Inputs (environment; the user data exports them above this script, written
# by infra/nodegroups from the stack config; empty means "leave unchanged"):
#   KP_SYSCTLS   newline-separated name=value lines, persisted in sysctl.d and applied
#   KP_THP       transparent huge pages mode: never, madvise or always
#   KP_NOFILE    LimitNOFILE for containerd (containers inherit it)
#   KP_IRQ_CPUS  cpuset (e.g. 0-1) that NIC interrupts and RPS/XPS are steered to;
#                irqbalance is stopped so it does not undo the steering
# Test hooks: ROOT prefixes every /etc, /proc and /sys path; SYSCTL and
# SYSTEMCTL replace the sysctl and systemctl commands.
set -euo pipefail
shopt -s nullglob

ROOT="${ROOT:-}"
SYSCTL="${SYSCTL:-sysctl}"
SYSTEMCTL="${SYSTEMCTL:-systemctl}"
KP_SYSCTLS="${KP_SYSCTLS:-}"
KP_THP="${KP_THP:-}"
KP_NOFILE="${KP_NOFILE:-}"
KP_IRQ_CPUS="${KP_IRQ_CPUS:-}"

log() { echo "kafka-platform-tune: $*" >&2; }
die() {
	log "error: $*"
	exit 1
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

apply_sysctls() {
	local conf="$ROOT/etc/sysctl.d/90-kafka-platform.conf" line name value
	mkdir -p "${conf%/*}"
	{
		echo "# Written by kafka-platform node tuning (infra/nodegroups)."
		while IFS= read -r line; do
			[[ -z $line ]] && continue
			[[ $line == *=* ]] || die "bad sysctl line '$line' (want name=value)"
			name=${line%%=*}
			value=${line#*=}
			printf '%s = %s\n' "$name" "$value"
		done <<<"$KP_SYSCTLS"
	} >"$conf"
	"$SYSCTL" -p "$conf" >/dev/null
	log "applied sysctls from $conf"
}

apply_thp() {
	local dir="$ROOT/sys/kernel/mm/transparent_hugepage" f
	case "$KP_THP" in never | madvise | always) ;; *) die "bad THP mode '$KP_THP'" ;; esac
	for f in enabled defrag; do
		if [[ -e $dir/$f ]]; then
			echo "$KP_THP" >"$dir/$f"
		else
			log "no $dir/$f; THP $f left unchanged"
		fi
	done
	# /sys does not survive a reboot; systemd-tmpfiles rewrites it at boot.
	mkdir -p "$ROOT/etc/tmpfiles.d"
	{
		echo "# Written by kafka-platform node tuning (infra/nodegroups)."
		echo "w /sys/kernel/mm/transparent_hugepage/enabled - - - - $KP_THP"
		echo "w /sys/kernel/mm/transparent_hugepage/defrag - - - - $KP_THP"
	} >"$ROOT/etc/tmpfiles.d/90-kafka-platform-thp.conf"
	log "transparent huge pages: $KP_THP"
}

apply_nofile() {
	local dir="$ROOT/etc/systemd/system/containerd.service.d"
	[[ $KP_NOFILE =~ ^[0-9]+$ ]] || die "bad nofile limit '$KP_NOFILE'"
	mkdir -p "$dir"
	printf '[Service]\nLimitNOFILE=%s\n' "$KP_NOFILE" >"$dir/90-kafka-platform-nofile.conf"
	"$SYSTEMCTL" daemon-reload
	log "containerd LimitNOFILE=$KP_NOFILE"
}

steer_irqs() {
	local mask dev irq q
	mask=$(cpuset_to_mask "$KP_IRQ_CPUS")
	# irqbalance would move the interrupts back onto the broker's pinned CPUs.
	"$SYSTEMCTL" disable --now irqbalance.service || log "irqbalance not running"
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
	[[ -n $KP_SYSCTLS ]] && apply_sysctls
	[[ -n $KP_THP ]] && apply_thp
	[[ -n $KP_NOFILE ]] && apply_nofile
	[[ -n $KP_IRQ_CPUS ]] && steer_irqs
	log "done"
}

main "$@"
