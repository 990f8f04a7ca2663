package wrapper

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeStore serves one object with Range support (http.ServeContent); fault
// may take over any request (n counts requests from 1).
type fakeStore struct {
	mu       sync.Mutex
	content  []byte
	etag     string
	ctype    string
	disp     string
	requests int
	ranges   []string
	keys     []string
	served   int64
	headers  []http.Header // request headers, in order
	extra    http.Header   // added to every answer ServeHTTP writes itself
	fault    func(n int, w http.ResponseWriter, r *http.Request) bool
}

func newFakeStore(content []byte) *fakeStore {
	return &fakeStore{content: content, etag: `"v1"`, ctype: "text/csv;charset=iso-8859-1", disp: "attachment; filename=Test-API-Export.csv"}
}

type countWriter struct {
	http.ResponseWriter
	n *int64
}

func (c countWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	*c.n += int64(n)
	return n, err
}

func (s *fakeStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	n := s.requests
	s.ranges = append(s.ranges, r.Header.Get("Range"))
	s.keys = append(s.keys, r.Header.Get("x-api-key"))
	s.headers = append(s.headers, r.Header.Clone())
	fault := s.fault
	extra := s.extra
	s.mu.Unlock()
	if r.URL.Query().Get("Signature") == "" {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	if fault != nil && fault(n, w, r) {
		return
	}
	var served int64
	for k, v := range extra {
		w.Header()[k] = v
	}
	w.Header().Set("ETag", s.etag)
	w.Header().Set("Content-Type", s.ctype)
	w.Header().Set("Content-Disposition", s.disp)
	http.ServeContent(countWriter{w, &served}, r, "", time.Time{}, bytes.NewReader(s.content))
	s.mu.Lock()
	s.served += served
	s.mu.Unlock()
}

// requestHeaders returns the headers of every request the store received.
func (s *fakeStore) requestHeaders() []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]http.Header(nil), s.headers...)
}

func (s *fakeStore) stats() (requests int, ranges, keys []string, served int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, append([]string(nil), s.ranges...), append([]string(nil), s.keys...), s.served
}

// cutAfter sends the headers of the whole answer and n bytes, then drops
// the connection.
func cutAfter(s *fakeStore, w http.ResponseWriter, r *http.Request, n int) {
	s.mu.Lock()
	for k, v := range s.extra {
		w.Header()[k] = v
	}
	s.mu.Unlock()
	start := 0
	if rg := r.Header.Get("Range"); rg != "" {
		start, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(rg, "bytes="), "-"))
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(s.content)-1, len(s.content)))
		w.Header().Set("Content-Length", strconv.Itoa(len(s.content)-start))
		w.Header().Set("ETag", s.etag)
		w.WriteHeader(http.StatusPartialContent)
	} else {
		w.Header().Set("Content-Length", strconv.Itoa(len(s.content)))
		w.Header().Set("ETag", s.etag)
		w.Header().Set("Content-Type", s.ctype)
		w.Header().Set("Content-Disposition", s.disp)
		w.WriteHeader(http.StatusOK)
	}
	_, _ = w.Write(s.content[start : start+n])
	http.NewResponseController(w).Flush()
	hijackClose(w)
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// pattern is n bytes that differ from offset to offset.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// setupDownload wires a fake API whose run 555 of export 7 is Available on
// the given store.
func setupDownload(t *testing.T, store *fakeStore, opts ...Option) (*Client, *fakeAPI) {
	t.Helper()
	st := server(t, store)
	api := &fakeAPI{statuses: []string{"Available"}, storeURL: func() string { return presigned(st.URL) }}
	c := newTestClient(t, server(t, api).URL, opts...)
	return c, api
}

