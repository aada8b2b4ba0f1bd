package nodegroups

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/awslabs/amazon-eks-ami/nodeadm/api/v1alpha1"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/config"
	"github.com/tradingfirm/kafka-platform/internal/render"
	"github.com/tradingfirm/kafka-platform/internal/render/rendertest"
	"github.com/tradingfirm/kafka-platform/internal/topology"
)

const (
	ltType = "aws:ec2/launchTemplate:LaunchTemplate"
	ngType = "aws:eks/nodeGroup:NodeGroup"
)

var zones = []string{"use1-az1", "use1-az2", "use1-az4"}

// render builds the component under the mocks, with subnets created in the
// test so that their IDs differ per zone.
func renderGroups(t *testing.T, mutate func(*Args)) (*render.Mocks, error) {
	t.Helper()
	m := render.NewMocks("kafka-platform", "test", "us-east-1")
	err := m.Run(func(ctx *pulumi.Context) error {
		var subnets pulumi.StringArray
		for _, z := range zones {
			s, err := ec2.NewSubnet(ctx, "private-"+z, &ec2.SubnetArgs{VpcId: pulumi.String("vpc-x"), CidrBlock: pulumi.String("10.0.0.0/24"),
				AvailabilityZoneId: pulumi.String(z)})
			if err != nil {
				return err
			}
			subnets = append(subnets, s.ID().ToStringOutput())
		}
		a := brokerArgs()
		a.ClusterName = pulumi.String("kafka-test").ToStringOutput()
		a.KubernetesVersion = "1.34"
		a.Zones = zones
		a.SubnetIDs = subnets
		a.BrokerInstanceType = "i4i.4xlarge"
		a.BrokersPerZone = 2
		a.ControllerInstanceType = "m7i.large"
		a.SystemInstanceType = "m7g.xlarge"
		a.SystemNodesPerZone = 1
		a.RootVolumeGiB = 50
		a.IMDSHopLimit = 1
		a.Tags = map[string]string{"owner": "kafka-platform"}
		if mutate != nil {
			mutate(&a)
		}
		_, err := New(ctx, "kafka-test", a)
		return err
	})
	return m, err
}

func num(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	}
	return -1
}

