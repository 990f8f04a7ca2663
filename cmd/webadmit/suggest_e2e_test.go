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
