package strimzi

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The broker image must deliver the plugin where TieredStorageClassPath
// points, from checksummed artifacts, on a digest-pinned base, as non-root.
func TestBrokerImageDockerfile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "images", "kafka-tiered", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	// Join continuation lines so each instruction is one line.
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	var froms, adds int
	var last string
	sts := false
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		last = line
		switch strings.ToUpper(f[0]) {
		case "FROM":
			froms++
			if f[1] != "${BASE_IMAGE}" {
				t.Errorf("FROM %s: the base must be the digest-pinned BASE_IMAGE", f[1])
			}
		case "ADD":
			if strings.Contains(line, "https://") {
				adds++
				if !strings.Contains(line, "--checksum=sha256:${") {
					t.Errorf("remote ADD without a checksum: %s", line)
				}
				sts = sts || strings.Contains(line, "/awssdk/sts/")
			}
		case "COPY":
			dir := strings.TrimSuffix(TieredStorageClassPath, "*")
			if !strings.HasSuffix(strings.TrimSpace(line), dir) {
				t.Errorf("plugin copied to %q, Kafka's classPath is %s", line, TieredStorageClassPath)
			}
		}
	}
	if froms != 2 || adds != 3 || !sts {
		t.Errorf("FROM x%d, remote ADD x%d, sts jar %v: want a build stage and a final stage, core+s3+sts artifacts", froms, adds, sts)
	}
	if strings.TrimSpace(last) != "USER 1001" {
		t.Errorf("last instruction %q: the image must end as Strimzi's non-root user", last)
	}
}

func TestBrokerImageBuildRefusesMissingPins(t *testing.T) {
	script, _ := filepath.Abs(filepath.Join("..", "..", "images", "kafka-tiered", "build.sh"))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pins.env"), []byte("BASE_IMAGE=quay.io/strimzi/kafka:latest\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	copyScript := filepath.Join(dir, "build.sh")
	src, _ := os.ReadFile(script)
	if err := os.WriteFile(copyScript, src, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", copyScript, "registry.invalid/kafka-tiered").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "TIERED_STORAGE_VERSION is empty") {
		t.Fatalf("build.sh with missing pins: err=%v out=%s", err, out)
	}
	full := "BASE_IMAGE=quay.io/strimzi/kafka:latest\nTIERED_STORAGE_VERSION=1\nTIERED_STORAGE_CORE_SHA256=a\nTIERED_STORAGE_S3_SHA256=b\nAWS_SDK_VERSION=2\nAWS_SDK_STS_SHA256=c\n"
	if err := os.WriteFile(filepath.Join(dir, "pins.env"), []byte(full), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command("bash", copyScript, "registry.invalid/kafka-tiered").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "pinned by digest") {
		t.Fatalf("build.sh with a tag base: err=%v out=%s", err, out)
	}
}
