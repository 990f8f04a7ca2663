package docscheck

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Spec is the OpenAPI description the pages are compared with.
type Spec struct {
	doc           *openapi3.T
	schemaNames   map[*openapi3.Schema]string
	responseNames map[*openapi3.Response]string
}

// DocsPageExtension is the operation extension naming the docs page (without
// extension) that documents the operation, e.g. "pdf_manager_batch". The
// check uses it to fetch pages a crawl of the site would not reach.
const DocsPageExtension = "x-docs-page"

// LoadSpec reads and validates an OpenAPI 3 file.
func LoadSpec(path string) (*Spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load spec %s: %w", path, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("spec %s is not valid OpenAPI: %w", path, err)
	}
	return NewSpec(doc), nil
}

// NewSpec wraps a loaded OpenAPI document.
func NewSpec(doc *openapi3.T) *Spec {
	s := &Spec{
		doc:           doc,
		schemaNames:   map[*openapi3.Schema]string{},
		responseNames: map[*openapi3.Response]string{},
	}
	if doc.Components != nil {
		for name, ref := range doc.Components.Schemas {
			if ref != nil && ref.Value != nil {
				s.schemaNames[ref.Value] = name
			}
		}
		for name, ref := range doc.Components.Responses {
			if ref != nil && ref.Value != nil {
				s.responseNames[ref.Value] = name
			}
		}
	}
	return s
}

// operation is one method on one path of the spec.
type operation struct {
	Method, Path string
	Op           *openapi3.Operation
	Item         *openapi3.PathItem
}

func (o operation) key() string { return o.Method + " " + o.Path }

// DocsPages returns the docs page names the spec's operations name in
// DocsPageExtension, sorted and without repeats.
func (s *Spec) DocsPages() []string {
	var out []string
	for _, o := range s.operations() {
		if v, ok := o.Op.Extensions[DocsPageExtension].(string); ok && v != "" {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (s *Spec) operations() []operation {
	var out []operation
	for path, item := range s.doc.Paths.Map() {
		for method, op := range item.Operations() {
			out = append(out, operation{Method: method, Path: path, Op: op, Item: item})
		}
	}
	slices.SortFunc(out, func(a, b operation) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Method, b.Method))
	})
	return out
}

var templateParam = regexp.MustCompile(`\{[^}]*\}`)

// find returns the spec operation for a documented method and path. When the
// path matches only with other parameter names, sameNames is false and
// specPath is the spec's spelling.
func (s *Spec) find(method, path string) (op operation, sameNames, ok bool) {
	if item := s.doc.Paths.Value(path); item != nil {
		if o := item.GetOperation(method); o != nil {
			return operation{Method: method, Path: path, Op: o, Item: item}, true, true
		}
		return operation{}, true, false
	}
	shape := templateParam.ReplaceAllString(path, "{}")
	for p, item := range s.doc.Paths.Map() {
		if templateParam.ReplaceAllString(p, "{}") != shape {
			continue
		}
		if o := item.GetOperation(method); o != nil {
			return operation{Method: method, Path: p, Op: o, Item: item}, false, true
		}
	}
	return operation{}, false, false
}

// parameters returns the operation's parameters, path-level ones included.
func (o operation) parameters() openapi3.Parameters {
	var out openapi3.Parameters
	seen := map[string]bool{}
	for _, list := range []openapi3.Parameters{o.Op.Parameters, o.Item.Parameters} {
		for _, p := range list {
			if p == nil || p.Value == nil {
				continue
			}
			k := p.Value.In + " " + p.Value.Name
			if !seen[k] {
				seen[k] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// jsonMedia returns the JSON media type of a content map, if any.
func jsonMedia(c openapi3.Content) *openapi3.MediaType {
	if c == nil {
		return nil
	}
	for name, m := range c {
		mt := strings.ToLower(strings.TrimSpace(strings.Split(name, ";")[0]))
		if mt == "application/json" || strings.HasSuffix(mt, "+json") {
			return m
		}
	}
	return nil
}

// requestSchema returns the operation's JSON request body schema, if any.
func (o operation) requestSchema() *openapi3.Schema {
	if o.Op.RequestBody == nil || o.Op.RequestBody.Value == nil {
		return nil
	}
	if m := jsonMedia(o.Op.RequestBody.Value.Content); m != nil && m.Schema != nil {
		return m.Schema.Value
	}
	return nil
}

// response returns the operation's response for a status code (an exact
// code, then "4XX"-style ranges, never "default").
func (o operation) response(status int) *openapi3.Response {
	if o.Op.Responses == nil {
		return nil
	}
	if r := o.Op.Responses.Value(fmt.Sprint(status)); r != nil && r.Value != nil {
		return r.Value
	}
	if r := o.Op.Responses.Value(fmt.Sprintf("%dXX", status/100)); r != nil && r.Value != nil {
		return r.Value
	}
	return nil
}

// successSchemas returns the JSON schemas of the operation's 2xx responses.
func (o operation) successSchemas() []statusSchema {
	var out []statusSchema
	if o.Op.Responses == nil {
		return nil
	}
	for code, r := range o.Op.Responses.Map() {
		if !strings.HasPrefix(code, "2") || r == nil || r.Value == nil {
			continue
		}
		if m := jsonMedia(r.Value.Content); m != nil && m.Schema != nil && m.Schema.Value != nil {
			out = append(out, statusSchema{status: code, schema: m.Schema.Value})
		}
	}
	slices.SortFunc(out, func(a, b statusSchema) int { return cmp.Compare(a.status, b.status) })
	return out
}

type statusSchema struct {
	status string
	schema *openapi3.Schema
}

func (o operation) id() string { return o.Op.OperationID }

// responseName names a response for notes: its component name, or
// "operationId status".
func (s *Spec) responseName(o operation, status string, r *openapi3.Response) string {
	if n, ok := s.responseNames[r]; ok {
		return "response " + n
	}
	return "response " + status + " of " + cmp.Or(o.id(), o.key())
}
