package docpages

import (
	"reflect"
	"slices"
	"testing"
)

const samplePage = `---
layout: default
title: Sample
---
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
<tr>
<td><strong>href</strong></td>
<td><em>nullable string</em></td>
<td>Ref.<br/> <strong>pattern:</strong> <code>/api/v1/things/\d+</code></td>
<td><code>&quot;/api/v1/things/1&quot;</code></td>
</tr>
</tbody>
</table>
<h3><a name="link-GET-thing-/api/v1/things/:thing_id">Thing Show</a></h3>
<pre><code>HTTP/1.1 200 OK
</code></pre>
<pre lang="json"><code>{ &quot;id&quot;: 1 }</code></pre>
<h3>Not Found</h3>
<pre lang="json"><code>{ &quot;message&quot;: &quot;Thing &#39;9&#39; not found.&quot; }</code></pre>
<pre><code>HTTP/1.1 404 Not Found
</code></pre>
<pre lang="json"><code>{ &quot;message&quot;: &quot;Not Found&quot; }</code></pre>
<h3>Unauthorized</h3>
<pre><code>HTTP/1.1 401 Unauthorized
</code></pre>
<p>(Empty response body.)</p>
`

func TestParse(t *testing.T) {
	p, err := Parse(samplePage)
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Sample" {
		t.Errorf("title = %q", p.Title)
	}
	if len(p.Attributes) != 2 {
		t.Fatalf("attributes = %+v", p.Attributes)
	}
	if a := p.Attributes[0]; a.Name != "things:status" || !slices.Equal(a.Enum, []string{"In Progress", "Done"}) || a.Example != `"Done"` {
		t.Errorf("status attribute = %+v", a)
	}
	if a := p.Attributes[1]; a.Type != "nullable string" || a.Pattern != `/api/v1/things/\d+` {
		t.Errorf("href attribute = %+v", a)
	}
	if len(p.Links) != 1 || p.Links[0].Method != "GET" || p.Links[0].Path != "/api/v1/things/{thing_id}" {
		t.Fatalf("links = %+v", p.Links)
	}
	if ex := p.Links[0].Examples; len(ex) != 1 || ex[0].Status != 200 || ex[0].JSON != `{ "id": 1 }` {
		t.Errorf("link examples = %+v", ex)
	}
	want := []Example{
		{Status: 404, Section: "Not Found", JSON: `{ "message": "Thing '9' not found." }`},
		{Status: 404, Section: "Not Found", JSON: `{ "message": "Not Found" }`},
		{Status: 401, Section: "Unauthorized"},
	}
	if !reflect.DeepEqual(p.Errors, want) {
		t.Errorf("errors =\n%+v\nwant\n%+v", p.Errors, want)
	}
}
