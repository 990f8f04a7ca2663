package docscheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/webadmit-go/webadmit/internal/docpages"
)

// validate checks a decoded JSON value against a schema and returns a short
// error naming each failing place.
func validate(s *openapi3.Schema, v any) error {
	err := s.VisitJSON(v, openapi3.MultiErrors())
	if err == nil {
		return nil
	}
	var msgs []string
	var collect func(error)
	collect = func(err error) {
		var me openapi3.MultiError
		if errors.As(err, &me) {
			for _, e := range me {
				collect(e)
			}
			return
		}
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			at := "/" + strings.Join(se.JSONPointer(), "/")
			msgs = append(msgs, "at "+at+": "+se.Reason)
			return
		}
		msgs = append(msgs, err.Error())
	}
	collect(err)
	slices.Sort(msgs)
	msgs = slices.Compact(msgs)
	if len(msgs) > 4 {
		msgs = append(msgs[:4], fmt.Sprintf("and %d more", len(msgs)-4))
	}
	return errors.New(strings.Join(msgs, "; "))
}

// canonical re-encodes JSON so equal values compare equal as strings.
func canonical(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	var back any
	if json.Unmarshal(b, &back) == nil {
		if b2, err := json.Marshal(back); err == nil {
			return string(b2)
		}
	}
	return string(b)
}

// mediaExamples returns the canonical bodies of a media type's examples.
func mediaExamples(m *openapi3.MediaType) []string {
	var out []string
	if m.Example != nil {
		out = append(out, canonical(m.Example))
	}
	for _, e := range m.Examples {
		if e != nil && e.Value != nil && e.Value.Value != nil {
			out = append(out, canonical(e.Value.Value))
		}
	}
	return out
}

// checkRequestExample validates the JSON body of the curl example against
// the operation's request body schema.
func (c *checker) checkRequestExample(page string, po pageOp) {
	if po.link.RequestBody == "" {
		return
	}
	f := finding(page, po)
	var v any
	if err := json.Unmarshal([]byte(po.link.RequestBody), &v); err != nil {
		c.drift(f, Invalid, "request example", "the curl example's body is not JSON: %v", err)
		return
	}
	s := po.op.requestSchema()
	if s == nil {
		c.drift(f, Missing, "request body", "the curl example sends a JSON body; the spec declares none")
		return
	}
	if err := validate(s, v); err != nil {
		c.drift(f, Invalid, "request example", "does not validate: %s", err)
		return
	}
	c.markExample(s, v, "request body of "+po.op.id(), 0)
}

// checkExample compares one documented response with the spec: the status
// must be declared, its headers too, the body must validate, and an error
// body must be one of the spec's examples for that response (so a new error
// message on a page is reported).
func (c *checker) checkExample(page string, po pageOp, ex docpages.Example) {
	f := finding(page, po)
	status := fmt.Sprint(ex.Status)
	if ex.Status == 0 {
		c.drift(f, Invalid, "example", "an example under %q has no status line", ex.Section)
		return
	}
	seen(c.statusSeen, po.op.key(), status)
	resp := po.op.response(ex.Status)
	if resp == nil {
		c.drift(f, Missing, "status "+status, "the page shows a %d %s response; the spec declares none", ex.Status, http.StatusText(ex.Status))
		return
	}
	for _, h := range ex.Headers {
		name := strings.TrimSpace(strings.SplitN(h, ":", 2)[0])
		if !hasHeader(resp, name) {
			c.drift(f, Missing, "status "+status+" header "+name, "the page shows %q; the spec's %d response declares no %s header", h, ex.Status, name)
		}
	}
	subject := status + " example"
	if ex.JSON == "" {
		if len(resp.Content) > 0 {
			c.drift(f, Changed, subject, "the page shows an empty body; the spec declares %s", strings.Join(sortedKeys(contentTypes(resp)), ", "))
		}
		return
	}
	var v any
	if err := json.Unmarshal([]byte(ex.JSON), &v); err != nil {
		c.checkTextExample(f, subject, resp, ex)
		return
	}
	m := jsonMedia(resp.Content)
	if m == nil || m.Schema == nil || m.Schema.Value == nil {
		c.drift(f, Missing, subject, "the page shows a JSON body; the spec's %d response declares none", ex.Status)
		return
	}
	if err := validate(m.Schema.Value, v); err != nil {
		c.drift(f, Invalid, subject, "does not validate: %s; example: %s", err, abbreviate(canonical(v), 160))
		return
	}
	c.markExample(m.Schema.Value, v, fmt.Sprintf("%s %s response", po.op.id(), status), 0)
	if ex.Status < 400 {
		return
	}
	body := canonical(v)
	seen(c.examplesSeen, resp, body)
	c.whereOnce(resp, c.spec.responseName(po.op, status, resp))
	if !slices.Contains(mediaExamples(m), body) {
		c.drift(f, Missing, subject, "error body not among the spec's examples for this response: %s", body)
	}
}

// checkTextExample handles a body the page marks as JSON that is not JSON
// (the social security numbers page shows a PGP message): the spec must
// declare a non-JSON media type whose schema admits the text.
func (c *checker) checkTextExample(f Finding, subject string, resp *openapi3.Response, ex docpages.Example) {
	for name, m := range resp.Content {
		if jsonMedia(openapi3.Content{name: m}) != nil || m.Schema == nil || m.Schema.Value == nil {
			continue
		}
		if err := validate(m.Schema.Value, ex.JSON); err != nil {
			c.drift(f, Invalid, subject, "the text body does not validate against %s: %s", name, err)
		}
		return
	}
	c.drift(f, Invalid, subject, "the page marks the body as JSON but it is not JSON (%s), and the spec declares no other media type", abbreviate(ex.JSON, 40))
}

func hasHeader(r *openapi3.Response, name string) bool {
	for h := range r.Headers {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

func contentTypes(r *openapi3.Response) map[string]bool {
	out := map[string]bool{}
	for name := range r.Content {
		out[name] = true
	}
	return out
}

func abbreviate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// markExample records the properties an example shows, for the notes about
// spec properties no page documents.
func (c *checker) markExample(s *openapi3.Schema, v any, where string, depth int) {
	if s == nil || depth > 16 {
		return
	}
	switch val := v.(type) {
	case map[string]any:
		pick := func(property string) string {
			str, _ := val[property].(string)
			return str
		}
		for _, o := range objects(s, pick, 0) {
			c.whereOnce(o, where)
			for k, x := range val {
				if p := o.Properties[k]; p != nil && p.Value != nil {
					seen(c.propsSeen, o, k)
					c.markExample(p.Value, x, where+"."+k, depth+1)
				}
			}
		}
	case []any:
		items := s.Items
		if items == nil || items.Value == nil {
			return
		}
		for _, x := range val {
			c.markExample(items.Value, x, where+"[]", depth+1)
		}
	}
}
