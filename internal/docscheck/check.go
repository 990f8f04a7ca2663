// Package docscheck compares the WebAdMIT documentation pages with
// spec/webadmit.yaml and reports drift: operations, parameters, attributes
// (type, nullability, enum values, pattern, required), status codes, error
// messages and examples that the pages document differently from the spec.
//
// The rule for disagreements: the spec must admit everything the pages say.
// Where the pages contradict each other (status spellings, an enum value
// listed on one page only) the spec holds the union, so a spec that is a
// superset of a page is not drift: each value, status or property the spec
// has and no page mentions becomes a Note, shown in verbose mode. Anything a
// page says that the spec lacks or contradicts is Drift.
package docscheck

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/webadmit-go/webadmit/internal/docpages"
)

// Scope says whether the pages are the whole documentation.
type Scope int

const (
	// ScopePages checks only what the pages document (one page, e.g. the
	// seed page): spec operations they do not mention are not drift.
	ScopePages Scope = iota
	// ScopeAll treats the pages as the complete documentation: a spec
	// operation that no page documents is drift (the docs dropped it).
	ScopeAll
)

// Check compares pages with the spec. source names the pages in the report.
func Check(spec *Spec, source string, pages []*docpages.Page, scope Scope) *Report {
	c := &checker{
		spec:         spec,
		report:       &Report{Source: source, Pages: len(pages)},
		opsSeen:      map[string]bool{},
		statusSeen:   map[string]map[string]bool{},
		paramsSeen:   map[string]map[string]bool{},
		enumSeen:     map[*openapi3.Schema]map[string]bool{},
		examplesSeen: map[*openapi3.Response]map[string]bool{},
		propsSeen:    map[*openapi3.Schema]map[string]bool{},
		where:        map[any]string{},
	}
	var opPages, footers []*docpages.Page
	for _, p := range pages {
		switch {
		case len(p.Links) > 0:
			opPages = append(opPages, p)
		case len(p.Errors) > 0:
			footers = append(footers, p)
		}
	}
	documented := map[string]bool{}
	pageOps := map[*docpages.Page][]pageOp{}
	for _, p := range opPages {
		pageOps[p] = c.checkPage(p)
		for _, po := range pageOps[p] {
			documented[po.link.Method+" "+po.link.Path] = true
		}
	}
	for _, f := range footers {
		c.checkFooter(f, opPages, pageOps)
	}
	c.report.Operations = len(documented)
	if scope == ScopeAll {
		c.undocumentedOperations()
	}
	c.notes()
	c.report.sort()
	return c.report
}

type checker struct {
	spec   *Spec
	report *Report

	// What the pages mention, for the notes about what the spec has beyond.
	opsSeen      map[string]bool                        // operation key
	statusSeen   map[string]map[string]bool             // operation key → status
	paramsSeen   map[string]map[string]bool             // operation key → parameter
	enumSeen     map[*openapi3.Schema]map[string]bool   // enum schema → values a page lists
	examplesSeen map[*openapi3.Response]map[string]bool // response → example bodies a page shows
	propsSeen    map[*openapi3.Schema]map[string]bool   // object schema → properties a page documents
	where        map[any]string                         // schema or response → where it was first met
}

// pageOp is a documented operation and the spec operation it maps to.
type pageOp struct {
	link  docpages.Link
	op    operation
	found bool
}

func (c *checker) add(f Finding) { c.report.Findings = append(c.report.Findings, f) }

// finding starts a finding about a documented operation.
func finding(page string, po pageOp) Finding {
	f := Finding{Page: page, Operation: po.link.Method + " " + po.link.Path}
	if po.found {
		f.OperationID = po.op.id()
	}
	return f
}

func (c *checker) drift(f Finding, kind Kind, subject, format string, args ...any) {
	f.Severity, f.Kind, f.Subject, f.Detail = Drift, kind, subject, fmt.Sprintf(format, args...)
	c.add(f)
}

func (c *checker) note(f Finding, kind Kind, subject, format string, args ...any) {
	f.Severity, f.Kind, f.Subject, f.Detail = Note, kind, subject, fmt.Sprintf(format, args...)
	c.add(f)
}

