package vault

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Capability is a Vault ACL capability.
type Capability string

// The capabilities this program grants. Nothing grants list, delete, sudo
// or the metadata paths: the consumers know their exact path.
const (
	Create Capability = "create"
	Read   Capability = "read"
	Update Capability = "update"
)

// Rule grants capabilities on one exact path (no globs).
type Rule struct {
	// Path is the full API path, e.g. "kafka-platform/data/mirrormaker/kafka-prod".
	Path string
	// Capabilities granted on Path.
	Capabilities []Capability
}

// Policy is a Vault ACL policy as data. Document renders it in Vault's JSON
// policy syntax (Vault accepts JSON wherever it accepts HCL), so the policy
// text is marshalled, never concatenated.
type Policy struct {
	// Rules are the granted paths.
	Rules []Rule
}

type policyDoc struct {
	Path map[string]pathDoc `json:"path"`
}

type pathDoc struct {
	Capabilities []Capability `json:"capabilities"`
}

// Document returns the policy text. It rejects globs and templated paths:
// every consumer here needs exactly one known path.
func (p Policy) Document() (string, error) {
	if len(p.Rules) == 0 {
		return "", fmt.Errorf("vault policy: no rules")
	}
	doc := policyDoc{Path: map[string]pathDoc{}}
	for _, r := range p.Rules {
		if r.Path == "" || strings.ContainsAny(r.Path, "*+{}") || strings.HasPrefix(r.Path, "/") {
			return "", fmt.Errorf("vault policy: path %q must be an exact path without globs or a leading /", r.Path)
		}
		if len(r.Capabilities) == 0 {
			return "", fmt.Errorf("vault policy: path %q has no capabilities", r.Path)
		}
		if _, dup := doc.Path[r.Path]; dup {
			return "", fmt.Errorf("vault policy: path %q listed twice", r.Path)
		}
		caps := append([]Capability(nil), r.Capabilities...)
		sort.Slice(caps, func(i, j int) bool { return caps[i] < caps[j] })
		doc.Path[r.Path] = pathDoc{Capabilities: caps}
	}
	b, err := json.Marshal(doc)
	return string(b), err
}

// KVv2DataPath is the API path of secret under a KV v2 mount: KV v2 puts the
// secret's versions under <mount>/data/<secret>, and policies must name that.
func KVv2DataPath(mount, secret string) string {
	return strings.Trim(mount, "/") + "/data/" + strings.Trim(secret, "/")
}

// MirrorMakerSecret is the secret (relative to the KV mount) holding the
// primary's MirrorMaker source credentials: user.crt, user.key, ca.crt.
// primaryName is the primary's Pulumi stack name (both stacks know it as a
// plain value: internal/stack), so several primaries can share one Vault.
func MirrorMakerSecret(primaryName string) string {
	return "mirrormaker/" + primaryName + "/source-credentials"
}

// Secret keys written by the Pusher and read by MirrorMaker 2: the names
// Strimzi uses in the KafkaUser and cluster CA Secrets, so the DR Secret
// looks like the ones Strimzi itself would create.
const (
	KeyUserCert = "user.crt"
	KeyUserKey  = "user.key"
	KeyCACert   = "ca.crt"
)
