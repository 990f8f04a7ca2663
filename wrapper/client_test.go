package wrapper

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestNewValidatesKeyAndBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		key     string
		opts    []Option
		wantErr string // substring; "" means success
		wantURL string
	}{
		{name: "default", key: testAPIKey, wantURL: "https://api.webadmit.org"},
		{name: "empty key", key: "  ", wantErr: "empty API key"},
		{name: "key with space", key: "abc def", wantErr: "spaces"},
		{name: "key with newline", key: "abc\ndef" + testAPIKey, wantErr: "spaces"},
		{name: "domain", key: testAPIKey, opts: []Option{WithDomain("staging")}, wantURL: "https://staging.webadmit.org"},
		{name: "bad domain", key: testAPIKey, opts: []Option{WithDomain("evil.com/x")}, wantErr: "one DNS label"},
		{name: "https", key: testAPIKey, opts: []Option{WithBaseURL("https://example.org/prefix/")}, wantURL: "https://example.org/prefix"},
		{name: "http loopback v4", key: testAPIKey, opts: []Option{WithBaseURL("http://127.0.0.1:8080")}, wantURL: "http://127.0.0.1:8080"},
		{name: "http loopback v6", key: testAPIKey, opts: []Option{WithBaseURL("http://[::1]:8080")}, wantURL: "http://[::1]:8080"},
		{name: "http localhost", key: testAPIKey, opts: []Option{WithBaseURL("http://localhost:1")}, wantURL: "http://localhost:1"},
		{name: "plain http refused", key: testAPIKey, opts: []Option{WithBaseURL("http://api.webadmit.org")}, wantErr: "plain http"},
		{name: "other scheme", key: testAPIKey, opts: []Option{WithBaseURL("ftp://api.webadmit.org")}, wantErr: "scheme"},
		{name: "relative", key: testAPIKey, opts: []Option{WithBaseURL("/api")}, wantErr: "not an absolute URL"},
		{name: "query", key: testAPIKey, opts: []Option{WithBaseURL("https://h/?token=abc")}, wantErr: "no user info, query"},
		{name: "nil http client", key: testAPIKey, opts: []Option{WithHTTPClient(nil)}, wantErr: "nil client"},
		{name: "nil logger", key: testAPIKey, opts: []Option{WithLogger(nil)}, wantErr: "nil logger"},
		{name: "bad poll policy", key: testAPIKey, opts: []Option{WithPollPolicy(PollPolicy{MinDelay: 10, MaxDelay: 5})}, wantErr: "MinDelay"},
		{name: "bad jitter", key: testAPIKey, opts: []Option{WithPollPolicy(PollPolicy{Jitter: 1})}, wantErr: "Jitter"},
		{name: "user agent newline", key: testAPIKey, opts: []Option{WithUserAgent("a\r\nb")}, wantErr: "line break"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.key, tt.opts...)
			collect(err)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New: err = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "abc") {
					t.Errorf("error repeats the key: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got := c.base.String(); got != tt.wantURL {
				t.Errorf("BaseURL = %q, want %q", got, tt.wantURL)
			}
		})
	}
}

// TestAPIKeyStaysOnTheAPIHost follows redirects from the API, through the
// generated client as c.API() exposes it: the key follows a redirect on the
// API host and never one to another host.
func TestAPIKeyStaysOnTheAPIHost(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[string]string{} // path -> x-api-key
	record := func(r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		seen[r.Host+r.URL.Path] = r.Header.Get("x-api-key")
	}
	other := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record(r)
		writeJSON(w, http.StatusOK, map[string]any{"exports": []any{}})
	}))
	var api string
	apiSrv := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record(r)
		switch r.URL.Path {
		case "/api/v1/exports":
			http.Redirect(w, r, "/moved", http.StatusFound)
		case "/moved":
			http.Redirect(w, r, other.URL+"/elsewhere?X-Amz-Signature=abc", http.StatusFound)
		}
	}))
	api = strings.TrimPrefix(apiSrv.URL, "http://")
	c := newTestClient(t, apiSrv.URL, WithUserAgent("nightly/1.0"))
	r, err := c.API().ListExportsWithResponse(context.Background())
	if err != nil {
		t.Fatal(collect(err))
	}
	if err := CheckResponse(r.HTTPResponse, r.Body); err != nil {
		t.Fatal(collect(err))
	}
	mu.Lock()
	defer mu.Unlock()
	if got := seen[api+"/api/v1/exports"]; got != testAPIKey {
		t.Errorf("API host got key %q, want the key", got)
	}
	if got := seen[api+"/moved"]; got != testAPIKey {
		t.Errorf("same-host redirect got key %q, want the key", got)
	}
	otherHost := strings.TrimPrefix(other.URL, "http://")
	if got, ok := seen[otherHost+"/elsewhere"]; !ok || got != "" {
		t.Errorf("other host: reached=%v key=%q, want reached without key", ok, got)
	}
}

// TestCheckRedirectStripsKeyAddedByCaller covers a key added by a request
// editor of the caller: the redirect policy removes it before another host.
func TestCheckRedirectStripsKeyAddedByCaller(t *testing.T) {
	t.Parallel()
	got := make(chan string, 1)
	other := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("x-api-key")
		writeJSON(w, http.StatusOK, map[string]any{})
	}))
	apiSrv := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/x", http.StatusFound)
	}))
	c := newTestClient(t, apiSrv.URL)
	_, err := c.API().ListExportsWithResponse(context.Background(), func(_ context.Context, r *http.Request) error {
		r.Header.Set("x-api-key", testAPIKey)
		return nil
	})
	if err != nil {
		t.Fatal(collect(err))
	}
	if k := <-got; k != "" {
		t.Errorf("other host got x-api-key %q", k)
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	ua := make(chan string, 1)
	s := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua <- r.Header.Get("User-Agent")
		writeJSON(w, http.StatusOK, map[string]any{})
	}))
	c := newTestClient(t, s.URL, WithUserAgent("nightly/1.0"))
	if _, err := c.API().ListUserIdentitiesWithResponse(context.Background()); err != nil {
		t.Fatal(collect(err))
	}
	if got := <-ua; got != "nightly/1.0 webadmit-go" {
		t.Errorf("User-Agent = %q", got)
	}
}

// idleCloser records CloseIdleConnections calls.
type idleCloser struct {
	http.RoundTripper
	closed atomic.Int32
}

func (c *idleCloser) CloseIdleConnections() { c.closed.Add(1) }

func TestCloseIdleConnectionsReachesBothTransports(t *testing.T) {
	t.Parallel()
	api, store := &idleCloser{RoundTripper: http.DefaultTransport}, &idleCloser{RoundTripper: http.DefaultTransport}
	c := newTestClient(t, "http://127.0.0.1:1",
		WithHTTPClient(&http.Client{Transport: api}), WithDownloadHTTPClient(&http.Client{Transport: store}))
	c.CloseIdleConnections()
	if api.closed.Load() != 1 || store.closed.Load() != 1 {
		t.Errorf("CloseIdleConnections reached the API transport %d times and the store's %d times, want 1 and 1",
			api.closed.Load(), store.closed.Load())
	}
}
