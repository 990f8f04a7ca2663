package docpages

import (
	"strings"
	"testing"
)

// FuzzParse feeds page text (outside input: files and fetched pages) to both
// parsers. They must not panic, and every operation they find has a method
// and a path.
func FuzzParse(f *testing.F) {
	f.Add(samplePage)
	f.Add(handWrittenPage)
	f.Add(renderedPage)
	f.Add("<h3><a name=\"link-GET-x-/a/:b\">X</a></h3>\n<pre><code>HTTP/1.1 200 OK\nLocation: y\n</code></pre>")
	f.Add("### A\n```json\n{\n```\n### B\n```\nHTTP/1.1 9999\n```")
	f.Fuzz(func(t *testing.T, text string) {
		for _, parse := range []func(string) (*Page, error){Parse, ParseHTML} {
			p, err := parse(text)
			if err != nil {
				continue
			}
			for _, l := range p.Links {
				if l.Method == "" || !strings.HasPrefix(l.Path, "/") {
					t.Fatalf("operation without method or path: %+v", l)
				}
			}
			for _, e := range p.Errors {
				if e.Status < 0 || e.Status > 999 {
					t.Fatalf("status out of range: %d", e.Status)
				}
			}
		}
	})
}

// FuzzSplitName: attribute names come from outside; every segment SplitName
// returns is a non-empty name without separators.
func FuzzSplitName(f *testing.F) {
	for _, s := range []string{"href", "exports/id", "batch:results/errors:applicant", "::/", "a/:b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		for _, s := range SplitName(name) {
			if s.Name == "" || strings.ContainsAny(s.Name, ":/") {
				t.Fatalf("SplitName(%q) gave segment %+v", name, s)
			}
		}
	})
}
