package render

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// FakeAccountID is the placeholder AWS account in every fake ARN.
const FakeAccountID = "000000000000"

// Redacted replaces every secret value in render output.
const Redacted = "[secret]"

// Resource is one registered resource, in the shape the OPA analyzer gives a
// policy: input properties, plus the analyzer's metadata fields.
type Resource struct {
	Type     string
	URN      string
	Name     string
	Parent   string
	Provider string
	Custom   bool
	Protect  bool
	Retain   bool
	// DependsOn are explicit dependencies; Dependencies adds those implied by
	// inputs (what the analyzer's stack input lists).
	DependsOn    []string
	Dependencies []string
	// Inputs are plain values with secrets replaced by Redacted.
	Inputs map[string]any
	// SecretPaths lists top-level input keys that held secrets.
	SecretInputs []string
	// Read is true for resources read (StackReference, .Get) rather than created.
	Read bool

	// id is the ID the mocks gave the resource (Mocks.ID reads it); kept
	// unexported so it never reaches a render file.
	id string
}

// Mocks is a pulumi.MockResourceMonitor that records every resource and
// answers invokes with deterministic placeholders.
type Mocks struct {
	// Project and Stack name the URNs.
	Project, Stack string
	// Region is used in fake ARNs, endpoints and zone names.
	Region string
	// StackOutputs answers StackReference reads: stack name to outputs.
	StackOutputs map[string]map[string]any

	mu        sync.Mutex
	resources map[string]*Resource
	// secrets are the plaintexts of every secret value seen, so tests can
	// prove none of them reaches the render output.
	secrets map[string]bool
}

// SecretValues returns the plaintext of every secret input or fake secret
// output the mocks saw, sorted.
func (m *Mocks) SecretValues() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.secrets))
	for s := range m.secrets {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func (m *Mocks) noteSecrets(v resource.PropertyValue, inSecret bool) {
	switch {
	case v.IsSecret():
		m.noteSecrets(v.SecretValue().Element, true)
	case v.IsOutput():
		o := v.OutputValue()
		m.noteSecrets(o.Element, inSecret || o.Secret)
	case v.IsObject():
		for _, e := range v.ObjectValue() {
			m.noteSecrets(e, inSecret)
		}
	case v.IsArray():
		for _, e := range v.ArrayValue() {
			m.noteSecrets(e, inSecret)
		}
	case v.IsString() && inSecret && v.StringValue() != "" && v.StringValue() != Redacted:
		m.mu.Lock()
		if m.secrets == nil {
			m.secrets = map[string]bool{}
		}
		m.secrets[v.StringValue()] = true
		m.mu.Unlock()
	}
}

// NewMocks returns a Mocks for project/stack in region.
func NewMocks(project, stack, region string) *Mocks {
	return &Mocks{Project: project, Stack: stack, Region: region, resources: map[string]*Resource{},
		StackOutputs: map[string]map[string]any{}}
}

// Resources returns every recorded resource sorted by URN.
func (m *Mocks) Resources() []*Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*Resource, 0, len(m.resources))
	for _, r := range m.resources {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// ByType returns the recorded resources of one type token, sorted by URN.
func (m *Mocks) ByType(typ string) []*Resource {
	var out []*Resource
	for _, r := range m.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Find returns the resource of type typ and logical name, or nil.
func (m *Mocks) Find(typ, name string) *Resource {
	for _, r := range m.ByType(typ) {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// ID returns the ID the mocks gave the resource of type typ and logical
// name, so tests can follow a reference (a route's natGatewayId) back to the
// resource; ok is false when no such resource was registered.
func (m *Mocks) ID(typ, name string) (id string, ok bool) {
	r := m.Find(typ, name)
	if r == nil {
		return "", false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return r.id, true
}

// Run runs program under these mocks as project m.Project, stack m.Stack
// (the Pulumi mock engine's RunErr); every resource it registers is then in
// m.Resources().
func (m *Mocks) Run(program pulumi.RunFunc, opts ...pulumi.RunOption) error {
	return pulumi.RunErr(program, append([]pulumi.RunOption{pulumi.WithMocks(m.Project, m.Stack, m)}, opts...)...)
}

// fakeID is a stable placeholder derived from the name: "fake-" marks it.
func fakeID(prefix, name string) string {
	h := sha256.Sum256([]byte(name))
	return prefix + "fake" + hex.EncodeToString(h[:])[:12]
}

func (m *Mocks) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.Stack), tokens.PackageName(m.Project), parentType, tokens.Type(typ), name))
}

// NewResource implements pulumi.MockResourceMonitor.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rec := &Resource{Type: args.TypeToken, Name: args.Name, Custom: args.Custom}
	inputs, secrets := Plain(args.Inputs)
	rec.Inputs, rec.SecretInputs = inputs, secrets
	if rpc := args.RegisterRPC; rpc != nil {
		rec.Parent = rpc.GetParent()
		rec.Provider = rpc.GetProvider()
		rec.Protect = rpc.GetProtect()
		rec.Retain = rpc.GetRetainOnDelete()
		rec.DependsOn = append(rec.DependsOn, rpc.GetDependencies()...)
		deps := map[string]bool{}
		for _, d := range rpc.GetDependencies() {
			deps[d] = true
		}
		for _, pd := range rpc.GetPropertyDependencies() {
			for _, d := range pd.GetUrns() {
				deps[d] = true
			}
		}
		for d := range deps {
			rec.Dependencies = append(rec.Dependencies, d)
		}
		sort.Strings(rec.Dependencies)
		sort.Strings(rec.DependsOn)
	}
	if rpc := args.ReadRPC; rpc != nil {
		rec.Parent = rpc.GetParent()
		rec.Provider = rpc.GetProvider()
		rec.Read = true
	}
	rec.URN = m.urn(rec.Parent, rec.Type, rec.Name)

	id, state, err := m.fakeState(args)
	if err != nil {
		return "", nil, err
	}
	rec.id = id
	m.noteSecrets(resource.NewObjectProperty(args.Inputs), false)
	m.noteSecrets(resource.NewObjectProperty(state), false)
	m.mu.Lock()
	m.resources[rec.URN] = rec
	m.mu.Unlock()
	return id, state, nil
}

