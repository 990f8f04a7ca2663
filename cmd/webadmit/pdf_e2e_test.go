package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// PDF Manager templates of the end-to-end sandbox, one per outcome.
const (
	templateOK = 10 + iota
	templateWarn
	templateEmpty
	templateFailed
	templateSlow
)

// pdfZip builds a zip holding the given PDFs (name, content pairs).
func pdfZip(t *testing.T, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pdfSandbox is newSandbox with a PDF Manager template per outcome; OK and
// Warn batches produce zips.
func pdfSandbox(t *testing.T, zips [][]byte, opts ...webadmittest.Option) *webadmittest.Server {
	t.Helper()
	quick := func(outcome generated.ExportFileStatus) webadmittest.Timeline {
		return webadmittest.Timeline{Queued: 20 * time.Millisecond, InProgress: 30 * time.Millisecond, Outcome: outcome}
	}
	tmpl := func(id int, name string, outcome generated.ExportFileStatus, zips [][]byte) webadmittest.PDFTemplate {
		return webadmittest.PDFTemplate{ID: id, IdentityID: identityID, Name: name, ZipFiles: zips, Timeline: quick(outcome)}
	}
	return newSandbox(t, append([]webadmittest.Option{webadmittest.WithPDFTemplates(
		tmpl(templateOK, "Offers", generated.ExportFileStatusAvailable, zips),
		tmpl(templateWarn, "Waitlist", generated.ExportFileStatusSuccessWithErrors, zips[:1]),
		tmpl(templateEmpty, "Nobody", generated.ExportFileStatusEmptyList, [][]byte{}),
		tmpl(templateFailed, "Broken", generated.ExportFileStatusFailed, [][]byte{}),
		webadmittest.PDFTemplate{ID: templateSlow, IdentityID: identityID, Name: "Slow", ZipFiles: zips,
			Timeline: webadmittest.Timeline{InProgress: 1500 * time.Millisecond}},
	)}, opts...)...)
}

func assertNoLeaks(t *testing.T, s *webadmittest.Server) {
	t.Helper()
	if l := s.Recorder().Leaks(); len(l) > 0 {
		t.Errorf("the object store received the API key: %+v", l)
	}
}

func TestPDFRunExitCodes(t *testing.T) {
	t.Parallel()
	zips := [][]byte{pdfZip(t, "1000001.pdf", "%PDF one"), pdfZip(t, "1000002.pdf", "%PDF two")}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantFiles  []string
		wantStderr string
	}{
		{"available", []string{"--template", strconv.Itoa(templateOK)}, exitOK, []string{"Offers-42-1.zip", "Offers-42-2.zip"}, "wrote 2 zip files"},
		{"success with errors", []string{"--template", strconv.Itoa(templateWarn)}, exitOK, []string{"Waitlist-42-1.zip"}, "warning"},
		{"extract", []string{"--template", strconv.Itoa(templateOK), "--extract"}, exitOK, []string{"1000001.pdf", "1000002.pdf"}, "2 files extracted"},
		{"empty list", []string{"--template", strconv.Itoa(templateEmpty)}, exitEmptyList, nil, "Empty List"},
		{"failed", []string{"--template", strconv.Itoa(templateFailed)}, exitFailed, nil, "Failed"},
		{"timeout", []string{"--template", strconv.Itoa(templateSlow), "--timeout", "300ms"}, exitTimeout, nil, "pdf download --identity 7 --batch 42 --wait"},
		{"unknown template", []string{"--template", "99"}, exitError, nil, "not found"},
		{"missing template", nil, exitUsage, nil, `"template" not set`},
		{"stdout is no directory", []string{"--template", strconv.Itoa(templateOK), "-o", "-"}, exitUsage, nil, "directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := pdfSandbox(t, zips)
			dir := t.TempDir()
			args := append([]string{"pdf", "run", "--identity", "7"}, tt.args...)
			if !slices.Contains(args, "-o") {
				args = append(args, "-o", "pdfs")
			}
			r := runCLI(t, dir, sandboxEnv(s), args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit code %d, want %d\nstderr: %s", r.code, tt.wantCode, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, r.stderr)
			}
			assertNoSecrets(t, r, s.APIKey())
			assertNoLeaks(t, s)
			if tt.wantFiles == nil {
				if names, _ := os.ReadDir(dir); len(names) != 0 {
					t.Errorf("files left behind: %v", names)
				}
				return
			}
			out := filepath.Join(dir, "pdfs")
			var names []string
			entries, err := os.ReadDir(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				names = append(names, e.Name())
				fi, _ := e.Info()
				if fi.Mode().Perm() != 0o600 {
					t.Errorf("%s: mode %v, want 0600", e.Name(), fi.Mode().Perm())
				}
			}
			if !slices.Equal(names, tt.wantFiles) {
				t.Errorf("files %v, want %v", names, tt.wantFiles)
			}
			if strings.HasSuffix(tt.wantFiles[0], ".zip") {
				for i, n := range names {
					got, _ := os.ReadFile(filepath.Join(out, n))
					if sha(got) != sha(zips[i]) {
						t.Errorf("%s differs from the served zip", n)
					}
				}
			} else if got, _ := os.ReadFile(filepath.Join(out, "1000002.pdf")); string(got) != "%PDF two" {
				t.Errorf("extracted %q", got)
			}
		})
	}
}

