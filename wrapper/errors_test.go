package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/wrapper/internal/apiclient"
)

func response(status int, contentType, body string, header ...string) (*http.Response, []byte) {
	u, _ := url.Parse("https://api.webadmit.org/api/v1/exports/7/export_files/555?callback=https://me/cb?token=abc")
	resp := &http.Response{
		StatusCode: status,
		Header:     http.Header{},
		Request:    &http.Request{Method: http.MethodGet, URL: u},
	}
	resp.Status = fmt.Sprintf("%d %s", status, http.StatusText(status))
	if contentType != "" {
		resp.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		resp.Header.Set(header[i], header[i+1])
	}
	return resp, []byte(body)
}

func TestCheckResponse(t *testing.T) {
	t.Parallel()
	const html502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body></html>"
	tests := []struct {
		name       string
		status     int
		ctype      string
		body       string
		header     []string
		is         []error // errors.Is must hold
		isNot      []error
		kind       NotFoundKind
		id         string
		retryAfter time.Duration
		contains   []string
	}{
		{name: "200", status: 200, ctype: "application/json", body: `{}`},
		{name: "201", status: 201, body: ``},
		{name: "401 empty", status: 401, is: []error{ErrUnauthorized}, isNot: []error{ErrNotFound, ErrRateLimited},
			contains: []string{"401 Unauthorized", "API key was refused", "GET https://api.webadmit.org/api/v1/exports/7/export_files/555?REDACTED"}},
		{name: "404 user identity", status: 404, ctype: "application/json", body: `{"message": "User identity '999' not found."}`,
			is: []error{ErrNotFound}, kind: NotFoundUserIdentity, id: "999", contains: []string{`user identity "999" not found`}},
		{name: "404 program", status: 404, ctype: "application/json", body: `{"message": "Program '99999999999' not found."}`,
			is: []error{ErrNotFound}, kind: NotFoundProgram, id: "99999999999"},
		{name: "404 applicant", status: 404, ctype: "application/json", body: `{"message": "Applicant '12' not found."}`,
			is: []error{ErrNotFound}, kind: NotFoundApplicant, id: "12"},
		{name: "404 custom field, server spelling", status: 404, ctype: "application/json", body: `{"message": "CustomeField '5' not found."}`,
			is: []error{ErrNotFound}, kind: NotFoundCustomField, id: "5", contains: []string{"custom field"}},
		{name: "404 legacy", status: 404, ctype: "application/json", body: `{"message": "Not Found"}`,
			is: []error{ErrNotFound}, kind: NotFoundLegacy, contains: []string{"generic message"}},
		{name: "404 other message", status: 404, ctype: "application/json", body: `{"message": "Export gone"}`,
			is: []error{ErrNotFound}, kind: NotFoundUnknown, contains: []string{"Export gone"}},
		{name: "404 html", status: 404, ctype: "text/html", body: "<h1>nope</h1>", is: []error{ErrNotFound}, kind: NotFoundUnknown},
		{name: "429 seconds", status: 429, ctype: "application/json", body: `{"message": "Rate limit exceeded"}`,
			header: []string{"Retry-After", "120", "X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "0"},
			is:     []error{ErrRateLimited}, retryAfter: 2 * time.Minute, contains: []string{"retry after 2m0s", "0 of 5000"}},
		// "+90s" becomes the HTTP date 90 s after the subtest starts.
		{name: "429 date", status: 429, header: []string{"Retry-After", "+90s"},
			is: []error{ErrRateLimited}, retryAfter: 90 * time.Second},
		{name: "429 no header", status: 429, is: []error{ErrRateLimited}, contains: []string{"wait before retrying"}},
		{name: "502 html", status: 502, ctype: "text/html", body: html502, isNot: []error{ErrNotFound, ErrUnauthorized},
			contains: []string{"502 Bad Gateway", "<title>502 Bad Gateway</title>", "a proxy in front of it failed"}},
		{name: "500 json", status: 500, ctype: "application/json", body: `{"error": "boom"}`, contains: []string{": boom"}},
		{name: "403 with a signature in the body", status: 403, ctype: "application/xml",
			body:     `<Error><Code>AccessDenied</Code><URL>https://s3/x?Signature=abcdef&Expires=1</URL></Error>`,
			contains: []string{"s3/x?REDACTED", "AccessDenied"}},
		{name: "400 long body", status: 400, body: strings.Repeat("x", 10000), contains: []string{"…"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			header := slices.Clone(tt.header)
			for i, v := range header {
				if d, err := time.ParseDuration(strings.TrimPrefix(v, "+")); err == nil && strings.HasPrefix(v, "+") {
					header[i] = time.Now().Add(d).UTC().Format(http.TimeFormat)
				}
			}
			resp, body := response(tt.status, tt.ctype, tt.body, header...)
			err := collect(CheckResponse(resp, body))
			if tt.status < 300 {
				if err != nil {
					t.Fatalf("CheckResponse = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatal("CheckResponse = nil")
			}
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != tt.status {
				t.Fatalf("errors.As(*APIError) failed or wrong status: %#v", err)
			}
			if strings.Contains(err.Error(), "token=abc") {
				t.Errorf("query leaked into %q", err)
			}
			if len(err.Error()) > 700 {
				t.Errorf("error is %d bytes long", len(err.Error()))
			}
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(%v, %v) = false", err, target)
				}
			}
			for _, target := range tt.isNot {
				if errors.Is(err, target) {
					t.Errorf("errors.Is(%v, %v) = true", err, target)
				}
			}
			if tt.status == 404 {
				var nf *NotFoundError
				if !errors.As(err, &nf) {
					t.Fatalf("not a *NotFoundError: %T", err)
				}
				if nf.Kind != tt.kind || nf.ID != tt.id {
					t.Errorf("kind, id = %v, %q; want %v, %q", nf.Kind, nf.ID, tt.kind, tt.id)
				}
			}
			if tt.status == 429 {
				var rl *RateLimitError
				if !errors.As(err, &rl) {
					t.Fatalf("not a *RateLimitError: %T", err)
				}
				if d := rl.RetryAfter - tt.retryAfter; d < -5*time.Second || d > 0 {
					t.Errorf("RetryAfter = %v, want %v", rl.RetryAfter, tt.retryAfter)
				}
			}
			for _, want := range tt.contains {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}

func TestCheckResponseNil(t *testing.T) {
	t.Parallel()
	if err := collect(CheckResponse(nil, nil)); err == nil {
		t.Fatal("CheckResponse(nil) = nil")
	}
}

// TestUndocumentedAnswers makes the status call meet answers the spec does
// not describe: every one becomes a clear *APIError, never a panic.
func TestUndocumentedAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		ctype    string
		body     string
		contains string
	}{
		{"empty 200", 200, "application/json", "", "empty body"},
		{"malformed JSON", 200, "application/json", `{'export_files': }`, "not the expected JSON"},
		{"truncated JSON", 200, "application/json", `{"export_files": {"id": 5`, "not the expected JSON"},
		{"HTML 200", 200, "text/html", "<html>captive portal</html>", "not the expected JSON"},
		{"no export_files", 200, "application/json", `{"foo": 1}`, "lacks the expected fields"},
		{"wrong types", 200, "application/json", `{"export_files": {"id": "x", "status": 3}}`, "not the expected JSON"},
		{"null envelope", 200, "application/json", `{"export_files": null}`, "lacks the expected fields"},
		{"JSON array", 200, "application/json", `[1,2]`, "not the expected JSON"},
		{"huge body", 200, "application/json", `{"export_files": {"id": 1, "status": "` + strings.Repeat("a", apiclient.MaxBody) + `"}}`, "larger than"},
		{"204", 204, "", "", "empty body"},
		{"HTML 502", 502, "text/html", "<html><title>502 Bad Gateway</title></html>", "502 Bad Gateway"},
		{"HTML 418", 418, "text/html", "<p>teapot</p>", "teapot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.ctype != "" {
					w.Header().Set("Content-Type", tt.ctype)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			c := newTestClient(t, s.URL)
			run, err := c.ExportRun(7, 555).Poll(context.Background())
			collect(err)
			if err == nil || run != nil {
				t.Fatalf("Poll = %v, %v; want an error", run, err)
			}
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != tt.status {
				t.Fatalf("want *APIError with status %d, got %T %v", tt.status, err, err)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q lacks %q", err, tt.contains)
			}
			if len(err.Error()) > 800 {
				t.Errorf("error is %d bytes long", len(err.Error()))
			}
		})
	}
}

func TestJobErrorMatching(t *testing.T) {
	t.Parallel()
	failed := &JobError{Job: "export 1 run 2", Status: StatusFailed, failed: ErrExportFailed}
	empty := &JobError{Job: "export 1 run 2", Status: StatusEmptyList, failed: ErrExportFailed}
	if !errors.Is(failed, ErrExportFailed) || errors.Is(failed, ErrEmptyList) || errors.Is(failed, ErrPDFBatchFailed) {
		t.Error("Failed run matches wrongly")
	}
	if !errors.Is(empty, ErrEmptyList) || errors.Is(empty, ErrExportFailed) {
		t.Error("Empty List run matches wrongly")
	}
	for _, e := range []error{failed, empty} {
		if !strings.Contains(collect(e).Error(), "run 2") {
			t.Errorf("%v does not name the run", e)
		}
	}
}

// TestClientCheckResponseScrubsKey: an error page that echoes the request's
// key in a form no pattern knows is still scrubbed by the client's method.
func TestClientCheckResponseScrubsKey(t *testing.T) {
	t.Parallel()
	const key = "k3y-that-looks-like-nothing-special"
	c, err := New(key, WithBaseURL("https://api.example.org"))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("https://api.example.org/api/v1/user_identities")
	resp := &http.Response{StatusCode: 502, Status: "502 Bad Gateway", Header: http.Header{}, Request: &http.Request{Method: "GET", URL: u}}
	body := []byte("<html><body>upstream refused key " + key + "</body></html>")
	err = c.CheckResponse(resp, body)
	if err == nil || strings.Contains(err.Error(), key) {
		t.Fatalf("Client.CheckResponse = %v; want an error without the key", err)
	}
	if err := CheckResponse(resp, []byte("<pre>x-api-key: "+key+"</pre>")); err == nil || strings.Contains(err.Error(), key) {
		t.Fatalf("CheckResponse = %v; want an error without the echoed header", err)
	}
}

// TestCheckResponseShowsNoKeyPrefix: a 502 page echoing the key past the
// snippet's cut shows no part of it.
func TestCheckResponseShowsNoKeyPrefix(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "https://api.example.org")
	page := "<html><body>" + strings.Repeat("upstream error ", 10) + "x-key " + testAPIKey + "</body></html>"
	u, _ := http.NewRequest(http.MethodGet, "https://api.example.org/api/v1/exports", nil)
	err := c.CheckResponse(&http.Response{StatusCode: 502, Status: "502 Bad Gateway", Header: http.Header{}, Request: u}, []byte(page))
	if leaked := keyPrefixIn(collect(err).Error(), testAPIKey); leaked != "" {
		t.Errorf("CheckResponse error holds %q of the key: %v", leaked, err)
	}
}

// keyPrefixIn returns the longest prefix of key, 8 characters or more,
// that s contains, or "".
func keyPrefixIn(s, key string) string {
	for n := len(key); n >= 8; n-- {
		if strings.Contains(s, key[:n]) {
			return key[:n]
		}
	}
	return ""
}
