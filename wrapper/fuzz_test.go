package wrapper

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func FuzzParseStatus(f *testing.F) {
	for _, s := range []string{"In Progress", "in_progress", "Success With Errors", "empty_list", "Archived", "", " \t", "IN__PROGRESS"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st := ParseStatus(s)
		if again := ParseStatus(string(st)); again != st {
			t.Errorf("not idempotent: %q -> %q -> %q", s, st, again)
		}
		if st.IsTerminal() && !st.Known() {
			t.Errorf("unknown %q is terminal", st)
		}
		if st.HasFile() && !st.IsTerminal() {
			t.Errorf("%q has a file but is not terminal", st)
		}
	})
}

func FuzzSafeFileName(f *testing.F) {
	for _, s := range []string{
		"attachment; filename=Test-API-Export.csv", `attachment; filename="../../x"`,
		`attachment; filename*=UTF-8''%2e%2e%2f%2e%2e%2fetc%2fpasswd`, `inline; filename="a\\b"`, "attachment; filename=\".\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cd string) {
		name := SafeFileName(cd)
		if name == "" {
			return
		}
		switch {
		case !utf8.ValidString(name), len(name) > maxFileNameBytes, strings.ContainsAny(name, `/\:*?"<>|`),
			strings.HasPrefix(name, "."), name == "..", !filepath.IsLocal(name):
			t.Fatalf("SafeFileName(%q) = %q: unsafe", cd, name)
		}
		for _, r := range name {
			if unicode.IsControl(r) {
				t.Fatalf("SafeFileName(%q) = %q: control character", cd, name)
			}
		}
	})
}

func FuzzParseContentRange(f *testing.F) {
	for _, s := range []string{"bytes 0-99/100", "bytes 5-9/*", "bytes */100", "bytes 9-5/10", "bytes 0-0/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		start, end, size, err := parseContentRange(v)
		if err != nil {
			return
		}
		if start < 0 || end < start || (size != -1 && size <= end) {
			t.Fatalf("parseContentRange(%q) = %d, %d, %d", v, start, end, size)
		}
	})
}

// FuzzCheckResponse feeds arbitrary answers to the error mapping: it never
// panics, always maps a non-2xx answer to an error matching its class, and
// never lets the key or a signature through.
func FuzzCheckResponse(f *testing.F) {
	f.Add(404, "application/json", []byte(`{"message": "User identity '999' not found."}`), "")
	f.Add(429, "application/json", []byte(`{"message": "Rate limit exceeded"}`), "60")
	f.Add(502, "text/html", []byte("<html>502 Bad Gateway</html>"), "")
	f.Add(403, "application/xml", []byte("<URL>https://s3/x?Signature=abc&Expires=1</URL>"), "")
	f.Add(500, "text/plain", []byte("key "+testAPIKey), "")
	f.Add(401, "", []byte{}, "")
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte, retryAfter string) {
		if status < 100 || status > 999 {
			return
		}
		u, _ := url.Parse("https://api.webadmit.org/api/v1/exports?token=" + testAPIKey)
		resp := &http.Response{StatusCode: status, Status: fmt.Sprintf("%d x", status), Header: http.Header{},
			Request: &http.Request{Method: "GET", URL: u}}
		resp.Header.Set("Content-Type", ctype)
		resp.Header.Set("Retry-After", retryAfter)
		err := checkResponse(resp, body, time.Now(), testAPIKey)
		if status >= 200 && status < 300 {
			if err != nil {
				t.Fatalf("2xx mapped to %v", err)
			}
			return
		}
		if err == nil {
			t.Fatalf("status %d mapped to nil", status)
		}
		msg := err.Error()
		if strings.Contains(msg, testAPIKey) || (strings.Contains(msg, "Signature=") && !strings.Contains(msg, "Signature="+redacted)) {
			t.Fatalf("secret in %q", msg)
		}
		if len(msg) > 2000 {
			t.Fatalf("error of %d bytes", len(msg))
		}
		if (status == 404) != (err.(interface{ Is(error) bool }).Is(ErrNotFound)) {
			t.Fatalf("status %d: ErrNotFound match wrong", status)
		}
	})
}

