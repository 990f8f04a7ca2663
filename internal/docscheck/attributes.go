package docscheck

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/webadmit-go/webadmit/internal/docpages"
)

// hit is one place in the spec a documented attribute or parameter maps to.
type hit struct {
	schema *openapi3.Schema
	parent *openapi3.Schema // object holding it; nil for a parameter
	name   string
	where  string // e.g. "getExportFile 200 response: export_files.status"
	// required is whether the spec requires it (parameters and request
	// bodies only; the pages say nothing about required response fields).
	required bool
}

// diff is one difference between an attribute and a hit.
type diff struct {
	sev     Severity
	kind    Kind
	subject string // suffix to the attribute's subject, e.g. "type"
	detail  string
}

func responseHits(ops []pageOp, names []string, pick picker) []hit {
	var out []hit
	for _, po := range ops {
		if !po.found {
			continue
		}
		for _, ss := range po.op.successSchemas() {
			for _, r := range resolve(ss.schema, names, pick) {
				out = append(out, hit{
					schema: r.schema, parent: r.parent, name: names[len(names)-1],
					where: fmt.Sprintf("%s %s response: %s", po.op.id(), ss.status, strings.Join(r.path, ".")),
				})
			}
		}
	}
	return out
}

// checkAttributes compares the page's attribute table with the 2xx response
// schemas of the page's operations. An attribute none of them has is looked
// for in every operation's responses (the export_files page documents the
// list representation of another page): found there it is a note, not found
// anywhere it is drift.
func (c *checker) checkAttributes(p *docpages.Page, ops []pageOp, pick picker) {
	for _, a := range p.Attributes {
		names := docpages.Names(docpages.SplitName(a.Name))
		if len(names) == 0 {
			continue
		}
		f := Finding{Page: p.File}
		subject := "attribute " + a.Name
		hits := responseHits(ops, names, pick)
		if len(hits) == 0 {
			var all []pageOp
			for _, o := range c.spec.operations() {
				all = append(all, pageOp{op: o, found: true})
			}
			hits = responseHits(all, names, pick)
			if len(hits) == 0 {
				c.drift(f, Missing, subject, "not in the responses of %s, nor anywhere else in the spec", describeOps(ops))
				continue
			}
			h := c.compareBest(f, subject, a, hits, nil)
			c.note(f, Changed, subject, "not in the responses of %s; compared with %s", describeOps(ops), h.where)
			continue
		}
		c.compareBest(f, subject, a, hits, nil)
	}
}

func describeOps(ops []pageOp) string {
	var s []string
	for _, po := range ops {
		if po.found {
			s = append(s, po.op.id())
		} else {
			s = append(s, po.link.Method+" "+po.link.Path)
		}
	}
	if len(s) == 0 {
		return "the page's operations"
	}
	return strings.Join(s, ", ")
}

// checkParameters compares an operation's "Required Parameters" and
// "Optional Parameters" tables with its path and query parameters and its
// JSON request body.
func (c *checker) checkParameters(page string, po pageOp, pick picker) {
	check := func(a docpages.Attribute, required bool) {
		names := docpages.Names(docpages.SplitName(a.Name))
		if len(names) == 0 {
			return
		}
		f := finding(page, po)
		subject := "parameter " + a.Name
		var hits []hit
		if len(names) == 1 {
			for _, p := range po.op.parameters() {
				if p.Value.Name == names[0] && p.Value.Schema != nil {
					hits = append(hits, hit{
						schema: p.Value.Schema.Value, name: p.Value.Name, required: p.Value.Required,
						where: p.Value.In + " parameter " + p.Value.Name,
					})
					seen(c.paramsSeen, po.op.key(), p.Value.Name)
				}
			}
		}
		if body := po.op.requestSchema(); body != nil {
			for _, r := range resolve(body, names, pick) {
				hits = append(hits, hit{
					schema: r.schema, parent: r.parent, name: names[len(names)-1], required: r.required(),
					where: "request body: " + strings.Join(r.path, "."),
				})
			}
		}
		if len(hits) == 0 {
			c.drift(f, Missing, subject, "not a parameter of %s nor a property of its request body", po.op.id())
			return
		}
		c.compareBest(f, subject, a, hits, &required)
	}
	for _, a := range po.link.Required {
		check(a, true)
	}
	for _, a := range po.link.Optional {
		check(a, false)
	}
}

