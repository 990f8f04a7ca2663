package main

import (
	"strings"

	"github.com/spf13/cobra"
)

// groupRun makes a command that groups subcommands refuse an unknown one as
// a usage error (cobra would print the help and exit 0), and print its help,
// with no key needed, when called alone. Its subcommands are set up as
// every other command is.
func (a *app) groupRun(cmd *cobra.Command) {
	cmd.Args = cobra.ArbitraryArgs
	cmd.PersistentPreRunE = func(c *cobra.Command, args []string) error {
		if c != cmd {
			return a.setup(c, args)
		}
		a.started = true
		return nil
	}
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return c.Help()
		}
		var names []string
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() {
				names = append(names, sub.Name())
			}
		}
		return usagef("unknown command %q for %q: give one of %s", args[0], c.CommandPath(), strings.Join(names, ", "))
	}
}
