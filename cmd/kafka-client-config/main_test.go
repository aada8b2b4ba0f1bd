package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tradingfirm/kafka-platform/internal/offline"
)

var (
	outsOnce sync.Once
	outsPath string
	outsErr  error
)

// prodOutputs renders the prod stack in-process and writes its outputs the
// way `make render` writes build/prod/outputs.json (and `pulumi stack output
// --json` prints them), so the test never depends on a stale build dir.
func prodOutputs(t *testing.T) string {
	t.Helper()
	outsOnce.Do(func() {
		var r *offline.Rendered
		r, outsErr = offline.Render(offline.Options{Dir: "../..", Stack: "prod"})
		if outsErr != nil {
			return
		}
		var b []byte
		b, outsErr = json.MarshalIndent(r.Outputs, "", "  ")
		if outsErr != nil {
			return
		}
		dir, err := os.MkdirTemp("", "kafka-client-config")
		if err != nil {
			outsErr = err
			return
		}
		outsPath = filepath.Join(dir, "outputs.json")
		outsErr = os.WriteFile(outsPath, b, 0o600)
	})
	if outsErr != nil {
		t.Fatal(outsErr)
	}
	return outsPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if outsPath != "" {
		os.RemoveAll(filepath.Dir(outsPath))
	}
	os.Exit(code)
}

// TestBinary builds the command and runs it once, as an app team would.
func TestBinary(t *testing.T) {
	outs := prodOutputs(t)
	bin := filepath.Join(t.TempDir(), "kafka-client-config")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-outputs", outs, "-user", "order-management", "-topic", "orders.journal", "-zone", "us-east-1a")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr: %s", stderr.String())
	}
	for _, w := range []string{
		"bootstrap.servers=trading-kafka-bootstrap.kafka.svc:9093\n",
		"ssl.keystore.location=/etc/kafka/user/user.p12\n",
		"ssl.truststore.location=/etc/kafka/ca/ca.p12\n",
		"acks=all\n", "enable.idempotence=true\n", "isolation.level=read_committed\n",
		"client.rack=us-east-1a\n",
		"# mount Secret trading-cluster-ca-cert at /etc/kafka/ca\n",
		"# mount Secret order-management at /etc/kafka/user\n",
	} {
		if !strings.Contains(stdout.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, stdout.String())
		}
	}
}

// TestRun covers flags, formats, stdin and the error paths in-process.
func TestRun(t *testing.T) {
	outs := prodOutputs(t)
	stdinOuts, err := os.ReadFile(outs)
	if err != nil {
		t.Fatal(err)
	}
	base := []string{"-outputs", outs, "-user", "strategy-engine", "-topic", "marketdata.quotes"}
	cases := []struct {
		name    string
		args    []string
		stdin   []byte
		code    int
		stdout  []string
		stderr  []string
		noWrite string // must not appear in stdout
	}{
		{name: "properties consumer", args: append(base, "-role", "consumer", "-zone", "us-east-1c"), code: 0,
			stdout: []string{"client.rack=us-east-1c\n", "auto.offset.reset=latest\n"}, noWrite: "acks="},
		{name: "env from stdin", args: []string{"-outputs", "-", "-user", "marketdata-gateway", "-topic", "marketdata.quotes", "-role", "producer", "-format", "env"},
			stdin: stdinOuts, code: 0, stdout: []string{"KAFKA_PRODUCER_ACKS='1'\n", "KAFKA_BOOTSTRAP_SERVERS='trading-kafka-bootstrap.kafka.svc:9093'\n"}},
		{name: "json cross-region", args: []string{"-outputs", outs, "-user", "mirrormaker-dr", "-topic", "orders.journal", "-role", "consumer", "-cross-region", "-format", "json"},
			code: 0, stdout: []string{`"bootstrapServers": "nlb-`, `"userKey": "/etc/kafka/user/user.key"`}, noWrite: "client.rack"},
		{name: "missing flags", args: []string{"-user", "x"}, code: 2, stderr: []string{"-outputs, -topic required"}},
		{name: "unknown user", args: []string{"-outputs", outs, "-user", "nobody", "-topic", "orders.journal"}, code: 1,
			stderr: []string{`-user "nobody"`, "canary, marketdata-gateway, mirrormaker-dr, order-management, risk-aggregator, strategy-engine"}},
		{name: "unknown topic", args: []string{"-outputs", outs, "-user", "canary", "-topic", "orders"}, code: 1,
			stderr: []string{`-topic "orders"`, "canary, marketdata.quotes, orders.journal, risk.positions"}},
		{name: "consumer needs zone", args: append(base, "-role", "consumer"), code: 1, stderr: []string{"-zone", "us-east-1a", "-no-rack"}},
		{name: "bad format", args: append(base, "-role", "producer", "-format", "yaml"), code: 1, stderr: []string{`-format "yaml"`}},
		{name: "missing outputs file", args: []string{"-outputs", "/nonexistent/outputs.json", "-user", "a", "-topic", "b"}, code: 1,
			stderr: []string{`-outputs "/nonexistent/outputs.json"`, "pulumi stack output"}},
		{name: "stray argument", args: append(base, "extra"), code: 2, stderr: []string{`unexpected argument "extra"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, bytes.NewReader(tc.stdin), &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout.String(), stderr.String())
			}
			for _, w := range tc.stdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			if tc.noWrite != "" && strings.Contains(stdout.String(), tc.noWrite) {
				t.Errorf("stdout has %q:\n%s", tc.noWrite, stdout.String())
			}
			if tc.code != 0 && stdout.Len() > 0 {
				t.Errorf("failed run wrote to stdout: %s", stdout.String())
			}
		})
	}
}