func FuzzParseCallbackForm(f *testing.F) {
	f.Add("export_file[id]=99752&export_file[export_id]=123316&export_file[status]=Available")
	f.Add("export_file%5Bid%5D=1")
	f.Add("export_file[id]=-1&export_file[id]=2")
	f.Fuzz(func(t *testing.T, q string) {
		form, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		cb, err := ParseCallbackForm(form)
		if err == nil && (cb.ExportFileID <= 0 || cb.ExportID < 0) {
			t.Fatalf("accepted %+v from %q", cb, q)
		}
	})
}

func FuzzParseNotFound(f *testing.F) {
	f.Add("User identity", "999")
	f.Add("CustomeField", "1")
	f.Add("Program", "x y")
	f.Fuzz(func(t *testing.T, word, id string) {
		msg := fmt.Sprintf("%s '%s' not found.", word, id)
		kind, got := parseNotFound(msg)
		if kind != NotFoundUnknown && kind != NotFoundLegacy && strings.Contains(id, "'") {
			return // the quote ends the id early; any reading is fine
		}
		if kind != NotFoundUnknown && kind != NotFoundLegacy && got != id {
			t.Fatalf("parseNotFound(%q) = %v %q", msg, kind, got)
		}
	})
}

// FuzzExtractZip extracts arbitrary archives: nothing may appear outside
// the target directory, and nothing but regular files inside it.
func FuzzExtractZip(f *testing.F) {
	f.Add(makeZip(f, zipEntry{name: "a.csv", body: "1"}))
	f.Add(makeZip(f, zipEntry{name: "../a.csv", body: "1"}))
	f.Add(makeZip(f, zipEntry{name: "d/", mode: fs.ModeDir | 0o755}, zipEntry{name: "d/x", body: "2"}))
	f.Add(makeZip(f, zipEntry{name: "l", body: "/etc", mode: fs.ModeSymlink | 0o777}))
	f.Add(makeZip(f, zipEntry{name: "ln/x.csv", body: "1"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		extractAndCheck(t, data)
		extractThroughLinkAndCheck(t, data)
	})
}

// FuzzZipEntryNames extracts valid archives of two entries with arbitrary
// names, which random archive bytes rarely reach: a name is accepted only
// as a clean local path, and nothing lands outside the target.
func FuzzZipEntryNames(f *testing.F) {
	for _, names := range [][2]string{
		{"a.csv", "b.csv"}, {"../x.csv", "y.csv"}, {"d/x.csv", "D/X.csv"}, {"/etc/passwd", "a"}, {`..\..\x`, "a"},
		{"C:/x", "a"}, {"a/../../b", "c"}, {"d", "d/x"}, {"./a", "a"}, {"a\x00b", "c"}, {"d/", "d/e"}, {"", "."},
		{"ln/x.csv", "a"}, {"ln/", "ln/d/x"}, {"ln", "b"},
	} {
		f.Add(names[0], names[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		var entries []zipEntry
		for _, name := range []string{a, b} {
			zf := &zip.File{FileHeader: zip.FileHeader{Name: name}}
			zf.SetMode(0o644)
			if got, err := entryName(zf); err == nil {
				if !filepath.IsLocal(filepath.FromSlash(got)) || path.Clean(got) != got || strings.ContainsAny(got, "\\:\x00") {
					t.Fatalf("entryName(%q) = %q: not a clean local path", name, got)
				}
			} else if !errors.Is(err, ErrUnsafeArchive) {
				t.Fatalf("entryName(%q): %v does not match ErrUnsafeArchive", name, err)
			}
			e := zipEntry{name: name, body: "data"}
			if strings.HasSuffix(name, "/") {
				e.body = "" // a directory entry has no data
			}
			if len(name) > 0xffff {
				return
			}
			entries = append(entries, e)
		}
		data := makeZip(t, entries...)
		extractAndCheck(t, data)
		extractThroughLinkAndCheck(t, data)
	})
}

// extractAndCheck extracts data into a fresh directory and fails if
// anything lands beside it, if a link appears, or if a failure leaves
// files behind.
func extractAndCheck(t *testing.T, data []byte) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "target")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	paths, err := extractTo(t, bytes.NewReader(data), int64(len(data)), dir, ExtractOptions{MaxBytes: 1 << 20, MaxEntries: 50})
	if names := dirEntries(t, parent); len(names) != 1 {
		t.Fatalf("wrote beside the target: %v", names)
	}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, werr error) error {
		if werr == nil && d.Type()&fs.ModeSymlink != 0 {
			t.Fatalf("symlink %s", p)
		}
		return nil
	})
	if err != nil {
		if names := dirEntries(t, dir); len(names) != 0 {
			t.Fatalf("failed (%v) but left %v", err, names)
		}
		return
	}
	for _, p := range paths {
		if rel, rerr := filepath.Rel(dir, p); rerr != nil || !filepath.IsLocal(rel) {
			t.Fatalf("extracted %s outside %s", p, dir)
		}
	}
}

