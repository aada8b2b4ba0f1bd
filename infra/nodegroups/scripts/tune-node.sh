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
#   KP_IRQ_CPUS  cpuset (e.g. 0-1) that NIC interrupts and RPS/XPS are steered to,
#                now and at every boot (kafka-platform-irq-steer.service);
#                irqbalance is stopped and masked so it does not undo the steering
#   KP_IRQ_STEER_SCRIPT  the text of scripts/irq-steer.sh (set in the user data
#                only when KP_IRQ_CPUS is), installed as
#                /usr/local/sbin/kafka-platform-irq-steer
# Test hooks: ROOT prefixes every /etc, /usr, /proc and /sys path; SYSCTL and
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
KP_IRQ_STEER_SCRIPT="${KP_IRQ_STEER_SCRIPT:-}"

log() { echo "kafka-platform-tune: $*" >&2; }
die() {
	log "error: $*"
	exit 1
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

# persist_irq_steering installs the steering script, its settings and a
# systemd unit that runs it at every boot, then runs the installed copy once
# now. The steering is applied before anything is persisted, so a bad cpuset
# stops the script without leaving a unit that fails at every boot.
persist_irq_steering() {
	local steer="$ROOT/usr/local/sbin/kafka-platform-irq-steer"
	local envdir="$ROOT/etc/kafka-platform" unitdir="$ROOT/etc/systemd/system"
	[[ -n $KP_IRQ_STEER_SCRIPT ]] || die "KP_IRQ_STEER_SCRIPT is empty (the user data carries the steering script)"
	mkdir -p "${steer%/*}" "$envdir" "$unitdir"
	printf '%s' "$KP_IRQ_STEER_SCRIPT" >"$steer"
	chmod 0755 "$steer"
	KP_IRQ_CPUS="$KP_IRQ_CPUS" ROOT="$ROOT" "$steer"
	# KEY=value without quotes: the cpuset was validated by the run above,
	# and the file stays valid as a systemd EnvironmentFile.
	{
		echo "# Written by kafka-platform node tuning (infra/nodegroups)."
		echo "KP_IRQ_CPUS=$KP_IRQ_CPUS"
	} >"$envdir/tuning.env"
	# Before=kubelet.service: brokers start on CPUs already free of NIC
	# interrupts. network-online.target: the ENA queues exist by then.
	cat >"$unitdir/kafka-platform-irq-steer.service" <<'UNIT'
# Written by kafka-platform node tuning (infra/nodegroups).
[Unit]
Description=kafka-platform: steer NIC interrupts, RPS and XPS to the reserved CPUs
After=network-online.target
Wants=network-online.target
Before=kubelet.service
ConditionPathExists=/etc/kafka-platform/tuning.env

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/kafka-platform-irq-steer

[Install]
WantedBy=multi-user.target
UNIT
	"$SYSTEMCTL" daemon-reload
	"$SYSTEMCTL" enable kafka-platform-irq-steer.service
	# irqbalance would move the interrupts back onto the broker's pinned
	# CPUs. Masked, not only disabled: a package update or preset cannot
	# enable a masked unit again.
	"$SYSTEMCTL" disable --now irqbalance.service || log "irqbalance not running"
	"$SYSTEMCTL" mask irqbalance.service
	log "IRQ steering to CPUs $KP_IRQ_CPUS persisted (kafka-platform-irq-steer.service)"
}

main() {
	[[ -n $KP_SYSCTLS ]] && apply_sysctls
	[[ -n $KP_THP ]] && apply_thp
	[[ -n $KP_NOFILE ]] && apply_nofile
	[[ -n $KP_IRQ_CPUS ]] && persist_irq_steering
	log "done"
}

main "$@"
