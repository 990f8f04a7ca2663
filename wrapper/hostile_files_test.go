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
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestOverwriteReplacesOnlyARegularFile: Overwrite may replace the file the
// caller named, never a FIFO, a socket, a device or a directory.
func TestOverwriteReplacesOnlyARegularFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, sock} {
		_, err := ToFile(p, FileOptions{Overwrite: true}).open(nil)
		if collect(err) == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("ToFile(%s, Overwrite) = %v; want a refusal", filepath.Base(p), err)
		}
	}
	for _, p := range []string{fifo, sock} {
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode().IsRegular() {
			t.Errorf("%s was replaced", p)
		}
	}
	// A regular file is replaced.
	reg := filepath.Join(dir, "reg.csv")
	if err := os.WriteFile(reg, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := ToFile(reg, FileOptions{Overwrite: true}).open(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = s.Write([]byte("new"))
	if _, err := s.commit(&fileMeta{}); err != nil {
		t.Fatal(err)
	}
	if string(readFile(t, reg)) != "new" {
		t.Error("the regular file was not replaced")
	}
}

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
			res, err := c.Download(context.Background(), 7, 555, ToFile(dir, FileOptions{Overwrite: true, UniqueName: unique}))
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
	res, err := c.DownloadPDFBatch(context.Background(), 42, 41, ZipFilesToDir(dir, FileOptions{}))
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

// TestExtractOverwriteIsAllOrNothing: with Overwrite, an extraction that
// fails after replacing a file puts the old file back, for one zip and for
// a batch whose second zip fails.
func TestExtractOverwriteIsAllOrNothing(t *testing.T) {
	t.Parallel()
	t.Run("one zip", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		a := filepath.Join(dir, "a.csv")
		if err := os.WriteFile(a, []byte("old a"), 0o600); err != nil {
			t.Fatal(err)
		}
		// b.csv is a non-empty directory: its move fails after a.csv's.
		if err := os.MkdirAll(filepath.Join(dir, "b.csv", "x"), 0o700); err != nil {
			t.Fatal(err)
		}
		s, err := ToDir(dir, ExtractOptions{Overwrite: true}).open(nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = s.Write(makeZip(t, zipEntry{name: "a.csv", body: "new a"}, zipEntry{name: "b.csv", body: "new b"}))
		if _, err := s.commit(&fileMeta{}); collect(err) == nil {
			t.Fatal("extraction succeeded")
		}
		s.abort()
		if got := string(readFile(t, a)); got != "old a" {
			t.Errorf("a.csv holds %q after a failed extraction", got)
		}
		if got := dirEntries(t, dir); !slices.Equal(got, []string{"a.csv", "b.csv"}) {
			t.Errorf("directory holds %v", got)
		}
	})
	t.Run("batch", func(t *testing.T) {
		t.Parallel()
		bodies := [][]byte{
			makeZip(t, zipEntry{name: "a.pdf", body: "new a"}),
			makeZip(t, zipEntry{name: "b.pdf", body: "new b"}, zipEntry{name: "../escape.pdf", body: "x"}),
		}
		c := newTestClient(t, fakePDFBatch(t, []string{"one.zip", "two.zip"}, func(zip int) []byte { return bodies[zip-1] }))
		dir := t.TempDir()
		a := filepath.Join(dir, "a.pdf")
		if err := os.WriteFile(a, []byte("old a"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := c.DownloadPDFBatch(context.Background(), 42, 41, ExtractZipFilesTo(dir, ExtractOptions{Overwrite: true}))
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
		makeZip(t, zipEntry{name: "sub/deep/a.pdf", body: "a"}),
		makeZip(t, zipEntry{name: "b.pdf", body: "b"}, zipEntry{name: "/abs.pdf", body: "x"}),
	}
	c := newTestClient(t, fakePDFBatch(t, []string{"one.zip", "two.zip"}, func(zip int) []byte { return bodies[zip-1] }))
	dir := t.TempDir()
	t.Chdir(dir)
	_, err := c.DownloadPDFBatch(context.Background(), 42, 41, ExtractZipFilesTo(".", ExtractOptions{}))
	if !errors.Is(collect(err), ErrUnsafeArchive) {
		t.Fatalf("err = %v, want ErrUnsafeArchive", err)
	}
	if got := dirEntries(t, dir); len(got) != 0 {
		t.Errorf("left behind %v", got)
	}
}

// TestStaleTemporaryFilesAreRemoved: temporary files a killed run left are
// removed by the next run into the directory, unless a live process holds
// them.
func TestStaleTemporaryFilesAreRemoved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stale := filepath.Join(dir, ".webadmit-1041244141.part")
	staleDir := filepath.Join(dir, ".webadmit-extract-99")
	other := filepath.Join(dir, ".other-tool.part")
	for _, p := range []string{stale, other} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(staleDir, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	// A live download's file: held locked by its process (this one).
	live := filepath.Join(dir, ".webadmit-2.part")
	f, err := os.Create(live)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	s, err := ToFile(filepath.Join(dir, "out.csv"), FileOptions{}).open(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.abort()
	for _, p := range []string{stale, staleDir} {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s was not removed", filepath.Base(p))
		}
	}
	for _, p := range []string{live, other} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was removed", filepath.Base(p))
		}
	}
}

// TestExtractedNamesLoseControlCharacters: entry names with escape
// sequences or bidi overrides are extracted without them.
func TestExtractedNamesLoseControlCharacters(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	z := makeZip(t, zipEntry{name: "a\x1b]0;pwned\x07b.csv", body: "1"}, zipEntry{name: "rep\u202eoc.csv", body: "2"}, zipEntry{name: "d\x1b[31m/e.csv", body: "3"})
	s, err := ToDir(dir, ExtractOptions{}).open(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = s.Write(z)
	paths, err := s.commit(&fileMeta{})
	if err != nil {
		t.Fatal(collect(err))
	}
	for _, p := range paths {
		for _, r := range p {
			if r < 0x20 || r == 0x7f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				t.Errorf("extracted name %q holds %U", p, r)
			}
		}
	}
	want := []string{filepath.Join(dir, "a]0;pwnedb.csv"), filepath.Join(dir, "d[31m", "e.csv"), filepath.Join(dir, "repoc.csv")}
	if !slices.Equal(paths, want) {
		t.Errorf("paths %q, want %q", paths, want)
	}
}
