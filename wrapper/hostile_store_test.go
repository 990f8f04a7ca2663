package wrapper

// Regression tests for a hostile object store (issue 10): a stored content
// coding, a size it does not tell, an ETag it drops, redirects that leak
// or cannot be parsed, error pages that echo the key, a 401 of its own.

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// gzipped compresses b as a store holding a gzip-encoded object keeps it.
func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rangeStart reads N from a "bytes=N-" request header (0 when absent).
func rangeStart(r *http.Request) int {
	n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Range"), "bytes="), "-"))
	return n
}

// TestStoreContentEncodingIsOpaque: an object stored with Content-Encoding
// gzip is written as stored, cut or not, and is never decoded (so a gzip
// bomb cannot inflate on disk either).
func TestStoreContentEncodingIsOpaque(t *testing.T) {
	t.Parallel()
	plain := bytes.Repeat([]byte("name,city\nJosé,Zürich\n"), 20_000)
	stored := gzipped(t, plain)
	bomb := gzipped(t, make([]byte, 64<<20)) // 64 MiB of zeros in about 64 KiB
	tests := []struct {
		name    string
		content []byte
		cutAt   int // 0: no cut
		utf8    bool
	}{
		{name: "whole", content: stored},
		{name: "cut and resumed", content: stored, cutAt: len(stored) / 3},
		{name: "cut and resumed, UTF-8 asked", content: stored, cutAt: 1000, utf8: true},
		{name: "gzip bomb", content: bomb},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeStore(tt.content)
			store.extra = http.Header{"Content-Encoding": {"gzip"}}
			if tt.cutAt > 0 {
				store.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
					if n == 1 {
						cutAfter(store, w, r, tt.cutAt)
						return true
					}
					return false
				}
			}
			c, _ := setupDownload(t, store)
			var buf bytes.Buffer
			opts := []RunOption{}
			if tt.utf8 {
				opts = append(opts, TranscodeToUTF8())
			}
			res, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(&buf), opts...)
			if err != nil {
				t.Fatal(collect(err))
			}
			if !bytes.Equal(buf.Bytes(), tt.content) || res.SHA256 != sha(tt.content) {
				t.Fatalf("wrote %d bytes (sha %s); want the %d stored bytes (sha %s)", buf.Len(), res.SHA256, len(tt.content), sha(tt.content))
			}
			if res.Transcoded {
				t.Error("a content-coded object was transcoded")
			}
			for i, h := range store.requestHeaders() {
				if ae := h.Get("Accept-Encoding"); strings.Contains(ae, "gzip") {
					t.Errorf("request %d asked for Accept-Encoding %q", i+1, ae)
				}
			}
		})
	}
}

