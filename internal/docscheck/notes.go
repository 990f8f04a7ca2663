package docscheck

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// notes reports, for everything of the spec the pages touched, what the
// spec has beyond them: statuses no page shows, enum values no page lists,
// error examples no page gives, properties and query parameters no page
// documents. These are by design (the spec is the union of the pages, plus
// what clients need, such as 429) and never fail the check.
func (c *checker) notes() {
	for _, o := range c.spec.operations() {
		if !c.opsSeen[o.key()] {
			continue
		}
		f := Finding{Operation: o.key(), OperationID: o.id()}
		if o.Op.Responses != nil {
			for code := range o.Op.Responses.Map() {
				if code != "default" && !c.statusSeen[o.key()][code] {
					c.note(f, Extra, "status "+code, "the spec declares it; no page shows it")
				}
			}
		}
		for _, p := range o.parameters() {
			if p.Value.In == "query" && !c.paramsSeen[o.key()][p.Value.Name] {
				c.note(f, Extra, "parameter "+p.Value.Name, "query parameter in the spec; no page's parameter table lists it")
			}
		}
	}
	for s, vals := range c.enumSeen {
		var extra []string
		for _, v := range enumStrings(s) {
			if !vals[v] {
				extra = append(extra, v)
			}
		}
		if len(extra) > 0 {
			c.note(Finding{}, Extra, c.schemaName(s)+" enum", "values no page lists: %s", quoteAll(extra))
		}
	}
	for r, bodies := range c.examplesSeen {
		for name, m := range r.Content {
			for _, ex := range mediaExamples(m) {
				if !bodies[ex] && jsonMedia(openapi3.Content{name: m}) != nil {
					c.note(Finding{}, Extra, c.where[r]+" example", "no page shows %s", ex)
				}
			}
		}
	}
	for s, props := range c.propsSeen {
		var extra []string
		for name := range s.Properties {
			if !props[name] {
				extra = append(extra, name)
			}
		}
		slices.Sort(extra)
		if len(extra) > 0 {
			c.note(Finding{}, Extra, c.schemaName(s)+" properties", "no page documents %s", strings.Join(extra, ", "))
		}
	}
}

// schemaName names a schema for notes: "schema X" for a component, else
// where the check first met it.
func (c *checker) schemaName(s *openapi3.Schema) string {
	if n, ok := c.spec.schemaNames[s]; ok {
		return "schema " + n
	}
	return cmp.Or(c.where[s], fmt.Sprintf("schema %p", s))
}