func TestDownloadResumes(t *testing.T) {
	t.Parallel()
	content := pattern(300_000)
	tests := []struct {
		name        string
		fault       func(s *fakeStore) func(n int, w http.ResponseWriter, r *http.Request) bool
		wantRanges  []string
		wantResumes int
		maxServed   int64
	}{
		{name: "clean", wantRanges: []string{""}},
		{name: "cut mid-body", wantRanges: []string{"", "bytes=100000-"}, wantResumes: 1,
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					if n == 1 {
						cutAfter(s, w, r, 100_000)
						return true
					}
					return false
				}
			}},
		{name: "cut twice", wantRanges: []string{"", "bytes=1000-", "bytes=2000-"}, wantResumes: 2,
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					if n <= 2 {
						cutAfter(s, w, r, 1000)
						return true
					}
					return false
				}
			}},
		{name: "URL expired before use", wantRanges: []string{"", ""},
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					if n == 1 {
						w.Header().Set("Content-Type", "application/xml")
						w.WriteHeader(403)
						_, _ = io.WriteString(w, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>")
						return true
					}
					return false
				}
			}},
		{name: "cut, then expired, then resumed", wantRanges: []string{"", "bytes=50000-", "bytes=50000-"}, wantResumes: 1,
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					switch n {
					case 1:
						cutAfter(s, w, r, 50_000)
						return true
					case 2:
						w.WriteHeader(403)
						return true
					}
					return false
				}
			}},
		{name: "store ignores Range", wantRanges: []string{"", "bytes=7000-"}, wantResumes: 1,
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					switch n {
					case 1:
						cutAfter(s, w, r, 7000)
						return true
					case 2:
						r.Header.Del("Range")
					}
					return false
				}
			}},
		{name: "store answers 503 once", wantRanges: []string{"", ""},
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					if n == 1 {
						w.WriteHeader(503)
						return true
					}
					return false
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeStore(content)
			if tt.fault != nil {
				store.fault = tt.fault(store)
			}
			c, api := setupDownload(t, store)
			var buf bytes.Buffer
			var events []Event
			res, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(&buf), OnProgress(func(e Event) {
				if e.Kind != EventBytes {
					events = append(events, e)
				}
			}))
			if err != nil {
				t.Fatal(collect(err))
			}
			if !bytes.Equal(buf.Bytes(), content) || res.SHA256 != sha(content) || res.Bytes != int64(len(content)) {
				t.Fatalf("got %d bytes sha %s; want %d sha %s", buf.Len(), res.SHA256, len(content), sha(content))
			}
			requests, ranges, keys, _ := store.stats()
			if strings.Join(ranges, "|") != strings.Join(tt.wantRanges, "|") {
				t.Errorf("store saw ranges %q, want %q", ranges, tt.wantRanges)
			}
			for _, k := range keys {
				if k != "" {
					t.Errorf("the store received x-api-key %q", k)
				}
			}
			if res.Resumes != tt.wantResumes {
				t.Errorf("Resumes = %d, want %d", res.Resumes, tt.wantResumes)
			}
			// One status call, plus one fresh URL per retry.
			if res.StatusCalls != requests || api.getCalls() != requests {
				t.Errorf("StatusCalls = %d, API saw %d, store requests %d", res.StatusCalls, api.getCalls(), requests)
			}
			if res.FileName != "Test-API-Export.csv" || res.Status != StatusAvailable {
				t.Errorf("FileName %q Status %q", res.FileName, res.Status)
			}
			if events[len(events)-1].Kind != EventDone {
				t.Errorf("last event %v, want done", events[len(events)-1].Kind)
			}
		})
	}
}

