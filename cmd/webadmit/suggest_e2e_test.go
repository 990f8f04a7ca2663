package main

import (
	"strings"
	"testing"
)

// TestTypoSuggestions: a mistyped flag or command is a usage error whose
// first line says what was not understood and whose second line, on its
// own, suggests the closest flag (the command's own or a global one) or
// command; nothing is suggested when nothing is close.
func TestTypoSuggestions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		first string
		hint  string // "" for none
	}{
		{"flag", []string{"run", "--identiy", "42", "--export", "29897"}, "webadmit: unknown flag: --identiy", "Did you mean --identity?"},
		{"global flag on a command", []string{"run", "--base-ur", "https://x", "--identity", "42"}, "webadmit: unknown flag: --base-ur", "Did you mean --base-url?"},
		{"global flag", []string{"--sandbx", "identities"}, "webadmit: unknown flag: --sandbx", "Did you mean --sandbox?"},
		{"a prefix", []string{"pdf", "run", "--templ", "2", "--identity", "42"}, "webadmit: unknown flag: --templ", "Did you mean --template?"},
		{"one dash", []string{"run", "-identity", "42"}, "webadmit: unknown shorthand flag: 'i' in -identity", "Did you mean --identity?"},
		{"nothing close", []string{"run", "--frobnicate"}, "webadmit: unknown flag: --frobnicate", ""},
		{"command", []string{"idenities"}, `webadmit: unknown command "idenities" for "webadmit"`, "Did you mean identities?"},
		{"subcommand", []string{"pdf", "templats", "--identity", "42"}, `webadmit: unknown command "templats" for "webadmit pdf"`, "Did you mean templates?"},
		{"subcommand of a group", []string{"designations", "gte"}, `webadmit: unknown command "gte" for "webadmit designations"`, "Did you mean get?"},
		{"no command close", []string{"frobnicate"}, `webadmit: unknown command "frobnicate" for "webadmit"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, t.TempDir(), nil, tt.args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d", r.code, exitUsage)
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if !strings.HasPrefix(lines[0], tt.first) || strings.Contains(lines[0], "Did you mean") || strings.Contains(lines[0], "  ") {
				t.Errorf("first line %q, want %q alone", lines[0], tt.first)
			}
			hint := ""
			for _, l := range lines[1:] {
				if strings.HasPrefix(l, "Did you mean") {
					hint = l
				}
			}
			if hint != tt.hint {
				t.Errorf("hint line %q, want %q\n%s", hint, tt.hint, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout: %s", r.stdout)
			}
		})
	}
}

// TestFlagValueErrors: a flag value that does not parse is a usage error
// saying what the flag takes, by its type, never the parser's words
// (strconv, time, ParseInt, invalid syntax).
func TestFlagValueErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"int", []string{"run", "--identity", "42", "--export", "1", "--connections", "eight"}, `webadmit: --connections takes a whole number, not "eight"`},
		{"int out of range", []string{"download", "--export", "99999999999999999999", "--file", "1"}, `webadmit: --export takes a whole number, not "99999999999999999999"`},
		{"int slice", []string{"run", "--identity", "42", "--export", "x1"}, `webadmit: --export takes whole numbers (repeat it, or give a comma-separated list), not "x1"`},
		{"int64", []string{"designations", "get", "--identity", "42", "--program", "p1"}, `webadmit: --program takes a whole number, not "p1"`},
		{"duration without a unit", []string{"run", "--identity", "42", "--export", "1", "--timeout", "5"}, `webadmit: --timeout takes a duration such as 30m, 90s or 1h30m, not "5"`},
		{"duration", []string{"run", "--identity", "42", "--export", "1", "--timeout", "garbage"}, `webadmit: --timeout takes a duration such as 30m, 90s or 1h30m, not "garbage"`},
		{"duration too large", []string{"run", "--identity", "42", "--export", "1", "--timeout", "99999999h"}, `webadmit: --timeout "99999999h" is too large: the longest is 2562047h47m16s (about 292 years)`},
		{"duration too large in parts", []string{"pdf", "run", "--identity", "42", "--template", "1", "--timeout", "2562047h60m"}, `webadmit: --timeout "2562047h60m" is too large`},
		{"bool", []string{"run", "--identity", "42", "--export", "1", "--force=maybe"}, `webadmit: --force takes true or false, not "maybe"`},
		{"short bool", []string{"-q=maybe", "identities"}, `webadmit: --quiet takes true or false, not "maybe"`},
		{"byte rate", []string{"sandbox", "--store-conn-rate", "fast"}, `webadmit: --store-conn-rate takes a rate in bytes a second such as 50MB, 48MiB or 65536, not "fast"`},
		{"byte rate nan", []string{"sandbox", "--store-conn-rate", "nan"}, `webadmit: --store-conn-rate takes a rate in bytes a second such as 50MB, 48MiB or 65536, not "nan"`},
		{"byte rate NaN with a unit", []string{"sandbox", "--store-conn-rate", "NaNMB"}, `webadmit: --store-conn-rate takes a rate in bytes a second such as 50MB, 48MiB or 65536, not "NaNMB"`},
		{"byte rate below one byte", []string{"sandbox", "--store-conn-rate", "0.0000001B"}, `webadmit: --store-conn-rate "0.0000001B" is less than 1 byte a second: give at least 1B, or 0 for no cap`},
		{"byte rate rounding to 0", []string{"sandbox", "--store-conn-rate", "0.4"}, `webadmit: --store-conn-rate "0.4" is less than 1 byte a second`},
		{"control characters", []string{"run", "--identity", "4\x1b[2J2"}, `webadmit: --identity takes a whole number, not "4`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, t.TempDir(), nil, tt.args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d:\n%s", r.code, exitUsage, r.stderr)
			}
			first, _, _ := strings.Cut(r.stderr, "\n")
			if !strings.HasPrefix(first, tt.want) {
				t.Errorf("first line %q, want %q", first, tt.want)
			}
			for _, w := range []string{"strconv", "time:", "ParseInt", "Atoi", "invalid syntax", "invalid argument", "\x1b"} {
				if strings.Contains(r.stderr, w) {
					t.Errorf("stderr holds %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}
