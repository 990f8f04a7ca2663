package docscheck_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/webadmit-go/webadmit/internal/docscheck"
)

// Checking one page against a spec, as make check-docs does for a folder.
func ExampleCheck() {
	spec, err := docscheck.LoadSpec(filepath.Join("testdata", "widgets.yaml"))
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "docs")
	defer os.RemoveAll(dir)
	page := filepath.Join(dir, "secret.md")
	_ = os.WriteFile(page, []byte("---\ntitle: Secret\n---\n"+
		"<h3><a name=\"link-GET-secret-/api/v1/widgets/:widget_id/secret\">Secret Show</a></h3>\n"+
		"<pre><code>HTTP/1.1 200 OK\n</code></pre>\n"+
		"<pre lang=\"json\"><code>{&quot;secret&quot;: 1}</code></pre>\n"), 0o600)
	sources, err := (&docscheck.Loader{}).Load(context.Background(), page)
	if err != nil {
		panic(err)
	}
	report := docscheck.Check(spec, "secret.md", sources[0].Pages, sources[0].Scope)
	for _, f := range report.Drift() {
		fmt.Println(f)
	}
	// Output: drift: secret.md: GET /api/v1/widgets/{widget_id}/secret (getWidgetSecret): 200 example: missing: the page shows a JSON body; the spec's 200 response declares none
}