func TestDownloadFailures(t *testing.T) {
	t.Parallel()
	content := pattern(50_000)
	tests := []struct {
		name      string
		fault     func(s *fakeStore) func(n int, w http.ResponseWriter, r *http.Request) bool
		attempts  int
		wantErr   error
		contains  string
		wantCalls int // store requests
	}{
		{name: "truncated every time", attempts: 3, wantErr: ErrIncomplete, wantCalls: 3, contains: "of 50000 bytes",
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					cutAfter(s, w, r, 100)
					return true
				}
			}},
		{name: "expired every time", attempts: 4, wantErr: ErrURLExpired, wantCalls: 4, contains: "Request has expired",
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					w.WriteHeader(403)
					_, _ = io.WriteString(w, "<Error><Message>Request has expired</Message><URL>?Signature=abc</URL></Error>")
					return true
				}
			}},
		{name: "object changed between parts", attempts: 5, wantErr: ErrChanged, wantCalls: 2,
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					if n == 1 {
						cutAfter(s, w, r, 1000)
						return true
					}
					s.mu.Lock()
					s.etag = `"v2"`
					s.mu.Unlock()
					return false
				}
			}},
		{name: "wrong Content-Range", attempts: 5, contains: "sent bytes from 0 when asked from 1000", wantCalls: 2,
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					if n == 1 {
						cutAfter(s, w, r, 1000)
						return true
					}
					w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-99/%d", len(s.content)))
					w.Header().Set("Content-Length", "100")
					w.WriteHeader(206)
					_, _ = w.Write(s.content[:100])
					return true
				}
			}},
		{name: "404 not retried", attempts: 5, wantErr: ErrNotFound, wantCalls: 1,
			fault: func(s *fakeStore) func(int, http.ResponseWriter, *http.Request) bool {
				return func(n int, w http.ResponseWriter, r *http.Request) bool {
					w.WriteHeader(404)
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
			dir := t.TempDir()
			path := filepath.Join(dir, "out.csv")
			res, err := c.ExportRun(7, 555).Download(context.Background(), ToFile(path, FileOptions{}), DownloadAttempts(tt.attempts))
			collect(err)
			if err == nil {
				t.Fatal("Download succeeded")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.contains != "" && !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("err %q lacks %q", err, tt.contains)
			}
			if res == nil || res.ExportFileID != 555 {
				t.Errorf("Result = %+v, want the run's ids", res)
			}
			if n, _, _, _ := store.stats(); n != tt.wantCalls {
				t.Errorf("%d store requests, want %d", n, tt.wantCalls)
			}
			if names := dirEntries(t, dir); len(names) != 0 {
				t.Errorf("left behind: %v", names)
			}
		})
	}
}

// TestDownloadStallIsResumed: a store that stops sending without closing
// the connection is abandoned under the low-speed limit and resumed.
func TestDownloadStallIsResumed(t *testing.T) {
	t.Parallel()
	content := pattern(200_000)
	store := newFakeStore(content)
	store.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
		if n != 1 {
			return false
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		w.Header().Set("ETag", store.etag)
		w.WriteHeader(200)
		_, _ = w.Write(content[:5000])
		http.NewResponseController(w).Flush()
		<-r.Context().Done() // stall until the client gives up
		return true
	}
	c, _ := setupDownload(t, store)
	var buf bytes.Buffer
	var resumeErr error
	res, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(&buf), LowSpeedLimit(1, 100*time.Millisecond), OnProgress(func(e Event) {
		if e.Kind == EventResume {
			resumeErr = e.Err
		}
	}))
	if err != nil {
		t.Fatal(collect(err))
	}
	if !bytes.Equal(buf.Bytes(), content) || res.Resumes != 1 {
		t.Fatalf("%d bytes, %d resumes", buf.Len(), res.Resumes)
	}
	if resumeErr == nil || !strings.Contains(resumeErr.Error(), "stalled") || !strings.Contains(resumeErr.Error(), "after 5000 bytes") {
		t.Errorf("resume cause %v", resumeErr)
	}
	if _, ranges, _, _ := store.stats(); ranges[1] != "bytes=5000-" {
		t.Errorf("ranges %q", ranges)
	}
}

// TestDownloadShortCleanBody: a store that ends a chunked body cleanly
// before the size it announced is caught, resumed, and finally refused.
func TestDownloadShortCleanBody(t *testing.T) {
	t.Parallel()
	content := pattern(10_000)
	store := newFakeStore(content)
	store.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
		start := 0
		if rg := r.Header.Get("Range"); rg != "" {
			start, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(rg, "bytes="), "-"))
		}
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(content)-1, len(content)))
		w.Header().Set("ETag", store.etag)
		w.WriteHeader(206)
		_, _ = w.Write(content[start : start+100])
		http.NewResponseController(w).Flush() // chunked: the body ends cleanly
		return true
	}
	c, _ := setupDownload(t, store)
	var buf bytes.Buffer
	_, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(&buf), DownloadAttempts(3))
	if !errors.Is(collect(err), ErrIncomplete) || !strings.Contains(err.Error(), "300 of 10000") {
		t.Fatalf("err = %v", err)
	}
	if _, ranges, _, _ := store.stats(); strings.Join(ranges, ",") != ",bytes=100-,bytes=200-" {
		t.Errorf("ranges %q", ranges)
	}
}

