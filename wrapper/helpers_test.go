package wrapper

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// testAPIKey is the key of every unit-test client; the secret scan looks
// for it (and for "Signature=") in every error and log line.
const testAPIKey = "test-KEY-0123456789abcdef-5ecr3t"

// leakScan collects every log line and every error string the tests see,
// with the secrets they must not contain.
var leakScan struct {
	mu      sync.Mutex
	lines   []string
	secrets map[string]bool
}

func init() { leakScan.secrets = map[string]bool{testAPIKey: true} }

// addSecret registers another string no error or log line may contain.
func addSecret(s string) {
	leakScan.mu.Lock()
	defer leakScan.mu.Unlock()
	leakScan.secrets[s] = true
}

// collect records an error's text for the secret scan and returns err.
func collect(err error) error {
	if err != nil {
		leakScan.mu.Lock()
		leakScan.lines = append(leakScan.lines, "error: "+err.Error())
		leakScan.mu.Unlock()
	}
	return err
}

type scanWriter struct{}

func (scanWriter) Write(p []byte) (int, error) {
	leakScan.mu.Lock()
	leakScan.lines = append(leakScan.lines, "log: "+string(p))
	leakScan.mu.Unlock()
	return len(p), nil
}

// scanLogger logs everything, at debug level, into the secret scan.
func scanLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(scanWriter{}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// leaks returns the collected lines holding a secret.
func leaks(lines []string) []string {
	leakScan.mu.Lock()
	defer leakScan.mu.Unlock()
	var bad []string
	for _, l := range lines {
		if strings.Contains(l, "Signature=") && !strings.Contains(l, "Signature="+redact.Redacted) {
			bad = append(bad, l)
			continue
		}
		for s := range leakScan.secrets {
			if strings.Contains(l, s) {
				bad = append(bad, l)
				break
			}
		}
	}
	return bad
}

func scannedLines() []string {
	leakScan.mu.Lock()
	defer leakScan.mu.Unlock()
	return append([]string(nil), leakScan.lines...)
}

// fakeClock advances only when something sleeps on it: every timer fires at
// once, moving the clock forward by its duration, so tests assert a backoff
// schedule without waiting.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTimer(d time.Duration) wait.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return fakeTimer{ch}
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

type fakeTimer struct{ ch chan time.Time }

func (t fakeTimer) C() <-chan time.Time { return t.ch }
func (t fakeTimer) Stop() bool          { return false }

// bigBudget never makes a test wait.
func bigBudget() *RateBudget { return NewRateBudget(1_000_000, time.Second, 1_000_000) }

// newTestClient returns a client of base with the test key, the scan
// logger, a big rate budget and fast polling, plus opts.
func newTestClient(t testing.TB, base string, opts ...Option) *Client {
	t.Helper()
	all := append([]Option{
		WithBaseURL(base),
		WithLogger(scanLogger()),
		WithRateBudget(bigBudget()),
		WithPollPolicy(PollPolicy{MinDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxWait: 10 * time.Second, Multiplier: 2}),
	}, opts...)
	c, err := New(testAPIKey, all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// server starts an httptest server closed at the end of the test.
func server(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// writeJSON answers status with v as JSON and generous rate headers.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-RateLimit-Limit", "5000")
	w.Header().Set("X-RateLimit-Remaining", "4999")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// exportFile is the JSON envelope of one run.
func exportFile(id, exportID int, status, downloadURL string) map[string]any {
	ef := map[string]any{
		"id": id, "export_id": exportID, "status": status,
		"href": fmt.Sprintf("/api/v1/exports/%d/export_files/%d", exportID, id),
	}
	if downloadURL != "" {
		ef["download_url"] = downloadURL
	}
	return map[string]any{"export_files": ef}
}

// fakeAPI is a scripted API: getExportFile answers the statuses in order
// (the last repeats), with a download URL built by storeURL once the status
// has a file; initiate answers run 555.
type fakeAPI struct {
	mu        sync.Mutex
	statuses  []string
	calls     int
	initiates int
	storeURL  func() string
	onGet     func(w http.ResponseWriter, call int) bool // true when it answered
	initial   string                                     // status initiate answers; "" means Initializing
	keys      []string                                   // x-api-key of every request
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.keys = append(f.keys, r.Header.Get("x-api-key"))
	f.mu.Unlock()
	if r.Header.Get("x-api-key") != testAPIKey {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/export_files"):
		f.mu.Lock()
		f.initiates++
		f.mu.Unlock()
		writeJSON(w, http.StatusCreated, exportFile(555, 7, cmp.Or(f.initial, "Initializing"), ""))
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/exports/7/export_files/555"):
		f.mu.Lock()
		f.calls++
		call := f.calls
		st := f.statuses[min(call, len(f.statuses))-1]
		f.mu.Unlock()
		if f.onGet != nil && f.onGet(w, call) {
			return
		}
		u := ""
		if s := ParseStatus(st); s.HasFile() && f.storeURL != nil {
			u = f.storeURL()
		}
		writeJSON(w, http.StatusOK, exportFile(555, 7, st, u))
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	}
}

func (f *fakeAPI) initiated() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.initiates
}

func (f *fakeAPI) getCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// presigned returns a URL on store that looks pre-signed (it has a
// Signature parameter, a credential the scan looks for).
func presigned(store string) string {
	return store + "/export_files/reports/000/000/555/file.csv?AWSAccessKeyId=AKIATEST&Expires=99&Signature=s3cr3tSIG%2Bx"
}

// dirEntries lists the names in dir.
func dirEntries(t testing.TB, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustMode(t testing.TB, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: mode %o, want %o", filepath.Base(path), got, want)
	}
}

// slogTo logs everything, at debug level, to w and to the secret scan.
func slogTo(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(io.MultiWriter(w, scanWriter{}), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// attach waits for a run started elsewhere and downloads its file, as
// RunExport does after starting one.
func attach(c *Client, ctx context.Context, exportID, runID int, dst Destination, opts ...RunOption) (*Result, error) {
	r := c.ExportRun(exportID, runID)
	if _, err := r.Wait(ctx, opts...); err != nil {
		res := &Result{ExportID: exportID, ExportFileID: runID, StatusCalls: r.t.Calls()}
		if f, ok := r.t.Snapshot(); ok {
			res.Status = f.Status
		}
		return res, err
	}
	return r.Download(ctx, dst, opts...)
}

// attachPDF waits for a batch started elsewhere and downloads its zip files.
func attachPDF(c *Client, ctx context.Context, identityID, batchID int, dst BatchDestination, opts ...RunOption) (*PDFResult, error) {
	b := c.PDFBatch(identityID, batchID)
	if _, err := b.Wait(ctx, opts...); err != nil {
		res := &PDFResult{IdentityID: identityID, BatchID: batchID, StatusCalls: b.t.Calls()}
		if p, ok := b.t.Snapshot(); ok {
			res.State = p.State
		}
		return res, err
	}
	return b.Download(ctx, dst, opts...)
}

// runDesignations sends a designation batch and waits for its results.
func runDesignations(c *Client, ctx context.Context, identityID int, programID int64, items []generated.DesignationBatchItem, opts ...RunOption) (*DesignationBatch, error) {
	b, err := c.StartDesignationBatch(ctx, identityID, programID, items, opts...)
	if err != nil {
		return nil, err
	}
	return b.Wait(ctx, opts...)
}

// runAnswers sends a custom field answer batch and waits for its results.
func runAnswers(c *Client, ctx context.Context, identityID int, programID int64, items []generated.CustomFieldAnswerBatchItem, opts ...RunOption) (*CustomFieldAnswerBatch, error) {
	b, err := c.StartCustomFieldAnswerBatch(ctx, identityID, programID, items, opts...)
	if err != nil {
		return nil, err
	}
	return b.Wait(ctx, opts...)
}
