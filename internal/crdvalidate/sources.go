package crdvalidate

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/mod/module"
)

// Module is a set of upstream CRDs shipped inside a Go module's source tree.
// The Go module proxy serves the repository's files, so the exact upstream
// YAML is available without internet access beyond the proxy and without
// making the module a dependency of the program: `go mod download` puts it
// in the module cache, which Dir reads.
type Module struct {
	// Path is the module path, e.g. github.com/hashicorp/vault-secrets-operator.
	Path string
	// Version is the module version (a release tag).
	Version string
	// Subdir is the directory inside the module holding the CRD YAML files.
	Subdir string
}

// PrometheusOperator is the prometheus-operator release whose CRDs the
// monitoring.coreos.com objects (PodMonitor, PrometheusRule) are checked
// against. The kube-prometheus-stack chart the program installs
// (kubePrometheusStackVersion) bundles its own, possibly newer, operator
// release; v0.85.0 is the newest whose module the checksum database
// verifies from this network (v0.86.x fails sumdb verification here).
// Operator releases add fields to the v1 CRDs rather than remove them, so
// bump this with the chart when the sumdb allows it.
var PrometheusOperator = Module{
	Path:    "github.com/prometheus-operator/prometheus-operator",
	Version: "v0.85.0",
	Subdir:  "example/prometheus-operator-crd",
}

// VaultSecretsOperator is the Vault Secrets Operator release whose CRDs the
// secrets.hashicorp.com objects are checked against: the same version as
// the VSO Helm chart (0.10.0) platform/vault installs.
var VaultSecretsOperator = Module{
	Path:    "github.com/hashicorp/vault-secrets-operator",
	Version: "v0.10.0",
	Subdir:  "config/crd/bases",
}

// UpstreamModules are the CRD modules besides Strimzi (which comes from
// shared/, see FindDir). The Makefile's crds target downloads exactly these.
var UpstreamModules = []Module{PrometheusOperator, VaultSecretsOperator}

// String is "path@version".
func (m Module) String() string { return m.Path + "@" + m.Version }

// DownloadCommand is the command that puts the module in the module cache.
func (m Module) DownloadCommand() string { return "go mod download -json " + m.String() }

// Dir returns <module cache>/<escaped path>@<escaped version>/<Subdir>.
// It never downloads: a missing directory is an error naming the command
// to run (`make crds` runs it for every module), so tests fail with the fix
// rather than skip or reach the network behind the caller's back.
func (m Module) Dir() (string, error) {
	cache, err := modCache()
	if err != nil {
		return "", err
	}
	ep, err := module.EscapePath(m.Path)
	if err != nil {
		return "", fmt.Errorf("module %s: %w", m, err)
	}
	ev, err := module.EscapeVersion(m.Version)
	if err != nil {
		return "", fmt.Errorf("module %s: %w", m, err)
	}
	dir := filepath.Join(cache, filepath.FromSlash(ep)+"@"+ev, filepath.FromSlash(m.Subdir))
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("CRDs of %s not found at %s: run `make crds` (or `%s`) to fetch them from the Go module proxy",
			m, dir, m.DownloadCommand())
	}
	return dir, nil
}

// modCache is $GOMODCACHE, else what `go env GOMODCACHE` says (its default
// depends on GOPATH, which only the go command resolves reliably).
func modCache() (string, error) {
	if d := os.Getenv("GOMODCACHE"); d != "" {
		return d, nil
	}
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return "", fmt.Errorf("locate the Go module cache (`go env GOMODCACHE`): %w", err)
	}
	d := strings.TrimSpace(string(out))
	if d == "" {
		return "", fmt.Errorf("`go env GOMODCACHE` is empty: set GOMODCACHE")
	}
	return d, nil
}

// Upstream loads every CRD the rendered custom resources are applied to:
// Strimzi 1.2.0 (FindDir) and each of UpstreamModules. Any missing source is
// an error with the command that fixes it.
func Upstream() (*Validator, error) {
	strimziDir, err := FindDir()
	if err != nil {
		return nil, err
	}
	dirs := []string{strimziDir}
	for _, m := range UpstreamModules {
		d, err := m.Dir()
		if err != nil {
			return nil, err
		}
		dirs = append(dirs, d)
	}
	return Load(dirs...)
}

// Load reads the CRDs of every directory into one Validator. The same
// group/version/kind defined twice is an error: which schema wins would be
// an accident of order.
func Load(dirs ...string) (*Validator, error) {
	v := newValidator()
	for _, d := range dirs {
		if err := v.AddDir(d); err != nil {
			return nil, err
		}
	}
	return v, nil
}
