package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/webadmittest"
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

// TestDecimalIDs: ids are decimal everywhere: a leading zero is read as
// decimal (0100 is export 100, not 64 as octal), on every id flag and in a
// manifest; a base prefix (0x, 0o, 0b) is a usage error, before any call,
// naming the flag or the manifest's key.
func TestDecimalIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		manifest string // m.yaml, for --manifest m.yaml
		wantCode int
		want     string
	}{
		{name: "a leading zero is decimal", args: []string{"exports", "--identity", "010"}, wantCode: exitOK}, // octal: 8, none
		{name: "a leading zero in a run", args: []string{"run", "--identity", "07", "--export", "0100", "-o", "x.csv"}, wantCode: exitOK},
		{name: "leading zeros in a list", args: []string{"run", "--identity", "7", "--export", "0100,0101"}, wantCode: exitOK},
		{name: "leading zeros in a manifest", manifest: "- {identity: 07, export: 0100}\n- {identity: 7, export: 0101}\n", wantCode: exitOK},
		{name: "hex identity", args: []string{"run", "--identity", "0x7", "--export", "100"}, wantCode: exitUsage,
			want: `--identity takes a whole number, not "0x7": ids are decimal`},
		{name: "hex export in a list", args: []string{"run", "--identity", "7", "--export", "100,0x65"}, wantCode: exitUsage,
			want: `--export takes whole numbers (repeat it, or give a comma-separated list), not "100,0x65": ids are decimal`},
		{name: "octal file", args: []string{"download", "--export", "100", "--file", "0o1"}, wantCode: exitUsage, want: `--file takes a whole number, not "0o1"`},
		{name: "binary status export", args: []string{"status", "--export", "0b1", "--file", "1"}, wantCode: exitUsage, want: `--export takes a whole number, not "0b1"`},
		{name: "hex files identity", args: []string{"files", "--identity", "0X7", "--export", "100"}, wantCode: exitUsage, want: `--identity takes a whole number, not "0X7"`},
		{name: "hex template", args: []string{"pdf", "run", "--identity", "7", "--template", "0x2"}, wantCode: exitUsage, want: `--template takes a whole number, not "0x2"`},
		{name: "hex batch", args: []string{"pdf", "download", "--identity", "7", "--batch", "0x2"}, wantCode: exitUsage, want: `--batch takes a whole number, not "0x2"`},
		{name: "hex program", args: []string{"designations", "get", "--identity", "7", "--program", "0x2"}, wantCode: exitUsage, want: `--program takes a whole number, not "0x2"`},
		{name: "hex decision", args: []string{"designations", "set", "--identity", "7", "--program", "2", "--decision", "0x2"}, wantCode: exitUsage, want: `--decision takes a whole number, not "0x2"`},
		{name: "hex field", args: []string{"answers", "get", "--identity", "7", "--program", "2", "--field", "0x2"}, wantCode: exitUsage, want: `--field takes a whole number, not "0x2"`},
		{name: "underscores", args: []string{"run", "--identity", "7", "--export", "1_00"}, wantCode: exitUsage, want: `--export takes whole numbers`},
		{name: "hex export in a manifest", manifest: "- {identity: 7, export: 0x64}\n", wantCode: exitUsage,
			want: `--manifest m.yaml line 1: export must be a whole number in decimal, not "0x64"`},
		{name: "octal identity in a manifest", manifest: "- {identity: 0o7, export: 100}\n", wantCode: exitUsage,
			want: `--manifest m.yaml line 1: identity must be a whole number in decimal, not "0o7"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSandbox(t, webadmittest.WithIdentities(webadmittest.Identity{ID: identityID}, webadmittest.Identity{ID: 10}))
			dir := t.TempDir()
			args := tt.args
			if tt.manifest != "" {
				if err := os.WriteFile(filepath.Join(dir, "m.yaml"), []byte(tt.manifest), 0o600); err != nil {
					t.Fatal(err)
				}
				args = []string{"run", "--manifest", "m.yaml"}
			}
			r := runCLI(t, dir, sandboxEnv(s), args...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d:\n%s", r.code, tt.wantCode, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, r.stderr)
			}
			if calls := s.Recorder().String(); tt.wantCode == exitUsage && calls != "calls:" {
				t.Errorf("calls made: %s", calls)
			}
		})
	}
}
