package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSettingsErrorsAreUsage: configuration mistakes exit 2 with advice.
func TestSettingsErrorsAreUsage(t *testing.T) {
	t.Parallel()
	emptyKey := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(emptyKey, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		env    []string
		args   []string
		stderr string
	}{
		{"no key", nil, []string{"identities"}, "no API key"},
		{"empty key file", nil, []string{"--api-key-file", emptyKey, "identities"}, "is empty"},
		{"missing key file", nil, []string{"--api-key-file", emptyKey + ".absent", "identities"}, "API key file"},
		{"plain http to a remote host", []string{"WEBADMIT_API_KEY=k"}, []string{"--base-url", "http://example.com", "identities"}, "http"},
		{"sandbox with a base URL", nil, []string{"--sandbox", "--base-url", "https://api.webadmit.org", "identities"}, "--sandbox serves its own"},
		{"sandbox with a key", nil, []string{"--sandbox", "--api-key", "k", "identities"}, "drop --api-key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, t.TempDir(), tt.env, tt.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, want %d; stderr %q lacks %q", r.code, exitUsage, r.stderr, tt.stderr)
			}
		})
	}
}

// TestErrorPageEchoingKey: a proxy's error page that echoes the request's
// headers must not put the key on the terminal.
func TestErrorPageEchoingKey(t *testing.T) {
	t.Parallel()
	const key = "echoed-key-0123456789abcdef"
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><pre>x-api-key: " + r.Header.Get("x-api-key") + "\nraw " + r.Header.Get("x-api-key") + "</pre></html>"))
	}))
	defer proxy.Close()
	env := []string{"WEBADMIT_BASE_URL=" + proxy.URL, "WEBADMIT_API_KEY=" + key}
	for _, args := range [][]string{
		{"identities"},
		{"exports", "--identity", "42"},
		{"status", "--export", "1", "--file", "2"},
		{"pdf", "templates", "--identity", "42"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := runCLI(t, t.TempDir(), env, args...)
			if r.code != exitError || !strings.Contains(r.stderr, "502") {
				t.Errorf("exit %d, stderr %s", r.code, r.stderr)
			}
			assertNoSecrets(t, r, key)
		})
	}
}