// checkPage checks one page that documents operations and returns them.
func (c *checker) checkPage(p *docpages.Page) []pageOp {
	var ops []pageOp
	for _, l := range p.Links {
		po := pageOp{link: l}
		op, sameNames, ok := c.spec.find(l.Method, l.Path)
		if !ok {
			c.drift(finding(p.File, po), Missing, "operation", "the page documents %s %s; the spec has no such operation", l.Method, l.Path)
			ops = append(ops, po)
			continue
		}
		po.op, po.found = op, true
		if !sameNames {
			c.drift(finding(p.File, po), Changed, "path", "parameter names differ: page %s, spec %s", l.Path, op.Path)
		}
		c.opsSeen[op.key()] = true
		ops = append(ops, po)
	}
	pick := pagePicker(p)
	if slices.ContainsFunc(ops, func(po pageOp) bool { return po.found }) {
		// With none of its operations in the spec, the page's attributes
		// have nothing to be compared with: the missing operations say it.
		c.checkAttributes(p, ops, pick)
	}
	for _, po := range ops {
		if !po.found {
			continue
		}
		c.checkParameters(p.File, po, pick)
		c.checkRequestExample(p.File, po)
		examples := slices.Clone(po.link.Examples)
		for _, ex := range p.Errors {
			if applies(ex, po, ops) {
				examples = append(examples, ex)
			}
		}
		for _, ex := range examples {
			c.checkExample(p.File, po, ex)
		}
	}
	return ops
}

// writeMethods take a request body; a page's 422 examples (rejected bodies)
// belong to them.
var writeMethods = map[string]bool{"POST": true, "PUT": true, "PATCH": true}

// applies reports whether an example of a page's error sections documents
// an operation of the page. Every error applies to every operation of its
// page, except 422 (a rejected request body), which applies to the page's
// operations that take a body when it has any.
func applies(ex docpages.Example, po pageOp, all []pageOp) bool {
	if ex.Status != 422 {
		return true
	}
	if !slices.ContainsFunc(all, func(o pageOp) bool { return writeMethods[o.link.Method] }) {
		return true
	}
	return writeMethods[po.link.Method]
}

// pagePicker returns the discriminator values a page implies: a property
// that the page's tables give exactly one enum value (field_type "select").
func pagePicker(p *docpages.Page) picker {
	values := map[string]map[string]bool{}
	rows := slices.Clone(p.Attributes)
	for _, l := range p.Links {
		rows = append(append(rows, l.Required...), l.Optional...)
	}
	for _, r := range rows {
		segs := docpages.SplitName(r.Name)
		if len(r.Enum) != 1 || len(segs) == 0 {
			continue
		}
		name := segs[len(segs)-1].Name
		if values[name] == nil {
			values[name] = map[string]bool{}
		}
		values[name][r.Enum[0]] = true
	}
	return func(property string) string {
		if len(values[property]) != 1 {
			return ""
		}
		for v := range values[property] {
			return v
		}
		return ""
	}
}

// undocumentedOperations reports spec operations that no page documents.
func (c *checker) undocumentedOperations() {
	for _, o := range c.spec.operations() {
		if c.opsSeen[o.key()] {
			continue
		}
		f := Finding{Operation: o.key(), OperationID: o.id()}
		detail := "the spec has this operation; no page documents it"
		if page, ok := o.Op.Extensions[DocsPageExtension].(string); ok {
			detail += fmt.Sprintf(" (%s says %s)", DocsPageExtension, page)
		}
		c.drift(f, Extra, "operation", "%s", detail)
	}
}

// seen records that a page mentions key under owner.
func seen[K comparable](m map[K]map[string]bool, owner K, key string) {
	if m[owner] == nil {
		m[owner] = map[string]bool{}
	}
	m[owner][key] = true
}

// whereOnce remembers where a schema or response was first met.
func (c *checker) whereOnce(x any, w string) {
	if _, ok := c.where[x]; !ok {
		c.where[x] = w
	}
}

func quoteAll(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(a, b) })
	return out
}