// closeDelimited answers without Content-Length: the body ends when the
// connection closes, so a cut looks like a clean end.
func closeDelimited(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Transfer-Encoding", "identity")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// TestStoreUnknownSizeIsConfirmed: when the store does not say how big the
// object is, the end of a body is confirmed by a Range request past it
// (416), and a body cut short is continued (206), never taken as the file.
func TestStoreUnknownSizeIsConfirmed(t *testing.T) {
	t.Parallel()
	content := pattern(40_000)
	tests := []struct {
		name       string
		fault      func(s *fakeStore) func(n int, w http.ResponseWriter, r *http.Request) bool
		wantRanges string
		wantErr    error
	}{
		{name: "no Content-Length, cut", wantRanges: ",bytes=15000-", // the 206 tells the size
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					if n == 1 {
						w.Header().Set("ETag", s.etag)
						closeDelimited(w, http.StatusOK, content[:15000])
						return true
					}
					return false
				}
			}},
		{name: "no Content-Length, whole", wantRanges: ",bytes=40000-",
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					if n == 1 {
						w.Header().Set("ETag", s.etag)
						closeDelimited(w, http.StatusOK, content)
						return true
					}
					return false
				}
			}},
		{name: "total never told", wantRanges: ",bytes=1000-,bytes=11000-,bytes=40000-",
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					w.Header().Set("ETag", s.etag)
					start := rangeStart(r)
					switch {
					case n == 1:
						closeDelimited(w, http.StatusOK, content[:1000])
					case start >= len(content):
						w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
					default:
						end := min(start+10_000, len(content)) // a part at a time
						if n == 3 {
							end = len(content)
						}
						w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/*", start, end-1))
						closeDelimited(w, http.StatusPartialContent, content[start:end])
					}
					return true
				}
			}},
		{name: "store ignores Range, no size, ends alike twice", wantRanges: ",bytes=40000-",
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					w.Header().Set("ETag", s.etag)
					closeDelimited(w, http.StatusOK, content)
					return true
				}
			}},
		{name: "store ignores Range, no size, other bytes", wantRanges: ",bytes=40000-", wantErr: ErrChanged,
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					body := content
					if n > 1 {
						body = bytes.Clone(content)
						body[100] ^= 0xff
					}
					w.Header().Set("ETag", s.etag)
					closeDelimited(w, http.StatusOK, body)
					return true
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeStore(content)
			store.fault = tt.fault(store)
			c, _ := setupDownload(t, store)
			var buf bytes.Buffer
			res, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(&buf))
			collect(err)
			_, ranges, _, _ := store.stats()
			if got := strings.Join(ranges, ","); got != tt.wantRanges {
				t.Errorf("ranges %q, want %q", got, tt.wantRanges)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), content) || res.SHA256 != sha(content) {
				t.Fatalf("wrote %d bytes, want %d", buf.Len(), len(content))
			}
		})
	}
}

// TestStoreResumeHoldsETag: every resumed request names the first ETag
// (If-Match), and a resumed answer with another ETag, none, or a 412 is a
// changed object: the download fails with ErrChanged and nothing is
// spliced.
func TestStoreResumeHoldsETag(t *testing.T) {
	t.Parallel()
	content := pattern(30_000)
	other := bytes.Clone(content)
	for i := range other {
		other[i] ^= 0x55
	}
	tests := []struct {
		name    string
		resume  func(s *fakeStore, w http.ResponseWriter, r *http.Request)
		wantErr error
	}{
		{name: "same ETag"},
		{name: "ETag dropped, other content", wantErr: ErrChanged,
			resume: func(s *fakeStore, w http.ResponseWriter, r *http.Request) {
				start := rangeStart(r)
				w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(other)-1, len(other)))
				w.Header().Set("Content-Length", strconv.Itoa(len(other)-start))
				w.WriteHeader(http.StatusPartialContent)
				_, _ = w.Write(other[start:])
			}},
		{name: "precondition failed", wantErr: ErrChanged,
			resume: func(s *fakeStore, w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusPreconditionFailed)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeStore(content)
			store.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
				switch {
				case n == 1:
					cutAfter(store, w, r, 10_000)
					return true
				case tt.resume != nil:
					tt.resume(store, w, r)
					return true
				}
				return false
			}
			c, _ := setupDownload(t, store)
			dir := t.TempDir()
			path := dir + "/out.csv"
			_, err := c.ExportRun(7, 555).Download(context.Background(), ToFile(path, FileOptions{}))
			collect(err)
			hs := store.requestHeaders()
			if len(hs) < 2 || hs[1].Get("If-Match") != store.etag {
				t.Errorf("resumed request If-Match = %q, want %q", hs[len(hs)-1].Get("If-Match"), store.etag)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(readFile(t, path), content) {
					t.Fatal("file differs")
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if names := dirEntries(t, dir); len(names) != 0 {
				t.Errorf("left behind %v", names)
			}
		})
	}
}

// TestRedirectsSendNoReferer: a redirect to another host carries no
// Referer (Go would send the whole signed URL), from either client.
func TestRedirectsSendNoReferer(t *testing.T) {
	t.Parallel()
	content := pattern(3000)
	var mu sync.Mutex
	var referers []string
	final := newFakeStore(content)
	finalSrv := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		referers = append(referers, r.Header.Get("Referer"))
		mu.Unlock()
		final.ServeHTTP(w, r)
	}))
	first := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, presigned(finalSrv.URL), http.StatusTemporaryRedirect)
	}))
	api := &fakeAPI{statuses: []string{"Available"}, storeURL: func() string { return presigned(first.URL) }}
	apiSrv := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/user_identities" { // the API moved a list elsewhere
			http.Redirect(w, r, finalSrv.URL+"/elsewhere?token=SECRETTOKEN", http.StatusFound)
			return
		}
		api.ServeHTTP(w, r)
	}))
	addSecret("SECRETTOKEN")
	c := newTestClient(t, apiSrv.URL)
	if _, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(io.Discard)); err != nil {
		t.Fatal(collect(err))
	}
	if _, err := c.API().ListUserIdentitiesWithResponse(context.Background()); err != nil {
		t.Fatal(collect(err))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(referers) != 2 {
		t.Fatalf("final host saw %d requests, want 2", len(referers))
	}
	for i, ref := range referers {
		if ref != "" {
			t.Errorf("request %d carried Referer %q", i+1, ref)
		}
	}
}

// TestMalformedLocationIsRedactedAndFinal: a redirect whose Location does
// not parse shows no signature and is not retried, from the store or from
// the zip download's 302.
func TestMalformedLocationIsRedactedAndFinal(t *testing.T) {
	t.Parallel()
	const bad = "https://files.example.org/%zz/x.csv?X-Amz-Credential=AKIAHIDDEN&X-Amz-Signature=HIDDENSIG99&sig=HIDDENSIG98"
	addSecret("HIDDENSIG99")
	addSecret("HIDDENSIG98")
	addSecret("AKIAHIDDEN")
	var mu sync.Mutex
	requests := 0
	store := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		mu.Unlock()
		w.Header().Set("Location", bad)
		w.WriteHeader(http.StatusFound)
	}))
	api := &fakeAPI{statuses: []string{"Available"}, storeURL: func() string { return presigned(store.URL) }}
	c := newTestClient(t, server(t, api).URL)
	_, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(io.Discard))
	collect(err)
	if err == nil {
		t.Fatal("download succeeded")
	}
	for _, s := range []string{"HIDDENSIG", "AKIAHIDDEN"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error shows %s: %v", s, err)
		}
	}
	mu.Lock()
	if requests != 1 {
		t.Errorf("the store got %d requests: a malformed redirect was retried", requests)
	}
	mu.Unlock()

	// The zip download's own 302 with such a Location.
	zipAPI := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", bad)
		w.WriteHeader(http.StatusFound)
	}))
	zc := newTestClient(t, zipAPI.URL)
	_, err = zc.PDFBatch(42, 0).DownloadZipFile(context.Background(), 9, ToWriter(io.Discard))
	collect(err)
	if err == nil || strings.Contains(err.Error(), "HIDDENSIG") || strings.Contains(err.Error(), "AKIAHIDDEN") {
		t.Errorf("zip download: err = %v", err)
	}
}

// TestStore401IsNotTheKey: a 401 from the object store is the store's
// answer, not the API refusing the key.
func TestStore401IsNotTheKey(t *testing.T) {
	t.Parallel()
	store := newFakeStore(pattern(100))
	store.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(http.StatusUnauthorized)
		return true
	}
	c, _ := setupDownload(t, store)
	_, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(io.Discard))
	collect(err)
	var ae *APIError
	if err == nil || errors.Is(err, ErrUnauthorized) || !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized {
		t.Fatalf("err = %v (%#v), want a store *APIError that is not ErrUnauthorized", err, ae)
	}
}

// TestStoreAbsurdContentLength: a first answer claiming a size near the
// largest int64 (then sending 1000 bytes) is an error with nothing on disk,
// not a part list the size of the claim (which panicked or ran out of
// memory, taking every other download of the process with it).
func TestStoreAbsurdContentLength(t *testing.T) {
	for _, claimed := range []int64{1<<63 - 1, 1<<63 - 1 - 16<<20, 1 << 50} {
		t.Run(strconv.FormatInt(claimed, 10), func(t *testing.T) {
			store := newFakeStore(pattern(1000))
			store.fault = func(_ int, w http.ResponseWriter, _ *http.Request) bool {
				w.Header().Set("ETag", `"v1"`)
				w.Header().Set("Content-Length", strconv.FormatInt(claimed, 10))
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write(store.content)
				return true
			}
			c, _ := setupDownload(t, store)
			dir := t.TempDir()
			_, err := c.ExportRun(7, 555).Download(t.Context(), ToFile(filepath.Join(dir, "out.csv"), FileOptions{}), Connections(8))
			if err == nil {
				t.Fatal("a 1000-byte body claiming a huge size was accepted")
			}
			if names, _ := os.ReadDir(dir); len(names) != 0 {
				t.Errorf("left %v in the directory", names)
			}
		})
	}
}
