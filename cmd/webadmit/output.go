package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf16"
	"unicode/utf8"
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
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		_, err = a.stdout.Write(append(escapeControls(b), '\n'))
		return err
	}
	return writeTable(a.stdout, t)
}

// escapeControls writes as \uXXXX escapes the characters of encoded JSON
// that could drive a terminal showing it but that encoding/json leaves
// as they are: the C1 controls (U+0080–U+009F, CSI among them) and the
// format characters (bidi overrides, zero widths). The JSON means the same;
// a server's string cannot rewrite the screen of someone reading it.
func escapeControls(b []byte) []byte {
	if !bytes.ContainsFunc(b, func(r rune) bool { return r >= 0x80 && !keep(r) }) {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r >= 0x80 && !keep(r) && r != utf8.RuneError {
			if r > 0xFFFF { // a pair of surrogates, as JSON spells it
				r1, r2 := utf16.EncodeRune(r)
				out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
			} else {
				out = fmt.Appendf(out, `\u%04x`, r)
			}
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
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
