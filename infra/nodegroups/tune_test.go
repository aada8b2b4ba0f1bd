package nodegroups

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tradingfirm/kafka-platform/internal/topology"
)

func needTool(t *testing.T, tool, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s not found: apt-get install %s (this test lints/runs real node scripts and must not be skipped)", tool, pkg)
	}
	return p
}

func shellcheck(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command(needTool(t, "shellcheck", "shellcheck"), "--shell=bash", "--severity=style", path).CombinedOutput()
	if err != nil {
		t.Errorf("shellcheck %s:\n%s", path, out)
	}
}

// TestShellcheck lints the embedded file and the script part exactly as the
// user data carries it (settings prologue included).
func TestShellcheck(t *testing.T) {
	shellcheck(t, "scripts/tune-node.sh")
	shellcheck(t, "scripts/irq-steer.sh")
	for _, r := range []string{topology.RoleBroker, topology.RoleController} {
		p := filepath.Join(t.TempDir(), r+".sh")
		if err := os.WriteFile(p, []byte(scriptPart(t, r)), 0o755); err != nil {
			t.Fatal(err)
		}
		shellcheck(t, p)
	}
}

// scriptPart extracts the shell script part of a role's user data.
func scriptPart(t *testing.T, role string) string {
	t.Helper()
	ud, err := UserData(brokerArgs().Specs()[role])
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parseUserData(t, ud) {
		if strings.HasPrefix(p.contentType, "text/x-shellscript") {
			return p.body
		}
	}
	t.Fatalf("%s user data has no script part", role)
	return ""
}

// fakeRoot is a directory laid out like the parts of /proc, /sys and /etc
// the script touches, with one ENA-like NIC (two MSI-X IRQs, two queues
// each way) and lo, plus fake sysctl/systemctl that log their arguments.
type fakeRoot struct {
	dir, log string
}

func newFakeRoot(t *testing.T) fakeRoot {
	t.Helper()
	dir := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("sys/kernel/mm/transparent_hugepage/enabled", "[always] madvise never\n")
	write("sys/kernel/mm/transparent_hugepage/defrag", "always defer defer+madvise [madvise] never\n")
	write("proc/irq/default_smp_affinity", "ffff\n")
	for _, irq := range []string{"24", "25"} {
		write("sys/class/net/eth0/device/msi_irqs/"+irq, "msix\n")
		write("proc/irq/"+irq+"/smp_affinity", "ffff\n")
	}
	write("proc/irq/30/smp_affinity", "ffff\n") // not the NIC's: must stay
	for _, q := range []string{"rx-0/rps_cpus", "rx-1/rps_cpus", "tx-0/xps_cpus", "tx-1/xps_cpus"} {
		write("sys/class/net/eth0/queues/"+q, "0\n")
	}
	write("sys/class/net/lo/queues/rx-0/rps_cpus", "0\n")
	log := filepath.Join(dir, "commands.log")
	stub := "#!/bin/bash\necho \"$(basename \"$0\") $*\" >>" + log + "\n"
	write("bin/sysctl", stub)
	write("bin/systemctl", stub)
	for _, b := range []string{"bin/sysctl", "bin/systemctl"} {
		if err := os.Chmod(filepath.Join(dir, b), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return fakeRoot{dir: dir, log: log}
}

func (f fakeRoot) read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.dir, rel))
	if err != nil {
		t.Fatalf("read %s: %v", rel, err)
	}
	return string(b)
}

// run executes script with bash against the fake root.
func (f fakeRoot) run(t *testing.T, script string, env ...string) (string, error) {
	t.Helper()
	p := filepath.Join(f.dir, "user-script.sh")
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(needTool(t, "bash", "bash"), p)
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "ROOT=" + f.dir,
		"SYSCTL=" + filepath.Join(f.dir, "bin/sysctl"), "SYSTEMCTL=" + filepath.Join(f.dir, "bin/systemctl")}, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestTuneBrokerNode runs the broker's script part from the real user data.
