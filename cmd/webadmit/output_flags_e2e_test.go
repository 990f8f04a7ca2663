package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputFlagMistakes: the output flags a user gets wrong get a usage
// error before any call, or advice that names this command's flags and the
// command that fetches the file again; /dev/stdout is standard output.
func TestOutputFlagMistakes(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	run := []string{"run", "--identity", "7", "--export", "100"}
	tests := []struct {
		name     string
		existing string // a file already in the directory
		args     []string
		wantCode int
		want     []string // in stderr
		stdout   string   // exactly, when not ""
		noCall   bool     // refused before any API call
	}{
		{name: "--extract empty", args: append(run, "--extract", ""), wantCode: exitUsage,
			want: []string{"--extract needs a directory"}, noCall: true},
		{name: "-o empty", args: append(run, "-o", ""), wantCode: exitUsage,
			want: []string{"-o needs a file name"}, noCall: true},
		{name: "-o /dev/stdout", args: append(run, "-o", "/dev/stdout"), wantCode: exitOK,
			want: []string{"to stdout"}, stdout: latin1CSV},
		{name: "api -o /dev/stdout", args: []string{"api", "/api/v1/user_identities", "-o", "/dev/stdout"}, wantCode: exitOK,
			want: []string{"to stdout"}},
		{name: "a name the server chose is taken", existing: "Nightly.csv", args: run, wantCode: exitError,
			want: []string{"Nightly.csv already exists", "the server chose that name", "--force writes it beside",
				"'webadmit download --export 100 --file ", " --force' fetches it again"}},
		{name: "the -o file is taken", existing: "mine.csv", args: append(run, "-o", "mine.csv"), wantCode: exitError,
			want: []string{"mine.csv already exists", "--force replaces it, or -o names another file"}, noCall: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if tt.existing != "" {
				p := filepath.Join(dir, tt.existing)
				if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("the user's own"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			r := runCLI(t, dir, sandboxEnv(s), tt.args...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d:\n%s", r.code, tt.wantCode, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if tt.stdout != "" && r.stdout != tt.stdout {
				t.Errorf("stdout = %q, want %q", r.stdout, tt.stdout)
			}
			if tt.noCall && strings.Contains(r.stderr, "started") {
				t.Errorf("a run was started before the mistake was found:\n%s", r.stderr)
			}
			if tt.existing != "" {
				if b, err := os.ReadFile(filepath.Join(dir, tt.existing)); err != nil || string(b) != "the user's own" {
					t.Errorf("the user's file is now %q (%v)", b, err)
				}
			}
			for _, w := range []string{"FileOptions", "Overwrite", "allow overwriting"} {
				if strings.Contains(r.stderr, w) {
					t.Errorf("stderr names a Go identifier or the library's words (%q):\n%s", w, r.stderr)
				}
			}
		})
	}
}
