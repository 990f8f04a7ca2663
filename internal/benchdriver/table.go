//go:build linux

package main

import (
	"fmt"
	"slices"
	"strings"
)

// row is one line of the result table.
type row struct {
	what    string // what was measured
	result  string // the median (and any spread worth showing)
	runs    string // how many runs the median is over
	compare string // ratio measured side by side, if any
	target  string // the target and whether it is met, if any
}

// table collects the rows in the order they were measured.
type table struct{ rows []row }

func (t *table) add(r row) { t.rows = append(t.rows, r) }

// String renders the table as Markdown.
func (t *table) String() string {
	var b strings.Builder
	b.WriteString("| measurement | median | runs | side by side | target |\n")
	b.WriteString("| --- | --- | --- | --- | --- |\n")
	for _, r := range t.rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.what, r.result, r.runs, r.compare, r.target)
	}
	return b.String()
}

// verdict renders a target and whether it was met.
func verdict(target string, met bool) string {
	if met {
		return target + ": **met**"
	}
	return target + ": **missed**"
}

// median returns the middle of xs (the mean of the two middle values for an
// even count); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// spread renders the range of xs, for a result cell.
func spread(xs []float64, format string) string {
	if len(xs) < 2 {
		return ""
	}
	return fmt.Sprintf(" ("+format+"–"+format+")", slices.Min(xs), slices.Max(xs))
}

func runsText(n int) string { return fmt.Sprintf("%d", n) }

// mib renders a byte count in MiB or GiB.
func mib(n int64) string {
	if n >= 1<<30 && n%(1<<30) == 0 {
		return fmt.Sprintf("%d GiB", n>>30)
	}
	return fmt.Sprintf("%d MiB", n>>20)
}