func TestTuneBrokerNode(t *testing.T) {
	f := newFakeRoot(t)
	if out, err := f.run(t, scriptPart(t, topology.RoleBroker)); err != nil {
		t.Fatalf("script failed: %v\n%s", err, out)
	}
	want := "net.ipv4.tcp_rmem = 4096 87380 16777216\nvm.swappiness = 1\n"
	if got := f.read(t, "etc/sysctl.d/90-kafka-platform.conf"); !strings.HasSuffix(got, want) {
		t.Errorf("sysctl.d file =\n%s\nwant it to end with\n%s", got, want)
	}
	for _, rel := range []string{"sys/kernel/mm/transparent_hugepage/enabled", "sys/kernel/mm/transparent_hugepage/defrag"} {
		if got := f.read(t, rel); got != "never\n" {
			t.Errorf("%s = %q, want never", rel, got)
		}
	}
	if got := f.read(t, "etc/tmpfiles.d/90-kafka-platform-thp.conf"); !strings.Contains(got, "w /sys/kernel/mm/transparent_hugepage/enabled - - - - never") {
		t.Errorf("THP not persisted for reboots:\n%s", got)
	}
	if got := f.read(t, "etc/systemd/system/containerd.service.d/90-kafka-platform-nofile.conf"); got != "[Service]\nLimitNOFILE=1048576\n" {
		t.Errorf("containerd drop-in = %q", got)
	}
	// reservedSystemCpus 0-1 is mask 3.
	for _, rel := range []string{"proc/irq/24/smp_affinity", "proc/irq/25/smp_affinity", "proc/irq/default_smp_affinity",
		"sys/class/net/eth0/queues/rx-0/rps_cpus", "sys/class/net/eth0/queues/rx-1/rps_cpus",
		"sys/class/net/eth0/queues/tx-0/xps_cpus", "sys/class/net/eth0/queues/tx-1/xps_cpus"} {
		if got := f.read(t, rel); got != "3\n" {
			t.Errorf("%s = %q, want mask 3", rel, got)
		}
	}
	if got := f.read(t, "proc/irq/30/smp_affinity"); got != "ffff\n" {
		t.Errorf("a non-NIC IRQ was re-pinned: %q", got)
	}
	if got := f.read(t, "sys/class/net/lo/queues/rx-0/rps_cpus"); got != "0\n" {
		t.Errorf("lo was steered: %q", got)
	}
	log := f.read(t, "commands.log")
	for _, want := range []string{"sysctl -p " + filepath.Join(f.dir, "etc/sysctl.d/90-kafka-platform.conf"),
		"systemctl daemon-reload", "systemctl disable --now irqbalance.service", "systemctl mask irqbalance.service"} {
		if !strings.Contains(log, want) {
			t.Errorf("command log lacks %q:\n%s", want, log)
		}
	}
}

// TestTuneControllerNode: THP and nofile only; no sysctls, IRQs untouched.
func TestTuneControllerNode(t *testing.T) {
	f := newFakeRoot(t)
	if out, err := f.run(t, scriptPart(t, topology.RoleController)); err != nil {
		t.Fatalf("script failed: %v\n%s", err, out)
	}
	if got := f.read(t, "sys/kernel/mm/transparent_hugepage/enabled"); got != "never\n" {
		t.Errorf("THP = %q", got)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "etc/sysctl.d/90-kafka-platform.conf")); !os.IsNotExist(err) {
		t.Errorf("controller nodes got broker sysctls")
	}
	if got := f.read(t, "proc/irq/24/smp_affinity"); got != "ffff\n" {
		t.Errorf("controller IRQs steered: %q", got)
	}
	if strings.Contains(f.read(t, "commands.log"), "irqbalance") {
		t.Errorf("irqbalance touched on a controller node")
	}
}

// TestTuneCPUMask checks the cpuset to kernel mask conversion by running the
// steering script on its own.
func TestTuneCPUMask(t *testing.T) {
	for _, c := range []struct{ cpus, mask string }{
		{"0", "1"}, {"0-1", "3"}, {"2-3", "c"}, {"0,8", "101"}, {"0-3,32", "1,0000000f"}, {"0,33", "2,00000001"},
		{"31", "80000000"}, {"64", "1,00000000,00000000"},
	} {
		f := newFakeRoot(t)
		if out, err := f.run(t, irqSteerScript, "KP_IRQ_CPUS="+c.cpus); err != nil {
			t.Fatalf("cpus %s: %v\n%s", c.cpus, err, out)
		}
		if got := strings.TrimSpace(f.read(t, "proc/irq/24/smp_affinity")); got != c.mask {
			t.Errorf("cpuset %s: mask %q, want %q", c.cpus, got, c.mask)
		}
	}
}