func TestDownloadRefusesPlainHTTPStore(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{statuses: []string{"Available"}, storeURL: func() string {
		return "http://files.example.com/x.csv?Signature=abc"
	}}
	c := newTestClient(t, server(t, api).URL)
	_, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(io.Discard))
	if collect(err) == nil || !strings.Contains(err.Error(), "plain http") || strings.Contains(err.Error(), "abc") {
		t.Fatalf("err = %v", err)
	}
}

func TestDownloadNotReadyAndOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status  string
		wantErr error
	}{
		{"In Progress", ErrNotReady},
		{"queued", ErrNotReady},
		{"Failed", ErrExportFailed},
		{"empty_list", ErrEmptyList},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			t.Parallel()
			api := &fakeAPI{statuses: []string{tt.status}}
			c := newTestClient(t, server(t, api).URL)
			dir := t.TempDir()
			res, err := c.ExportRun(7, 555).Download(context.Background(), ToFile(filepath.Join(dir, "f.csv"), FileOptions{}))
			if !errors.Is(collect(err), tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if res.Status != ParseStatus(tt.status) {
				t.Errorf("Result.Status = %q", res.Status)
			}
			if names := dirEntries(t, dir); len(names) != 0 {
				t.Errorf("left behind: %v", names)
			}
		})
	}
}

// TestDownloadCancelLeavesNothing cancels while the body streams.
func TestDownloadCancelLeavesNothing(t *testing.T) {
	t.Parallel()
	content := pattern(4 << 20)
	store := newFakeStore(content)
	release := make(chan struct{})
	store.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		w.WriteHeader(200)
		_, _ = w.Write(content[:1<<20])
		http.NewResponseController(w).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
		return true
	}
	defer close(release)
	c, _ := setupDownload(t, store)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	_, err := c.ExportRun(7, 555).Download(ctx, ToFile(filepath.Join(dir, "big.csv"), FileOptions{}), OnProgress(func(e Event) {
		if e.Kind == EventBytes && e.Bytes >= 512<<10 {
			cancel()
		}
	}))
	if !errors.Is(collect(err), context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Errorf("left behind: %v", names)
	}
}

// countingTransport counts the requests of a caller's HTTP client.
type countingTransport struct {
	mu sync.Mutex
	n  int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func TestDownloadRedirects(t *testing.T) {
	t.Parallel()
	content := pattern(5000)
	final := newFakeStore(content)
	finalSrv := server(t, final)
	var target string
	var mu sync.Mutex
	var firstKey string
	first := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		firstKey = r.Header.Get("x-api-key")
		to := target
		mu.Unlock()
		http.Redirect(w, r, to, http.StatusFound)
	}))
	api := &fakeAPI{statuses: []string{"Available"}, storeURL: func() string { return presigned(first.URL) }}
	ct := &countingTransport{}
	hc := &http.Client{Transport: ct}
	t.Cleanup(hc.CloseIdleConnections)
	c := newTestClient(t, server(t, api).URL, WithDownloadHTTPClient(hc))

	mu.Lock()
	target = presigned(finalSrv.URL)
	mu.Unlock()
	var buf bytes.Buffer
	if _, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(&buf)); err != nil {
		t.Fatal(collect(err))
	}
	_, _, keys, _ := final.stats()
	if !bytes.Equal(buf.Bytes(), content) || firstKey != "" || keys[0] != "" {
		t.Errorf("%d bytes; keys %q %q", buf.Len(), firstKey, keys)
	}
	if ct.n != 2 {
		t.Errorf("the caller's download client made %d requests, want 2", ct.n)
	}

	// A redirect to plain http off loopback is refused, and not retried.
	mu.Lock()
	target = "http://files.example.invalid/x.csv?Signature=abc"
	mu.Unlock()
	_, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(io.Discard))
	if collect(err) == nil || !strings.Contains(err.Error(), "plain http") {
		t.Fatalf("err = %v", err)
	}
	if ct.n != 3 {
		t.Errorf("%d requests in all: the refused redirect was retried", ct.n)
	}
}
