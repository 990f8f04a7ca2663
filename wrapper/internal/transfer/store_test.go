package transfer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// rangeStore is an object store the tests control: it serves one object
// with Range, ETag and If-Match as S3 does, refuses (403) URLs older than
// a generation, records every request, and lets a test rewrite any answer.
type rangeStore struct {
	content []byte
	etag    string
	// pace slows every answer to a chunk of 16 KiB per pace, so that
	// parts overlap.
	pace time.Duration

	mu       sync.Mutex
	requests []storeRequest
	minGen   int // URLs of an older generation are refused (expired)
	// fault, when it returns true, has answered request n (from 1) itself.
	fault func(n int, w http.ResponseWriter, r *http.Request) bool
}

// storeRequest is what the store saw of one request.
type storeRequest struct {
	rng, ifMatch string
	gen          int
	status       int // what the store answered itself (0 when a fault did)
}

func newRangeStore(t *testing.T, content []byte) (*rangeStore, *httptest.Server) {
	t.Helper()
	s := &rangeStore{content: content, etag: `"v1"`}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func (s *rangeStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	gen, _ := strconv.Atoi(r.URL.Query().Get("gen"))
	s.mu.Lock()
	s.requests = append(s.requests, storeRequest{rng: r.Header.Get("Range"), ifMatch: r.Header.Get("If-Match"), gen: gen})
	n := len(s.requests)
	fault, expired, etag := s.fault, gen < s.minGen, s.etag
	s.mu.Unlock()
	if fault != nil && fault(n, w, r) {
		return
	}
	if expired {
		s.answered(n, http.StatusForbidden)
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"))
		return
	}
	s.serve(w, r, etag, s.content, n)
}

// answered records the status of request n (from 1; 0: none to record).
func (s *rangeStore) answered(n, status int) {
	if n > 0 {
		s.mu.Lock()
		s.requests[n-1].status = status
		s.mu.Unlock()
	}
}

// serve answers request n (0: a fault's, not recorded) with content under
// etag as S3 does, recording its status before the body.
func (s *rangeStore) serve(w http.ResponseWriter, r *http.Request, etag string, content []byte, n int) {
	size := int64(len(content))
	w.Header().Set("ETag", etag)
	if im := r.Header.Get("If-Match"); im != "" && im != etag {
		s.answered(n, http.StatusPreconditionFailed)
		w.WriteHeader(http.StatusPreconditionFailed)
		return
	}
	start, end := int64(0), size-1
	status := http.StatusOK
	if rg, ok := strings.CutPrefix(r.Header.Get("Range"), "bytes="); ok {
		a, b, _ := strings.Cut(rg, "-")
		start, _ = strconv.ParseInt(a, 10, 64)
		if b != "" {
			end, _ = strconv.ParseInt(b, 10, 64)
		}
		if start >= size {
			s.answered(n, http.StatusRequestedRangeNotSatisfiable)
			w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", size))
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			return
		}
		end = min(end, size-1)
		status = http.StatusPartialContent
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end, size))
	}
	w.Header().Set("Content-Length", strconv.FormatInt(end-start+1, 10))
	s.answered(n, status)
	w.WriteHeader(status)
	s.write(w, content[start:end+1])
}

// write sends body, paced when the store is.
func (s *rangeStore) write(w http.ResponseWriter, body []byte) {
	for len(body) > 0 {
		n := min(len(body), 16<<10)
		if _, err := w.Write(body[:n]); err != nil {
			return
		}
		body = body[n:]
		if s.pace > 0 {
			http.NewResponseController(w).Flush()
			time.Sleep(s.pace)
		}
	}
}

// seen returns a copy of the requests so far.
func (s *rangeStore) seen() []storeRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]storeRequest(nil), s.requests...)
}

// openCounter is a client transport that counts the answers open at once,
// from the request until the body is closed: the client's connections in
// use.
type openCounter struct {
	base     http.RoundTripper
	mu       sync.Mutex
	open, hi int
}

func (c *openCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	c.add(1)
	resp, err := c.base.RoundTrip(req)
	if err != nil {
		c.add(-1)
		return nil, err
	}
	resp.Body = &countedBody{ReadCloser: resp.Body, c: c}
	return resp, nil
}

func (c *openCounter) add(d int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.open += d
	c.hi = max(c.hi, c.open)
}

