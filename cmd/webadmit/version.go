package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version says which build of webadmit this is: the module version
// ("devel" for a build without one), the VCS revision it was built from
// (", modified" when the checkout had changes) and the Go version.
func version() string {
	v, rev, modified := "devel", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		v += " (revision " + rev
		if modified {
			v += ", modified"
		}
		v += ")"
	}
	return v + ", " + runtime.Version()
}

// versionCommand is 'webadmit version', the same as --version.
func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:         "version",
		Short:       "Print the version of webadmit (also --version)",
		Args:        noArgs,
		Annotations: map[string]string{"noclient": "true"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(a.stdout, "webadmit "+version())
			return err
		},
	}
}