// TestTuneRejectsBadInput: a bad value stops the script with a message
// instead of writing garbage into /proc, and a bad cpuset persists nothing
// (no unit that would fail at every boot).
func TestTuneRejectsBadInput(t *testing.T) {
	body, err := os.ReadFile("scripts/tune-node.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range []string{"KP_IRQ_CPUS=0-x", "KP_IRQ_CPUS=3-1", "KP_THP=sometimes", "KP_NOFILE=lots", "KP_SYSCTLS=vm.swappiness"} {
		f := newFakeRoot(t)
		out, err := f.run(t, string(body), env, "KP_IRQ_STEER_SCRIPT="+irqSteerScript)
		if err == nil || !strings.Contains(out, "error:") {
			t.Errorf("%s: want a failure with an error message, got err=%v out=%s", env, err, out)
		}
		for _, rel := range []string{"etc/kafka-platform/tuning.env", "etc/systemd/system/kafka-platform-irq-steer.service"} {
			if _, err := os.Stat(filepath.Join(f.dir, rel)); !os.IsNotExist(err) {
				t.Errorf("%s: %s persisted despite the failure", env, rel)
			}
		}
	}
	// Steering requested but the user data lost the script text.
	f := newFakeRoot(t)
	if out, err := f.run(t, string(body), "KP_IRQ_CPUS=0-1"); err == nil || !strings.Contains(out, "KP_IRQ_STEER_SCRIPT") {
		t.Errorf("no steering script: want an error naming KP_IRQ_STEER_SCRIPT, got err=%v out=%s", err, out)
	}
}

// steeringFiles are the /proc and /sys files the steering writes on the
// fake root, with the values newFakeRoot starts them at (what the kernel
// shows again after a reboot).
var steeringFiles = map[string]string{
	"proc/irq/default_smp_affinity":           "ffff\n",
	"proc/irq/24/smp_affinity":                "ffff\n",
	"proc/irq/25/smp_affinity":                "ffff\n",
	"proc/irq/30/smp_affinity":                "ffff\n",
	"sys/class/net/eth0/queues/rx-0/rps_cpus": "0\n",
	"sys/class/net/eth0/queues/rx-1/rps_cpus": "0\n",
	"sys/class/net/eth0/queues/tx-0/xps_cpus": "0\n",
	"sys/class/net/eth0/queues/tx-1/xps_cpus": "0\n",
	"sys/class/net/lo/queues/rx-0/rps_cpus":   "0\n",
}

func (f fakeRoot) snapshot(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for rel := range steeringFiles {
		out[rel] = f.read(t, rel)
	}
	return out
}

// TestIRQSteeringPersists runs the broker's script part from the real user
// data, checks what it installs for later boots, then "reboots" the fake
// root (every /proc and /sys value back to the kernel's) and runs the
// installed executable the way the unit does (no KP_* environment): it must
// write exactly the masks the first boot wrote.
func TestIRQSteeringPersists(t *testing.T) {
	f := newFakeRoot(t)
	if out, err := f.run(t, scriptPart(t, topology.RoleBroker)); err != nil {
		t.Fatalf("script failed: %v\n%s", err, out)
	}
	firstBoot := f.snapshot(t)
	if firstBoot["proc/irq/24/smp_affinity"] != "3\n" {
		t.Fatalf("first boot did not steer: %v", firstBoot)
	}

	if got, want := f.read(t, "etc/kafka-platform/tuning.env"),
		"# Written by kafka-platform node tuning (infra/nodegroups).\nKP_IRQ_CPUS=0-1\n"; got != want {
		t.Errorf("tuning.env =\n%s\nwant\n%s", got, want)
	}
	exe := filepath.Join(f.dir, "usr/local/sbin/kafka-platform-irq-steer")
	st, err := os.Stat(exe)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o755 {
		t.Errorf("installed steer script mode %v, want 0755", st.Mode().Perm())
	}
	if got := f.read(t, "usr/local/sbin/kafka-platform-irq-steer"); got != irqSteerScript {
		t.Errorf("installed steer script differs from scripts/irq-steer.sh")
	}
	unit := f.read(t, "etc/systemd/system/kafka-platform-irq-steer.service")
	for _, want := range []string{
		"[Unit]\n", "\nAfter=network-online.target\n", "\nWants=network-online.target\n", "\nBefore=kubelet.service\n",
		"\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/usr/local/sbin/kafka-platform-irq-steer\n",
		"\n[Install]\nWantedBy=multi-user.target\n",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("unit lacks %q:\n%s", want, unit)
		}
	}
	verifyUnit(t, f, unit)

	// Order matters: the unit is enabled after daemon-reload, and irqbalance
	// is masked so a package update cannot bring it back.
	var calls []string
	for _, l := range strings.Split(strings.TrimSpace(f.read(t, "commands.log")), "\n") {
		if strings.HasPrefix(l, "systemctl ") {
			calls = append(calls, l)
		}
	}
	wantCalls := []string{
		"systemctl daemon-reload", // containerd drop-in
		"systemctl daemon-reload", // steering unit
		"systemctl enable kafka-platform-irq-steer.service",
		"systemctl disable --now irqbalance.service",
		"systemctl mask irqbalance.service",
	}
	if strings.Join(calls, "\n") != strings.Join(wantCalls, "\n") {
		t.Errorf("systemctl calls:\n%s\nwant\n%s", strings.Join(calls, "\n"), strings.Join(wantCalls, "\n"))
	}

	// Reboot: the kernel resets /proc/irq and the queues' masks.
	for rel, v := range steeringFiles {
		if err := os.WriteFile(filepath.Join(f.dir, rel), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(exe)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "ROOT=" + f.dir}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("installed steer script failed at boot: %v\n%s", err, out)
	}
	if after := f.snapshot(t); !reflect.DeepEqual(after, firstBoot) {
		t.Errorf("masks after reboot differ from first boot:\n got %v\nwant %v", after, firstBoot)
	}
}

