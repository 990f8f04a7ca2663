package docscheck

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/webadmit-go/webadmit/internal/docpages"
)

// The tests below mutate copies of the real export pages and check them
// against the real spec. They skip when the docs are absent.

var exportPages = []string{
	"user_identity.md",
	"export.md",
	"export_by_user_identity.md",
	"export_files.md",
	"export_files_check.md",
	"export_files_check_batch.md",
}

func realDocs(t *testing.T) (string, *Spec) {
	t.Helper()
	dir, err := docpages.Locate()
	if err != nil {
		t.Skipf("skipping the real docs: %v", err)
	}
	spec, err := LoadSpec(filepath.Join("..", "..", "spec", "webadmit.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return dir, spec
}

func readPages(t *testing.T, dir string, names []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, "pages", n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = string(b)
	}
	return out
}

func TestRealExportPageMutations(t *testing.T) {
	t.Parallel()
	dir, spec := realDocs(t)
	base := readPages(t, dir, exportPages)
	baseline := Check(spec, "export pages", parseAll(t, writePages(t, base)), ScopeAll)
	const check = "export_files_check.md"
	const statusRow = `<strong>one of:</strong><code>&quot;Initializing&quot;</code>`
	tests := []struct {
		name           string
		file, old, new string
		want           []match
	}{
		{
			name: "add an attribute", file: check,
			old:  "<tr>\n<td><strong>export_files:export_id</strong>",
			new:  row("export_files:priority", "integer", "Queue priority.", "3") + "<tr>\n<td><strong>export_files:export_id</strong>",
			want: []match{{kind: Missing, page: check, subject: "attribute export_files:priority", detail: "not in the responses of getExportFile"}},
		},
		{
			name: "add an enum value", file: check,
			old: `<code>&quot;Failed&quot;</code></td>`, new: `<code>&quot;Failed&quot;</code> or <code>&quot;Archived&quot;</code></td>`,
			want: []match{{kind: Missing, page: check, subject: "attribute export_files:status enum", detail: `values missing from the spec: "Archived"`}},
		},
		{
			name: "change a type", file: check,
			old: "<td><strong>export_files:export_id</strong></td>\n<td><em>integer</em>", new: "<td><strong>export_files:export_id</strong></td>\n<td><em>string</em>",
			want: []match{{kind: Changed, page: check, subject: "attribute export_files:export_id type", detail: "page string, spec integer (spec: getExportFile 200 response: export_files.export_id)"}},
		},
		{
			name: "add an endpoint", file: check, old: "<h3>Not Found</h3>",
			new: `<h3><a name="link-DELETE-export_files_check-/api/v1/exports/:export_id/export_files/:export_file_id">Export/Report Files Destroy</a></h3>` +
				"\n" + status("204 No Content") + "<h3>Not Found</h3>",
			want: []match{{kind: Missing, page: check, subject: "operation", detail: "DELETE /api/v1/exports/{export_id}/export_files/{export_file_id}; the spec has no such operation"}},
		},
		{
			name: "remove an endpoint", file: "export_files_check_batch.md", new: "<delete page>",
			want: []match{{kind: Extra, opID: "listUserIdentityExportFiles", subject: "operation"}},
		},
		{
			name: "break an example", file: check,
			old: "&quot;export_id&quot;: 86446,", new: "&quot;export_id&quot;: &quot;86446&quot;,",
			want: []match{{kind: Invalid, page: check, opID: "getExportFile", subject: "200 example", detail: "at /export_files/export_id"}},
		},
		{
			name: "change a pattern", file: check,
			old: `<code>/api/v1/exports/\d+/export_files/\d+</code>`, new: `<code>/api/v2/exports/\d+/export_files/\d+</code>`,
			want: []match{{kind: Changed, page: check, subject: "attribute export_files:href pattern", detail: "page `/api/v2/exports/\\d+/export_files/\\d+`, spec `/api/v1/exports/\\d+/export_files/\\d+`"}},
		},
		{
			name: "add an error message", file: check, old: "<h4>Generic error message",
			new:  jsonBlock(`{"message": "Export '99' not found."}`) + "<h4>Generic error message",
			want: []match{{kind: Missing, page: check, opID: "getExportFile", subject: "404 example", detail: `{"message":"Export '99' not found."}`}},
		},
		{
			name: "snake_case statuses are in the spec too", file: check,
			old: statusRow, new: `<strong>one of:</strong><code>&quot;initializing&quot;</code> or <code>&quot;in_progress&quot;</code>`,
		},
		{
			// export.md lists four formats and export_by_user_identity.md five:
			// the spec holds the union, so a page with fewer is no drift.
			name: "a page listing fewer formats than the spec", file: "export_by_user_identity.md",
			old: ` or <code>&quot;Website HTML&quot;</code>`, new: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			files := mutate(t, base, tt.file, tt.old, tt.new)
			r := Check(spec, "export pages", parseAll(t, writePages(t, files)), ScopeAll)
			assertFindings(t, newFindings(baseline, r, Drift), tt.want)
		})
	}
}

// TestSeedPageHasNoDrift: the seed page's snake_case statuses are in the spec.
func TestSeedPageHasNoDrift(t *testing.T) {
	t.Parallel()
	dir, spec := realDocs(t)
	p, err := docpages.ParseFile(filepath.Join(dir, "seed", "export_files_check.md"))
	if err != nil {
		t.Fatal(err)
	}
	r := Check(spec, "seed", []*docpages.Page{p}, ScopePages)
	for _, f := range r.Drift() {
		t.Errorf("seed drift: %s", f)
	}
	if r.Operations != 1 {
		t.Errorf("operations = %d, want 1", r.Operations)
	}
	// The Title Case spellings are the spec's beyond this page: a note.
	assertFindings(t, filterSubject(r.Notes(), "schema ExportFileStatus enum"), []match{
		{kind: Extra, detail: `values no page lists: "Initializing", "Queued", "In Progress", "Available", "Success With Errors", "Empty List", "Failed"`},
	})
}

func filterSubject(fs []Finding, subject string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Subject == subject {
			out = append(out, f)
		}
	}
	return out
}
