package render

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/esc"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	pconfig "github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/tradingfirm/kafka-platform/internal/config"
)

// LoadStackConfig reads Pulumi.yaml and Pulumi.<stack>.yaml from dir the way
// the Pulumi CLI does (the SDK's own workspace loader and its validation of
// stack values against the project's declared types), applies the
// project-level defaults, and returns the raw values the program would see.
// Secure values are never decrypted: they become Redacted placeholders that
// are still marked secret, so the render exercises the secret paths without
// holding a secret.
func LoadStackConfig(dir, stack string) (config.Source, error) {
	src := config.Source{Values: map[string]string{}, Secret: map[string]bool{}}
	proj, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return src, fmt.Errorf("load Pulumi.yaml: %w", err)
	}
	sink := diag.DefaultSink(io.Discard, os.Stderr, diag.FormatOptions{Color: colors.Never})
	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	ps, err := workspace.LoadProjectStack(sink, proj, path)
	if err != nil {
		return src, fmt.Errorf("load %s: %w", path, err)
	}
	if len(ps.Config) == 0 {
		return src, fmt.Errorf("stack file %s is missing or empty; create it with the stack's region and role", path)
	}
	// Keys the project does not declare are typos or leftovers: the CLI would
	// pass them through silently, so the render refuses them.
	var unknown []string
	for k := range ps.Config {
		if k.Namespace() != config.Project {
			continue
		}
		if _, ok := proj.Config[k.Name()]; !ok {
			if _, ok := proj.Config[k.String()]; !ok {
				unknown = append(unknown, k.String())
			}
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return src, fmt.Errorf("%s sets keys Pulumi.yaml does not declare: %s; fix: correct the spelling or remove them (see docs/config.md)",
			path, strings.Join(unknown, ", "))
	}
	dec := pconfig.NewBlindingDecrypter()
	if err := workspace.ValidateStackConfigAndApplyProjectConfig(context.Background(), stack, proj, esc.Value{},
		ps.Config, pconfig.BlindingCrypter, dec); err != nil {
		return src, fmt.Errorf("stack %s: %w", stack, err)
	}
	plain, err := ps.Config.Decrypt(dec)
	if err != nil {
		return src, err
	}
	for k, v := range plain {
		src.Values[k.String()] = v
	}
	for _, k := range ps.Config.SecureKeys() {
		src.Secret[k.String()] = true
		src.Values[k.String()] = Redacted
	}
	return src, nil
}
