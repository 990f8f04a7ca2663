package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const widgetSpec = "../../internal/docscheck/testdata/widgets.yaml"

// secretPage documents the widget spec's getWidgetSecret operation.
const secretPage = "---\ntitle: Secret\n---\n" +
	"<h3><a name=\"link-GET-secret-/api/v1/widgets/:widget_id/secret\">Secret Show</a></h3>\n" +
	"<pre><code>HTTP/1.1 200 OK\n</code></pre>\n" +
	"<pre lang=\"json\"><code>-----BEGIN PGP MESSAGE-----\nabc\n-----END PGP MESSAGE-----</code></pre>\n"

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "secret.md")
	bad := filepath.Join(dir, "moved.md")
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(good, secretPage)
	write(bad, strings.ReplaceAll(secretPage, "/secret", "/hidden"))
	tests := []struct {
		name      string
		args      []string
		code      int
		out, errs string
	}{
		{"no drift", []string{"-spec", widgetSpec, good}, 0, "1 pages, 1 documented operations: no drift, 1 notes (-v shows them)", ""},
		{"verbose", []string{"-spec", widgetSpec, "-v", good}, 0, "note: GET /api/v1/widgets/{widget_id}/secret (getWidgetSecret): status 401: extra", ""},
		{"drift", []string{"-spec", widgetSpec, good, bad}, 1, "drift: moved.md: GET /api/v1/widgets/{widget_id}/hidden: operation: missing", ""},
		{"no source", []string{"-spec", widgetSpec}, 2, "", "usage: docscheck"},
		{"missing source", []string{"-spec", widgetSpec, filepath.Join(dir, "nope")}, 2, "", "give a docs folder, a page file or an http(s) URL"},
		{"missing spec", []string{"-spec", filepath.Join(dir, "nope.yaml"), good}, 2, "", "load spec"},
		{"bad flag", []string{"-bogus"}, 2, "", "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errs strings.Builder
			code := run(context.Background(), tt.args, &out, &errs)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out.String(), errs.String())
			}
			if !strings.Contains(out.String(), tt.out) {
				t.Errorf("stdout %q lacks %q", out.String(), tt.out)
			}
			if !strings.Contains(errs.String(), tt.errs) {
				t.Errorf("stderr %q lacks %q", errs.String(), tt.errs)
			}
		})
	}
}
