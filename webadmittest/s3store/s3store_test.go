package s3store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/webadmit-go/webadmit/internal/s3test"
	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/webadmittest/s3store"
)

// TestMain starts SeaweedFS when $WEBADMIT_WEED names it (make test-s3);
// without it the tests that need it skip.
func TestMain(m *testing.M) {
	code := s3test.Main(m)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			os.Stderr.WriteString("goleak: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}

// fetch GETs url as stored (no content coding asked for or decoded).
func fetch(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: time.Minute}).Get(url)
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

func TestPutKeepsBytesAndHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		size      int64
		partSize  int64
		encoding  string
		etagParts string // suffix of a multipart ETag, "" for a single PutObject
	}{
		{"one PutObject", 100 << 10, 0, "", ""},
		{"one PutObject with a stored content coding", 1000, 0, "gzip", ""},
		{"multipart, three parts", 12 << 20, 5 << 20, "", "-3"},
		{"multipart with a stored content coding", 11 << 20, 5 << 20, "gzip", "-3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := s3test.NewStore(t, s3store.Options{PartSize: tt.partSize})
			body := make([]byte, tt.size)
			for i := range body {
				body[i] = byte(i*7 + i/251)
			}
			obj := webadmittest.Object{Key: "put/" + strings.ReplaceAll(tt.name, " ", "-"),
				Body: bytes.NewReader(body), Size: tt.size, ContentType: "text/csv;charset=iso-8859-1",
				ContentDisposition: "attachment; filename=Nightly-Banner-Export.csv", ContentEncoding: tt.encoding}
			if err := store.Put(t.Context(), obj); err != nil {
				t.Fatal(err)
			}
			url, err := store.PresignGet(t.Context(), obj.Key, time.Now().Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(url, "X-Amz-Signature=") || !strings.Contains(url, "X-Amz-Expires=60") {
				t.Errorf("not a SigV4 URL valid for 60 s: %s", strings.SplitN(url, "?", 2)[0])
			}
			resp, got := fetch(t, url)
			if resp.StatusCode != http.StatusOK || sha256.Sum256(got) != sha256.Sum256(body) {
				t.Fatalf("GET: %d, %d bytes, want %d bytes as put", resp.StatusCode, len(got), len(body))
			}
			for k, want := range map[string]string{"Content-Type": obj.ContentType,
				"Content-Disposition": obj.ContentDisposition, "Content-Encoding": tt.encoding} {
				if g := resp.Header.Get(k); g != want {
					t.Errorf("%s: %q, want %q", k, g, want)
				}
			}
			if etag := resp.Header.Get("ETag"); !strings.HasSuffix(etag, tt.etagParts+`"`) {
				t.Errorf("ETag %s, want one ending %q", etag, tt.etagParts)
			}
		})
	}
}

func TestPresignedURLsExpire(t *testing.T) {
	t.Parallel()
	store := s3test.NewStore(t, s3store.Options{})
	if err := store.Put(t.Context(), webadmittest.Object{Key: "expire/k", Body: strings.NewReader("abc"), Size: 3}); err != nil {
		t.Fatal(err)
	}
	presign := func(expires time.Time) string {
		u, err := store.PresignGet(context.Background(), "expire/k", expires)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	past, soon := presign(time.Now().Add(-time.Millisecond)), presign(time.Now().Add(3*time.Second))
	if resp, body := fetch(t, past); resp.StatusCode != http.StatusForbidden || !bytes.Contains(body, []byte("Request has expired")) {
		t.Errorf("a URL asked to have expired: %d %s", resp.StatusCode, body)
	}
	if resp, body := fetch(t, soon); resp.StatusCode != http.StatusOK || string(body) != "abc" {
		t.Errorf("a fresh URL: %d %s", resp.StatusCode, body)
	}
	time.Sleep(3100 * time.Millisecond) // it ends at a whole second at most 3 s from its making
	resp, body := fetch(t, soon)
	if resp.StatusCode != http.StatusForbidden || !bytes.Contains(body, []byte("<Code>AccessDenied</Code>")) {
		t.Errorf("the URL after its lifetime: %d %s", resp.StatusCode, body)
	}
}

func TestCreateBucketTwice(t *testing.T) {
	t.Parallel()
	store := s3test.NewStore(t, s3store.Options{}) // created once
	if err := store.CreateBucket(t.Context()); err != nil {
		t.Errorf("creating an owned bucket again: %v", err)
	}
}
