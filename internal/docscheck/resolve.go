package docscheck

import (
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// picker returns the discriminator value a page implies for a property
// (e.g. "select" for field_type on the select answer page), or "".
type picker func(property string) string

func noPick(string) string { return "" }

// resolved is one place of a schema an attribute name leads to.
type resolved struct {
	schema *openapi3.Schema // the property's schema
	parent *openapi3.Schema // the object that holds the property
	path   []string
}

func (r resolved) required() bool {
	return r.parent != nil && slices.Contains(r.parent.Required, r.path[len(r.path)-1])
}

// resolve follows property names from root. Arrays are stepped through to
// their items whatever separator the docs used; oneOf and anyOf branches are
// all searched, unless a discriminator and the page's picker select one.
func resolve(root *openapi3.Schema, names []string, pick picker) []resolved {
	cur := []resolved{{schema: root}}
	for _, name := range names {
		var next []resolved
		for _, c := range cur {
			for _, o := range objects(c.schema, pick, 0) {
				p := o.Properties[name]
				if p == nil || p.Value == nil {
					continue
				}
				r := resolved{schema: p.Value, parent: o, path: append(slices.Clone(c.path), name)}
				if !slices.ContainsFunc(next, func(x resolved) bool { return x.schema == r.schema && x.parent == r.parent }) {
					next = append(next, r)
				}
			}
		}
		cur = next
	}
	if len(names) == 0 {
		return nil
	}
	return cur
}

// objects returns the object schemas whose properties a name may refer to:
// the schema itself, an array's items, the branches of oneOf/anyOf/allOf.
func objects(s *openapi3.Schema, pick picker, depth int) []*openapi3.Schema {
	if s == nil || depth > 12 {
		return nil
	}
	var out []*openapi3.Schema
	if len(s.Properties) > 0 {
		out = append(out, s)
	}
	if s.Items != nil && s.Items.Value != nil {
		out = append(out, objects(s.Items.Value, pick, depth+1)...)
	}
	for _, b := range pickBranches(s, pick) {
		out = append(out, objects(b, pick, depth+1)...)
	}
	for _, b := range s.AllOf {
		if b != nil {
			out = append(out, objects(b.Value, pick, depth+1)...)
		}
	}
	return out
}

// pickBranches returns a schema's oneOf and anyOf branches, narrowed to the
// one the discriminator maps the picked value to when the page implies one.
func pickBranches(s *openapi3.Schema, pick picker) []*openapi3.Schema {
	var all []*openapi3.SchemaRef
	all = append(append(all, s.OneOf...), s.AnyOf...)
	var out, picked []*openapi3.Schema
	value := ""
	if s.Discriminator != nil {
		value = pick(s.Discriminator.PropertyName)
	}
	for _, b := range all {
		if b == nil || b.Value == nil {
			continue
		}
		out = append(out, b.Value)
		if value != "" && branchMatches(s.Discriminator, value, b) {
			picked = append(picked, b.Value)
		}
	}
	if len(picked) > 0 {
		return picked
	}
	return out
}

// branchMatches reports whether a discriminator value selects a branch: by
// the mapping, or (without one) by the branch's own enum for the property.
func branchMatches(d *openapi3.Discriminator, value string, b *openapi3.SchemaRef) bool {
	if m, ok := d.Mapping[value]; ok {
		return refName(m.Ref) == refName(b.Ref)
	}
	p := b.Value.Properties[d.PropertyName]
	if p == nil || p.Value == nil {
		return false
	}
	return slices.ContainsFunc(p.Value.Enum, func(v any) bool { return v == value })
}

func refName(ref string) string {
	return ref[strings.LastIndex(ref, "/")+1:]
}