// extractThroughLinkAndCheck extracts data into a directory that already
// holds a symbolic link, ln, to a directory beside it: nothing may be
// written through the link, the link stays, and a failure leaves only it.
func extractThroughLinkAndCheck(t *testing.T, data []byte) {
	parent := t.TempDir()
	dir, outside := filepath.Join(parent, "target"), filepath.Join(parent, "outside")
	for _, d := range []string{dir, outside} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join("..", "outside"), filepath.Join(dir, "ln")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	paths, err := extractTo(t, bytes.NewReader(data), int64(len(data)), dir, ExtractOptions{MaxBytes: 1 << 20, MaxEntries: 50})
	if names := dirEntries(t, outside); len(names) != 0 {
		t.Fatalf("wrote through the link (err %v): %v", err, names)
	}
	if names := dirEntries(t, parent); len(names) != 2 {
		t.Fatalf("wrote beside the target: %v", names)
	}
	if fi, lerr := os.Lstat(filepath.Join(dir, "ln")); lerr != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the link was replaced or removed (err %v)", err)
	}
	if err != nil {
		if names := dirEntries(t, dir); !slices.Equal(names, []string{"ln"}) {
			t.Fatalf("failed (%v) but left %v", err, names)
		}
		return
	}
	for _, p := range paths {
		rel, rerr := filepath.Rel(dir, p)
		if rerr != nil || !filepath.IsLocal(rel) || rel == "ln" || strings.HasPrefix(filepath.ToSlash(rel), "ln/") {
			t.Fatalf("extracted %s outside %s or through its link", p, dir)
		}
	}
}

// FuzzDecodeExportFile feeds arbitrary bodies to the decoding of a status
// answer (initiateExportFile, getExportFile): it returns a run with an id
// and a normalised status, or an *APIError that holds neither the key nor
// a URL signature; it never panics.
func FuzzDecodeExportFile(f *testing.F) {
	for _, body := range []string{
		`{"export_files":{"id":74780,"export_id":7,"href":"/x","status":"Available","download_url":"https://s3.example/f.csv?AWSAccessKeyId=AKIA&Expires=1&Signature=s3cr3t"}}`,
		`{"export_files":{"id":1,"status":"in_progress"}}`,
		`{"export_files":{"id":1,"status":"Archived","sandbox_added_field":{"a":[1,2]}}}`,
		`{"export_files":{"id":0,"status":"Available"}}`,
		`{"export_files":{"id":1,"status":""}}`,
		`{"export_files":null}`,
		`{'export_files': {'id': 1}}`,
		`{"export_files":{"id":1,"sta`,
		`[]`, ``, `<html>502</html>`,
		`{"export_files":{"id":1,"status":"Queued","download_url":"` + testAPIKey + `"}}`,
	} {
		f.Add(200, []byte(body))
	}
	c, err := New(testAPIKey, WithLogger(scanLogger()))
	if err != nil {
		f.Fatal(err)
	}
	u, _ := url.Parse("https://api.webadmit.org/api/v1/exports/7/export_files/1")
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		code := []int{200, 201}[status&1]
		resp := &http.Response{StatusCode: code, Status: fmt.Sprintf("%d x", code), Header: http.Header{},
			Body: io.NopCloser(bytes.NewReader(body)), Request: &http.Request{Method: "GET", URL: u}}
		ef, err := c.decodeExportFile(resp, code)
		if err != nil {
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an *APIError", err)
			}
			msg := err.Error()
			if strings.Contains(msg, testAPIKey) || (strings.Contains(msg, "Signature=") && !strings.Contains(msg, "Signature="+redacted)) {
				t.Fatalf("secret in %q", msg)
			}
			return
		}
		if ef.Id <= 0 || ef.Status == "" {
			t.Fatalf("accepted %+v from %q", ef, body)
		}
		run := c.newRun(7, ef)
		if run.ExportFileID != ef.Id || ParseStatus(string(run.Status)) != run.Status {
			t.Fatalf("run %+v from %+v", run, ef)
		}
	})
}
