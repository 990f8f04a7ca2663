package wrapper

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
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
	f.Fuzz(func(t *testing.T, data []byte) {
		parent := t.TempDir()
		dir := filepath.Join(parent, "target")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		paths, err := extractZip(bytes.NewReader(data), int64(len(data)), dir, ExtractOptions{MaxBytes: 1 << 20, MaxEntries: 50})
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
	})
}
