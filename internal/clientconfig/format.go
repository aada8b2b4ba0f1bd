package clientconfig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Format is an output format of cmd/kafka-client-config.
type Format string

// Formats.
const (
	// FormatProperties is a Java client properties file.
	FormatProperties Format = "properties"
	// FormatEnv is shell-quoted KAFKA_* environment variables.
	FormatEnv Format = "env"
	// FormatJSON is the whole Config, including PEM paths for librdkafka
	// and franz-go.
	FormatJSON Format = "json"
)

// Formats lists the formats in the order help texts show them.
var Formats = []Format{FormatProperties, FormatEnv, FormatJSON}

// Render writes c in format f. Keys are sorted within each section, so the
// same outputs and request always give the same bytes.
func (c *Config) Render(f Format) ([]byte, error) {
	switch f {
	case FormatProperties:
		return c.properties()
	case FormatEnv:
		return c.env()
	case FormatJSON:
		b, err := json.MarshalIndent(c, "", "  ")
		if err != nil {
			return nil, err
		}
		return append(b, '\n'), nil
	}
	return nil, &Error{"format", string(f), "unknown format", "use properties, env or json"}
}

func (c *Config) header(b *bytes.Buffer, comment string) {
	fmt.Fprintf(b, "%s kafka-client-config: user %s, topic %s (class %s), %s settings\n", comment, c.User, c.Topic, c.Class, c.Role)
	for _, m := range c.Mounts {
		fmt.Fprintf(b, "%s mount Secret %s at %s\n", comment, m.Secret, m.Path)
	}
}

// properties is one Java properties file. With both roles, a key the two
// roles set differently cannot live in one file: ask for one role.
func (c *Config) properties() ([]byte, error) {
	if c.Producer != nil && c.Consumer != nil {
		for k, v := range c.Producer {
			if cv, ok := c.Consumer[k]; ok && cv != v {
				return nil, &Error{"role", string(c.Role), fmt.Sprintf("producer and consumer settings differ on %s (%s vs %s), so they cannot share one properties file", k, v, cv),
					"run once with -role producer and once with -role consumer"}
			}
		}
	}
	var b bytes.Buffer
	c.header(&b, "#")
	section := func(title string, m map[string]string) {
		if m == nil {
			return
		}
		fmt.Fprintf(&b, "\n# %s\n", title)
		for _, k := range keys(m) {
			fmt.Fprintf(&b, "%s=%s\n", k, escapeProperty(m[k]))
		}
	}
	section("connection and mTLS (passwords are read from the mounted Secrets at start-up)", c.Common)
	section("producer: class "+c.Class, c.Producer)
	section("consumer: class "+c.Class, c.Consumer)
	return b.Bytes(), nil
}

// escapeProperty escapes what java.util.Properties would read differently:
// backslashes, line breaks and leading blanks of a value.
func escapeProperty(v string) string {
	v = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`).Replace(v)
	if strings.HasPrefix(v, " ") || strings.HasPrefix(v, "\t") {
		v = `\` + v
	}
	return v
}

// env writes KAFKA_<KEY> for common properties, KAFKA_PRODUCER_<KEY> and
// KAFKA_CONSUMER_<KEY> for the roles (dots become underscores, upper case),
// plus the PEM paths for non-Java clients, single-quoted for sh.
func (c *Config) env() ([]byte, error) {
	vars := map[string]string{}
	add := func(prefix string, m map[string]string) error {
		for k, v := range m {
			name := prefix + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(k))
			if _, dup := vars[name]; dup {
				return &Error{"format", string(FormatEnv), "two properties map to the variable " + name, "use -format properties or json"}
			}
			vars[name] = v
		}
		return nil
	}
	if err := add("KAFKA_", c.Common); err != nil {
		return nil, err
	}
	if err := add("KAFKA_PRODUCER_", c.Producer); err != nil {
		return nil, err
	}
	if err := add("KAFKA_CONSUMER_", c.Consumer); err != nil {
		return nil, err
	}
	for name, v := range map[string]string{
		"KAFKA_TOPIC": c.Topic, "KAFKA_USER": c.User,
		"KAFKA_TLS_CA_CERT": c.TLS.CACert, "KAFKA_TLS_USER_CERT": c.TLS.UserCert, "KAFKA_TLS_USER_KEY": c.TLS.UserKey,
	} {
		if _, dup := vars[name]; dup {
			return nil, &Error{"format", string(FormatEnv), "a property maps to the reserved variable " + name, "use -format properties or json"}
		}
		vars[name] = v
	}
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	c.header(&b, "#")
	for _, n := range names {
		fmt.Fprintf(&b, "%s=%s\n", n, shellQuote(vars[n]))
	}
	return b.Bytes(), nil
}

// shellQuote single-quotes v for POSIX sh (so ${...} stays literal).
func shellQuote(v string) string {
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
