package docscheck

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// match describes an expected finding; empty fields match anything, detail
// is a substring.
type match struct {
	kind                        Kind
	page, opID, subject, detail string
}

func (m match) matches(f Finding) bool {
	return (m.kind == "" || f.Kind == m.kind) &&
		(m.page == "" || f.Page == m.page) &&
		(m.opID == "" || f.OperationID == m.opID) &&
		(m.subject == "" || f.Subject == m.subject) &&
		strings.Contains(f.Detail, m.detail)
}

// newFindings returns the findings of severity sev in after that are not in before.
func newFindings(before, after *Report, sev Severity) []Finding {
	old := map[string]bool{}
	for _, f := range before.Findings {
		old[f.String()] = true
	}
	var out []Finding
	for _, f := range after.Findings {
		if f.Severity == sev && !old[f.String()] {
			out = append(out, f)
		}
	}
	return out
}

// assertFindings checks that got holds exactly one finding per want.
func assertFindings(t *testing.T, got []Finding, want []match) {
	t.Helper()
	left := slices.Clone(got)
	for _, w := range want {
		i := slices.IndexFunc(left, w.matches)
		if i < 0 {
			t.Errorf("no finding matches %+v", w)
			continue
		}
		left = slices.Delete(left, i, i+1)
	}
	for _, f := range left {
		t.Errorf("unexpected finding: %s", f)
	}
}

