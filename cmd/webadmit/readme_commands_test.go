package main

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
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
