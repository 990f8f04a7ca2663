package main

import (
	"strings"
	"testing"
)

// TestHelpTopicsAndCompletion: the help topics and every shell's
// completion script need no key and no network.
func TestHelpTopicsAndCompletion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"help", "exit-codes"}, "6  unauthorized"},
		{[]string{"exit-codes", "--help"}, "'webadmit api'"},
		{[]string{"help", "environment"}, "WEBADMIT_API_KEY"},
		{[]string{"help", "environment"}, "HTTPS_PROXY"},
		{[]string{"--help"}, "Additional help topics"},
		{[]string{"completion", "bash"}, "__start_webadmit"},
		{[]string{"completion", "zsh"}, "#compdef webadmit"},
		{[]string{"completion", "fish"}, "complete -c webadmit"},
		{[]string{"completion", "powershell"}, "Register-ArgumentCompleter"},
		{[]string{"__complete", "api", "-X", ""}, "PATCH"},
		{[]string{"__complete", "answers", ""}, "clear"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, t.TempDir(), nil, tt.args...)
			if r.code != exitOK || !strings.Contains(r.stdout, tt.want) {
				t.Errorf("exit %d, stdout lacks %q:\n%s\nstderr: %s", r.code, tt.want, r.stdout, r.stderr)
			}
		})
	}
}

// TestCommandGroups: a group alone prints its help with no key; an unknown
// subcommand is a usage error, not the help with exit 0.
func TestCommandGroups(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"designations"}, exitOK, "Available Commands", ""},
		{[]string{"answers"}, exitOK, "clear", ""},
		{[]string{"applicants"}, exitOK, "update", ""},
		{[]string{"designations", "gte"}, exitUsage, "", `unknown command "gte" for "webadmit designations": give one of get, set`},
		{[]string{"answers", "delete"}, exitUsage, "", "give one of clear, get, set"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, t.TempDir(), nil, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
		})
	}
}
