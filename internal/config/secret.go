package config

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Secret holds a value that came from secret config. It never prints or
// marshals its content, so a Config can be logged or dumped safely; use
// Output to hand it to a resource as a Pulumi secret.
type Secret struct{ value string }

// NewSecret wraps v (tests and the loader).
func NewSecret(v string) Secret { return Secret{value: v} }

// IsSet reports whether a non-empty value was configured.
func (s Secret) IsSet() bool { return s.value != "" }

// String redacts.
func (s Secret) String() string {
	if s.value == "" {
		return ""
	}
	return "[secret]"
}

// MarshalJSON redacts.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// Output returns the value as a Pulumi secret output.
func (s Secret) Output() pulumi.StringOutput {
	return pulumi.ToSecret(pulumi.String(s.value)).(pulumi.StringOutput)
}
