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

func writeTable(w io.Writer, t table) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.header, "\t"))
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
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
