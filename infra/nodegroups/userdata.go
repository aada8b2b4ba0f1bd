package nodegroups

import (
	"bytes"
	_ "embed"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// tuneScript is the node tuning script. It reads its settings from KP_*
// environment variables only, so the file itself is what shellcheck lints
// and what the tests execute.
//
//go:embed scripts/tune-node.sh
var tuneScript string

// irqSteerScript is the NIC IRQ/RPS/XPS steering script. The tuning script
// installs it as /usr/local/sbin/kafka-platform-irq-steer and a systemd unit
// runs it at every boot; the user data carries its text in
// KP_IRQ_STEER_SCRIPT (only when steering is on).
//
//go:embed scripts/irq-steer.sh
var irqSteerScript string

// steerDelimiter ends the here-document that carries irqSteerScript in the
// user data; TestSteerDelimiterNotInScript keeps it out of the script.
const steerDelimiter = "KAFKA_PLATFORM_IRQ_STEER_EOF"

// NodeConfigContentType is the MIME type nodeadm reads its NodeConfig from.
const NodeConfigContentType = "application/node.eks.aws"

// ShellScriptContentType is the MIME type cloud-init runs as a script.
const ShellScriptContentType = `text/x-shellscript; charset="us-ascii"`

// boundary is fixed so that the same inputs give byte-identical user data
// (a changed boundary would roll every node for nothing).
const boundary = "KAFKA-PLATFORM-USERDATA-BOUNDARY"

// Taint is a node taint, applied by EKS through the node group API.
type Taint struct {
	// Key, Value and Effect as in a Kubernetes taint (Effect in Kubernetes
	// spelling, e.g. NoSchedule; EKSEffect converts it for the EKS API).
	Key, Value, Effect string
}

// String is the Kubernetes form key=value:Effect.
func (t Taint) String() string { return t.Key + "=" + t.Value + ":" + t.Effect }

// eksTaintEffects maps Kubernetes taint effects to the EKS node group API's
// enum (https://docs.aws.amazon.com/eks/latest/APIReference/API_Taint.html).
var eksTaintEffects = map[string]string{
	"NoSchedule":       "NO_SCHEDULE",
	"NoExecute":        "NO_EXECUTE",
	"PreferNoSchedule": "PREFER_NO_SCHEDULE",
}

// EKSEffect is t's effect as the EKS node group API spells it.
func (t Taint) EKSEffect() (string, error) {
	e, ok := eksTaintEffects[t.Effect]
	if !ok {
		return "", fmt.Errorf("taint %s: effect %q is not one of NoSchedule, NoExecute, PreferNoSchedule", t, t.Effect)
	}
	return e, nil
}

// Tuning is what the tuning script applies on a node. The zero value
// applies nothing and produces no script part.
type Tuning struct {
	// Sysctls are kernel settings (name to value), written to
	// /etc/sysctl.d/90-kafka-platform.conf and applied.
	Sysctls map[string]string
	// TransparentHugepages is never, madvise or always; empty leaves it.
	TransparentHugepages string
	// NoFile is containerd's LimitNOFILE; 0 leaves it.
	NoFile int
	// IRQCPUs is the cpuset NIC interrupts and RPS/XPS are steered to;
	// empty leaves irqbalance in charge.
	IRQCPUs string
}

func (t Tuning) empty() bool {
	return len(t.Sysctls) == 0 && t.TransparentHugepages == "" && t.NoFile == 0 && t.IRQCPUs == ""
}

// NodeSpec is what one node group's nodes are told at boot.
type NodeSpec struct {
	// Labels are the node labels. They are set on the EKS node group (API
	// labels), not in the NodeConfig: EKS applies them itself, they show in
	// the console, Cluster Autoscaler and the policy pack see them, and EKS's
	// own NodeConfig part already carries them to kubelet, so kubelet
	// --node-labels in our part would be a second source that can drift.
	Labels map[string]string
	// Taints are set on the EKS node group (API taints) for the same
	// reasons, never as kubelet --register-with-taints.
	Taints []Taint
	// LocalStorageRAID0 stripes all instance-store NVMe into one array that
	// nodeadm mounts at topology.NVMeMountPath.
	LocalStorageRAID0 bool
	// StaticCPUManager turns on kubelet's static CPU manager and topology
	// manager with ReservedSystemCPUs, TopologyManagerPolicy and
	// TopologyManagerScope (all required when it is set).
	StaticCPUManager      bool
	ReservedSystemCPUs    string
	TopologyManagerPolicy string
	TopologyManagerScope  string
	// Tuning is applied by the tuning script; zero means no script part.
	Tuning Tuning
}

// nodeConfig is the subset of nodeadm's node.eks.aws/v1alpha1 NodeConfig
// this project writes. spec.cluster is left out on purpose: with no ImageId
// in the launch template, EKS adds its own NodeConfig part with the cluster
// coordinates, and nodeadm merges the parts.
type nodeConfig struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Spec       nodeConfigSpec `json:"spec"`
}

