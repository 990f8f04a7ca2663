package docscheck

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/internal/docpages"
)

// Builders for pages in the docs' format (prmd HTML), so tests read as what
// the page says rather than as markup.

func row(name, typ, desc, example string) string {
	return fmt.Sprintf("<tr>\n<td><strong>%s</strong></td>\n<td><em>%s</em></td>\n<td>%s</td>\n<td><code>%s</code></td>\n</tr>\n",
		name, typ, desc, html.EscapeString(example))
}

func oneOf(vals ...string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "<code>" + html.EscapeString(fmt.Sprintf("%q", v)) + "</code>"
	}
	return "Value.<br/> <strong>one of:</strong>" + strings.Join(q, " or ")
}

func pattern(p string) string {
	return "Ref.<br/> <strong>pattern:</strong> <code>" + html.EscapeString(p) + "</code>"
}

func htmlTable(rows ...string) string {
	return "<table>\n<thead>\n<tr>\n<th>Name</th>\n<th>Type</th>\n<th>Description</th>\n<th>Example</th>\n</tr>\n</thead>\n<tbody>\n" +
		strings.Join(rows, "") + "</tbody>\n</table>\n"
}

func attributes(rows ...string) string { return "<h3>Attributes</h3>\n" + htmlTable(rows...) }

func linkSection(method, path, title string, body ...string) string {
	return fmt.Sprintf("<h3><a name=\"link-%s-widget-%s\">%s</a></h3>\n<pre><code>%s %s\n</code></pre>\n%s",
		method, path, title, method, path, strings.Join(body, ""))
}

func params(kind string, rows ...string) string {
	return "<h4>" + kind + " Parameters</h4>\n" + htmlTable(rows...)
}

func curl(body string) string {
	return "<h4>Curl Example</h4>\n<pre lang=\"bash\"><code>$ curl -n -X PUT https://api.example/x \\\n  -d '" +
		html.EscapeString(body) + "' \\\n  -H &quot;Content-Type: application/json&quot;\n</code></pre>\n"
}

func status(line string) string { return "<pre><code>HTTP/1.1 " + line + "\n</code></pre>\n" }

func jsonBlock(s string) string {
	return "<pre lang=\"json\"><code>" + html.EscapeString(s) + "</code></pre>\n"
}

func section(title string, body ...string) string {
	return "<h3>" + title + "</h3>\n" + strings.Join(body, "")
}

func page(title string, parts ...string) string {
	return "---\nlayout: default\ntitle: " + title + "\n---\n\n" + strings.Join(parts, "")
}

const (
	roundJSON  = `{"widget": {"id": 1, "href": "/api/v1/widgets/1", "shape": "round", "size": 2.5}}`
	squareJSON = `{"widget": {"id": 2, "href": "/api/v1/widgets/2", "shape": "square", "size": "XL", "updated_at": "2016-01-05T16:51:00Z"}}`
	armoured   = "-----BEGIN PGP MESSAGE-----\nVersion: 1\n\nabc\n-----END PGP MESSAGE-----"
)

// widgetPages are the docs pages of testdata/widgets.yaml; together they
// document every operation with no drift.
func widgetPages() map[string]string {
	errorsSection := section("Errors", "<h4>Response Example</h4>\n", status("422 Unprocessable Entity"), jsonBlock(`{"errors": {"size": ["is too big"]}}`))
	notFound := section("Not Found", "<h4>Specific error messages</h4>\n", jsonBlock(`{"message": "Widget '9' not found."}`),
		"<h4>Generic error message (legacy error)</h4>\n", status("404 Not Found"), jsonBlock(`{"message": "Not Found"}`))
	unauthorized := section("Unauthorized", "<h4>Response Example</h4>\n", status("401 Unauthorized"), "<p>(Empty response body.)</p>\n")
	answer := func(shape, sizeType, sizeExample, body string, extra ...string) string {
		rows := []string{
			row("widget:href", "string", pattern(`/api/v1/widgets/\d+`), `"/api/v1/widgets/1"`),
			row("widget:id", "integer", "Id.", "1"),
			row("widget:shape", "string", oneOf(shape), fmt.Sprintf("%q", shape)),
			row("widget:size", sizeType, "Size.", sizeExample),
		}
		return page("Widget ("+shape+")",
			attributes(append(rows, extra...)...),
			linkSection("GET", "/api/v1/widgets/:widget_id", "Widget Show", status("200 OK"), jsonBlock(body)),
			linkSection("PUT", "/api/v1/widgets/:widget_id", "Widget Store",
				params("Required", row("widget:shape", "string", oneOf(shape), fmt.Sprintf("%q", shape))),
				params("Optional", row("widget:size", "nullable integer", "Size.", "3"), row("notify", "uri", "Callback.", `"https://example.com/x"`)),
				curl(`{"widget": {"shape": "`+shape+`", "size": 3}}`),
				status("200 OK"), jsonBlock(body)),
			errorsSection, notFound, unauthorized)
	}
	return map[string]string{
		"widget_round.md": answer("round", "nullable number", "2.5", roundJSON),
		"widget_square.md": answer("square", "nullable string", `"XL"`, squareJSON,
			row("widget:updated_at", "date-time", "When.", `"2016-01-05T16:51:00Z"`)),
		"download.md": "---\ntitle: Download\n---\n<h3>Widget Download</h3>\n" +
			"<pre><code>GET /api/v1/widgets/:widget_id/download\n</code></pre>\n" +
			"<pre><code>HTTP/1.1 302 Found\nLocation: https://store.example/w/1?X-Sig=abc\n</code></pre>\n",
		"secret.md": page("Secret", linkSection("GET", "/api/v1/widgets/:widget_id/secret", "Secret Show", status("200 OK"), jsonBlock(armoured))),
		// A Markdown footer, as the site includes under the widget pages.
		"widget_errors.md": "### Errors\n\n#### Response Example\n\n```\nHTTP/1.1 422 Unprocessable Entity\n```\n\n```json\n{\"errors\": {\"size\": [\"is too big\"]}}\n```\n",
		"not_found.md":     "### Not Found\n\n```json\n{\"message\": \"Widget '9' not found.\"}\n```\n",
		"about.md":         "---\ntitle: About\n---\n## About\n\nNothing to check here.\n",
	}
}

func writePages(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func widgetSpec(t *testing.T) *Spec {
	t.Helper()
	s, err := LoadSpec(filepath.Join("testdata", "widgets.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func parseAll(t *testing.T, dir string) []*docpages.Page {
	t.Helper()
	pages, err := parseFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

func linkOf(method string) docpages.Link { return docpages.Link{Method: method, Path: "/x"} }

func exampleOf(status int) docpages.Example { return docpages.Example{Status: status} }
