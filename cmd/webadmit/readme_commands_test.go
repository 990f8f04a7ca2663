package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// shellFields splits a README command line as a shell would split one
// without spaces inside quotes: at spaces, each word's single quotes
// removed ('designation[decision_id]=44' keeps zsh from globbing).
func shellFields(line string) []string {
	fields := strings.Fields(line)
	for i, f := range fields {
		fields[i] = strings.ReplaceAll(f, "'", "")
	}
	return fields
}

// TestReadmeListsEveryCommand: the README's command line section shows
// every command the CLI has (each run by TestReadmeCommandsWorkInSandbox).
func TestReadmeListsEveryCommand(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "## The command line")
	section, _, _ = strings.Cut(section, "\n## ")
	var lines []string
	for _, l := range strings.Split(section, "\n") {
		if rest, ok := strings.CutPrefix(l, "bin/webadmit "); ok {
			lines = append(lines, strings.Join(shellFields(rest), " ")+" ")
		}
	}
	root := (&app{}).rootCommand()
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			path := strings.TrimPrefix(sub.CommandPath(), "webadmit ")
			switch {
			case sub.Hidden, path == "help":
				continue
			case path == "sandbox":
				// It serves until interrupted: its own README section shows it.
				if !strings.Contains(string(readme), "go run ./cmd/webadmit sandbox") {
					t.Errorf("the README does not show 'webadmit sandbox'")
				}
				continue
			case path == "completion":
				// One shell stands for all four.
			case sub.HasAvailableSubCommands():
				walk(sub)
				continue
			}
			found := false
			for _, l := range lines {
				if strings.HasPrefix(l, path+" ") || strings.HasPrefix(l, "help "+path+" ") {
					found = true
				}
			}
			if !found {
				t.Errorf("the README's command line section has no 'bin/webadmit %s' example", path)
			}
		}
	}
	walk(root)
}

// TestReadmeSandboxCurlShowsTheStatus: the README's curl lines against the
// sandbox, run by the shell, show the HTTP status, so that a wrong key shows
// its 401 (whose body is empty, as WebAdMIT's is) rather than nothing.
func TestReadmeSandboxCurlShowsTheStatus(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl here")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "## Trying it without an account")
	section, _, _ = strings.Cut(section, "\n## ")
	s := webadmittest.NewTest(t)
	var lines int
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "curl ") {
			continue
		}
		lines++
		line = strings.ReplaceAll(line, "http://127.0.0.1:8080", s.URL())
		for _, tt := range []struct{ key, want string }{{s.APIKey(), " 200 "}, {"wrong-key", " 401 "}} {
			out, err := exec.Command("sh", "-c", strings.ReplaceAll(line, "KEY", tt.key)).CombinedOutput()
			if err != nil || !strings.Contains(string(out), tt.want) {
				t.Errorf("%s\nwith key %q: %v, the output lacks %q:\n%s", line, tt.key, err, tt.want, out)
			}
		}
	}
	if lines == 0 {
		t.Fatal("the README's sandbox section has no curl line")
	}
}
