package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"
)

// The advice describe gives depends on the command that failed: it names
// only the flags that command has, and the commands (with their ids) that
// pick up its work.

// hasFlag reports whether the running command has the flag name.
func (a *app) hasFlag(name string) bool {
	return a.cmd != nil && a.cmd.Flags().Lookup(name) != nil
}

// flag returns the value of the running command's flag name, or "ID".
func (a *app) flag(name string) string {
	if !a.hasFlag(name) {
		return "ID"
	}
	v := a.cmd.Flags().Lookup(name).Value
	if s, ok := v.(pflag.SliceValue); ok { // --export 1: "1", not "[1]"
		return strings.Join(s.GetSlice(), ",")
	}
	return v.String()
}

// commandPath is the running command, "webadmit pdf run" say.
func (a *app) commandPath() string {
	if a.cmd == nil {
		return ""
	}
	return a.cmd.CommandPath()
}

// fetchAgain is the command that fetches the failed command's files again,
// or "" when there is none (yet): a run's or batch's id may not be known.
func (a *app) fetchAgain() string {
	if a.again != "" {
		return a.again
	}
	switch a.commandPath() {
	case "webadmit download":
		return fmt.Sprintf("webadmit download --export %s --file %s", a.flag("export"), a.flag("file"))
	case "webadmit pdf download":
		return fmt.Sprintf("webadmit pdf download --identity %s --batch %s", a.flag("identity"), a.flag("batch"))
	}
	return ""
}

// runAgain says to run the command that fetches the files again.
func (a *app) runAgain() string {
	if again := a.fetchAgain(); again != "" {
		return "run '" + again + "' again"
	}
	return "try again"
}

// timeoutAdvice is the advice on a timeout: for a command with --timeout,
// how to pick its job up later or wait longer; for the others (download,
// the lists), to check the network and try again.
func (a *app) timeoutAdvice() string {
	if !a.hasFlag("timeout") {
		return "check the network, then " + a.runAgain()
	}
	var later string
	switch a.commandPath() {
	case "webadmit run":
		later = fmt.Sprintf("'webadmit files --identity %s' lists the run, then 'webadmit download' fetches its file", a.flag("identity"))
		if a.again != "" {
			later = "'" + a.again + "' fetches the file once the run is available"
		}
	case "webadmit pdf run":
		later = fmt.Sprintf("'webadmit pdf batches --identity %s' lists the batch, then 'webadmit pdf download --wait' picks it up", a.flag("identity"))
		if a.again != "" {
			later = "'" + a.again + " --wait' picks the batch up"
		}
	case "webadmit pdf download":
		later = "'" + a.fetchAgain() + " --wait' picks the batch up"
	case "webadmit batch designations", "webadmit batch custom-field-answers":
		if a.again == "" {
			return "raise --timeout"
		}
		return "the batch was sent and is applied all the same: '" + a.again +
			"' shows its status and results; do not send the items again, which would apply them twice"
	default:
		return "raise --timeout"
	}
	return "it may still finish: " + later + "; or raise --timeout"
}

// existsAdvice is the advice on a file that is in the way: what --force
// does for this command, what names another file, and the command that
// fetches the finished job's files again with --force, without a new run.
func (a *app) existsAdvice() string {
	var advice string
	switch {
	case a.flagSet("extract") && a.hasFlag("output-dir"): // pdf --extract
		advice = "--force replaces the files in the way (all or nothing), or -o names an empty directory"
	case a.flagSet("extract"):
		advice = "--force replaces the files in the way (all or nothing), or --extract names an empty directory"
	case a.one != nil && a.one.Output != "" && !isDirOutput(a.one.Output):
		advice = "--force replaces it, or the manifest's output: names another file"
	case a.hasFlag("output-dir"):
		advice = "a zip file never replaces one of yours: --force writes it beside under a numbered name (Name-2.zip), or -o names another directory"
	case a.typedOutputFile():
		advice = "--force replaces it, or -o names another file"
	default:
		advice = "the server chose that name, and a file it names never replaces yours: " +
			"--force writes it beside under a numbered name (Name-2.csv), or -o FILE names the file"
	}
	if again := a.fetchAgain(); again != "" && !a.flagSet("force") {
		advice += "; '" + again + " --force' fetches it again without starting anew"
	}
	return advice
}

// flagSet reports whether the user gave the running command's flag name.
func (a *app) flagSet(name string) bool {
	return a.hasFlag(name) && a.cmd.Flags().Changed(name)
}

// isDirOutput reports whether a manifest's output names a directory (the
// server names the file in it).
func isDirOutput(o string) bool {
	if strings.HasSuffix(o, "/") || strings.HasSuffix(o, string(os.PathSeparator)) {
		return true
	}
	fi, err := os.Stat(o)
	return err == nil && fi.IsDir()
}

// typedOutputFile reports whether -o names the file itself (not a
// directory the server's name goes into).
func (a *app) typedOutputFile() bool {
	if !a.flagSet("output-file") {
		return false
	}
	o := a.flag("output-file")
	if strings.HasSuffix(o, "/") || strings.HasSuffix(o, string(os.PathSeparator)) {
		return false
	}
	fi, err := os.Stat(o)
	return err != nil || !fi.IsDir()
}
