package docpages

import (
	"reflect"
	"testing"
)

// A hand-written page: Markdown footers, an operation without a link
// anchor, a redirect with a header, several 422 bodies under one status line.
const handWrittenPage = "---\ntitle: Zip\n---\n" +
	"<h3>Zip Download</h3>\n" +
	"<pre><code>GET /api/v1/user_identities/:user_identity_id/zips/:zip_id/download\n</code></pre>\n" +
	"<pre lang=\"bash\"><code>$ curl -n https://api.example/api/v1/user_identities/1/zips/2/download\n</code></pre>\n" +
	"<pre><code>HTTP/1.1 302 Found\nLocation: https://store.example/zip?sig=1\n</code></pre>\n" +
	"### Errors\n\n#### Response Example\n\n```\nHTTP/1.1 422 Unprocessable Entity\n```\n\n" +
	"```json\n{\"errors\": {\"schema\": [\"one\"]}}\n```\n\nSome prose.\n\n" +
	"#### Another case\n\n```json\n{\"errors\": {\"schema\": [\"two\"]}}\n```\n" +
	"### Not Found\n\n```json\n{\"message\": \"Zip '9' not found.\"}\n```\n"

func TestParseHandWritten(t *testing.T) {
	p, err := Parse(handWrittenPage)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Zip Download", "Errors", "Not Found"}; !reflect.DeepEqual(p.Headings, want) {
		t.Errorf("headings = %q, want %q", p.Headings, want)
	}
	if len(p.Links) != 1 {
		t.Fatalf("links = %+v", p.Links)
	}
	l := p.Links[0]
	if l.Method != "GET" || l.Path != "/api/v1/user_identities/{user_identity_id}/zips/{zip_id}/download" || l.Title != "Zip Download" {
		t.Errorf("link = %+v", l)
	}
	wantEx := []Example{{Status: 302, Section: "Zip Download", Headers: []string{"Location: https://store.example/zip?sig=1"}}}
	if !reflect.DeepEqual(l.Examples, wantEx) {
		t.Errorf("examples = %+v, want %+v", l.Examples, wantEx)
	}
	wantErr := []Example{
		{Status: 422, Section: "Errors", JSON: `{"errors": {"schema": ["one"]}}`},
		{Status: 422, Section: "Errors", JSON: `{"errors": {"schema": ["two"]}}`},
		{Status: 404, Section: "Not Found", JSON: `{"message": "Zip '9' not found."}`},
	}
	if !reflect.DeepEqual(p.Errors, wantErr) {
		t.Errorf("errors =\n%+v\nwant\n%+v", p.Errors, wantErr)
	}
}

func TestRequestBody(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"json", "<pre lang=\"bash\"><code>$ curl -n -X PUT https://x/y \\\n  -d '{\n  &quot;a&quot;: 1\n}' \\\n  -H &quot;x&quot;\n</code></pre>", "{\n  \"a\": 1\n}"},
		{"form", "<pre lang=\"bash\"><code>$ curl -n https://x/y \\\n -G \\\n  -d id=74780 \\\n</code></pre>", ""},
		{"none", "<pre lang=\"bash\"><code>$ curl -n https://x/y\n</code></pre>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := requestBody(tt.body); got != tt.want {
				t.Errorf("requestBody = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCurlExample(t *testing.T) {
	body := "<pre><code>GET /y\n</code></pre>\n<pre lang=\"bash\"><code>$ curl -n https://x/y \\\n  -H &quot;x-api-key: k&quot;\n</code></pre>"
	if got, want := curlExample(body), "curl -n https://x/y \\\n  -H \"x-api-key: k\""; got != want {
		t.Errorf("curlExample = %q, want %q", got, want)
	}
	if got := curlExample("<pre><code>GET /y\n</code></pre>"); got != "" {
		t.Errorf("curlExample without one = %q", got)
	}
}

func TestSplitName(t *testing.T) {
	tests := []struct {
		name string
		want []Segment
	}{
		{"href", []Segment{{Name: "href"}}},
		{"export_files:status", []Segment{{Name: "export_files"}, {Name: "status"}}},
		{"exports/id", []Segment{{Name: "exports"}, {Name: "id", InArray: true}}},
		{"batch:results/errors:applicant", []Segment{{Name: "batch"}, {Name: "results"}, {Name: "errors", InArray: true}, {Name: "applicant"}}},
		{"a::b/", []Segment{{Name: "a"}, {Name: "b"}}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SplitName(tt.name); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SplitName(%q) = %+v, want %+v", tt.name, got, tt.want)
			}
		})
	}
}

// renderedPage is samplePage as the site serves it: in the layout, with a
// kramdown footer (heading ids, rouge-highlighted code).
const renderedPage = `<!doctype html><html><head><title>
            Sample -
          WebAdMIT Developer
        </title></head><body><nav><a href="v1.html">API Overview</a></nav>
<div class="container">
<h3>Attributes</h3>
<table>
<thead>
<tr><th>Name</th><th>Type</th><th>Description</th><th>Example</th></tr>
</thead>
<tbody>
<tr>
<td><strong>things:status</strong></td>
<td><em>string</em></td>
<td>State.<br/> <strong>one of:</strong><code>&quot;In Progress&quot;</code> or <code>&quot;Done&quot;</code></td>
<td><code>&quot;Done&quot;</code></td>
</tr>
</tbody>
</table>
<h3><a name="link-GET-thing-/api/v1/things/:thing_id">Thing Show</a></h3>
<pre><code>HTTP/1.1 200 OK
</code></pre>
<pre lang="json"><code>{ &quot;id&quot;: 1 }</code></pre>
<h3 id="errors">Errors</h3>
<h4 id="response-example">Response Example</h4>
<div class="highlighter-rouge"><div class="highlight"><pre class="highlight"><code>HTTP/1.1 422 Unprocessable Entity
</code></pre></div></div>
<div class="language-json highlighter-rouge"><div class="highlight"><pre class="highlight"><code><span class="p">{</span><span class="w"> </span><span class="nl">"errors"</span><span class="p">:</span><span class="w"> </span><span class="p">{</span><span class="nl">"value"</span><span class="p">:</span><span class="w"> </span><span class="p">[</span><span class="s2">"bad &amp; wrong"</span><span class="p">]}}</span><span class="w">
</span></code></pre></div></div>
<hr><footer><p>&copy; Liaison International.</p></footer></div></body></html>`

func TestParseHTML(t *testing.T) {
	p, err := ParseHTML(renderedPage)
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Sample" {
		t.Errorf("title = %q", p.Title)
	}
	if len(p.Attributes) != 1 || !reflect.DeepEqual(p.Attributes[0].Enum, []string{"In Progress", "Done"}) {
		t.Errorf("attributes = %+v", p.Attributes)
	}
	if len(p.Links) != 1 || p.Links[0].Path != "/api/v1/things/{thing_id}" {
		t.Fatalf("links = %+v", p.Links)
	}
	want := []Example{{Status: 422, Section: "Errors", JSON: `{ "errors": {"value": ["bad & wrong"]}}`}}
	if !reflect.DeepEqual(p.Errors, want) {
		t.Errorf("errors =\n%+v\nwant\n%+v", p.Errors, want)
	}
}
