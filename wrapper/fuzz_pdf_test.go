package wrapper

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseZipHref feeds arbitrary download_hrefs entries to the parser: it
// never panics, an accepted entry names a positive zip id that appears in
// it, and an error never repeats the entry's query string.
func FuzzParseZipHref(f *testing.F) {
	for _, s := range []string{
		"/api/v1/user_identities/1/pdf_manager_zip_files/2/download",
		"https://api.webadmit.org/api/v1/user_identities/7/pdf_manager_zip_files/30/download/",
		"/api/v1/user_identities/1/pdf_manager_zip_files/99999999999999999999/download",
		"https://store/x?Signature=s3cr3t",
		"%zz", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, href string) {
		z, err := parseZipHref(href)
		if err != nil {
			if i := strings.Index(href, "?"); i >= 0 && len(href) > i+8 && strings.Contains(err.Error(), href[i:]) {
				t.Errorf("error repeats the query: %v", err)
			}
			return
		}
		if z.ID <= 0 || !strings.Contains(href, strconv.Itoa(z.ID)) || z.Href != href {
			t.Errorf("parseZipHref(%q) = %+v", href, z)
		}
	})
}

// FuzzPDFCallbackHandler posts arbitrary bodies to the PDF Manager callback
// handler: it never panics and answers 204 or 400.
func FuzzPDFCallbackHandler(f *testing.F) {
	f.Add(`{"pdf_manager_batch":{"id":42,"state":"available"}}`)
	f.Add(`{"pdf_manager_batch":{"id":-1}}`)
	f.Add(`{"pdf_manager_batch":null}`)
	f.Add(`[]`)
	f.Add(``)
	c, err := New(testAPIKey, WithBaseURL("http://127.0.0.1:1"))
	if err != nil {
		f.Fatal(err)
	}
	h := c.CallbackHandler()
	f.Fuzz(func(t *testing.T, body string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/cb", strings.NewReader(body)))
		if rec.Code != http.StatusNoContent && rec.Code != http.StatusBadRequest {
			t.Errorf("status %d for %q", rec.Code, body)
		}
	})
}