func TestNodeGroupsLayout(t *testing.T) {
	m, err := renderGroups(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	subnetIDs := map[string]string{} // zone -> subnet id as the node groups see it
	for _, z := range zones {
		subnetIDs[z] = fakeSubnetID(z)
	}
	groups := m.ByType(ngType)
	if len(groups) != 7 {
		t.Fatalf("want 7 node groups (system, 3 controllers, 3 brokers), got %d", len(groups))
	}
	var prevBroker, prevController string
	for i, z := range zones {
		b := m.Find(ngType, "kafka-test-broker-"+z)
		if b == nil {
			t.Fatalf("no broker group for %s", z)
		}
		it := rendertest.Strs(b.Inputs["instanceTypes"])
		if len(it) != 1 {
			t.Fatalf("broker group %s instance types %v", z, it)
		}
		if _, ok := config.NVMeInstanceTypes[it[0]]; !ok {
			t.Errorf("broker group %s uses %s, not an NVMe type", z, it[0])
		}
		// Separate subnet outputs in: each zone's groups depend on their
		// own subnet only (the zone the policy pack computes from them).
		for _, g := range []string{"kafka-test-broker-" + z, "kafka-test-controller-" + z} {
			var subs []string
			for _, d := range m.Find(ngType, g).Dependencies {
				if strings.Contains(d, "aws:ec2/subnet:Subnet::") {
					subs = append(subs, d[strings.LastIndex(d, "::")+2:])
				}
			}
			if len(subs) != 1 || subs[0] != "private-"+z {
				t.Errorf("%s depends on subnets %v, want only private-%s", g, subs, z)
			}
		}
		if got := rendertest.Strs(b.Inputs["subnetIds"]); len(got) != 1 || got[0] != subnetIDs[z] {
			t.Errorf("broker group %s subnets %v, want only its zone's %s", z, got, subnetIDs[z])
		}
		sc := b.Inputs["scalingConfig"].(map[string]any)
		if num(sc["desiredSize"]) != 2 || num(sc["minSize"]) != 2 || num(sc["maxSize"]) != 2 {
			t.Errorf("broker group %s scaling %v, want 2/2/2", z, sc)
		}
		if b.Inputs["amiType"] != "AL2023_x86_64_STANDARD" {
			t.Errorf("broker amiType %v", b.Inputs["amiType"])
		}
		c := m.Find(ngType, "kafka-test-controller-"+z)
		if c == nil {
			t.Fatalf("no controller group for %s", z)
		}
		cs := c.Inputs["scalingConfig"].(map[string]any)
		if num(cs["desiredSize"]) != 1 || num(cs["minSize"]) != 1 || num(cs["maxSize"]) != 1 {
			t.Errorf("controller group %s scaling %v, want 1/1/1", z, cs)
		}
		if got := rendertest.Strs(c.Inputs["subnetIds"]); len(got) != 1 || got[0] != subnetIDs[z] {
			t.Errorf("controller group %s subnets %v", z, got)
		}
		// Zone by zone: each group depends on the previous zone's.
		if i > 0 {
			if !rendertest.Contains(b.DependsOn, prevBroker) {
				t.Errorf("broker group %s does not wait for %s", z, prevBroker)
			}
			if !rendertest.Contains(c.DependsOn, prevController) {
				t.Errorf("controller group %s does not wait for %s", z, prevController)
			}
		}
		prevBroker, prevController = b.URN, c.URN
		for _, g := range []*render.Resource{b, c} {
			if g.Inputs["version"] != "1.34" || g.Inputs["clusterName"] != "kafka-test" {
				t.Errorf("%s version/cluster = %v/%v", g.Name, g.Inputs["version"], g.Inputs["clusterName"])
			}
			if _, ok := g.Inputs["remoteAccess"]; ok {
				t.Errorf("%s has remoteAccess", g.Name)
			}
		}
	}
	sys := m.Find(ngType, "kafka-test-system")
	if got := rendertest.Strs(sys.Inputs["subnetIds"]); len(got) != 3 {
		t.Errorf("system group subnets %v, want all three", got)
	}
	if sys.Inputs["amiType"] != "AL2023_ARM_64_STANDARD" {
		t.Errorf("system group on m7g: amiType %v", sys.Inputs["amiType"])
	}
}

// fakeSubnetID is the ID the mocks give the test's subnet of zone (they
// derive IDs from names), read back from a separate run.
func fakeSubnetID(zone string) string {
	m := render.NewMocks("p", "s", "us-east-1")
	_ = m.Run(func(ctx *pulumi.Context) error {
		_, err := ec2.NewSubnet(ctx, "private-"+zone, &ec2.SubnetArgs{VpcId: pulumi.String("v"), CidrBlock: pulumi.String("10.0.0.0/24")})
		return err
	})
	id, _ := m.ID("aws:ec2/subnet:Subnet", "private-"+zone)
	return id
}

func TestLaunchTemplates(t *testing.T) {
	m, err := renderGroups(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	lts := m.ByType(ltType)
	if len(lts) != 3 {
		t.Fatalf("want one launch template per role, got %d", len(lts))
	}
	for _, lt := range lts {
		md := lt.Inputs["metadataOptions"].(map[string]any)
		if md["httpTokens"] != "required" || num(md["httpPutResponseHopLimit"]) != 1 || md["httpEndpoint"] != "enabled" {
			t.Errorf("%s metadata options %v: want IMDSv2 required, hop limit 1", lt.Name, md)
		}
		for _, k := range []string{"imageId", "keyName", "instanceType", "vpcSecurityGroupIds", "securityGroupNames"} {
			if v, ok := lt.Inputs[k]; ok && v != nil {
				t.Errorf("%s sets %s = %v", lt.Name, k, v)
			}
		}
		bdm := lt.Inputs["blockDeviceMappings"].([]any)
		if len(bdm) != 1 {
			t.Fatalf("%s block devices %v", lt.Name, bdm)
		}
		ebs := bdm[0].(map[string]any)["ebs"].(map[string]any)
		if ebs["encrypted"] != "true" || ebs["volumeType"] != "gp3" || !strings.HasPrefix(fmt.Sprint(ebs["kmsKeyId"]), "arn:aws:kms:") ||
			num(ebs["volumeSize"]) != 50 {
			t.Errorf("%s root volume %v: want encrypted gp3 50 GiB with a KMS key", lt.Name, ebs)
		}
		var specs []string
		for _, ts := range lt.Inputs["tagSpecifications"].([]any) {
			tsm := ts.(map[string]any)
			specs = append(specs, fmt.Sprint(tsm["resourceType"]))
			if tsm["tags"].(map[string]any)["owner"] != "kafka-platform" {
				t.Errorf("%s tag specification %v lacks the stack tags", lt.Name, tsm)
			}
		}
		if strings.Join(specs, ",") != "instance,volume,network-interface" {
			t.Errorf("%s tag specifications for %v", lt.Name, specs)
		}
	}

	raw, err := base64.StdEncoding.DecodeString(fmt.Sprint(m.Find(ltType, "kafka-test-broker").Inputs["userData"]))
	if err != nil {
		t.Fatalf("broker userData is not base64: %v", err)
	}
	parts := parseUserData(t, string(raw))
	nc := decodeNodeConfig(t, parts)
	if nc.Spec.Instance.LocalStorage.Strategy != v1alpha1.LocalStorageRAID0 {
		t.Errorf("broker local storage %q", nc.Spec.Instance.LocalStorage.Strategy)
	}
	kc := kubeletConfigValues(t, nc)
	if kc["cpuManagerPolicy"] != "static" || kc["topologyManagerPolicy"] != "single-numa-node" {
		t.Errorf("broker kubelet config %v", kc)
	}
	if len(nc.Spec.Kubelet.Flags) != 0 {
		t.Errorf("broker NodeConfig sets kubelet flags %v; labels and taints belong to the node group API", nc.Spec.Kubelet.Flags)
	}
	// Node groups use the template's latest version.
	for _, g := range m.ByType(ngType) {
		lt := g.Inputs["launchTemplate"].(map[string]any)
		if lt["version"] != "1" || !strings.HasPrefix(fmt.Sprint(lt["id"]), "lt-") {
			t.Errorf("%s launch template ref %v", g.Name, lt)
		}
	}
}

// TestNodeGroupLabelsAndTaints: every group carries its role label and (on
// Kafka nodes) the dedicated NoSchedule taint through the EKS node group API,
// where EKS, Cluster Autoscaler and the policy pack see them.
func TestNodeGroupLabelsAndTaints(t *testing.T) {
	m, err := renderGroups(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"kafka-test-system": topology.RoleSystem}
	for _, z := range zones {
		want["kafka-test-broker-"+z] = topology.RoleBroker
		want["kafka-test-controller-"+z] = topology.RoleController
	}
	if got := len(m.ByType(ngType)); got != len(want) {
		t.Fatalf("%d node groups, want %d", got, len(want))
	}
	for name, role := range want {
		g := m.Find(ngType, name)
		if g == nil {
			t.Fatalf("no node group %s", name)
		}
		labels, _ := g.Inputs["labels"].(map[string]any)
		if len(labels) != 1 || labels[topology.RoleLabel] != role {
			t.Errorf("%s labels %v, want only %s=%s", name, labels, topology.RoleLabel, role)
		}
		taints, _ := g.Inputs["taints"].([]any)
		if role == topology.RoleSystem {
			if len(taints) != 0 {
				t.Errorf("%s (system) is tainted %v: operators and monitoring could not schedule", name, taints)
			}
			continue
		}
		wantTaint := map[string]any{"key": topology.DedicatedTaintKey, "value": role, "effect": "NO_SCHEDULE"}
		if len(taints) != 1 || fmt.Sprint(taints[0]) != fmt.Sprint(wantTaint) {
			t.Errorf("%s taints %v, want [%v]", name, taints, wantTaint)
		}
	}
	// No role's launch template repeats them as kubelet flags.
	for _, r := range []string{topology.RoleSystem, topology.RoleController, topology.RoleBroker} {
		raw, err := base64.StdEncoding.DecodeString(fmt.Sprint(m.Find(ltType, "kafka-test-"+r).Inputs["userData"]))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), "--node-labels") || strings.Contains(string(raw), "--register-with-taints") {
			t.Errorf("%s user data still sets kubelet label/taint flags", r)
		}
	}
}