func TestPDFListsStatusAndDownload(t *testing.T) {
	t.Parallel()
	zips := [][]byte{pdfZip(t, "a.pdf", "%PDF a"), pdfZip(t, "b.pdf", "%PDF b")}
	s := pdfSandbox(t, zips)
	env := sandboxEnv(s)
	dir := t.TempDir()

	r := runCLI(t, dir, env, "pdf", "run", "--identity", "7", "--template", strconv.Itoa(templateOK), "-o", "first", "--output", "json")
	if r.code != exitOK {
		t.Fatalf("pdf run: %s", r.stderr)
	}
	var res pdfResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("pdf run --output json: %v\n%s", err, r.stdout)
	}
	if res.BatchID != 42 || res.State != "Available" || len(res.ZipFiles) != 2 || res.ZipFiles[1].SHA256 != sha(zips[1]) || len(res.Paths) != 2 {
		t.Errorf("result %+v", res)
	}
	batch := strconv.Itoa(res.BatchID)

	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"pdf", "templates", "--identity", "7", "--output", "json"}, 5},
		{[]string{"pdf", "batches", "--identity", "7", "--output", "json"}, 1},
	} {
		r := runCLI(t, dir, env, tt.args...)
		var list []map[string]any
		if r.code != 0 || json.Unmarshal([]byte(r.stdout), &list) != nil || len(list) != tt.want {
			t.Errorf("%v: exit %d, %d entries, want %d\n%s%s", tt.args, r.code, len(list), tt.want, r.stdout, r.stderr)
		}
	}
	r = runCLI(t, dir, env, "pdf", "status", "--identity", "7", "--batch", batch)
	if r.code != 0 || !strings.Contains(r.stdout, "Available") || !strings.Contains(r.stdout, strconv.Itoa(res.ZipFiles[0].ZipFileID)) {
		t.Errorf("pdf status: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Download again, extracted.
	r = runCLI(t, dir, env, "pdf", "download", "--identity", "7", "--batch", batch, "-o", "second", "--extract")
	if r.code != 0 {
		t.Fatalf("pdf download: %s", r.stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "second", "b.pdf")); string(got) != "%PDF b" {
		t.Errorf("extracted b.pdf = %q", got)
	}
	// Into the first directory again: refused without --force, nothing changed.
	r = runCLI(t, dir, env, "pdf", "download", "--identity", "7", "--batch", batch, "-o", "first")
	if r.code != exitError || !strings.Contains(r.stderr, "exist") {
		t.Errorf("overwrite without --force: exit %d, stderr %s", r.code, r.stderr)
	}
	r = runCLI(t, dir, env, "pdf", "download", "--identity", "7", "--batch", batch, "-o", "first", "--force")
	if r.code != 0 {
		t.Errorf("overwrite with --force: exit %d, stderr %s", r.code, r.stderr)
	}
	assertNoSecrets(t, r, s.APIKey())
	assertNoLeaks(t, s)
}

func TestPDFDownloadWait(t *testing.T) {
	t.Parallel()
	zips := [][]byte{pdfZip(t, "a.pdf", "%PDF a")}
	s := pdfSandbox(t, zips)
	env := sandboxEnv(s)
	dir := t.TempDir()
	// Start a slow batch and give up at once.
	r := runCLI(t, dir, env, "pdf", "run", "--identity", "7", "--template", strconv.Itoa(templateSlow), "--timeout", "10ms")
	if r.code != exitTimeout {
		t.Fatalf("exit %d, want %d: %s", r.code, exitTimeout, r.stderr)
	}
	r = runCLI(t, dir, env, "pdf", "download", "--identity", "7", "--batch", "42", "-o", "out")
	if r.code != exitError || !strings.Contains(r.stderr, "--wait") {
		t.Errorf("download of a running batch: exit %d, stderr %s", r.code, r.stderr)
	}
	r = runCLI(t, dir, env, "pdf", "download", "--identity", "7", "--batch", "42", "-o", "out", "--wait")
	if r.code != exitOK {
		t.Fatalf("download --wait: exit %d, stderr %s", r.code, r.stderr)
	}
	got, err := os.ReadFile(filepath.Join(dir, "out", "Slow-42-1.zip"))
	if err != nil || sha(got) != sha(zips[0]) {
		t.Errorf("downloaded zip: %v", err)
	}
	assertNoLeaks(t, s)
}

func TestPDFDemoSandbox(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := runCLI(t, dir, nil, "--sandbox", "pdf", "run", "--identity", "42", "--template", "2", "-o", "pdfs", "--output", "json")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var res pdfResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || len(res.ZipFiles) != 2 {
		t.Fatalf("result %+v (%v)", res, err)
	}
	for _, tt := range []struct {
		template string
		code     int
	}{{"4", exitEmptyList}, {"5", exitFailed}} {
		if r := runCLI(t, dir, nil, "--sandbox", "pdf", "run", "--identity", "42", "--template", tt.template, "-o", "x"); r.code != tt.code {
			t.Errorf("demo template %s: exit %d, want %d: %s", tt.template, r.code, tt.code, r.stderr)
		}
	}
}
