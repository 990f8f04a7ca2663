package wrapper

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
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
		if strings.Contains(msg, testAPIKey) || (strings.Contains(msg, "Signature=") && !strings.Contains(msg, "Signature="+redact.Redacted)) {
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
		ef, err := c.decodeExportFile(resp, 7, 0, code)
		if err != nil {
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an *APIError", err)
			}
			msg := err.Error()
			if strings.Contains(msg, testAPIKey) || (strings.Contains(msg, "Signature=") && !strings.Contains(msg, "Signature="+redact.Redacted)) {
				t.Fatalf("secret in %q", msg)
			}
			return
		}
		if ef.ID <= 0 || ef.Status == "" || ef.ExportID != 7 || ParseStatus(string(ef.Status)) != ef.Status {
			t.Fatalf("accepted %+v from %q", ef, body)
		}
	})
}
