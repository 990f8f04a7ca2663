package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/wrapper"
)

// commandApp returns an app as run leaves it once the command args name
// has started: its flags parsed, talking to the API at base.
func commandApp(t *testing.T, base string, args ...string) *app {
	t.Helper()
	a := &app{env: func(string) string { return "" }, stdout: io.Discard, stderr: io.Discard}
	cmd, rest, err := a.rootCommand().Find(args)
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Fatal(err)
	}
	a.cmd = cmd
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	a.api = u
	return a
}

// headerTimeout is the error of a GET whose server never sends its
// headers, as the object store's client reports it, from a real client on
// loopback with a short header timeout.
func headerTimeout(t *testing.T) error {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	tr := &http.Transport{ResponseHeaderTimeout: 20 * time.Millisecond}
	defer tr.CloseIdleConnections()
	_, err := (&http.Client{Transport: tr}).Get(srv.URL + "/export.csv")
	if err == nil {
		t.Fatal("no header timeout")
	}
	return fmt.Errorf("webadmit: download failed after 6 attempts: %w", err)
}

// flagsNamed finds the flags a message names; quotedCommand finds the
// commands it suggests, whose flags are theirs.
var (
	flagsNamed    = regexp.MustCompile(`--[a-z][a-z-]*`)
	quotedCommand = regexp.MustCompile(`'webadmit [^']*'`)
)

// TestDescribeNamesOnlyFlagsTheCommandHas: the advice on a timeout names
// --timeout only for the commands that have it; for download, which has
// none, it says to run the download again. (The CLI cannot shorten the
// store's header timeout, so this tests describe in-process with a real
// header timeout from a loopback server.)
func TestDescribeNamesOnlyFlagsTheCommandHas(t *testing.T) {
	t.Parallel()
	const base = "https://api.webadmit.example"
	timeouts := map[string]error{
		"store header timeout": headerTimeout(t),
		"wait budget":          fmt.Errorf("%w: waiting for export 29897 run 74700: status still \"In Progress\" after 30m0s", wrapper.ErrTimeout),
		"deadline":             fmt.Errorf("webadmit: GET %s/api/v1/user_identities: %w", base, context.DeadlineExceeded),
	}
	tests := []struct {
		args        []string
		wantTimeout bool   // the advice names --timeout
		want        string // and this
	}{
		{[]string{"download", "--export", "29897", "--file", "74700"}, false, "webadmit download --export 29897 --file 74700"},
		{[]string{"pdf", "download", "--identity", "42", "--batch", "41"}, true, "webadmit pdf download --identity 42 --batch 41"},
		{[]string{"run", "--identity", "42", "--export", "29897"}, true, "webadmit files --identity 42"},
		{[]string{"pdf", "run", "--identity", "42", "--template", "2"}, true, "webadmit pdf batches --identity 42"},
		{[]string{"identities"}, false, "network"},
	}
	for _, tt := range tests {
		for name, err := range timeouts {
			t.Run(strings.Join(tt.args, " ")+"/"+name, func(t *testing.T) {
				t.Parallel()
				a := commandApp(t, base, tt.args...)
				msg := a.describe(err)
				if got := strings.Contains(msg, "--timeout"); got != tt.wantTimeout {
					t.Errorf("names --timeout: %v, want %v: %s", got, tt.wantTimeout, msg)
				}
				if !strings.Contains(msg, tt.want) {
					t.Errorf("lacks %q: %s", tt.want, msg)
				}
				for _, f := range flagsNamed.FindAllString(quotedCommand.ReplaceAllString(msg, ""), -1) {
					if a.cmd.Flags().Lookup(f[2:]) == nil && a.cmd.InheritedFlags().Lookup(f[2:]) == nil {
						t.Errorf("names %s, which %q lacks: %s", f, a.cmd.CommandPath(), msg)
					}
				}
				if code := a.exitCode(err); code != exitTimeout {
					t.Errorf("exit %d, want %d", code, exitTimeout)
				}
			})
		}
	}
}

// TestDescribeUnresolvableHost: a host name that does not resolve fails at
// once with advice on the setting that names it, exit 1. The errors are
// built as the resolver reports them, so that no test asks DNS.
func TestDescribeUnresolvableHost(t *testing.T) {
	t.Parallel()
	lookup := func(host string) error {
		return &url.Error{Op: "Get", URL: "https://" + host + "/x", Err: &net.OpError{Op: "dial", Net: "tcp",
			Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}}
	}
	tests := []struct {
		name, base string
		err        error
		want       []string
		wantNot    string
	}{
		{"API host", "https://nonexistent.invalid", fmt.Errorf("webadmit: listing identities: %w", lookup("nonexistent.invalid")),
			[]string{"cannot resolve nonexistent.invalid", "--base-url", "--domain", "WEBADMIT_BASE_URL", "network"}, ""},
		{"API host, retried until the budget ran out", "https://nonexistent.invalid:8443",
			fmt.Errorf("%w: starting export 1: gave up after 9 attempts in 17s: %w", wrapper.ErrTimeout, lookup("nonexistent.invalid")),
			[]string{"cannot resolve nonexistent.invalid", "--base-url"}, "--timeout"},
		{"store host", "https://api.webadmit.example", fmt.Errorf("webadmit: download failed after 6 attempts: %w", lookup("store.invalid")),
			[]string{"cannot resolve store.invalid", "object store", "network"}, "--base-url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := commandApp(t, tt.base, "run", "--identity", "42", "--export", "29897")
			msg := a.describe(tt.err)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("lacks %q: %s", w, msg)
				}
			}
			if tt.wantNot != "" && strings.Contains(msg, tt.wantNot) {
				t.Errorf("names %q: %s", tt.wantNot, msg)
			}
			if code := a.exitCode(tt.err); code != exitError {
				t.Errorf("exit %d, want %d", code, exitError)
			}
		})
	}
}

// TestExitCodeUnauthorizedOnlyFromTheAPI: errors.Is(err, ErrUnauthorized)
// holds for a store's 401 too (until the library tells them apart); the
// CLI exits 6 only when the answer came from the API's host.
func TestExitCodeUnauthorizedOnlyFromTheAPI(t *testing.T) {
	t.Parallel()
	a := commandApp(t, "https://api.webadmit.example", "download", "--export", "1", "--file", "2")
	api := &wrapper.APIError{StatusCode: 401, Status: "401 Unauthorized", Method: "GET", URL: "https://api.webadmit.example/api/v1/exports/1/export_files/2"}
	apiPort := &wrapper.APIError{StatusCode: 401, Status: "401 Unauthorized", Method: "GET", URL: "https://API.webadmit.example:443/api/v1/exports/1/export_files/2"}
	store := &wrapper.APIError{StatusCode: 401, Status: "401 Unauthorized", Method: "GET", URL: "https://bucket.s3.amazonaws.com/export_files/x.csv"}
	for _, tt := range []struct {
		name string
		err  error
		want int
	}{
		{"API", fmt.Errorf("webadmit: download: %w", api), exitUnauthorized},
		{"API, default port spelled out", apiPort, exitUnauthorized},
		{"store", fmt.Errorf("webadmit: download: %w", store), exitError},
		{"no URL", &wrapper.APIError{StatusCode: 401}, exitUnauthorized},
		{"sentinel", wrapper.ErrUnauthorized, exitUnauthorized},
		{"other", errors.New("x"), exitError},
	} {
		if got := a.exitCode(tt.err); got != tt.want {
			t.Errorf("%s: exit %d, want %d (%s)", tt.name, got, tt.want, a.describe(tt.err))
		}
	}
}