func mutate(t *testing.T, files map[string]string, file, old, new string) map[string]string {
	t.Helper()
	out := maps.Clone(files)
	if file == "" {
		return out
	}
	text, ok := out[file]
	if !ok {
		t.Fatalf("no page %s", file)
	}
	if new == "<delete page>" {
		delete(out, file)
		return out
	}
	if !strings.Contains(text, old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	out[file] = strings.Replace(text, old, new, 1)
	return out
}

func TestWidgetPagesHaveNoDrift(t *testing.T) {
	t.Parallel()
	spec := widgetSpec(t)
	r := Check(spec, "widgets", parseAll(t, writePages(t, widgetPages())), ScopeAll)
	for _, f := range r.Drift() {
		t.Errorf("unexpected drift: %s", f)
	}
	if r.Operations != 4 || r.Pages != 7 {
		t.Errorf("checked %d operations on %d pages, want 4 on 7", r.Operations, r.Pages)
	}
	// The spec says more than the pages: each surplus is a note.
	assertFindings(t, r.Notes(), []match{
		{kind: Extra, opID: "getWidget", subject: "status 429"},
		{kind: Extra, opID: "getWidgetSecret", subject: "status 401"},
		{kind: Extra, subject: "schema Shape enum", detail: `"oval"`},
		{kind: Extra, subject: "response NotFound example", detail: `{"message":"Widget gone."}`},
	})
}

func TestWidgetMutations(t *testing.T) {
	t.Parallel()
	spec := widgetSpec(t)
	base := widgetPages()
	baseline := Check(spec, "widgets", parseAll(t, writePages(t, base)), ScopeAll)
	tests := []struct {
		name           string
		file, old, new string
		want           []match
	}{
		{
			name: "add an attribute", file: "widget_round.md",
			old:  "<tr>\n<td><strong>widget:id</strong>",
			new:  row("widget:colour", "string", "Colour.", `"red"`) + "<tr>\n<td><strong>widget:id</strong>",
			want: []match{{kind: Missing, page: "widget_round.md", subject: "attribute widget:colour", detail: "not in the responses of getWidget, storeWidget"}},
		},
		{
			name: "add an enum value", file: "widget_round.md",
			old:  `<td>Value.<br/> <strong>one of:</strong><code>&#34;round&#34;</code></td>`,
			new:  `<td>Value.<br/> <strong>one of:</strong><code>&#34;round&#34;</code> or <code>&#34;ellipse&#34;</code></td>`,
			want: []match{{kind: Missing, page: "widget_round.md", subject: "attribute widget:shape enum", detail: `values missing from the spec: "ellipse" (spec: "round")`}},
		},
		{
			name: "change a type", file: "widget_square.md",
			old: "<td><strong>widget:id</strong></td>\n<td><em>integer</em>", new: "<td><strong>widget:id</strong></td>\n<td><em>string</em>",
			want: []match{
				{kind: Changed, page: "widget_square.md", subject: "attribute widget:id type", detail: "page string, spec integer"},
			},
		},
		{
			name: "add an endpoint", file: "widget_round.md",
			old:  "<h3>Errors</h3>",
			new:  linkSection("DELETE", "/api/v1/widgets/:widget_id", "Widget Destroy", status("204 No Content")) + "<h3>Errors</h3>",
			want: []match{{kind: Missing, page: "widget_round.md", subject: "operation", detail: "DELETE /api/v1/widgets/{widget_id}; the spec has no such operation"}},
		},
		{
			name: "remove an endpoint", file: "secret.md", new: "<delete page>",
			want: []match{{kind: Extra, opID: "getWidgetSecret", subject: "operation", detail: "no page documents it (x-docs-page says secret)"}},
		},
		{
			name: "break an example", file: "widget_round.md",
			old: `&#34;size&#34;: 2.5}}`, new: `&#34;size&#34;: &#34;big&#34;}}`,
			want: []match{{kind: Invalid, page: "widget_round.md", opID: "getWidget", subject: "200 example", detail: "does not validate"}},
		},
		{
			name: "change a pattern", file: "widget_square.md",
			old: `/api/v1/widgets/\d+</code>`, new: `/api/v2/widgets/\d+</code>`,
			want: []match{{kind: Changed, page: "widget_square.md", subject: "attribute widget:href pattern", detail: "page `/api/v2/widgets/\\d+`, spec `/api/v1/widgets/\\d+`"}},
		},
		{
			name: "add an error message", file: "widget_round.md",
			old: "<h4>Generic error message", new: jsonBlock(`{"message": "Widget '10' not found."}`) + "<h4>Generic error message",
			want: []match{
				{kind: Missing, page: "widget_round.md", opID: "getWidget", subject: "404 example", detail: `{"message":"Widget '10' not found."}`},
				{kind: Missing, page: "widget_round.md", opID: "storeWidget", subject: "404 example", detail: `{"message":"Widget '10' not found."}`},
			},
		},
		{
			name: "change an error message in a footer", file: "widget_errors.md",
			old: "is too big", new: "is too small",
			want: []match{{kind: Missing, page: "widget_errors.md", opID: "storeWidget", subject: "422 example", detail: `{"errors":{"size":["is too small"]}}`}},
		},
		{
			name: "generic footer gains a message", file: "not_found.md",
			old: "Widget '9' not found.", new: "Widget '99' not found.",
			want: []match{
				{kind: Missing, page: "not_found.md", opID: "getWidget", subject: "404 example"},
				{kind: Missing, page: "not_found.md", opID: "storeWidget", subject: "404 example"},
			},
		},
		{
			name: "change a status code", file: "download.md",
			old: "HTTP/1.1 302 Found", new: "HTTP/1.1 301 Moved Permanently",
			want: []match{{kind: Missing, opID: "downloadWidget", subject: "status 301", detail: "301 Moved Permanently response; the spec declares none"}},
		},
		{
			name: "add a response header", file: "download.md",
			old: "Location: https://store.example/w/1?X-Sig=abc", new: "Location: https://store.example/w/1?X-Sig=abc\nRetry-After: 3",
			want: []match{{kind: Missing, opID: "downloadWidget", subject: "status 302 header Retry-After"}},
		},
		{
			name: "make parameters required", file: "widget_round.md",
			old: "<h4>Optional Parameters</h4>", new: "<h4>Required Parameters</h4>",
			want: []match{
				{kind: Changed, opID: "storeWidget", subject: "parameter widget:size required", detail: "page required, spec optional"},
				{kind: Changed, opID: "storeWidget", subject: "parameter notify required", detail: "page required, spec optional"},
			},
		},
		{
			name: "add a parameter", file: "widget_round.md",
			old:  "<h4>Optional Parameters</h4>\n" + htmlTable()[:len(htmlTable())-len("</tbody>\n</table>\n")],
			new:  "<h4>Optional Parameters</h4>\n" + htmlTable()[:len(htmlTable())-len("</tbody>\n</table>\n")] + row("widget:weight", "number", "Weight.", "1.5"),
			want: []match{{kind: Missing, opID: "storeWidget", subject: "parameter widget:weight", detail: "not a parameter of storeWidget nor a property of its request body"}},
		},
		{
			name: "break the request example", file: "widget_square.md",
			old: `&#34;size&#34;: 3}}`, new: `&#34;size&#34;: &#34;3&#34;}}`,
			want: []match{{kind: Invalid, opID: "storeWidget", subject: "request example", detail: "does not validate"}},
		},
		{
			name: "text body no longer armoured", file: "secret.md",
			old: "-----BEGIN PGP MESSAGE-----", new: "hello",
			want: []match{{kind: Invalid, opID: "getWidgetSecret", subject: "200 example", detail: "does not validate against text/plain"}},
		},
		{
			name: "rename a path parameter", file: "secret.md",
			old: "/api/v1/widgets/:widget_id/secret\">", new: "/api/v1/widgets/:id/secret\">",
			want: []match{{kind: Changed, opID: "getWidgetSecret", subject: "path", detail: "page /api/v1/widgets/{id}/secret, spec /api/v1/widgets/{widget_id}/secret"}},
		},
		{
			name: "401 gains a body", file: "widget_square.md",
			old: "<p>(Empty response body.)</p>", new: jsonBlock(`{"message": "Bad key"}`),
			want: []match{
				{kind: Missing, opID: "getWidget", subject: "401 example", detail: "the page shows a JSON body; the spec's 401 response declares none"},
				{kind: Missing, opID: "storeWidget", subject: "401 example"},
			},
		},
		{
			name: "page narrower than the spec is no drift", file: "widget_round.md",
			old: "<td><em>nullable number</em>", new: "<td><em>number</em>",
		},
		{
			name: "unknown type word", file: "widget_round.md",
			old: "<td><em>nullable number</em>", new: "<td><em>decimal</em>",
			want: []match{{kind: Changed, subject: "attribute widget:size type", detail: `page type "decimal" is not a type the check knows`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			files := mutate(t, base, tt.file, tt.old, tt.new)
			r := Check(spec, "widgets", parseAll(t, writePages(t, files)), ScopeAll)
			assertFindings(t, newFindings(baseline, r, Drift), tt.want)
			if r.HasDrift() != (len(tt.want) > 0) {
				t.Errorf("HasDrift = %v with %d expected findings", r.HasDrift(), len(tt.want))
			}
		})
	}
}

func TestScopePagesIgnoresUndocumentedOperations(t *testing.T) {
	t.Parallel()
	spec := widgetSpec(t)
	pages := parseAll(t, writePages(t, map[string]string{"secret.md": widgetPages()["secret.md"]}))
	if r := Check(spec, "one page", pages, ScopePages); r.HasDrift() {
		t.Errorf("one page alone must not drift: %v", r.Drift())
	}
	r := Check(spec, "as the whole docs", pages, ScopeAll)
	assertFindings(t, r.Drift(), []match{
		{kind: Extra, opID: "getWidget", subject: "operation"},
		{kind: Extra, opID: "storeWidget", subject: "operation"},
		{kind: Extra, opID: "downloadWidget", subject: "operation"},
	})
}

func TestApplies(t *testing.T) {
	t.Parallel()
	get := pageOp{link: linkOf("GET")}
	put := pageOp{link: linkOf("PUT")}
	tests := []struct {
		name   string
		status int
		po     pageOp
		all    []pageOp
		want   bool
	}{
		{"404 to a GET", 404, get, []pageOp{get, put}, true},
		{"422 to a PUT", 422, put, []pageOp{get, put}, true},
		{"422 not to a GET beside a PUT", 422, get, []pageOp{get, put}, false},
		{"422 to a lone GET", 422, get, []pageOp{get}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := exampleOf(tt.status)
			if got := applies(ex, tt.po, tt.all); got != tt.want {
				t.Errorf("applies = %v, want %v", got, tt.want)
			}
		})
	}
}
