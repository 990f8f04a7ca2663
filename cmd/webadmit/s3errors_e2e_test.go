package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// fakeS3 is an S3 endpoint (path-style) that has no objects, takes part 1
// of a multipart upload and answers 403 AccessDenied to everything else
// that writes: PutObject, and any later part.
func fakeS3(t *testing.T, headStatus int) *httptest.Server {
	t.Helper()
	denied := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>r1</RequestId></Error>`)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		q := r.URL.Query()
		switch {
		case r.Method == http.MethodHead:
			w.WriteHeader(headStatus)
		case r.Method == http.MethodPost && q.Has("uploads"):
			w.Header().Set("Content-Type", "application/xml")
			_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>lake</Bucket><Key>k</Key><UploadId>u1</UploadId></InitiateMultipartUploadResult>`)
		case r.Method == http.MethodPut && q.Get("partNumber") == "1":
			w.Header().Set("ETag", `"e1"`)
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		default:
			denied(w)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestS3ErrorsInPlainWords: -o s3://… with no AWS credentials says which
// variables to set, before any call to the API; a store that refuses a
// write is said in a sentence (status, code, which step, what to check),
// never as the AWS SDK's chain of operations.
func TestS3ErrorsInPlainWords(t *testing.T) {
	t.Parallel()
	exports := webadmittest.WithExports(
		webadmittest.Export{ID: 100, IdentityID: identityID, Name: "Small", FileName: "small.csv", Content: []byte(latin1CSV)},
		webadmittest.Export{ID: 200, IdentityID: identityID, Name: "Big", FileName: "big.csv",
			Content: bytes.Repeat([]byte("0123456789abcdef\n"), 20<<20/17)}) // two parts of 16 MiB at most
	none := filepath.Join(t.TempDir(), "none")
	tests := []struct {
		name       string
		creds      bool
		endpoint   string // AWS_ENDPOINT_URL_S3 in place of the fake store
		headStatus int
		args       []string
		wantCode   int
		stderr     []string
		noCalls    bool
	}{
		{name: "no credentials", args: []string{"--export", "100", "-o", "s3://lake/x.csv"}, wantCode: exitError, noCalls: true,
			stderr: []string{"cannot write s3://lake/x.csv: no AWS credentials were found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), AWS_REGION, and AWS_ENDPOINT_URL_S3 for a store other than AWS"}},
		{name: "no credentials, with --force", args: []string{"--export", "100", "-o", "s3://lake/x.csv", "--force"}, wantCode: exitError, noCalls: true,
			stderr: []string{"no AWS credentials were found"}},
		{name: "checking the object is forbidden", creds: true, headStatus: http.StatusForbidden, args: []string{"--export", "100", "-o", "s3://lake/x.csv"},
			wantCode: exitError, noCalls: true,
			stderr: []string{"the store answered 403 Forbidden to checking whether s3://lake/x.csv exists; check the credentials' permission"}},
		{name: "a small file's upload is denied", creds: true, headStatus: http.StatusNotFound, args: []string{"--export", "100", "-o", "s3://lake/x.csv"},
			wantCode: exitError, stderr: []string{"the store answered 403 AccessDenied to uploading s3://lake/x.csv; check the credentials' permission to write there"}},
		{name: "part 2 of the upload is denied", creds: true, headStatus: http.StatusNotFound, args: []string{"--export", "200", "-o", "s3://lake/big.csv"},
			wantCode: exitError, stderr: []string{"the store answered 403 AccessDenied to uploading part 2 of s3://lake/big.csv; check the credentials' permission to write there"}},
		{name: "nothing listens at the endpoint", creds: true, endpoint: "http://127.0.0.1:1", args: []string{"--export", "100", "-o", "s3://lake/x.csv"},
			wantCode: exitError, noCalls: true,
			stderr: []string{"could not reach the object store while checking whether s3://lake/x.csv exists: cannot connect to 127.0.0.1:1", "check AWS_ENDPOINT_URL_S3 and the network"}},
		{name: "the endpoint's host does not resolve", creds: true, endpoint: "http://no-such-store.invalid:9000", args: []string{"--export", "100", "-o", "s3://lake/x.csv"},
			wantCode: exitError, noCalls: true,
			stderr: []string{"could not reach the object store while checking whether s3://lake/x.csv exists: cannot resolve no-such-store.invalid", "check AWS_ENDPOINT_URL_S3"}},
		{name: "the endpoint is not a URL", creds: true, endpoint: "not a url", args: []string{"--export", "100", "-o", "s3://lake/x.csv"},
			wantCode: exitUsage, noCalls: true,
			stderr: []string{`AWS_ENDPOINT_URL_S3 "not a url" is not an http or https URL with a host`}},
		{name: "the endpoint is ftp", creds: true, endpoint: "ftp://store.example", args: []string{"--export", "100", "-o", "s3://lake/x.csv"},
			wantCode: exitUsage, noCalls: true,
			stderr: []string{`AWS_ENDPOINT_URL_S3 "ftp://store.example" is not an http or https URL with a host`}},
		{name: "the endpoint has no host", creds: true, endpoint: "https://", args: []string{"--export", "100", "-o", "s3://lake/x.csv"},
			wantCode: exitUsage, noCalls: true,
			stderr: []string{`AWS_ENDPOINT_URL_S3 "https://" is not an http or https URL with a host`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := webadmittest.NewTest(t, webadmittest.WithIdentities(webadmittest.Identity{ID: identityID}), exports)
			env := append(sandboxEnv(s), "AWS_CONFIG_FILE="+none, "AWS_SHARED_CREDENTIALS_FILE="+none, "AWS_REGION=us-east-1")
			if tt.creds {
				endpoint := tt.endpoint
				if endpoint == "" {
					endpoint = fakeS3(t, tt.headStatus).URL
				}
				env = append(env, "AWS_ACCESS_KEY_ID=AKIDCLITEST", "AWS_SECRET_ACCESS_KEY=cli-test-secret", "AWS_ENDPOINT_URL_S3="+endpoint)
			}
			r := runCLI(t, t.TempDir(), env, append([]string{"run", "--identity", "7"}, tt.args...)...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d:\n%s", r.code, tt.wantCode, r.stderr)
			}
			for _, w := range tt.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			for _, w := range []string{"operation error", "StatusCode:", "RequestID", "IMDS", "get identity", "s3dest", "webadmit: webadmit:", "answered 0", "resolve endpoint", "rule error"} {
				if strings.Contains(r.stderr, w) {
					t.Errorf("stderr holds the SDK's %q:\n%s", w, r.stderr)
				}
			}
			if calls := s.Recorder().String(); tt.noCalls && calls != "calls:" {
				t.Errorf("calls before the S3 output was known to work: %s", calls)
			}
			assertNoSecrets(t, r, s.APIKey(), "cli-test-secret")
		})
	}
}
