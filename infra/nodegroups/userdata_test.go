package nodegroups

import (
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/awslabs/amazon-eks-ami/nodeadm/api/v1alpha1"
	"sigs.k8s.io/yaml"

	"github.com/tradingfirm/kafka-platform/internal/topology"
)

// part is one decoded MIME part.
type part struct {
	contentType string
	body        string
}

// parseUserData splits MIME multipart user data the way cloud-init does.
func parseUserData(t *testing.T, ud string) []part {
	t.Helper()
	head, body, ok := strings.Cut(ud, "\r\n\r\n")
	if !ok {
		t.Fatalf("user data has no MIME header block:\n%s", ud)
	}
	if !strings.Contains(head, "MIME-Version: 1.0") {
		t.Fatalf("user data lacks MIME-Version: %q", head)
	}
	var ct string
	for _, l := range strings.Split(head, "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "Content-Type") {
			ct = strings.TrimSpace(v)
		}
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("top-level content type %q: %v", ct, err)
	}
	r := multipart.NewReader(strings.NewReader(body), params["boundary"])
	var out []part
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, part{p.Header.Get("Content-Type"), string(b)})
	}
	return out
}

// decodeNodeConfig decodes the NodeConfig part with nodeadm's own types.
func decodeNodeConfig(t *testing.T, parts []part) v1alpha1.NodeConfig {
	t.Helper()
	var found []v1alpha1.NodeConfig
	for _, p := range parts {
		if p.contentType != NodeConfigContentType {
			continue
		}
		var nc v1alpha1.NodeConfig
		if err := yaml.UnmarshalStrict([]byte(p.body), &nc); err != nil {
			t.Fatalf("NodeConfig does not decode into nodeadm's v1alpha1 types: %v\n%s", err, p.body)
		}
		found = append(found, nc)
	}
	if len(found) != 1 {
		t.Fatalf("want one %s part, got %d", NodeConfigContentType, len(found))
	}
	nc := found[0]
	if nc.APIVersion != "node.eks.aws/v1alpha1" || nc.Kind != "NodeConfig" {
		t.Fatalf("NodeConfig type meta = %s/%s", nc.APIVersion, nc.Kind)
	}
	// spec.cluster must stay empty: EKS supplies it when there is no ImageId.
	if nc.Spec.Cluster.Name != "" || nc.Spec.Cluster.APIServerEndpoint != "" {
		t.Errorf("NodeConfig sets spec.cluster; EKS adds it for templates without ImageId")
	}
	return nc
}

func kubeletConfigValues(t *testing.T, nc v1alpha1.NodeConfig) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, raw := range nc.Spec.Kubelet.Config {
		var s string
		if err := json.Unmarshal(raw.Raw, &s); err != nil {
			t.Fatalf("kubelet config %s = %s: want a string: %v", k, raw.Raw, err)
		}
		out[k] = s
	}
	return out
}

func brokerArgs() Args {
	return Args{Broker: BrokerTuning{
		Sysctls:              map[string]string{"vm.swappiness": "1", "net.ipv4.tcp_rmem": "4096 87380 16777216"},
		TransparentHugepages: "never", NoFile: 1048576, IRQSteering: true, ReservedSystemCPUs: "0-1",
		TopologyManagerPolicy: "single-numa-node", TopologyManagerScope: "pod",
	}}
}

