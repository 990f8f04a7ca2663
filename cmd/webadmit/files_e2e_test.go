package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestFilesHidesDownloadURL: a list of runs whose entries carry their
// pre-signed download URL (the sandbox's never do) shows it only with
// --show-url, as status does: in JSON and in the table.
func TestFilesHidesDownloadURL(t *testing.T) {
	t.Parallel()
	const signed = "https://store.example/export_files/74700.csv?Expires=1&Signature=c2VjcmV0"
	srv := fakeAPI(t, map[string]http.HandlerFunc{
		"GET /api/v1/user_identities/7/export_files": jsonAnswer(`{"export_files": [
			{"id": 74700, "export_id": 29897, "href": "/api/v1/exports/29897/export_files/74700", "status": "Available",
			 "download_url": "` + signed + `"},
			{"id": 74701, "export_id": 29898, "href": "/api/v1/exports/29898/export_files/74701", "status": "In Progress"}]}`),
	})
	tests := []struct {
		name    string
		args    []string
		wantURL bool
	}{
		{"json", []string{"--output", "json"}, false},
		{"table", nil, false},
		{"json show-url", []string{"--output", "json", "--show-url"}, true},
		{"table show-url", []string{"--show-url"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, t.TempDir(), fakeEnv(srv), append([]string{"files", "--identity", "7"}, tt.args...)...)
			if r.code != exitOK || !strings.Contains(r.stdout, "74701") {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			// JSON spells the URL's & as \u0026: look for its signature.
			if got := strings.Contains(r.stdout, "Signature=c2VjcmV0"); got != tt.wantURL {
				t.Errorf("download URL shown = %v, want %v:\n%s", got, tt.wantURL, r.stdout)
			}
			if !tt.wantURL {
				assertNoSecrets(t, r, fakeAPIKey)
				if strings.Contains(r.stdout, "download_url") {
					t.Errorf("download_url in the output:\n%s", r.stdout)
				}
			}
		})
	}
}
