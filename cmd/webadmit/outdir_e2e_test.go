package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// TestOutputInMissingDirectory: -o naming a file (or, with a trailing
// slash, a directory) in a directory that does not exist is refused before
// any call is made: the message names the missing directory and the mkdir
// that makes it, without the system's stat wording or temporary files, and
// no directory is created.
func TestOutputInMissingDirectory(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		missing string // the directory the message names
		calls   []webadmittest.Endpoint
	}{
		{"run", []string{"run", "--identity", "7", "--export", "100", "-o", "nosuchdir/x.csv"}, "nosuchdir",
			[]webadmittest.Endpoint{webadmittest.EndpointInitiateExportFile}},
		{"run into a directory", []string{"run", "--identity", "7", "--export", "100", "-o", "nosuchdir/"}, "nosuchdir",
			[]webadmittest.Endpoint{webadmittest.EndpointInitiateExportFile}},
		{"run nested", []string{"run", "--identity", "7", "--export", "100", "-o", "a b/c/x.csv"}, "a b/c",
			[]webadmittest.Endpoint{webadmittest.EndpointInitiateExportFile}},
		{"download", []string{"download", "--export", "100", "--file", "74780", "-o", "nosuchdir/x.csv"}, "nosuchdir",
			[]webadmittest.Endpoint{webadmittest.EndpointGetExportFile}},
		{"api", []string{"api", "/api/v1/user_identities", "-o", "nosuchdir/x.json"}, "nosuchdir",
			[]webadmittest.Endpoint{webadmittest.EndpointListUserIdentities}},
		{"ssn", []string{"ssn", "--identity", "7", "-o", "nosuchdir/ssn.asc"}, "nosuchdir",
			[]webadmittest.Endpoint{webadmittest.EndpointGetSocialSecurityNumbers}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSandbox(t)
			dir := t.TempDir()
			r := runCLI(t, dir, sandboxEnv(s), tt.args...)
			if r.code != exitError {
				t.Errorf("exit %d, want %d", r.code, exitError)
			}
			wantMkdir := "mkdir -p " + tt.missing
			if strings.Contains(tt.missing, " ") {
				wantMkdir = "mkdir -p '" + tt.missing + "'"
			}
			for _, want := range []string{"directory " + tt.missing + " does not exist", wantMkdir} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			for _, bad := range []string{"stat ", "no such file", ".part", "temporary"} {
				if strings.Contains(r.stderr, bad) {
					t.Errorf("stderr says %q:\n%s", bad, r.stderr)
				}
			}
			for _, e := range tt.calls {
				if n := s.Recorder().Calls(e); n != 0 {
					t.Errorf("%d calls of %s: the output was not checked first", n, e)
				}
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("the command left %v in its directory", entries)
			}
			if _, err := os.Stat(filepath.Join(dir, tt.missing)); err == nil {
				t.Errorf("%s was created", tt.missing)
			}
		})
	}
}