func TestUserDataPerRole(t *testing.T) {
	specs := brokerArgs().Specs()
	cases := []struct {
		role       string
		raid0      bool
		static     bool
		taint      string
		scriptVars []string // KP_* values the script part must export
	}{
		{topology.RoleBroker, true, true, "kafka-platform/dedicated=broker:NoSchedule",
			[]string{"export KP_THP='never'", "export KP_NOFILE='1048576'", "export KP_IRQ_CPUS='0-1'", "net.ipv4.tcp_rmem=4096 87380 16777216"}},
		{topology.RoleController, false, false, "kafka-platform/dedicated=controller:NoSchedule",
			[]string{"export KP_THP='never'", "export KP_NOFILE='1048576'", "export KP_IRQ_CPUS=''", "export KP_SYSCTLS=''"}},
		{topology.RoleSystem, false, false, "", nil},
	}
	for _, c := range cases {
		t.Run(c.role, func(t *testing.T) {
			ud, err := UserData(specs[c.role])
			if err != nil {
				t.Fatal(err)
			}
			parts := parseUserData(t, ud)
			nc := decodeNodeConfig(t, parts)

			if got := nc.Spec.Instance.LocalStorage.Strategy == v1alpha1.LocalStorageRAID0; got != c.raid0 {
				t.Errorf("localStorage.strategy = %q, want RAID0: %v", nc.Spec.Instance.LocalStorage.Strategy, c.raid0)
			}
			kc := kubeletConfigValues(t, nc)
			if c.static {
				want := map[string]string{"cpuManagerPolicy": "static", "reservedSystemCPUs": "0-1",
					"topologyManagerPolicy": "single-numa-node", "topologyManagerScope": "pod"}
				for k, v := range want {
					if kc[k] != v {
						t.Errorf("kubelet config %s = %q, want %q", k, kc[k], v)
					}
				}
			} else if len(kc) != 0 {
				t.Errorf("kubelet config on %s nodes = %v, want none", c.role, kc)
			}

			// Labels and taints are the node group API's (one source);
			// the NodeConfig sets no kubelet flags at all.
			if len(nc.Spec.Kubelet.Flags) != 0 {
				t.Errorf("kubelet flags %v, want none", nc.Spec.Kubelet.Flags)
			}
			spec := specs[c.role]
			if spec.Labels[topology.RoleLabel] != c.role {
				t.Errorf("spec labels %v, want %s=%s", spec.Labels, topology.RoleLabel, c.role)
			}
			var taints []string
			for _, tn := range spec.Taints {
				taints = append(taints, tn.String())
			}
			if c.taint == "" && len(taints) != 0 || c.taint != "" && (len(taints) != 1 || taints[0] != c.taint) {
				t.Errorf("spec taints = %v, want %q", taints, c.taint)
			}

			var scripts []string
			for _, p := range parts {
				if strings.HasPrefix(p.contentType, "text/x-shellscript") {
					scripts = append(scripts, p.body)
				}
			}
			if c.scriptVars == nil {
				if len(scripts) != 0 {
					t.Errorf("%s nodes get a tuning script; want none", c.role)
				}
				return
			}
			if len(scripts) != 1 || !strings.HasPrefix(scripts[0], "#!/bin/bash\n") {
				t.Fatalf("want one bash script part, got %d", len(scripts))
			}
			for _, v := range c.scriptVars {
				if !strings.Contains(scripts[0], v) {
					t.Errorf("script part lacks %q", v)
				}
			}
		})
	}
}

func TestUserDataIsDeterministic(t *testing.T) {
	a := brokerArgs()
	a.Broker.Sysctls = map[string]string{"b.x": "1", "a.y": "2", "c.z": "3", "d.w": "4"}
	first, err := UserData(a.Specs()[topology.RoleBroker])
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		again, _ := UserData(a.Specs()[topology.RoleBroker])
		if again != first {
			t.Fatal("user data differs between runs: every node would roll on each deploy")
		}
	}
}

func TestStaticCPUManagerNeedsReservation(t *testing.T) {
	s := brokerArgs().Specs()[topology.RoleBroker]
	s.ReservedSystemCPUs = ""
	if _, err := UserData(s); err == nil || !strings.Contains(err.Error(), "reservedSystemCPUs") {
		t.Fatalf("want an error naming reservedSystemCPUs, got %v", err)
	}
}

func TestShellQuoteSurvivesQuotes(t *testing.T) {
	got := TuningScript(Tuning{TransparentHugepages: "it's"})
	if !strings.Contains(got, `export KP_THP='it'\''s'`) {
		t.Fatalf("single quote not escaped:\n%s", got)
	}
}

func TestAMIType(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"i4i.4xlarge", "AL2023_x86_64_STANDARD"},
		{"i4g.4xlarge", "AL2023_ARM_64_STANDARD"},
		{"i8g.2xlarge", "AL2023_ARM_64_STANDARD"},
		{"m7i.large", "AL2023_x86_64_STANDARD"},
		{"m7g.large", "AL2023_ARM_64_STANDARD"},
		{"r8gd.xlarge", "AL2023_ARM_64_STANDARD"},
		{"c7gn.large", "AL2023_ARM_64_STANDARD"},
		{"c7i-flex.large", "AL2023_x86_64_STANDARD"},
		{"m6a.xlarge", "AL2023_x86_64_STANDARD"},
		{"g5.xlarge", "AL2023_x86_64_STANDARD"},
	} {
		if got := AMIType(c.in); got != c.want {
			t.Errorf("AMIType(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestUserDataFitsEC2Limit: EC2 caps user data at 16 KB before base64
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html), and
// EKS merges its own NodeConfig part (cluster name, endpoint, CA, CIDR) into
// the same user data, so 2 KB stay free for it. The steering script travels
// in the broker part, which makes it the largest.
func TestUserDataFitsEC2Limit(t *testing.T) {
	const limit, eksHeadroom = 16 * 1024, 2 * 1024
	for role, spec := range brokerArgs().Specs() {
		ud, err := UserData(spec)
		if err != nil {
			t.Fatal(err)
		}
		if len(ud) > limit-eksHeadroom {
			t.Errorf("%s user data is %d bytes; EC2 allows %d and EKS needs ~%d of it", role, len(ud), limit, eksHeadroom)
		}
	}
}
