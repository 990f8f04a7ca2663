package main

import (
	"strings"
	"testing"
)

// TestNonPositiveIDs: an id flag given 0 or a negative number is a usage
// error before any call, for one export as for several, on every command
// that takes ids (the API would be asked for .../exports/-5/...).
func TestNonPositiveIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"run, one export", []string{"run", "--identity", "7", "--export", "-5"}, "--export -5 is not an id"},
		{"run, identity", []string{"run", "--identity", "-7", "--export", "100"}, "--identity -7 is not an id"},
		{"run, identity 0", []string{"run", "--identity", "0", "--export", "100"}, "--identity 0 is not an id"},
		{"run, several exports", []string{"run", "--identity", "7", "--export", "100,0"}, "--export 0 is not an id"},
		{"download", []string{"download", "--export", "100", "--file", "-1"}, "--file -1 is not an id"},
		{"status", []string{"status", "--export", "0", "--file", "1"}, "--export 0 is not an id"},
		{"files", []string{"files", "--identity", "-7"}, "--identity -7 is not an id"},
		{"pdf run", []string{"pdf", "run", "--identity", "7", "--template", "-2"}, "--template -2 is not an id"},
		{"pdf download", []string{"pdf", "download", "--identity", "7", "--batch", "0"}, "--batch 0 is not an id"},
		{"exports", []string{"exports", "--identity", "0"}, "--identity 0 is not an id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSandbox(t)
			r := runCLI(t, t.TempDir(), sandboxEnv(s), tt.args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d:\n%s", r.code, exitUsage, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, r.stderr)
			}
			if calls := s.Recorder().String(); calls != "calls:" {
				t.Errorf("calls made: %s", calls)
			}
		})
	}
}
