package docscheck

import (
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// kinds is the set of JSON value kinds a type admits: "string", "integer",
// "number", "boolean", "array", "object", "null", string formats as
// "string/<format>" (date-time, date, uri), or "any".
type kinds map[string]bool

// docsKind maps the words the docs use for types to kinds. "select" is a
// custom field type whose values are strings.
var docsKind = map[string]string{
	"string":    "string",
	"integer":   "integer",
	"number":    "number",
	"boolean":   "boolean",
	"array":     "array",
	"object":    "object",
	"null":      "null",
	"date-time": "string/date-time",
	"uri":       "string/uri",
	"date":      "string/date",
	"select":    "string",
}

// pageKinds parses a docs type such as "nullable string", "date-time" or
// "nullable [boolean, string, number, date, select]". ok is false for a word
// it does not know.
func pageKinds(t string) (k kinds, ok bool) {
	k = kinds{}
	t = strings.TrimSpace(t)
	if rest, found := strings.CutPrefix(t, "nullable "); found {
		k["null"] = true
		t = rest
	}
	t = strings.TrimSuffix(strings.TrimPrefix(t, "["), "]")
	for _, w := range strings.Split(t, ",") {
		kind, known := docsKind[strings.TrimSpace(w)]
		if !known {
			return nil, false
		}
		k[kind] = true
	}
	return k.simplify(), true
}

// simplify drops kinds another kind of the set already admits, so that
// "[string, date]" reads as plain string.
func (k kinds) simplify() kinds {
	if k["string"] {
		for kind := range k {
			if strings.HasPrefix(kind, "string/") {
				delete(k, kind)
			}
		}
	}
	if k["number"] {
		delete(k, "integer")
	}
	return k
}

// formatKinds are the string formats that the docs spell as a type.
var formatKinds = map[string]bool{"date-time": true, "date": true, "uri": true}

// specKinds returns the kinds a spec schema admits.
func specKinds(s *openapi3.Schema) kinds {
	k := kinds{}
	addSpecKinds(k, s, 0)
	return k.simplify()
}

func addSpecKinds(k kinds, s *openapi3.Schema, depth int) {
	if s == nil || depth > 8 {
		k["any"] = true
		return
	}
	if s.Nullable {
		k["null"] = true
	}
	types := s.Type.Slice()
	for _, t := range types {
		if t == "string" && formatKinds[s.Format] {
			t = "string/" + s.Format
		}
		k[t] = true
	}
	branches := append(append(append(openapi3.SchemaRefs{}, s.OneOf...), s.AnyOf...), s.AllOf...)
	for _, b := range branches {
		if b != nil {
			addSpecKinds(k, b.Value, depth+1)
		}
	}
	if len(types) == 0 && len(branches) == 0 {
		switch {
		case s.Items != nil:
			k["array"] = true
		case len(s.Properties) > 0:
			k["object"] = true
		default:
			k["any"] = true
		}
	}
}

// covers reports whether every kind of page is admitted by spec.
func covers(spec, page kinds) bool {
	if spec["any"] {
		return true
	}
	for kind := range page {
		switch {
		case spec[kind]:
		case strings.HasPrefix(kind, "string/") && spec["string"]:
		case kind == "integer" && spec["number"]:
		default:
			return false
		}
	}
	return true
}

func (k kinds) equal(o kinds) bool { return maps.Equal(k, o) }

// String renders the kinds in the docs' words, e.g. "nullable string" or
// "nullable [boolean, number, string]".
func (k kinds) String() string {
	var words []string
	for kind := range k {
		if kind == "null" {
			continue
		}
		words = append(words, strings.TrimPrefix(kind, "string/"))
	}
	slices.Sort(words)
	s := strings.Join(words, ", ")
	if len(words) > 1 {
		s = "[" + s + "]"
	}
	if len(words) == 0 {
		s = "null"
	}
	if k["null"] && len(words) > 0 {
		s = "nullable " + s
	}
	return s
}
