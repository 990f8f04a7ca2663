package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// table is what a command prints in table mode: a header and rows.
type table struct {
	header []string
	rows   [][]string
}

// print writes v as JSON (for scripts and jq) or t as an aligned table, to
// stdout. Lists print as JSON arrays, never null.
func (a *app) print(v any, t table) error {
	if a.g.output == "json" {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	return writeTable(a.stdout, t)
}

// writeTable aligns the cells of t, each made safe for the terminal.
func writeTable(w io.Writer, t table) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range append([][]string{t.header}, t.rows...) {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = termSafe(c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// notef prints a line on stderr, made safe for the terminal, unless quiet.
func (a *app) notef(format string, args ...any) {
	if !a.g.quiet {
		fmt.Fprintln(a.stderr, termSafe(fmt.Sprintf("webadmit: "+format, args...)))
	}
}

// warnf prints a warning on stderr, made safe for the terminal, unless
// quiet.
func (a *app) warnf(format string, args ...any) {
	a.notef("warning: "+format, args...)
}

// orDash renders a nullable string.
func orDash[T ~string](p *T) string {
	if p == nil || *p == "" {
		return "-"
	}
	return string(*p)
}

// intOrDash renders a nullable integer.
func intOrDash(p *int) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}

// listOrEmpty turns an absent list into an empty one, so JSON output is [].
func listOrEmpty[T any](p *[]T) []T {
	if p == nil {
		return []T{}
	}
	return *p
}

// count renders n things: "1 status check", "3 status checks".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
