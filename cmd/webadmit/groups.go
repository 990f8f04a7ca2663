package main

import (
	"github.com/spf13/cobra"
)

// groupRun makes a command that groups subcommands (the root too) refuse
// an unknown one as a usage error, with the closest as a hint (cobra would
// print the help and exit 0, or put its suggestion on the error's line),
// and print its help, with no key needed, when called alone. Its
// subcommands are set up as every other command is.
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
		return unknownCommand(c, args[0])
	}
}
