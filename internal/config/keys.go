package config

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"
)

// Project is the Pulumi project name; config keys are namespaced by it.
const Project = "kafka-platform"

// KeyType is the Pulumi project-config type of a key.
type KeyType string

// The key types Pulumi.yaml can declare. Object keys cannot carry a `type`
// in Pulumi.yaml (the project schema only knows string, integer, boolean and
// array), so they are declared with a description and a default only.
const (
	String  KeyType = "string"
	Integer KeyType = "integer"
	Boolean KeyType = "boolean"
	Array   KeyType = "array" // an array of strings
	Object  KeyType = "object"
)

// Key is the definition of one project config key: the one place its
// default lives.
type Key struct {
	// Name is the key without the project prefix, e.g. "vpcCidr".
	Name string
	// Type decides how the raw value is parsed and how Pulumi.yaml declares it.
	Type KeyType
	// Description is shown in Pulumi.yaml and docs/config.md; say what the key
	// does, its unit and why the default is what it is.
	Description string
	// Default is applied when the stack does not set the key. It must be of the
	// Go type matching Type: string, int, bool, []string, or any
	// JSON-marshalable value for Object. Every key has one (an empty string
	// for "unset"), because Pulumi treats a declared key without a default as
	// required on every stack.
	Default any
	// Secret marks keys whose value must be set with `pulumi config set
	// --secret`; Parse rejects a plaintext value and the render redacts it.
	Secret bool
}

// FullName is the key as it appears in stack files: "<project>:<name>".
func (k Key) FullName() string { return Project + ":" + k.Name }

var (
	registryMu sync.Mutex
	registry   = map[string]Key{}
)

// define registers a key; every key_*.go file calls it at package init.
func define(k Key) Key {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[k.Name]; dup {
		panic(fmt.Sprintf("config: key %q defined twice", k.Name))
	}
	if k.Default == nil {
		panic(fmt.Sprintf("config: key %q has no default", k.Name))
	}
	registry[k.Name] = k
	return k
}

// Keys returns every defined key sorted by name.
func Keys() []Key {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make([]Key, 0, len(registry))
	for _, k := range registry {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// DefaultJSON renders the key's default as it would be written in a stack
// file value (JSON for arrays and objects, plain text otherwise).
func (k Key) DefaultJSON() string {
	switch v := k.Default.(type) {
	case string:
		return v
	default:
		b, err := json.Marshal(v)
		if err != nil {
			panic(fmt.Sprintf("config: default of %q: %v", k.Name, err))
		}
		return string(b)
	}
}
