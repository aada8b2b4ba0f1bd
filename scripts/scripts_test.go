// Package scripts holds the repository's own shell scripts (CI entry point,
// benchmark); this test keeps them shellcheck-clean.
package scripts

import (
	"os/exec"
	"testing"
)

func TestShellcheck(t *testing.T) {
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Fatal("shellcheck not found: apt-get install shellcheck (.ci/run does)")
	}
	for _, f := range []string{"../.ci/run", "bench.sh"} {
		out, err := exec.Command(sc, "-x", f).CombinedOutput()
		if err != nil {
			t.Errorf("shellcheck %s:\n%s", f, out)
		}
	}
}