// fakeState returns the resource's id and output state: its inputs plus the
// computed attributes the program reads, as placeholders.
func (m *Mocks) fakeState(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	state := args.Inputs.Copy()
	set := func(k string, v any) {
		if _, ok := state[resource.PropertyKey(k)]; !ok {
			state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
	}
	name := args.Name
	id := args.ID
	if id == "" {
		id = name + "-id"
	}
	typ := args.TypeToken
	parts := strings.Split(typ, ":")
	if len(parts) == 3 && parts[0] == "aws" {
		svc := strings.Split(parts[1], "/")[0]
		set("arn", fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", svc, m.Region, FakeAccountID, strings.ToLower(parts[2]), name))
	}
	switch typ {
	case "pulumi:pulumi:StackReference":
		outs, ok := m.StackOutputs[args.ID]
		if !ok {
			return "", nil, fmt.Errorf("render: no outputs for stack reference %q (pass -stack-ref)", args.ID)
		}
		state = resource.PropertyMap{
			"name":    resource.NewStringProperty(args.ID),
			"outputs": resource.NewObjectProperty(resource.NewPropertyMapFromMap(outs)),
		}
		return args.ID, state, nil
	case "aws:ec2/vpc:Vpc":
		id = fakeID("vpc-", name)
	case "aws:ec2/subnet:Subnet":
		id = fakeID("subnet-", name)
		if _, ok := state["availabilityZone"]; !ok {
			if azid, ok := state["availabilityZoneId"]; ok && azid.IsString() {
				state["availabilityZone"] = resource.NewStringProperty(ZoneNameFor(m.Region, azid.StringValue()))
			}
		}
	case "aws:ec2/routeTable:RouteTable":
		id = fakeID("rtb-", name)
	case "aws:ec2/natGateway:NatGateway":
		id = fakeID("nat-", name)
	case "aws:ec2/eip:Eip":
		id = fakeID("eipalloc-", name)
		set("publicIp", "192.0.2.1") // TEST-NET-1: documentation range, never routable
	case "aws:ec2/internetGateway:InternetGateway":
		id = fakeID("igw-", name)
	case "aws:ec2/securityGroup:SecurityGroup":
		id = fakeID("sg-", name)
	case "aws:ec2/vpcEndpoint:VpcEndpoint":
		id = fakeID("vpce-", name)
	case "aws:ec2/launchTemplate:LaunchTemplate":
		id = fakeID("lt-", name)
		set("latestVersion", 1)
	case "aws:ec2/vpcPeeringConnection:VpcPeeringConnection":
		id = fakeID("pcx-", name)
	case "aws:ec2transitgateway/transitGateway:TransitGateway":
		id = fakeID("tgw-", name)
	case "aws:ec2transitgateway/vpcAttachment:VpcAttachment", "aws:ec2transitgateway/peeringAttachment:PeeringAttachment":
		id = fakeID("tgw-attach-", name)
	case "aws:ec2transitgateway/routeTable:RouteTable":
		id = fakeID("tgw-rtb-", name)
	case "aws:kms/key:Key":
		id = fakeID("", name)
		state["arn"] = resource.NewStringProperty(fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", m.Region, FakeAccountID, id))
		set("keyId", id)
	case "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket":
		b := name
		if v, ok := state["bucket"]; ok && v.IsString() {
			b = v.StringValue()
		}
		id = b
		state["bucket"] = resource.NewStringProperty(b)
		state["arn"] = resource.NewStringProperty("arn:aws:s3:::" + b)
		set("bucketRegionalDomainName", b+".s3."+m.Region+".amazonaws.com")
	case "aws:iam/role:Role":
		n := name
		if v, ok := state["name"]; ok && v.IsString() {
			n = v.StringValue()
		}
		id = n
		state["arn"] = resource.NewStringProperty(fmt.Sprintf("arn:aws:iam::%s:role/%s", FakeAccountID, n))
		set("name", n)
	case "aws:iam/policy:Policy":
		state["arn"] = resource.NewStringProperty(fmt.Sprintf("arn:aws:iam::%s:policy/%s", FakeAccountID, name))
	case "aws:cloudwatch/logGroup:LogGroup":
		n := name
		if v, ok := state["name"]; ok && v.IsString() {
			n = v.StringValue()
		}
		state["arn"] = resource.NewStringProperty(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", m.Region, FakeAccountID, n))
	case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
		// IAM names OIDC providers by the issuer's host and path.
		if v, ok := state["url"]; ok && v.IsString() {
			state["arn"] = resource.NewStringProperty(fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", FakeAccountID, strings.TrimPrefix(v.StringValue(), "https://")))
		}
	case "aws:eks/nodeGroup:NodeGroup":
		set("status", "ACTIVE")
	case "kubernetes:core/v1:Service":
		// LoadBalancer Services: the AWS Load Balancer Controller's NLB name.
		if spec, ok := state["spec"]; ok && spec.IsObject() {
			if t := spec.ObjectValue()["type"]; t.IsString() && t.StringValue() == "LoadBalancer" {
				set("status", map[string]any{"loadBalancer": map[string]any{"ingress": []any{
					map[string]any{"hostname": fmt.Sprintf("%s.elb.%s.invalid", fakeID("nlb-", name), m.Region)},
				}}})
			}
		}
	case "eks:index:Cluster":
		clusterName := name
		if v, ok := state["name"]; ok && v.IsString() {
			clusterName = v.StringValue()
		}
		state["kubeconfigJson"] = resource.MakeSecret(resource.NewStringProperty(FakeKubeconfig(clusterName, m.Region)))
		state["kubeconfig"] = resource.MakeSecret(resource.NewStringProperty(FakeKubeconfig(clusterName, m.Region)))
	}
	return id, state, nil
}

// FakeKubeconfig is a syntactically valid kubeconfig pointing at a
// placeholder endpoint (the .invalid TLD never resolves).
func FakeKubeconfig(cluster, region string) string {
	return fmt.Sprintf(`{"apiVersion":"v1","kind":"Config","clusters":[{"name":%q,"cluster":{"server":"https://%s.fake-eks.%s.invalid","certificate-authority-data":"RkFLRQ=="}}],"contexts":[{"name":%q,"context":{"cluster":%q,"user":%q}}],"current-context":%q,"users":[{"name":%q,"user":{"exec":{"apiVersion":"client.authentication.k8s.io/v1beta1","command":"aws","args":["eks","get-token","--cluster-name",%q,"--region",%q]}}}]}`,
		cluster, cluster, region, cluster, cluster, cluster, cluster, cluster, cluster, region)
}

// FakeOIDCIssuer is the placeholder OIDC issuer URL of a cluster.
func FakeOIDCIssuer(region, cluster string) string {
	h := sha256.Sum256([]byte(cluster))
	return fmt.Sprintf("https://oidc.eks.%s.amazonaws.com/id/FAKE%s", region, strings.ToUpper(hex.EncodeToString(h[:])[:28]))
}

// ZoneNameFor maps a zone ID to a placeholder zone name in region: the real
// mapping is per account, so the render uses a fixed one (az1 -> a, ...).
func ZoneNameFor(region, zoneID string) string {
	i := strings.LastIndex(zoneID, "-az")
	if i < 0 {
		return zoneID
	}
	n := 0
	fmt.Sscanf(zoneID[i+3:], "%d", &n)
	if n < 1 || n > 26 {
		return zoneID
	}
	return region + string(rune('a'+n-1))
}

// Call implements pulumi.MockResourceMonitor for invokes.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	in := args.Args.Mappable()
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": FakeAccountID, "arn": "arn:aws:iam::" + FakeAccountID + ":user/render", "userId": "RENDER", "id": FakeAccountID,
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]any{"name": m.Region, "id": m.Region}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}), nil
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		names, ids := []any{}, []any{}
		for i := 1; i <= 6; i++ {
			ids = append(ids, fmt.Sprintf("%s-az%d", regionShort(m.Region), i))
			names = append(names, fmt.Sprintf("%s%c", m.Region, 'a'+i-1))
		}
		return resource.NewPropertyMapFromMap(map[string]any{"names": names, "zoneIds": ids, "id": m.Region}), nil
	case "aws:eks/getCluster:getCluster":
		name, _ := in["name"].(string)
		return resource.NewPropertyMapFromMap(map[string]any{
			"name": name, "id": name,
			"arn":                    fmt.Sprintf("arn:aws:eks:%s:%s:cluster/%s", m.Region, FakeAccountID, name),
			"endpoint":               fmt.Sprintf("https://%s.fake-eks.%s.invalid", name, m.Region),
			"identities":             []any{map[string]any{"oidcs": []any{map[string]any{"issuer": FakeOIDCIssuer(m.Region, name)}}}},
			"certificateAuthorities": []any{map[string]any{"data": "RkFLRQ=="}},
			"vpcConfig":              map[string]any{"clusterSecurityGroupId": fakeID("sg-", name+"-eks-cluster-sg")},
		}), nil
	}
	return nil, fmt.Errorf("render: no mock for invoke %s; add one to internal/render/mocks.go", args.Token)
}

