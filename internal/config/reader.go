package config

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Source is raw configuration as Pulumi hands it to a program: full key
// ("kafka-platform:vpcCidr", "aws:region") to string value, objects and arrays
// as JSON text. Secret lists the keys that were stored encrypted.
type Source struct {
	Values map[string]string
	Secret map[string]bool
}

// reader parses typed values from a Source, applying each key's default and
// recording a Problem for every value it cannot parse.
type reader struct {
	src Source
	p   *Problems
}

func (r *reader) raw(k Key) (string, bool) {
	v, ok := r.src.Values[k.FullName()]
	if k.Secret && ok && v != "" && !r.src.Secret[k.FullName()] {
		r.p.Add(k.Name, "<plaintext>", "a secret value",
			fmt.Sprintf("set it with `pulumi config set --secret %s <value>`", k.Name))
	}
	return v, ok
}

func (r *reader) str(k Key) string {
	mustType(k, String)
	if v, ok := r.raw(k); ok {
		return v
	}
	return k.Default.(string)
}

func (r *reader) secret(k Key) Secret {
	mustType(k, String)
	if !k.Secret {
		panic("config: " + k.Name + " is not a secret key")
	}
	if v, ok := r.raw(k); ok {
		return NewSecret(v)
	}
	return NewSecret(k.Default.(string))
}

func (r *reader) integer(k Key) int {
	mustType(k, Integer)
	v, ok := r.raw(k)
	if !ok {
		return k.Default.(int)
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		r.p.Add(k.Name, v, "an integer", "write a whole number, e.g. "+k.DefaultJSON())
		return k.Default.(int)
	}
	return n
}

func (r *reader) boolean(k Key) bool {
	mustType(k, Boolean)
	v, ok := r.raw(k)
	if !ok {
		return k.Default.(bool)
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		r.p.Add(k.Name, v, "true or false", "write true or false")
		return k.Default.(bool)
	}
	return b
}

func (r *reader) strings(k Key) []string {
	mustType(k, Array)
	v, ok := r.raw(k)
	if !ok {
		return append([]string(nil), k.Default.([]string)...)
	}
	var out []string
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		r.p.Add(k.Name, v, "a list of strings", `write a YAML list, e.g. ["a", "b"]`)
		return append([]string(nil), k.Default.([]string)...)
	}
	return out
}

// object decodes an object key into dst (a pointer). Unknown fields are
// problems: a misspelt field would otherwise be silently ignored.
func (r *reader) object(k Key, dst any) {
	mustType(k, Object)
	v, ok := r.raw(k)
	if !ok {
		v = k.DefaultJSON()
	}
	dec := json.NewDecoder(strings.NewReader(v))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		r.p.Add(k.Name, abbreviate(v), "an object of the documented shape ("+err.Error()+")",
			"see docs/config.md for the fields of "+k.Name)
	}
}

func mustType(k Key, t KeyType) {
	if k.Type != t {
		panic(fmt.Sprintf("config: key %q is %s, read as %s", k.Name, k.Type, t))
	}
}

func abbreviate(s string) string {
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}
