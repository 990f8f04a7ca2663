package wrapper

// Regression tests for what a hostile server can do to the files a run
// writes (issue 10): names it chooses, replacement that is not all or
// nothing, what Overwrite may replace, stale temporary files, control
// characters in entry names.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOverwriteNeverAppliesToAServerName: with Overwrite, a file the server
// named, in a directory, replaces nothing; with UniqueName it takes a
// free name instead of being refused.
func TestOverwriteNeverAppliesToAServerName(t *testing.T) {
	t.Parallel()
	content := pattern(5000)
	for _, unique := range []bool{false, true} {
		t.Run(fmt.Sprint("unique=", unique), func(t *testing.T) {
			t.Parallel()
			store := newFakeStore(content)
			store.disp = "attachment; filename=go.mod"
			c, _ := setupDownload(t, store)
			dir := t.TempDir()
			mod := filepath.Join(dir, "go.mod")
			if err := os.WriteFile(mod, []byte("module precious"), 0o644); err != nil {
				t.Fatal(err)
			}
			res, err := c.ExportRun(7, 555).Download(context.Background(), ToFile(dir, FileOptions{Overwrite: true, UniqueName: unique}))
			collect(err)
			if string(readFile(t, mod)) != "module precious" {
				t.Fatal("the server's name replaced an existing file")
			}
			if !unique {
				if !errors.Is(err, fs.ErrExist) {
					t.Fatalf("err = %v, want fs.ErrExist", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := filepath.Join(dir, "go-2.mod")
			if !slices.Equal(res.Paths, []string{want}) || string(readFile(t, want)) != string(content) {
				t.Errorf("Paths = %v, want %s with the content", res.Paths, want)
			}
		})
	}
}

// fakePDFBatch serves PDF Manager batch 41 of identity 42 with one zip per
// entry of names (the store's Content-Disposition name, "" for none),
// each zip's content from body.
func fakePDFBatch(t *testing.T, names []string, body func(zip int) []byte) string {
	t.Helper()
	store := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var zip int
		fmt.Sscan(r.URL.Query().Get("zip"), &zip)
		if zip < 1 || zip > len(names) {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		if n := names[zip-1]; n != "" {
			w.Header().Set("Content-Disposition", "attachment; filename="+n)
		}
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("ETag", fmt.Sprintf(`"zip%d"`, zip))
		b := body(zip)
		w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		_, _ = w.Write(b)
	}))
	var hrefs []string
	for i := range names {
		hrefs = append(hrefs, fmt.Sprintf("/api/v1/user_identities/42/pdf_manager_zip_files/%d/download", i+1))
	}
	api := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("x-api-key") != testAPIKey {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var zip int
		if _, err := fmt.Sscanf(r.URL.Path, "/api/v1/user_identities/42/pdf_manager_zip_files/%d/download", &zip); err == nil {
			http.Redirect(w, r, fmt.Sprintf("%s/z.zip?zip=%d&Signature=zipSIG", store.URL, zip), http.StatusFound)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"pdf_manager_batch": map[string]any{
			"id": 41, "state": "available", "updated_at": "2026-01-02T03:04:05Z", "download_hrefs": hrefs,
			"pdf_manager_template": map[string]any{"id": 2, "name": "Packets", "href": "/api/v1/user_identities/42/pdf_manager_templates/2"},
		}})
	}))
	return api.URL
}

// TestPDFBatchNamesAreUnique: a zip without a name falls back to a name
// another zip of the batch already took; the two never land on one path.
func TestPDFBatchNamesAreUnique(t *testing.T) {
	t.Parallel()
	names := []string{"pdf-manager-batch-41-zip-2.zip", "", "Same.zip", "same.ZIP"}
	bodies := [][]byte{zipOf(t, "a.pdf", "a"), zipOf(t, "b.pdf", "b"), zipOf(t, "c.pdf", "c"), zipOf(t, "d.pdf", "d")}
	c := newTestClient(t, fakePDFBatch(t, names, func(zip int) []byte { return bodies[zip-1] }))
	dir := t.TempDir()
	res, err := c.PDFBatch(42, 41).Download(context.Background(), ZipFilesToDir(dir, FileOptions{}))
	if err != nil {
		t.Fatal(collect(err))
	}
	seen := map[string]bool{}
	for i, z := range res.ZipFiles {
		if len(z.Paths) != 1 {
			t.Fatalf("zip %d: paths %v", i+1, z.Paths)
		}
		p := strings.ToLower(z.Paths[0])
		if seen[p] {
			t.Errorf("two zips at %s", p)
		}
		seen[p] = true
		if got := readFile(t, z.Paths[0]); string(got) != string(bodies[i]) {
			t.Errorf("zip %d at %s holds another zip's bytes", i+1, z.Paths[0])
		}
	}
	if n := len(dirEntries(t, dir)); n != 4 {
		t.Errorf("%d files in the directory, want 4", n)
	}
}

// TestExtractOverwriteIsAllOrNothing: with Overwrite, a batch whose second
// zip fails puts back the file its first zip replaced.
func TestExtractOverwriteIsAllOrNothing(t *testing.T) {
	t.Parallel()
	t.Run("batch", func(t *testing.T) {
		t.Parallel()
		bodies := [][]byte{
			zipOf(t, "a.pdf", "new a"),
			zipOf(t, "b.pdf", "new b", "../escape.pdf", "x"),
		}
		c := newTestClient(t, fakePDFBatch(t, []string{"one.zip", "two.zip"}, func(zip int) []byte { return bodies[zip-1] }))
		dir := t.TempDir()
		a := filepath.Join(dir, "a.pdf")
		if err := os.WriteFile(a, []byte("old a"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := c.PDFBatch(42, 41).Download(context.Background(), ExtractZipFilesTo(dir, ExtractOptions{Overwrite: true}))
		if !errors.Is(collect(err), ErrUnsafeArchive) {
			t.Fatalf("err = %v, want ErrUnsafeArchive", err)
		}
		if got := string(readFile(t, a)); got != "old a" {
			t.Errorf("a.pdf holds %q after the batch failed", got)
		}
		if got := dirEntries(t, dir); !slices.Equal(got, []string{"a.pdf"}) {
			t.Errorf("directory holds %v", got)
		}
	})
}

// TestBatchRollbackIntoDot: a batch extracted into "." that fails removes
// the directories its entries needed.
func TestBatchRollbackIntoDot(t *testing.T) {
	bodies := [][]byte{
		zipOf(t, "sub/deep/a.pdf", "a"),
		zipOf(t, "b.pdf", "b", "/abs.pdf", "x"),
	}
	c := newTestClient(t, fakePDFBatch(t, []string{"one.zip", "two.zip"}, func(zip int) []byte { return bodies[zip-1] }))
	dir := t.TempDir()
	t.Chdir(dir)
	_, err := c.PDFBatch(42, 41).Download(context.Background(), ExtractZipFilesTo(".", ExtractOptions{}))
	if !errors.Is(collect(err), ErrUnsafeArchive) {
		t.Fatalf("err = %v, want ErrUnsafeArchive", err)
	}
	if got := dirEntries(t, dir); len(got) != 0 {
		t.Errorf("left behind %v", got)
	}
}