// regionShort turns us-east-1 into use1 (the zone-ID prefix).
func regionShort(region string) string {
	p := strings.Split(region, "-")
	if len(p) != 3 {
		return region
	}
	return p[0] + p[1][:1] + p[2]
}

// Plain converts a property map to plain Go values, replacing secrets by
// Redacted and unknowns by "[unknown]"; it returns the top-level keys that
// held secrets.
func Plain(pm resource.PropertyMap) (map[string]any, []string) {
	out := map[string]any{}
	var secrets []string
	for k, v := range pm {
		pv, sec := plainValue(v)
		out[string(k)] = pv
		if sec {
			secrets = append(secrets, string(k))
		}
	}
	sort.Strings(secrets)
	return out, secrets
}

func plainValue(v resource.PropertyValue) (any, bool) {
	switch {
	case v.IsSecret():
		return Redacted, true
	case v.IsComputed():
		return "[unknown]", false
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return Redacted, true
		}
		if !o.Known {
			return "[unknown]", false
		}
		return plainValue(o.Element)
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN), false
	case v.IsObject():
		m, s := Plain(v.ObjectValue())
		return m, len(s) > 0
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		anySecret := false
		for i, e := range arr {
			var s bool
			out[i], s = plainValue(e)
			anySecret = anySecret || s
		}
		return out, anySecret
	case v.IsNull():
		return nil, false
	default:
		return v.Mappable(), false
	}
}
