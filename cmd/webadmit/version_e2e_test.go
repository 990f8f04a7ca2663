package main

import (
	"debug/buildinfo"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestVersion: --version and 'webadmit version' print the module version
// (devel for a build from a checkout without one), the VCS revision the
// binary was built from, and the Go version; exit 0, no key needed.
func TestVersion(t *testing.T) {
	t.Parallel()
	line := regexp.MustCompile(`^webadmit (devel|v[0-9]\S*)( \(revision [0-9a-f]{12}(, modified)?\))?, ` + regexp.QuoteMeta(runtime.Version()) + "\n$")
	bi, err := buildinfo.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	rev := "" // the binary's own, if it was built with VCS stamping
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			rev = s.Value[:12]
		}
	}
	var first string
	for _, args := range [][]string{{"--version"}, {"version"}} {
		r := runCLI(t, t.TempDir(), nil, args...)
		if r.code != exitOK || !line.MatchString(r.stdout) || r.stderr != "" {
			t.Errorf("webadmit %s: exit %d, stdout %q, stderr %q", args[0], r.code, r.stdout, r.stderr)
		}
		if strings.Contains(r.stdout, "revision ") != (rev != "") || !strings.Contains(r.stdout, rev) {
			t.Errorf("webadmit %s: %q, want the binary's revision %q", args[0], r.stdout, rev)
		}
		if first == "" {
			first = r.stdout
		} else if r.stdout != first {
			t.Errorf("'webadmit version' says %q, --version %q", r.stdout, first)
		}
	}
}
