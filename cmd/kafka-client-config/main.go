// Command kafka-client-config prints the complete Kafka client configuration
// of one user for one topic from a stack's outputs: bootstrap servers, mTLS
// stores where the Strimzi Secrets are mounted, the topic class's
// recommended producer and consumer settings and client.rack. See
// docs/app-teams.md.
//
//	pulumi stack output -s prod --json > outputs.json
//	kafka-client-config -outputs outputs.json -user order-management \
//	    -topic orders.journal -zone us-east-1a [-role producer|consumer|both] \
//	    [-format properties|env|json] [-cross-region] [-no-rack]
//
// It reads only non-secret outputs; secret outputs ("[secret]") are ignored.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tradingfirm/kafka-platform/internal/clientconfig"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: flags in, configuration or an error out,
// exit code 0 (printed), 1 (bad request or outputs) or 2 (bad flags).
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kafka-client-config", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		outputs = fs.String("outputs", "", "stack outputs JSON: `pulumi stack output --json` saved to a file, build/<stack>/outputs.json, or - for stdin (required)")
		user    = fs.String("user", "", "KafkaUser name, a key of the kafkaUsers output (required)")
		topic   = fs.String("topic", "", "topic name, one of the kafkaTopics output (required)")
		role    = fs.String("role", string(clientconfig.RoleBoth), "settings to print: producer, consumer or both")
		zone    = fs.String("zone", "", "zone name of the client's node (topology.kubernetes.io/zone label, e.g. us-east-1a): client.rack; required for consumers unless -no-rack")
		noRack  = fs.Bool("no-rack", false, "leave client.rack out: consumers fetch from partition leaders, possibly cross-zone")
		xr      = fs.Bool("cross-region", false, "use the cross-region bootstrap (kafkaBootstrapCrossRegion) instead of the in-cluster one")
		format  = fs.String("format", string(clientconfig.FormatProperties), "output format: properties (Java), env (KAFKA_* variables) or json (includes PEM paths for librdkafka/franz-go)")
		caDir   = fs.String("ca-dir", clientconfig.DefaultCADir, "where the cluster CA Secret is mounted")
		userDir = fs.String("user-dir", clientconfig.DefaultUserDir, "where the user's Secret is mounted")
	)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kafka-client-config: unexpected argument %q; every input is a flag (-h lists them)\n", fs.Arg(0))
		return 2
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"outputs", *outputs}, {"user", *user}, {"topic", *topic}} {
		if f.v == "" {
			missing = append(missing, "-"+f.name)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(stderr, "kafka-client-config: %s required (e.g. -outputs build/prod/outputs.json -user order-management -topic orders.journal -zone us-east-1a)\n", strings.Join(missing, ", "))
		return 2
	}
	var (
		b   []byte
		err error
	)
	if *outputs == "-" {
		b, err = io.ReadAll(stdin)
	} else {
		b, err = os.ReadFile(*outputs)
	}
	if err != nil {
		fmt.Fprintf(stderr, "kafka-client-config: -outputs %q: %v; save `pulumi stack output -s <stack> --json` to a file or pipe it with -outputs -\n", *outputs, err)
		return 1
	}
	o, err := clientconfig.ParseOutputs(b)
	if err != nil {
		fmt.Fprintf(stderr, "kafka-client-config: -outputs %q: %v\n", *outputs, err)
		return 1
	}
	c, err := clientconfig.Build(o, clientconfig.Request{
		User: *user, Topic: *topic, Role: clientconfig.Role(*role), Zone: *zone, NoRack: *noRack,
		CrossRegion: *xr, CADir: *caDir, UserDir: *userDir,
	})
	if err == nil {
		b, err = c.Render(clientconfig.Format(*format))
	}
	if err != nil {
		fmt.Fprintf(stderr, "kafka-client-config: %v\n", err)
		return 1
	}
	if _, err := stdout.Write(b); err != nil {
		fmt.Fprintf(stderr, "kafka-client-config: %v\n", err)
		return 1
	}
	return 0
}
