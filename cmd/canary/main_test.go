package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	binDir    string
)

// buildBinary builds the canary once per test run, as the image does
// (CGO_ENABLED=0, static).
func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "canary-bin")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "canary")
		build := exec.Command("go", "build", "-o", binPath, ".")
		build.Env = append(build.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// The built binary against an in-process cluster: it serves metrics on the
// listen address, reports up, and exits 0 promptly on SIGTERM.
func TestBinaryServesMetricsAndStopsOnSIGTERM(t *testing.T) {
	bin := buildBinary(t)

	cluster, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.SeedTopics(3, "canary"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	var stderr bytes.Buffer
	cmd := exec.Command(bin,
		"-bootstrap-servers", strings.Join(cluster.ListenAddrs(), ","),
		"-listen-addr", addr,
		"-interval", "10ms",
		"-insecure-plaintext-for-tests")
	cmd.Env = append(cmd.Environ(), "CANARY_ZONE=zone-a")
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var body string
	for !strings.Contains(body, `kafka_canary_up{zone="zone-a"} 1`) {
		select {
		case <-ctx.Done():
			t.Fatalf("kafka_canary_up never 1; last /metrics:\n%.2000s\nstderr:\n%s", body, stderr.String())
		case err := <-exited:
			t.Fatalf("canary exited early: %v\n%s", err, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if resp, err := http.Get("http://" + addr + "/metrics"); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
		}
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", path, resp.StatusCode)
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
		} else if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no exit within 10s of SIGTERM\n%s", stderr.String())
	}
	logs := stderr.String()
	for _, want := range []string{`"msg":"canary started"`, `"msg":"canary stopped"`, `"zone":"zone-a"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("structured logs lack %s", want)
		}
	}
}

func TestBinaryRejectsBadConfig(t *testing.T) {
	bin := buildBinary(t)
	out, err := exec.Command(bin, "-bootstrap-servers", "k:9093").CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
		t.Fatalf("exit = %v, want status 1", err)
	}
	for _, want := range []string{"-zone (CANARY_ZONE)", "-tls-ca-file"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