// verifyUnit runs systemd's own unit checker on the unit. verify needs
// ExecStart to exist on this machine, so the copy it checks points at the
// executable installed in the fake root; nothing else changes. Warnings
// (e.g. an unknown Type=) leave verify's exit status 0, so any output fails.
func verifyUnit(t *testing.T, f fakeRoot, unit string) {
	t.Helper()
	tool := needTool(t, "systemd-analyze", "systemd")
	execStart := "ExecStart=/usr/local/sbin/kafka-platform-irq-steer\n"
	if !strings.Contains(unit, execStart) {
		t.Fatalf("unit has no %q", execStart)
	}
	p := filepath.Join(t.TempDir(), "kafka-platform-irq-steer.service")
	local := strings.Replace(unit, execStart, "ExecStart="+filepath.Join(f.dir, "usr/local/sbin/kafka-platform-irq-steer")+"\n", 1)
	if err := os.WriteFile(p, []byte(local), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "verify", "--man=no", p).CombinedOutput()
	if err != nil || len(out) != 0 {
		t.Errorf("systemd-analyze verify: %v\n%s\nunit:\n%s", err, out, unit)
	}
}

// TestSteerScriptNeedsSettings: run by the unit without tuning.env, the
// steering script fails with a message instead of guessing a cpuset.
func TestSteerScriptNeedsSettings(t *testing.T) {
	f := newFakeRoot(t)
	out, err := f.run(t, irqSteerScript)
	if err == nil || !strings.Contains(out, "tuning.env missing") {
		t.Fatalf("want an error naming tuning.env, got err=%v out=%s", err, out)
	}
	if got := f.read(t, "proc/irq/24/smp_affinity"); got != "ffff\n" {
		t.Errorf("IRQ re-pinned without settings: %q", got)
	}
}

// TestTuneWritesDeterministicFiles: two runs of the broker script part on
// two fresh roots write byte-identical files under /etc and /usr (no dates,
// hostnames, random names or root paths in what persists).
func TestTuneWritesDeterministicFiles(t *testing.T) {
	tree := func() map[string]string {
		f := newFakeRoot(t)
		if out, err := f.run(t, scriptPart(t, topology.RoleBroker)); err != nil {
			t.Fatalf("script failed: %v\n%s", err, out)
		}
		files := map[string]string{}
		for _, top := range []string{"etc", "usr"} {
			err := filepath.WalkDir(filepath.Join(f.dir, top), func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				b, err := os.ReadFile(p)
				rel, _ := filepath.Rel(f.dir, p)
				if strings.Contains(string(b), f.dir) {
					t.Errorf("%s contains the root path %s", rel, f.dir)
				}
				files[rel] = string(b)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		return files
	}
	a, b := tree(), tree()
	if len(a) < 6 {
		t.Fatalf("expected the sysctl, THP, containerd, env, unit and executable files, got %d: %v", len(a), a)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("persisted files differ between runs:\n%v\n%v", a, b)
	}
}

// TestSteerDelimiterNotInScript: the here-document carrying the steering
// script would end early if the script held its delimiter line, and the
// text must end in a newline for the delimiter to stand on its own line.
func TestSteerDelimiterNotInScript(t *testing.T) {
	for _, l := range strings.Split(irqSteerScript, "\n") {
		if strings.TrimSpace(l) == steerDelimiter {
			t.Fatalf("scripts/irq-steer.sh contains the here-document delimiter %s", steerDelimiter)
		}
	}
	if !strings.HasSuffix(irqSteerScript, "\n") {
		t.Fatal("scripts/irq-steer.sh does not end in a newline")
	}
}