// compareBest compares an attribute with each of its hits and reports the
// differences of the closest one (none when any hit agrees), which it returns.
func (c *checker) compareBest(f Finding, subject string, a docpages.Attribute, hits []hit, required *bool) hit {
	best, bestDrift := -1, 0
	var bestDiffs []diff
	for i, h := range hits {
		diffs := compare(a, h, required)
		n := 0
		for _, d := range diffs {
			if d.sev == Drift {
				n++
			}
		}
		if best < 0 || n < bestDrift {
			best, bestDrift, bestDiffs = i, n, diffs
		}
	}
	h := hits[best]
	if h.parent != nil {
		seen(c.propsSeen, h.parent, h.name)
		c.whereOnce(h.parent, strings.TrimSuffix(h.where, "."+h.name))
	}
	if len(a.Enum) > 0 && len(h.schema.Enum) > 0 {
		for _, v := range a.Enum {
			seen(c.enumSeen, h.schema, v)
		}
		c.whereOnce(h.schema, h.where)
	}
	for _, d := range bestDiffs {
		s := subject
		if d.subject != "" {
			s += " " + d.subject
		}
		detail := d.detail
		if d.sev == Drift {
			detail += " (spec: " + h.where + ")"
		}
		if d.sev == Drift {
			c.drift(f, d.kind, s, "%s", detail)
		} else {
			c.note(f, d.kind, s, "%s", detail)
		}
	}
	return h
}

// compare lists how an attribute differs from one hit.
func compare(a docpages.Attribute, h hit, required *bool) []diff {
	var out []diff
	sk := specKinds(h.schema)
	if pk, ok := pageKinds(a.Type); !ok {
		out = append(out, diff{Drift, Changed, "type", fmt.Sprintf("page type %q is not a type the check knows; spec %s", a.Type, sk)})
	} else if !pk.equal(sk) {
		if covers(sk, pk) {
			out = append(out, diff{Note, Changed, "type", fmt.Sprintf("page %s, spec %s (the spec admits more)", pk, sk)})
		} else {
			out = append(out, diff{Drift, Changed, "type", fmt.Sprintf("page %s, spec %s", pk, sk)})
		}
	}
	out = append(out, compareEnum(a, h.schema)...)
	switch {
	case a.Pattern != "" && h.schema.Pattern == "":
		out = append(out, diff{Drift, Missing, "pattern", fmt.Sprintf("page pattern `%s`; the spec has none", a.Pattern)})
	case a.Pattern != "" && a.Pattern != h.schema.Pattern:
		out = append(out, diff{Drift, Changed, "pattern", fmt.Sprintf("page `%s`, spec `%s`", a.Pattern, h.schema.Pattern)})
	case a.Pattern == "" && h.schema.Pattern != "":
		out = append(out, diff{Note, Extra, "pattern", fmt.Sprintf("spec pattern `%s`; the page gives none", h.schema.Pattern)})
	}
	if a.Example != "" {
		var v any
		if err := json.Unmarshal([]byte(a.Example), &v); err != nil {
			out = append(out, diff{Drift, Invalid, "example", fmt.Sprintf("example %s is not JSON", a.Example)})
		} else if err := validate(h.schema, v); err != nil {
			out = append(out, diff{Drift, Invalid, "example", fmt.Sprintf("example %s does not validate: %s", a.Example, err)})
		}
	}
	if required != nil && *required != h.required {
		out = append(out, diff{Drift, Changed, "required", fmt.Sprintf("page %s, spec %s", requiredWord(*required), requiredWord(h.required))})
	}
	return out
}

func requiredWord(r bool) string {
	if r {
		return "required"
	}
	return "optional"
}

// compareEnum: every value the page lists must be in the spec's enum.
func compareEnum(a docpages.Attribute, s *openapi3.Schema) []diff {
	specVals := enumStrings(s)
	switch {
	case len(a.Enum) == 0 && len(specVals) > 0:
		return []diff{{Note, Extra, "enum", fmt.Sprintf("spec restricts the values to %s; the page lists none", quoteAll(specVals))}}
	case len(a.Enum) == 0:
		return nil
	case len(specVals) == 0:
		return []diff{{Drift, Missing, "enum", fmt.Sprintf("page values %s; the spec has no enum", quoteAll(a.Enum))}}
	}
	var missing []string
	for _, v := range a.Enum {
		if !slices.Contains(specVals, v) {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		return []diff{{Drift, Missing, "enum", fmt.Sprintf("values missing from the spec: %s (spec: %s)", quoteAll(missing), quoteAll(specVals))}}
	}
	return nil
}

// enumStrings returns a schema's enum values as strings (null left out).
func enumStrings(s *openapi3.Schema) []string {
	var out []string
	for _, v := range s.Enum {
		if v == nil {
			continue
		}
		if str, ok := v.(string); ok {
			out = append(out, str)
		} else {
			out = append(out, fmt.Sprint(v))
		}
	}
	return out
}
