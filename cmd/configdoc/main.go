// Command configdoc regenerates Pulumi.yaml and docs/config.md from the key
// definitions in internal/config, so the defaults the Pulumi CLI applies and
// the ones Go applies (under mocks and in the render) never drift.
//
//	go run ./cmd/configdoc        # write both files
//	go run ./cmd/configdoc -check # exit 1 if either is stale
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/tradingfirm/kafka-platform/internal/config"
)

func main() {
	check := flag.Bool("check", false, "only report whether the files are up to date")
	flag.Parse()
	proj, err := config.ProjectYAML()
	if err != nil {
		fmt.Fprintln(os.Stderr, "configdoc:", err)
		os.Exit(1)
	}
	stale := false
	for path, want := range map[string][]byte{"Pulumi.yaml": proj, "docs/config.md": config.ConfigMarkdown()} {
		got, _ := os.ReadFile(path)
		if bytes.Equal(got, want) {
			continue
		}
		if *check {
			fmt.Fprintf(os.Stderr, "configdoc: %s is stale; run `go run ./cmd/configdoc`\n", path)
			stale = true
			continue
		}
		if err := os.MkdirAll("docs", 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "configdoc:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(path, want, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "configdoc:", err)
			os.Exit(1)
		}
		fmt.Println("wrote", path)
	}
	if stale {
		os.Exit(1)
	}
}
