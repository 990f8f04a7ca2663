package main

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// termSafe returns s fit to print on a terminal: without the characters a
// server could use to drive it. Control characters (Unicode category Cc:
// ESC, BEL, CR, the C1 controls such as CSI U+009B) and format characters
// (Cf: the bidi overrides U+202A–U+202E and isolates U+2066–U+2069, zero
// widths) are dropped, as are the line and paragraph separators U+2028 and
// U+2029; a tab or newline becomes a space, so that words stay apart and a
// table row stays one line; bytes that are not UTF-8 become U+FFFD.
//
// Every string from the server that reaches stdout or stderr in table mode
// goes through it: table cells, progress lines, warnings and the final
// error line. JSON output (--output json) escapes them instead, as \uXXXX
// (escapeControls), so that the data stay whole.
func termSafe(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || !keep(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n':
			b.WriteByte(' ')
		case keep(r): // U+FFFD included: invalid bytes range as it
			b.WriteRune(r)
		}
	}
	return b.String()
}

// keep reports whether r may reach a terminal.
func keep(r rune) bool {
	return !unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp)
}