// CloseIdleConnections reaches the base transport.
func (c *openCounter) CloseIdleConnections() {
	if b, ok := c.base.(interface{ CloseIdleConnections() }); ok {
		b.CloseIdleConnections()
	}
}

// most is the most answers that were open at once.
func (c *openCounter) most() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hi
}

type countedBody struct {
	io.ReadCloser
	c    *openCounter
	once sync.Once
}

func (b *countedBody) Close() error {
	b.once.Do(func() { b.c.add(-1) })
	return b.ReadCloser.Close()
}

// cut sends the answer's headers as serve would and n bytes of the body,
// then closes the connection.
func (s *rangeStore) cut(w http.ResponseWriter, r *http.Request, n int) {
	size := int64(len(s.content))
	start, end := int64(0), size-1
	w.Header().Set("ETag", s.etag)
	status := http.StatusOK
	if rg, ok := strings.CutPrefix(r.Header.Get("Range"), "bytes="); ok {
		a, b, _ := strings.Cut(rg, "-")
		start, _ = strconv.ParseInt(a, 10, 64)
		if b != "" {
			end, _ = strconv.ParseInt(b, 10, 64)
		}
		status = http.StatusPartialContent
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end, size))
	}
	w.Header().Set("Content-Length", strconv.FormatInt(end-start+1, 10))
	w.WriteHeader(status)
	_, _ = w.Write(s.content[start : start+int64(n)])
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	if conn, _, err := rc.Hijack(); err == nil {
		_ = conn.Close() // what was flushed arrives, then the end
	}
}

// pattern is n bytes that differ from offset to offset.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// statusError is a store answer the tests' StoreError makes.
type statusError struct{ code int }

func (e *statusError) Error() string { return "the object store answered " + strconv.Itoa(e.code) }

// urls hands out the store's URLs, one generation per Fresh call, and
// counts the calls.
type urls struct {
	base  string
	delay time.Duration // each call takes this long
	mu    sync.Mutex
	calls int
}

func (u *urls) fresh(ctx context.Context) (string, error) {
	u.mu.Lock()
	u.calls++
	gen := u.calls
	u.mu.Unlock()
	if err := wait.Sleep(ctx, wait.System, u.delay, nil); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s/object?gen=%d", u.base, gen), nil
}

func (u *urls) count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.calls
}

// Small parts for the tests: 64 KiB, and files over 128 KiB in parts.
const (
	testPart = 64 << 10
	testMin  = 128 << 10
)

// newTestTransfer is a transfer from srv into sink in 64 KiB parts over
// four connections, retrying fast, with its first URL of generation 0.
func newTestTransfer(srv *httptest.Server, u *urls, sink dest.Sink) *Transfer {
	client := NewStoreClient(nil, "transfer-test")
	return &Transfer{
		Client: client, Fresh: u.fresh, URL: srv.URL + "/object?gen=0", Sink: sink, What: "the test file",
		Attempts: 6, Connections: 4, PartSize: testPart, MinParallel: testMin,
		LowSpeed: LowSpeed{BytesPerSec: 1, Over: 10 * time.Second},
		Budget:   wait.NewBudget(nil, time.Minute),
		Policy:   wait.Policy{MinDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, Multiplier: 2},
		StoreError: func(resp *http.Response, _ []byte) error {
			return &statusError{resp.StatusCode}
		},
		Transient: func(err error) bool {
			var se *statusError
			if errors.As(err, &se) {
				return se.code >= 500
			}
			if errors.Is(err, ErrIncomplete) {
				return true
			}
			tr, _ := wait.Transient(err)
			return tr
		},
		RetryAfter: func(error) time.Duration { return 0 },
	}
}

// fileSink is a ToFile sink in a new directory.
func fileSink(t *testing.T) (dest.Sink, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := dest.File(filepath.Join(dir, "out.csv"), dest.FileOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// finish commits the sink after a successful run, or aborts it, and
// returns what is in dir (the file's content, or nil when dir is empty).
func finish(t *testing.T, s dest.Sink, dir string, runErr error) []byte {
	t.Helper()
	if runErr != nil {
		s.Abort()
	} else if _, err := s.Commit(&dest.Meta{}); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		return nil
	}
	if len(entries) > 1 || entries[0].Name() != "out.csv" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("the directory holds %v", names)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
