package observability

import (
	"io"
	"strings"
	"testing"

	"github.com/tradingfirm/kafka-platform/internal/canary"
)

// TestCanaryArgsParseWithTheCanarysOwnParser is the contract with cmd/canary:
// the arguments the Deployments pass must be accepted by its flag parser and
// mean what we intend.
func TestCanaryArgsParseWithTheCanarysOwnParser(t *testing.T) {
	a := testArgs().Canary
	args := a.CanaryArgsList("use1-az2")
	noEnv := func(string) string { return "" }
	c, err := canary.ParseConfig(args, noEnv, io.Discard)
	if err != nil {
		t.Fatalf("canary rejects the Deployment's arguments %v: %v", args, err)
	}
	if c.Zone != "use1-az2" || c.Topic != "canary" || c.TLSCAFile != "/etc/canary/ca/ca.crt" ||
		c.TLSCertFile != "/etc/canary/user/user.crt" || c.TLSKeyFile != "/etc/canary/user/user.key" ||
		!strings.HasSuffix(c.ListenAddr, ":8080") {
		t.Errorf("parsed config %+v does not match the Deployment", c)
	}
	if got := strings.Join(c.BootstrapServers, ","); got != "trading-kafka-bootstrap.kafka.svc:9093" {
		t.Errorf("bootstrap %q", got)
	}
}
