package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// RegionKey is the AWS provider's region key; the stack files set it and the
// program reads it like its own keys so that every resource, ARN and
// endpoint agrees on one region.
const RegionKey = "aws:region"

// Role is what a stack is for.
type Role string

// The stack roles.
const (
	RolePrimary Role = "primary" // takes trading traffic
	RoleDR      Role = "dr"      // warm standby, mirrors the primary
)

var (
	keyRole = define(Key{Name: "role", Type: String, Default: string(RolePrimary),
		Description: "What this stack is: `primary` (takes trading traffic) or `dr` (warm standby in a second region that runs MirrorMaker 2 from the primary)."})
	keyName = define(Key{Name: "name", Type: String, Default: "",
		Description: "Base name of every cloud resource (cluster, VPC, buckets get suffixes). Empty means `kafka-<stack>`. Lowercase letters, digits and dashes, at most 24 characters so derived names stay under AWS limits. Changing it replaces the infrastructure."})
	keyTags = define(Key{Name: "tags", Type: Object,
		Default:     map[string]string{"owner": "kafka-platform", "cost-center": "trading-infra", "data-classification": "confidential"},
		Description: "Tags on every AWS resource (the AWS provider's default tags). `owner` and `cost-center` are required for cost allocation."})
	keyProdStackRef = define(Key{Name: "prodStackRef", Type: String, Default: "",
		Description: "DR stacks only: the fully qualified name of the primary stack (`<org>/kafka-platform/prod`) whose outputs (VPC, route tables, bootstrap, CA) the DR stack reads."})
)

// StackConfig is what identifies the stack.
type StackConfig struct {
	// StackName is the Pulumi stack name (not a config key).
	StackName string
	// Role is primary or dr.
	Role Role
	// Name is the base name of resources.
	Name string
	// Region is aws:region.
	Region string
	// Tags go on every AWS resource.
	Tags map[string]string
	// ProdStackRef is the primary stack a DR stack reads.
	ProdStackRef string
}

var (
	nameRe   = regexp.MustCompile(`^[a-z][a-z0-9-]{1,22}[a-z0-9]$`)
	regionRe = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]$`)
	// stackRefRe is <org>/<project>/<stack>.
	stackRefRe = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
)

func (s *StackConfig) parse(r *reader) {
	s.Role = Role(r.str(keyRole))
	s.Name = r.str(keyName)
	if s.Name == "" {
		s.Name = "kafka-" + strings.ToLower(s.StackName)
	}
	s.Region = r.src.Values[RegionKey]
	s.Tags = map[string]string{}
	r.object(keyTags, &s.Tags)
	s.ProdStackRef = r.str(keyProdStackRef)
}

func (s *StackConfig) validate(_ *Config, p *Problems) {
	switch s.Role {
	case RolePrimary, RoleDR:
	default:
		p.Add(keyRole.Name, string(s.Role), "one of primary, dr", "set role to primary for the trading region or dr for the standby")
	}
	if !nameRe.MatchString(s.Name) {
		p.Add(keyName.Name, s.Name, "3-24 lowercase letters, digits or dashes, starting with a letter",
			"choose a short name such as kafka-prod")
	}
	if !regionRe.MatchString(s.Region) {
		p.Add(RegionKey, s.Region, "an AWS region such as us-east-1",
			"run `pulumi config set aws:region <region>` for this stack")
	}
	for _, t := range []string{"owner", "cost-center"} {
		if s.Tags[t] == "" {
			p.Add(keyTags.Name+"."+t, "", "a non-empty tag value", fmt.Sprintf("add tags.%s to the stack file", t))
		}
	}
	keys := make([]string, 0, len(s.Tags))
	for k := range s.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			p.Add(keyTags.Name+"."+k, s.Tags[k], "a tag key not starting with aws: (reserved by AWS)", "rename the tag")
		}
	}
	switch {
	case s.Role == RoleDR && s.ProdStackRef == "":
		p.Add(keyProdStackRef.Name, "", "the primary stack's name when role is dr",
			"set prodStackRef to <org>/kafka-platform/prod")
	case s.ProdStackRef != "" && !stackRefRe.MatchString(s.ProdStackRef):
		p.Add(keyProdStackRef.Name, s.ProdStackRef, "<org>/<project>/<stack>", "write the fully qualified stack name")
	case s.Role == RolePrimary && s.ProdStackRef != "":
		p.Add(keyProdStackRef.Name, s.ProdStackRef, "empty on a primary stack", "remove prodStackRef or set role to dr")
	}
}
