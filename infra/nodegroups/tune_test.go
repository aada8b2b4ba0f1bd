package nodegroups

import (
	"os"
	"os/exec"
	"path/filepath"
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
		"systemctl daemon-reload", "systemctl disable --now irqbalance.service"} {
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
// script with only steering enabled.
func TestTuneCPUMask(t *testing.T) {
	body, err := os.ReadFile("scripts/tune-node.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ cpus, mask string }{
		{"0", "1"}, {"0-1", "3"}, {"2-3", "c"}, {"0,8", "101"}, {"0-3,32", "1,0000000f"}, {"0,33", "2,00000001"},
		{"31", "80000000"}, {"64", "1,00000000,00000000"},
	} {
		f := newFakeRoot(t)
		if out, err := f.run(t, string(body), "KP_IRQ_CPUS="+c.cpus); err != nil {
			t.Fatalf("cpus %s: %v\n%s", c.cpus, err, out)
		}
		if got := strings.TrimSpace(f.read(t, "proc/irq/24/smp_affinity")); got != c.mask {
			t.Errorf("cpuset %s: mask %q, want %q", c.cpus, got, c.mask)
		}
	}
}

// TestTuneRejectsBadInput: a bad value stops the script with a message
// instead of writing garbage into /proc.
func TestTuneRejectsBadInput(t *testing.T) {
	body, err := os.ReadFile("scripts/tune-node.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range []string{"KP_IRQ_CPUS=0-x", "KP_IRQ_CPUS=3-1", "KP_THP=sometimes", "KP_NOFILE=lots", "KP_SYSCTLS=vm.swappiness"} {
		f := newFakeRoot(t)
		out, err := f.run(t, string(body), env)
		if err == nil || !strings.Contains(out, "error:") {
			t.Errorf("%s: want a failure with an error message, got err=%v out=%s", env, err, out)
		}
	}
}
