package apiclient

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/wrapper/internal/ratelimit"
	"github.com/webadmit-go/webadmit/wrapper/internal/transfer"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

func TestParseBase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, want, err string
	}{
		{raw: "https://api.webadmit.org", want: "https://api.webadmit.org"},
		{raw: " https://api.webadmit.org/ ", want: "https://api.webadmit.org"},
		{raw: "https://api.webadmit.org/api/v1", want: "https://api.webadmit.org"},
		{raw: "https://api.webadmit.org/api/v2/", want: "https://api.webadmit.org"},
		{raw: "https://proxy.example.edu/webadmit", want: "https://proxy.example.edu/webadmit"},
		{raw: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{raw: "api.webadmit.org", err: "not an absolute URL"},
		{raw: "http://api.webadmit.org", err: "https"},
		{raw: "https://user:pw@api.webadmit.org", err: "no user info"},
		{raw: "https://api.webadmit.org?x-api-key=secret", err: "no user info, query"},
		{raw: "ftp://api.webadmit.org", err: "https"},
	}
	for _, tt := range tests {
		u, err := ParseBase(tt.raw, "https://api.webadmit.org")
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseBase(%q) err = %v, want one saying %q", tt.raw, err, tt.err)
			}
			if err != nil && strings.Contains(err.Error(), "secret") || err != nil && strings.Contains(err.Error(), "pw@") {
				t.Errorf("ParseBase(%q) err %q shows a secret", tt.raw, err)
			}
		case err != nil:
			t.Errorf("ParseBase(%q): %v", tt.raw, err)
		case u.String() != tt.want:
			t.Errorf("ParseBase(%q) = %s, want %s", tt.raw, u, tt.want)
		}
	}
}

// seen records the headers each server received.
type seen struct{ key, referer string }

func record(to *seen, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*to = seen{key: r.Header.Get(KeyHeader), referer: r.Header.Get("Referer")}
		h.ServeHTTP(w, r)
	})
}

func newClient(t *testing.T, base string) *http.Client {
	t.Helper()
	u, err := ParseBase(base, "")
	if err != nil {
		t.Fatal(err)
	}
	return New(nil, Config{Base: u, Key: "k-123", UserAgent: "test", Budget: ratelimit.New(1000, time.Hour, 1000),
		Clock: wait.System, Log: slog.New(slog.DiscardHandler)})
}

// TestKeyGoesToTheAPIOnly: the key reaches the API, never the host it
// redirects to, and no Referer carries the URL of either.
func TestKeyGoesToTheAPIOnly(t *testing.T) {
	t.Parallel()
	var apiSaw, otherSaw seen
	other := httptest.NewServer(record(&otherSaw, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	})))
	defer other.Close()
	api := httptest.NewServer(record(&apiSaw, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/file?X-Amz-Signature=abc", http.StatusFound)
	})))
	defer api.Close()
	hc := newClient(t, api.URL)
	resp, err := hc.Get(api.URL + "/api/v1/x?token=1")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if apiSaw.key != "k-123" {
		t.Errorf("the API got key %q", apiSaw.key)
	}
	if otherSaw.key != "" || otherSaw.referer != "" {
		t.Errorf("the other host got key %q and Referer %q", otherSaw.key, otherSaw.referer)
	}
}

// TestWithoutRedirectsReturnsTheRedirect: under WithoutRedirects the
// client hands back the 302 and does not follow it.
func TestWithoutRedirectsReturnsTheRedirect(t *testing.T) {
	t.Parallel()
	followed := false
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/there" {
			followed = true
		}
		http.Redirect(w, r, "/there", http.StatusFound)
	}))
	defer api.Close()
	hc := newClient(t, api.URL)
	req, _ := http.NewRequestWithContext(WithoutRedirects(t.Context()), http.MethodGet, api.URL+"/here", nil)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusFound || followed {
		t.Errorf("status %d, followed %v; want the 302 itself", resp.StatusCode, followed)
	}
}

// TestRedirectToPlainHTTPIsRefused: an API that redirects to http:// off
// loopback is refused, and the error holds no query.
func TestRedirectToPlainHTTPIsRefused(t *testing.T) {
	t.Parallel()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://files.example.com/f?X-Amz-Signature=abc", http.StatusFound)
	}))
	defer api.Close()
	hc := newClient(t, api.URL)
	_, err := Doer{hc}.Do(mustGet(t, api.URL+"/api/v1/x"))
	if !errors.Is(err, transfer.ErrRedirectRefused) {
		t.Fatalf("err = %v, want ErrRedirectRefused", err)
	}
	if strings.Contains(err.Error(), "abc") {
		t.Errorf("error %q shows the signature", err)
	}
}

// TestBodyIsBounded: an answer larger than MaxBody cannot fill memory.
func TestBodyIsBounded(t *testing.T) {
	t.Parallel()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		chunk := strings.Repeat("x", 1<<20)
		for range MaxBody/(1<<20) + 2 {
			_, _ = io.WriteString(w, chunk)
		}
	}))
	defer api.Close()
	resp, err := newClient(t, api.URL).Get(api.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil || n > MaxBody {
		t.Errorf("read %d bytes, err %v; want at most %d and an error", n, err, MaxBody)
	}
}

func mustGet(t *testing.T, raw string) *http.Request {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u.String(), nil)
	return req
}
