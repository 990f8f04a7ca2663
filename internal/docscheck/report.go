package docscheck

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Severity says whether a finding is drift (the docs say something the spec
// does not) or a note (the spec says more than the docs, by design).
type Severity int

const (
	// Drift: the spec must change (or the docs are wrong). The check fails.
	Drift Severity = iota
	// Note: the spec is a superset of what the pages say, e.g. an enum value
	// no page lists or a status code no page shows. Printed in verbose mode.
	Note
)

func (s Severity) String() string {
	if s == Note {
		return "note"
	}
	return "drift"
}

// Kind says how the docs and the spec differ.
type Kind string

const (
	// Missing: the page documents it; the spec lacks it.
	Missing Kind = "missing"
	// Extra: the spec has it; no page documents it.
	Extra Kind = "extra"
	// Changed: both have it, with different values.
	Changed Kind = "changed"
	// Invalid: a documented example does not validate against the spec.
	Invalid Kind = "invalid"
)

// Finding is one difference between the docs and the spec.
type Finding struct {
	Severity Severity
	Kind     Kind
	// Page is the page the finding comes from (file name or URL); empty for
	// findings about the spec as a whole.
	Page string
	// Operation is "METHOD /path" of the operation concerned, if any.
	Operation string
	// OperationID is the spec's operationId for Operation, if it has one.
	OperationID string
	// Subject names what differs, e.g. "attribute export_files:status",
	// "status 404", "404 example", "parameter callback", "operation".
	Subject string
	// Detail says how it differs, with the values from both sides.
	Detail string
}

// String renders the finding on one line:
//
//	drift: page.md: GET /path (opId): subject: kind: detail
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(f.Severity.String())
	b.WriteString(": ")
	if f.Page != "" {
		b.WriteString(f.Page)
		b.WriteString(": ")
	}
	if f.Operation != "" {
		b.WriteString(f.Operation)
		if f.OperationID != "" {
			b.WriteString(" (" + f.OperationID + ")")
		}
		b.WriteString(": ")
	}
	b.WriteString(f.Subject)
	b.WriteString(": ")
	b.WriteString(string(f.Kind))
	if f.Detail != "" {
		b.WriteString(": ")
		b.WriteString(f.Detail)
	}
	return b.String()
}

// Report is the outcome of one check.
type Report struct {
	// Source names what was checked (a folder, file or URL).
	Source string
	// Findings are sorted by page, operation and subject.
	Findings []Finding
	// Pages and Operations count what the check read: pages parsed and
	// documented operations (method and path) compared.
	Pages, Operations int
}

// Drift returns the findings that fail the check.
func (r *Report) Drift() []Finding { return r.filter(Drift) }

// Notes returns the findings that only inform.
func (r *Report) Notes() []Finding { return r.filter(Note) }

func (r *Report) filter(s Severity) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Severity == s {
			out = append(out, f)
		}
	}
	return out
}

// HasDrift reports whether the docs and the spec disagree.
func (r *Report) HasDrift() bool { return len(r.Drift()) > 0 }

// Write prints the drift findings, the notes too when verbose, and a
// one-line summary.
func (r *Report) Write(w io.Writer, verbose bool) error {
	var b strings.Builder
	for _, f := range r.Findings {
		if f.Severity == Drift || verbose {
			b.WriteString(f.String())
			b.WriteByte('\n')
		}
	}
	drift, notes := len(r.Drift()), len(r.Notes())
	fmt.Fprintf(&b, "%s: %d pages, %d documented operations: ", r.Source, r.Pages, r.Operations)
	if drift == 0 {
		b.WriteString("no drift")
	} else {
		fmt.Fprintf(&b, "%d drift findings", drift)
	}
	if notes > 0 {
		fmt.Fprintf(&b, ", %d notes", notes)
		if !verbose {
			b.WriteString(" (-v shows them)")
		}
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) sort() {
	slices.SortStableFunc(r.Findings, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Severity, b.Severity),
			cmp.Compare(a.Page, b.Page),
			cmp.Compare(a.Operation, b.Operation),
			cmp.Compare(a.Subject, b.Subject),
			cmp.Compare(a.Detail, b.Detail),
		)
	})
	r.Findings = slices.Compact(r.Findings)
}