func TestTaintEffectToEKS(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"NoSchedule", "NO_SCHEDULE", ""},
		{"NoExecute", "NO_EXECUTE", ""},
		{"PreferNoSchedule", "PREFER_NO_SCHEDULE", ""},
		{"NO_SCHEDULE", "", `effect "NO_SCHEDULE" is not one of`},
		{"", "", `effect "" is not one of`},
	} {
		got, err := Taint{Key: "k", Value: "v", Effect: c.in}.EKSEffect()
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("EKSEffect(%q) err = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("EKSEffect(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestNodeRoleAndKey(t *testing.T) {
	for _, cni := range []bool{false, true} {
		m, err := renderGroups(t, func(a *Args) { a.AttachCNIPolicy = cni })
		if err != nil {
			t.Fatal(err)
		}
		var attached []string
		for _, a := range m.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
			attached = append(attached, fmt.Sprint(a.Inputs["policyArn"]))
		}
		want := "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly,arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy,arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
		if cni {
			want = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly,arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy,arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy,arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
		}
		if got := strings.Join(attached, ","); got != want {
			t.Errorf("cni=%v: node role policies\n %s\nwant\n %s", cni, got, want)
		}
		// Every node group waits for the policy attachments.
		for _, g := range m.ByType(ngType) {
			n := 0
			for _, d := range g.DependsOn {
				if strings.Contains(d, "RolePolicyAttachment") {
					n++
				}
			}
			if n != len(attached) {
				t.Errorf("%s depends on %d of %d policy attachments", g.Name, n, len(attached))
			}
		}
	}
	m, _ := renderGroups(t, nil)
	keys := m.ByType("aws:kms/key:Key")
	if len(keys) != 1 || !keys[0].Protect || !keys[0].Retain || keys[0].Inputs["enableKeyRotation"] != true {
		t.Fatalf("root volume key must be one protected, retained, rotating key: %+v", keys)
	}
	pol := fmt.Sprint(keys[0].Inputs["policy"])
	for _, want := range []string{"AWSServiceRoleForAutoScaling", "kms:CreateGrant", "kms:GrantIsForAWSResource"} {
		if !strings.Contains(pol, want) {
			t.Errorf("key policy lacks %s: %s", want, pol)
		}
	}
}

func TestArgsRejected(t *testing.T) {
	for _, c := range []struct {
		name   string
		mutate func(*Args)
		want   string
	}{
		{"no NVMe", func(a *Args) { a.BrokerInstanceType = "m7i.4xlarge" }, `"m7i.4xlarge" has no known local NVMe`},
		{"two zones", func(a *Args) { a.Zones = zones[:2] }, "2 zones given, want 3"},
		{"hop limit", func(a *Args) { a.IMDSHopLimit = 3 }, "hop limit 3"},
		{"no brokers", func(a *Args) { a.BrokersPerZone = 0 }, "brokers per zone is 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := renderGroups(t, c.mutate)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}