type nodeConfigSpec struct {
	Instance *instanceOptions `json:"instance,omitempty"`
	Kubelet  kubeletOptions   `json:"kubelet"`
}

type instanceOptions struct {
	LocalStorage localStorage `json:"localStorage"`
}

type localStorage struct {
	Strategy string `json:"strategy"`
}

type kubeletOptions struct {
	Config *kubeletConfig `json:"config,omitempty"`
}

// kubeletConfig is merged by nodeadm into KubeletConfiguration.
type kubeletConfig struct {
	CPUManagerPolicy      string `json:"cpuManagerPolicy,omitempty"`
	ReservedSystemCPUs    string `json:"reservedSystemCPUs,omitempty"`
	TopologyManagerPolicy string `json:"topologyManagerPolicy,omitempty"`
	TopologyManagerScope  string `json:"topologyManagerScope,omitempty"`
}

// NodeConfigYAML renders the NodeConfig part of s.
func NodeConfigYAML(s NodeSpec) (string, error) {
	nc := nodeConfig{APIVersion: "node.eks.aws/v1alpha1", Kind: "NodeConfig"}
	if s.LocalStorageRAID0 {
		nc.Spec.Instance = &instanceOptions{LocalStorage: localStorage{Strategy: "RAID0"}}
	}
	if s.StaticCPUManager {
		if s.ReservedSystemCPUs == "" || s.TopologyManagerPolicy == "" || s.TopologyManagerScope == "" {
			return "", fmt.Errorf("static CPU manager needs reservedSystemCPUs, topologyManagerPolicy and topologyManagerScope")
		}
		nc.Spec.Kubelet.Config = &kubeletConfig{
			CPUManagerPolicy:      "static",
			ReservedSystemCPUs:    s.ReservedSystemCPUs,
			TopologyManagerPolicy: s.TopologyManagerPolicy,
			TopologyManagerScope:  s.TopologyManagerScope,
		}
	}
	b, err := yaml.Marshal(nc)
	if err != nil {
		return "", fmt.Errorf("marshal NodeConfig: %w", err)
	}
	return "---\n" + string(b), nil
}

// TuningScript is the script part for t: a shebang, the KP_* settings as
// single-quoted exports (plus the steering script's text when t steers
// IRQs), then the embedded script body. Values are never
// spliced into shell code, only into quoted assignments.
func TuningScript(t Tuning) string {
	var b strings.Builder
	b.WriteString("#!/bin/bash\n# Settings from the kafka-platform stack config (infra/nodegroups).\n")
	export := func(k, v string) {
		fmt.Fprintf(&b, "export %s=%s\n", k, shellQuote(v))
	}
	names := make([]string, 0, len(t.Sysctls))
	for k := range t.Sysctls {
		names = append(names, k)
	}
	sort.Strings(names)
	lines := make([]string, len(names))
	for i, k := range names {
		lines[i] = k + "=" + t.Sysctls[k]
	}
	export("KP_SYSCTLS", strings.Join(lines, "\n"))
	export("KP_THP", t.TransparentHugepages)
	nofile := ""
	if t.NoFile > 0 {
		nofile = strconv.Itoa(t.NoFile)
	}
	export("KP_NOFILE", nofile)
	export("KP_IRQ_CPUS", t.IRQCPUs)
	if t.IRQCPUs != "" {
		// A quoted here-document carries the text verbatim (trailing
		// newline included, which $(cat <<...) would strip) and keeps
		// shellcheck from reading it as code. Not exported: only the tuning
		// script itself needs it, not every command it runs.
		fmt.Fprintf(&b, "IFS= read -r -d '' KP_IRQ_STEER_SCRIPT <<'%s' || true\n%s%s\n",
			steerDelimiter, irqSteerScript, steerDelimiter)
	}
	body := tuneScript
	if strings.HasPrefix(body, "#!") {
		body = body[strings.Index(body, "\n")+1:]
	}
	b.WriteString(body)
	return b.String()
}

// shellQuote single-quotes v for bash.
func shellQuote(v string) string {
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// UserData builds the MIME multipart user data of a launch template: the
// NodeConfig part, then the tuning script part if s has tuning. The result
// is plain text; the launch template takes it base64-encoded.
func UserData(s NodeSpec) (string, error) {
	nc, err := NodeConfigYAML(s)
	if err != nil {
		return "", err
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if err := w.SetBoundary(boundary); err != nil {
		return "", err
	}
	parts := []struct{ typ, content string }{{NodeConfigContentType, nc}}
	if !s.Tuning.empty() {
		parts = append(parts, struct{ typ, content string }{ShellScriptContentType, TuningScript(s.Tuning)})
	}
	for _, p := range parts {
		pw, err := w.CreatePart(textproto.MIMEHeader{"Content-Type": {p.typ}})
		if err != nil {
			return "", err
		}
		if _, err := pw.Write([]byte(p.content)); err != nil {
			return "", err
		}
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n" + body.String(), nil
}
