package s3test_test

// What the download path relies on, checked on SeaweedFS's S3 gateway
// with plain HTTP requests: these are the behaviours the wrapper's tests
// below meet, and the ones the sandbox's built-in store imitates.

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/internal/s3test"
	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/webadmittest/s3store"
)

// rawGet sends one GET with the given headers, without asking for or
// decoding any content coding, and returns the answer and its body.
func rawGet(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "identity")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// put stores body under key with the headers S3 keeps.
func put(t *testing.T, store *s3store.Store, key string, body []byte, encoding string) {
	t.Helper()
	err := store.Put(context.Background(), webadmittest.Object{Key: key, Body: bytes.NewReader(body), Size: int64(len(body)),
		ContentType: "text/csv;charset=iso-8859-1", ContentDisposition: "attachment; filename=Stored Name.csv", ContentEncoding: encoding})
	if err != nil {
		t.Fatal(err)
	}
}

func presign(t *testing.T, store *s3store.Store, key string, expires time.Time) string {
	t.Helper()
	u, err := store.PresignGet(context.Background(), key, expires)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSeaweedFSBehaviour(t *testing.T) {
	store := s3test.NewStore(t, s3store.Options{})
	body := bytes.Repeat([]byte("0123456789"), 1000)
	put(t, store, "behaviour/plain.csv", body, "")
	put(t, store, "behaviour/gzip.csv", body, "gzip") // the bytes are not gzip: a store must not care
	url := presign(t, store, "behaviour/plain.csv", time.Now().Add(time.Minute))
	gzURL := presign(t, store, "behaviour/gzip.csv", time.Now().Add(time.Minute))

	whole, got := rawGet(t, url)
	etag := whole.Header.Get("ETag")
	t.Logf("GET: %d, ETag %s, Content-Type %q, Content-Disposition %q, Content-Length %s, Accept-Ranges %q",
		whole.StatusCode, etag, whole.Header.Get("Content-Type"), whole.Header.Get("Content-Disposition"),
		whole.Header.Get("Content-Length"), whole.Header.Get("Accept-Ranges"))
	if whole.StatusCode != http.StatusOK || !bytes.Equal(got, body) || etag == "" {
		t.Fatalf("GET: %d, %d bytes, ETag %q", whole.StatusCode, len(got), etag)
	}

	tests := []struct {
		name       string
		url        string
		header     []string
		wantStatus int
		wantHeader map[string]string
		wantBody   []byte
	}{
		{"stored headers", url, nil, http.StatusOK,
			map[string]string{"Content-Type": "text/csv;charset=iso-8859-1", "Content-Disposition": "attachment; filename=Stored Name.csv"}, body},
		{"range", url, []string{"Range", "bytes=100-"}, http.StatusPartialContent,
			map[string]string{"Content-Range": "bytes 100-9999/10000", "ETag": etag}, body[100:]},
		{"stored encoding on a whole GET", gzURL, nil, http.StatusOK,
			map[string]string{"Content-Encoding": "gzip"}, body},
		{"stored encoding on a range GET", gzURL, []string{"Range", "bytes=5000-"}, http.StatusPartialContent,
			map[string]string{"Content-Encoding": "gzip", "Content-Range": "bytes 5000-9999/10000"}, body[5000:]},
		{"If-Match held", url, []string{"Range", "bytes=10-", "If-Match", etag}, http.StatusPartialContent, nil, body[10:]},
		{"If-Match another ETag", url, []string{"Range", "bytes=10-", "If-Match", `"0123"`}, http.StatusPreconditionFailed, nil, nil},
		{"range past the end", url, []string{"Range", "bytes=10000-"}, http.StatusRequestedRangeNotSatisfiable,
			map[string]string{"Content-Range": "bytes */10000"}, nil},
		{"expired URL", presign(t, store, "behaviour/plain.csv", time.Now().Add(-time.Second)), nil, http.StatusForbidden, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, got := rawGet(t, tt.url, tt.header...)
			t.Logf("%q: %d, Content-Range %q, Content-Encoding %q, ETag %s %s", tt.header, resp.StatusCode,
				resp.Header.Get("Content-Range"), resp.Header.Get("Content-Encoding"), resp.Header.Get("ETag"), errorCode(resp, got))
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			for k, v := range tt.wantHeader {
				if g := resp.Header.Get(k); g != v {
					t.Errorf("%s: %q, want %q", k, g, v)
				}
			}
			if tt.wantBody != nil && !bytes.Equal(got, tt.wantBody) {
				t.Errorf("body: %d bytes, want %d", len(got), len(tt.wantBody))
			}
		})
	}
}

// errorCode is the Code and Message of an S3 XML error body, or "".
func errorCode(resp *http.Response, body []byte) string {
	if resp.StatusCode < 400 {
		return ""
	}
	var e struct{ Code, Message string }
	if err := xml.Unmarshal(body, &e); err != nil {
		return "(not S3 XML: " + err.Error() + ")"
	}
	return e.Code + ": " + e.Message
}
