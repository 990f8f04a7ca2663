package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestStoreRefusalIsNotUnauthorized: a 401 from the object store, which
// never receives the key, is no reason to check the key: it exits 1, not
// 6, and the advice names the command that fetches the file again. A 401
// from the API itself still exits 6 with the key advice.
func TestStoreRefusalIsNotUnauthorized(t *testing.T) {
	t.Parallel()
	store := fakeStore(t, map[string]http.HandlerFunc{
		"GET /refused": func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) },
	})
	refusedURL := store.URL + "/refused?X-Amz-Signature=s"
	available := jsonAnswer(`{"export_files": {"id": 1, "export_id": 100, "href": "/api/v1/exports/100/export_files/1",
		"status": "Available", "download_url": "` + refusedURL + `"}}`)
	srv := fakeAPI(t, map[string]http.HandlerFunc{
		"GET /api/v1/exports/100/export_files/1":                  available,
		"POST /api/v1/user_identities/7/exports/100/export_files": available,
		"GET /api/v1/user_identities/7/pdf_manager_batches/9": jsonAnswer(`{"pdf_manager_batch": {"id": 9, "state": "available",
			"updated_at": "2026-01-02T03:04:05Z", "pdf_manager_template": {"id": 3, "name": "T", "href": "/api/v1/user_identities/7/pdf_manager_templates/3"},
			"download_hrefs": ["/api/v1/user_identities/7/pdf_manager_zip_files/5/download"]}}`),
		"GET /api/v1/user_identities/7/pdf_manager_zip_files/5/download": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, refusedURL, http.StatusFound)
		},
	})
	tests := []struct {
		name       string
		env        []string
		args       []string
		wantCode   int
		wantAdvice string
	}{
		{"download", fakeEnv(srv), []string{"download", "--export", "100", "--file", "1", "-o", "out.csv"}, exitError,
			"webadmit download --export 100 --file 1"},
		{"run", fakeEnv(srv), []string{"run", "--identity", "7", "--export", "100", "-o", "out.csv"}, exitError,
			"webadmit download --export 100 --file 1"},
		{"pdf download", fakeEnv(srv), []string{"pdf", "download", "--identity", "7", "--batch", "9", "-o", "pdfs"}, exitError,
			"webadmit pdf download --identity 7 --batch 9"},
		{"the API's own 401", []string{"WEBADMIT_BASE_URL=" + srv.URL, "WEBADMIT_API_KEY=wrong-key-0123456789"},
			[]string{"download", "--export", "100", "--file", "1", "-o", "out.csv"}, exitUnauthorized, "check WEBADMIT_API_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, t.TempDir(), tt.env, tt.args...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d", r.code, tt.wantCode)
			}
			if !strings.Contains(r.stderr, tt.wantAdvice) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantAdvice, r.stderr)
			}
			if tt.wantCode != exitUnauthorized {
				for _, wrong := range []string{"WEBADMIT_API_KEY", "--api-key-file", "API key was refused"} {
					if strings.Contains(r.stderr, wrong) {
						t.Errorf("a store's refusal blames the key (%q):\n%s", wrong, r.stderr)
					}
				}
			}
			assertNoSecrets(t, r, fakeAPIKey, "wrong-key-0123456789")
		})
	}
}
