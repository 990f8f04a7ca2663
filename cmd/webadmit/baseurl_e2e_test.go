package main

import (
	"net"
	"strings"
	"testing"
)

// TestBaseURLMistakes: a base URL the API cannot be reached at is a usage
// error, reported before a missing key is, that echoes what was typed
// (without user info or query) and shows the form expected.
func TestBaseURLMistakes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     []string
		args    []string
		want    []string
		wantNot []string
	}{
		{"no scheme, loopback", nil, []string{"--base-url", "127.0.0.1:8080", "identities"},
			[]string{`--base-url "127.0.0.1:8080"`, "no scheme", "http://127.0.0.1:8080", "https://api.webadmit.org"}, nil},
		{"no scheme, a host", nil, []string{"--base-url", "api.webadmit.org", "identities"},
			[]string{`--base-url "api.webadmit.org"`, "did you mean https://api.webadmit.org?"}, nil},
		{"ftp", nil, []string{"--base-url", "ftp://x", "identities"},
			[]string{`--base-url "ftp://x"`, `"ftp"`, "https://api.webadmit.org", "http://127.0.0.1:8080"}, nil},
		{"ftp from the environment", []string{"WEBADMIT_BASE_URL=ftp://x"}, []string{"identities"},
			[]string{`WEBADMIT_BASE_URL "ftp://x"`, "https://api.webadmit.org"}, nil},
		{"user info and query", nil, []string{"--base-url", "https://me:hunter2@api.webadmit.org/?key=s3cret", "identities"},
			[]string{"--base-url", "REDACTED", "https://api.webadmit.org"}, []string{"hunter2", "s3cret", "me:"}},
		{"plain http to a remote host", nil, []string{"--base-url", "http://api.webadmit.org", "identities"},
			[]string{`--base-url "http://api.webadmit.org"`, "https://api.webadmit.org", "loopback"}, nil},
		{"empty", nil, []string{"--base-url", "", "identities"},
			[]string{"--base-url is empty", "https://api.webadmit.org"}, nil},
		{"a space inside", nil, []string{"--base-url", "https://api.web admit.org", "identities"},
			[]string{`--base-url "https://api.web admit.org"`, "https://api.webadmit.org"}, nil},
	}
	for _, tt := range tests {
		for _, key := range []string{"without a key", "with a key"} {
			t.Run(tt.name+" "+key, func(t *testing.T) {
				t.Parallel()
				env := tt.env
				if key == "with a key" {
					env = append([]string{"WEBADMIT_API_KEY=k-0123456789"}, env...)
				}
				r := runCLI(t, t.TempDir(), env, tt.args...)
				if r.code != exitUsage {
					t.Errorf("exit %d, want %d", r.code, exitUsage)
				}
				for _, w := range tt.want {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
					}
				}
				for _, w := range append(tt.wantNot, "no API key", "<unparseable URL>") {
					if strings.Contains(r.stderr, w) {
						t.Errorf("stderr says %q:\n%s", w, r.stderr)
					}
				}
			})
		}
	}
}

// TestBaseURLSpacesAreTrimmed: spaces around a base URL (a pasted value)
// are dropped, as around the key.
func TestBaseURLSpacesAreTrimmed(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	r := runCLI(t, t.TempDir(), []string{"WEBADMIT_API_KEY=" + s.APIKey()}, "--base-url", " "+s.URL()+" ", "identities")
	if r.code != exitOK {
		t.Errorf("exit %d:\n%s", r.code, r.stderr)
	}
}

// TestConnectionRefused: nothing listening at the base URL is one line
// that names the host and port that refused and the settings to check, not
// Go's dial error; exit 1, also when run's retries ran out of --timeout
// before any run started.
func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now
	tests := []struct {
		name string
		env  []string
		args []string
		want []string
	}{
		{"flag", []string{"WEBADMIT_API_KEY=k-0123456789"}, []string{"--base-url", "http://" + addr, "identities"},
			[]string{addr, "refused", "--base-url", "WEBADMIT_BASE_URL", "--sandbox"}},
		{"environment", []string{"WEBADMIT_API_KEY=k-0123456789", "WEBADMIT_BASE_URL=http://" + addr}, []string{"programs", "--identity", "42"},
			[]string{addr, "refused", "WEBADMIT_BASE_URL", "--sandbox"}},
		{"run, retried until --timeout", []string{"WEBADMIT_API_KEY=k-0123456789", "WEBADMIT_BASE_URL=http://" + addr},
			[]string{"run", "--identity", "42", "--export", "29897", "--timeout", "3s"},
			[]string{addr, "refused", "WEBADMIT_BASE_URL", "--sandbox"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, t.TempDir(), tt.env, tt.args...)
			if r.code != exitError {
				t.Errorf("exit %d, want %d", r.code, exitError)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			for _, w := range []string{"dial tcp", `Get "`, `Post "`, "connect: "} {
				if strings.Contains(r.stderr, w) {
					t.Errorf("stderr says %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}
