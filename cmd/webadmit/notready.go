package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/webadmit-go/webadmit/wrapper"
)

// notReadyText says that the run or batch a download asked for has not
// finished, and gives the commands, with their ids, that check it or wait
// for it. msg is describe's message, which holds the library's text.
func (a *app) notReadyText(msg string) string {
	msg = strings.Replace(msg, wrapper.ErrNotReady.Error()+": ", "", 1) + ": it has not finished"
	switch a.commandPath() {
	case "webadmit download":
		return fmt.Sprintf("%s; 'webadmit status --export %s --file %s' checks it, and '%s' fetches the file once it is Available",
			msg, a.flag("export"), a.flag("file"), a.rerun())
	case "webadmit pdf download":
		return fmt.Sprintf("%s; '%s' waits for it (up to --timeout) and downloads it", msg, a.rerun("--wait"))
	}
	return msg + "; try again later"
}

// idFlags are the flags that name what a command acts on, in the order
// a command line gives them.
var idFlags = []string{"identity", "program", "export", "file", "template", "batch"}

// rerun is the running command as the user gave it (its own flags, not
// the global ones), with extra flags added unless already given.
func (a *app) rerun(extra ...string) string {
	if a.cmd == nil {
		return ""
	}
	var ids, rest []string
	local := a.cmd.LocalFlags()
	a.cmd.Flags().Visit(func(f *pflag.Flag) {
		if local.Lookup(f.Name) == nil {
			return // a global flag
		}
		word := "--" + f.Name
		if f.Shorthand != "" {
			word = "-" + f.Shorthand
		}
		switch {
		case f.Value.Type() == "bool" && f.Value.String() != "true":
			return
		case f.Value.Type() != "bool":
			word += " " + shellQuote(f.Value.String())
		}
		if slices.Contains(idFlags, f.Name) {
			ids = append(ids, word)
		} else {
			rest = append(rest, word)
		}
	})
	slices.SortStableFunc(ids, func(x, y string) int {
		return slices.IndexFunc(idFlags, func(n string) bool { return strings.HasPrefix(x, "--"+n+" ") }) -
			slices.IndexFunc(idFlags, func(n string) bool { return strings.HasPrefix(y, "--"+n+" ") })
	})
	words := append([]string{a.cmd.CommandPath()}, ids...)
	words = append(words, rest...)
	for _, e := range extra {
		if !slices.Contains(words, e) {
			words = append(words, e)
		}
	}
	return strings.Join(words, " ")
}
