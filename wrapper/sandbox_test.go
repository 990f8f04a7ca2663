package wrapper

// Integration tests against webadmittest, the fake WebAdMIT API and object
// store: every behaviour issue 4 lists, end to end over loopback.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

const sandboxIdentity = webadmittest.DemoIdentityID

// quick is a run that passes through every state in about 50 ms.
func quick(outcome generated.ExportFileStatus) webadmittest.Timeline {
	return webadmittest.Timeline{Initializing: 10 * time.Millisecond, Queued: 10 * time.Millisecond, InProgress: 30 * time.Millisecond, Outcome: outcome}
}

// sandbox starts a server that accepts the test key and checks, when the
// test ends, that its object store never saw an x-api-key.
func sandbox(t *testing.T, opts ...webadmittest.Option) *webadmittest.Server {
	t.Helper()
	srv := webadmittest.NewTest(t, append([]webadmittest.Option{webadmittest.WithAPIKey(testAPIKey)}, opts...)...)
	t.Cleanup(func() {
		if l := srv.Recorder().Leaks(); len(l) > 0 {
			t.Errorf("the object store received x-api-key %d times: %+v", len(l), l)
		}
	})
	return srv
}

func sandboxClient(t *testing.T, srv *webadmittest.Server, opts ...Option) *Client {
	t.Helper()
	return newTestClient(t, srv.URL(), append([]Option{
		WithPollPolicy(PollPolicy{MinDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxWait: 20 * time.Second, Multiplier: 2, Jitter: 0.2}),
	}, opts...)...)
}

// sourceSHA hashes the file the server serves for an export.
func sourceSHA(t *testing.T, srv *webadmittest.Server, exportID int) (string, int64) {
	t.Helper()
	h := sha256.New()
	n, err := io.Copy(h, srv.ExportContent(exportID))
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil)), n
}

func fileSHA(t *testing.T, path string) string {
	t.Helper()
	return sha(readFile(t, path))
}

func TestSandboxOutcomesBothSpellings(t *testing.T) {
	t.Parallel()
	outcomes := []generated.ExportFileStatus{
		generated.ExportFileStatusAvailable, generated.ExportFileStatusSuccessWithErrors,
		generated.ExportFileStatusEmptyList, generated.ExportFileStatusFailed,
	}
	for _, spelling := range []webadmittest.Spelling{webadmittest.SpellingTitleCase, webadmittest.SpellingSnakeCase} {
		for i, outcome := range outcomes {
			t.Run(spelling.String()+"/"+string(outcome), func(t *testing.T) {
				t.Parallel()
				exportID := 100 + i
				srv := sandbox(t, webadmittest.WithSpelling(spelling), webadmittest.WithExports(webadmittest.Export{
					ID: exportID, IdentityID: sandboxIdentity, Name: "Outcome", Size: 200_000, Timeline: quick(outcome),
				}))
				c := sandboxClient(t, srv)
				dir := t.TempDir()
				path := filepath.Join(dir, "out.csv")
				var seen []Status
				res, err := c.RunExport(context.Background(), sandboxIdentity, exportID, ToFile(path, FileOptions{}), OnProgress(func(e Event) {
					if e.Kind == EventStatus {
						seen = append(seen, e.Status)
					}
				}))
				collect(err)
				final := StatusOf(outcome)
				if res == nil || res.Status != final || res.ExportFileID == 0 {
					t.Fatalf("Result = %+v, err %v", res, err)
				}
				for _, s := range seen {
					if !s.Known() {
						t.Errorf("status %q not normalised", s)
					}
				}
				if !slices.Contains(seen, StatusInProgress) && !slices.Contains(seen, StatusQueued) && !slices.Contains(seen, StatusInitializing) {
					t.Errorf("statuses seen %v: no non-terminal status", seen)
				}
				switch final {
				case StatusEmptyList, StatusFailed:
					want := map[Status]error{StatusEmptyList: ErrEmptyList, StatusFailed: ErrExportFailed}[final]
					if !errors.Is(err, want) {
						t.Fatalf("err = %v, want %v", err, want)
					}
					if names := dirEntries(t, dir); len(names) != 0 {
						t.Errorf("left behind %v", names)
					}
					if n := srv.Recorder().Calls(webadmittest.EndpointObject); n != 0 {
						t.Errorf("%d downloads of a run without a file", n)
					}
				default:
					if err != nil {
						t.Fatal(err)
					}
					want, size := sourceSHA(t, srv, exportID)
					if res.SHA256 != want || fileSHA(t, path) != want || res.Bytes != size {
						t.Errorf("file sha %s / result %s, want %s", fileSHA(t, path), res.SHA256, want)
					}
					if res.SuccessWithErrors != (final == StatusSuccessWithErrors) {
						t.Errorf("SuccessWithErrors = %v", res.SuccessWithErrors)
					}
					if res.FileName != "Outcome.csv" || !strings.HasPrefix(res.ContentType, "text/csv") {
						t.Errorf("FileName %q ContentType %q", res.FileName, res.ContentType)
					}
					mustMode(t, path, 0o600)
				}
			})
		}
	}
}

func TestSandboxAPIErrors(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: sandboxIdentity, Content: []byte("a\n")}))
	c := sandboxClient(t, srv)
	ctx := context.Background()

	const wrongKey = "wrong-key-feedface"
	addSecret(wrongKey)
	bad, err := New(wrongKey, WithBaseURL(srv.URL()), WithLogger(scanLogger()))
	if err != nil {
		t.Fatal(err)
	}
	defer bad.CloseIdleConnections()

	tests := []struct {
		name    string
		call    func() error
		is      error
		kind    NotFoundKind
		id      string
		message string
	}{
		{name: "401", is: ErrUnauthorized, message: "API key was refused", call: func() error {
			_, err := bad.RunExport(ctx, sandboxIdentity, 7, ToWriter(io.Discard))
			return err
		}},
		{name: "404 user identity", is: ErrNotFound, kind: NotFoundUserIdentity, id: "999", call: func() error {
			_, err := c.StartExport(ctx, 999, 7)
			return err
		}},
		{name: "404 legacy, unknown export", is: ErrNotFound, kind: NotFoundLegacy, call: func() error {
			_, err := c.RunExport(ctx, sandboxIdentity, 8, ToWriter(io.Discard))
			return err
		}},
		{name: "404 legacy, unknown run", is: ErrNotFound, kind: NotFoundLegacy, call: func() error {
			_, err := attach(c, ctx, 7, 1, ToWriter(io.Discard))
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := collect(tt.call())
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			var ae *APIError
			if !errors.As(err, &ae) || ae.URL == "" || !strings.HasPrefix(ae.URL, srv.URL()) {
				t.Errorf("no *APIError with the request URL in %v", err)
			}
			if tt.is == ErrNotFound {
				var nf *NotFoundError
				if !errors.As(err, &nf) || nf.Kind != tt.kind || nf.ID != tt.id {
					t.Errorf("NotFoundError = %+v, want %v %q", nf, tt.kind, tt.id)
				}
			}
			if tt.message != "" && !strings.Contains(err.Error(), tt.message) {
				t.Errorf("err %q lacks %q", err, tt.message)
			}
		})
	}
}

func TestSandboxFaultsOnTheAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fault    webadmittest.Fault
		maxWait  time.Duration
		wantErr  error
		status   int    // of the *APIError, when an error is expected
		contains string // in the error
		maxCalls int    // getExportFile calls, when an error is expected
	}{
		{name: "HTML 502 once", fault: webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Attempt: 1, Kind: webadmittest.FaultHTMLError}},
		{name: "HTML 503 on initiate once", fault: webadmittest.Fault{Endpoint: webadmittest.EndpointInitiateExportFile, Attempt: 1, Kind: webadmittest.FaultHTMLError, StatusCode: 503}},
		{name: "HTML 502 for ever", fault: webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Kind: webadmittest.FaultHTMLError},
			maxWait: 300 * time.Millisecond, wantErr: ErrTimeout, status: 502, contains: "502 Bad Gateway"},
		{name: "cut API connection once", fault: webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Attempt: 2, Kind: webadmittest.FaultCutConnection, Bytes: 10}},
		// One malformed answer (a proxy's) is retried like a 5xx; answers
		// that stay malformed end with the budget, saying why.
		{name: "malformed JSON once", fault: webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Attempt: 1, Kind: webadmittest.FaultMalformedJSON}},
		{name: "truncated JSON once", fault: webadmittest.Fault{Endpoint: webadmittest.EndpointInitiateExportFile, Attempt: 1, Kind: webadmittest.FaultTruncatedJSON}},
		{name: "malformed JSON for ever", fault: webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Kind: webadmittest.FaultMalformedJSON},
			maxWait: 300 * time.Millisecond, wantErr: ErrTimeout, status: 200, contains: "not the expected JSON", maxCalls: 60},
		{name: "truncated JSON for ever", fault: webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Kind: webadmittest.FaultTruncatedJSON},
			maxWait: 300 * time.Millisecond, wantErr: ErrTimeout, status: 200, contains: "not the expected JSON", maxCalls: 60},
		{name: "extra fields", fault: webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Kind: webadmittest.FaultExtraFields}},
		{name: "unknown status", fault: webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Attempt: 1, Kind: webadmittest.FaultUnknownStatus, Status: "Archived-Sandbox"}},
		{name: "slow answer", fault: webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Attempt: 1, Kind: webadmittest.FaultDelay, Delay: 50 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := sandbox(t, webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: sandboxIdentity, Size: 10_000,
				Timeline: quick(generated.ExportFileStatusAvailable)}), webadmittest.WithFaults(tt.fault))
			c := sandboxClient(t, srv)
			var opts []RunOption
			if tt.maxWait > 0 {
				opts = append(opts, MaxWait(tt.maxWait))
			}
			var buf bytes.Buffer
			res, err := c.RunExport(context.Background(), sandboxIdentity, 7, ToWriter(&buf), opts...)
			collect(err)
			if tt.status == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if want, _ := sourceSHA(t, srv, 7); res.SHA256 != want || sha(buf.Bytes()) != want {
					t.Errorf("sha mismatch")
				}
				return
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != tt.status {
				t.Fatalf("err = %v, want an *APIError %d", err, tt.status)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("err %q lacks %q", err, tt.contains)
			}
			if n := srv.Recorder().Calls(webadmittest.EndpointGetExportFile); tt.maxCalls > 0 && n > tt.maxCalls {
				t.Errorf("%d status calls in %v: retried too often", n, tt.maxWait)
			}
		})
	}
}

// TestSandboxRateLimit runs against a key allowed one call per 2 s: the
// client meets a 429, waits its Retry-After, and finishes without hammering.
func TestSandboxRateLimit(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, webadmittest.WithRateLimit(1, 2*time.Second),
		webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: sandboxIdentity, Content: []byte("x\n")}))
	c := sandboxClient(t, srv)
	var limited []*RateLimitError
	start := time.Now()
	res, err := c.RunExport(context.Background(), sandboxIdentity, 7, ToWriter(io.Discard), OnProgress(func(e Event) {
		var rl *RateLimitError
		if e.Kind == EventRetry && errors.As(e.Err, &rl) {
			limited = append(limited, rl)
		}
	}))
	if err != nil {
		t.Fatal(collect(err))
	}
	if len(limited) == 0 || limited[0].RetryAfter <= 0 || limited[0].Limit != 1 {
		t.Fatalf("no 429 with Retry-After seen: %+v", limited)
	}
	if el := time.Since(start); el < limited[0].RetryAfter {
		t.Errorf("finished after %v, before Retry-After %v", el, limited[0].RetryAfter)
	}
	calls := srv.Recorder().Calls(webadmittest.EndpointGetExportFile) + srv.Recorder().Calls(webadmittest.EndpointInitiateExportFile)
	if calls > 6 {
		t.Errorf("%d API calls for one run under a 1-call budget: %s", calls, srv.Recorder())
	}
	if res.Status != StatusAvailable {
		t.Errorf("status %q", res.Status)
	}
}

func TestSandboxDownloadResilience(t *testing.T) {
	t.Parallel()
	const size = 3 << 20
	obj, get := webadmittest.EndpointObject, webadmittest.EndpointGetExportFile
	tests := []struct {
		name        string
		faults      []webadmittest.Fault
		lifetime    time.Duration
		attempts    int
		wantErr     error
		wantResumes int
		cancelAt    int64 // cancel once this many bytes arrived
	}{
		{name: "URL expired before use", faults: []webadmittest.Fault{{Endpoint: get, Kind: webadmittest.FaultExpireURL, Attempt: 1}}},
		{name: "URL expired on the store", faults: []webadmittest.Fault{{Endpoint: obj, Kind: webadmittest.FaultExpireURL, Attempt: 1}}},
		{name: "cut mid-body, then the URL has expired", wantResumes: 1, faults: []webadmittest.Fault{
			{Endpoint: obj, Kind: webadmittest.FaultCutConnection, Attempt: 1, Bytes: 1 << 20},
			{Endpoint: obj, Kind: webadmittest.FaultExpireURL, Attempt: 2}}},
		{name: "URL lifetime shorter than the download", lifetime: 150 * time.Millisecond, wantResumes: 1, faults: []webadmittest.Fault{
			{Endpoint: obj, Kind: webadmittest.FaultCutConnection, Attempt: 1, Bytes: 1 << 20},
			{Endpoint: obj, Kind: webadmittest.FaultDelay, Attempt: 2, Delay: 200 * time.Millisecond}}},
		{name: "cut connection", wantResumes: 1, faults: []webadmittest.Fault{{Endpoint: obj, Kind: webadmittest.FaultCutConnection, Attempt: 1, Bytes: 123_457}}},
		{name: "cut three times", wantResumes: 3, faults: []webadmittest.Fault{
			{Endpoint: obj, Kind: webadmittest.FaultCutConnection, Attempt: 1, Bytes: 1000},
			{Endpoint: obj, Kind: webadmittest.FaultCutConnection, Attempt: 2, Bytes: 1000},
			{Endpoint: obj, Kind: webadmittest.FaultCutConnection, Attempt: 3, Bytes: 1000}}},
		{name: "store 502 once", faults: []webadmittest.Fault{{Endpoint: obj, Kind: webadmittest.FaultHTMLError, Attempt: 1}}},
		{name: "truncated body every time", attempts: 3, wantErr: ErrIncomplete,
			faults: []webadmittest.Fault{{Endpoint: obj, Kind: webadmittest.FaultCutConnection, Bytes: 4096}}},
		{name: "expired every time", attempts: 3, wantErr: ErrURLExpired,
			faults: []webadmittest.Fault{{Endpoint: obj, Kind: webadmittest.FaultExpireURL}}},
		{name: "cancel mid-download", cancelAt: 1 << 20, wantErr: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := []webadmittest.Option{webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: sandboxIdentity, Size: size}),
				webadmittest.WithFaults(tt.faults...)}
			if tt.lifetime > 0 {
				opts = append(opts, webadmittest.WithURLLifetime(tt.lifetime))
			}
			srv := sandbox(t, opts...)
			c := sandboxClient(t, srv)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			runOpts := []RunOption{OnProgress(func(e Event) {
				if tt.cancelAt > 0 && e.Kind == EventBytes && e.Bytes >= tt.cancelAt {
					cancel()
				}
			})}
			if tt.attempts > 0 {
				runOpts = append(runOpts, DownloadAttempts(tt.attempts))
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "export.csv")
			res, err := c.RunExport(ctx, sandboxIdentity, 7, ToFile(path, FileOptions{}), runOpts...)
			collect(err)
			served := srv.Recorder().BytesServed(res.ExportFileID)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if names := dirEntries(t, dir); len(names) != 0 {
					t.Errorf("left behind %v", names)
				}
				if tt.attempts > 0 {
					if n := srv.Recorder().Calls(obj); n != tt.attempts {
						t.Errorf("%d store requests, want %d", n, tt.attempts)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want, _ := sourceSHA(t, srv, 7)
			if got := fileSHA(t, path); got != want || res.SHA256 != want {
				t.Fatalf("file sha %s, want %s", got, want)
			}
			if res.Resumes != tt.wantResumes {
				t.Errorf("Resumes = %d, want %d", res.Resumes, tt.wantResumes)
			}
			// Resuming re-sends nothing: what the store sent beyond the file
			// is at most what was in flight when a connection dropped.
			if served < size || served > size+int64(len(tt.faults))*(256<<10) {
				t.Errorf("store served %d bytes for a %d-byte file", served, size)
			}
		})
	}
}

func TestSandboxCallbackWakesTheRun(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: sandboxIdentity, Content: []byte("a,b\n"),
		Timeline: webadmittest.Timeline{Queued: 100 * time.Millisecond, InProgress: 200 * time.Millisecond}}))
	c := sandboxClient(t, srv, WithPollPolicy(PollPolicy{MinDelay: 20 * time.Millisecond, MaxDelay: time.Hour, Multiplier: 1000, MaxWait: time.Hour}))
	cb := server(t, c.CallbackHandler())
	start := time.Now()
	res, err := c.RunExport(context.Background(), sandboxIdentity, 7, ToWriter(io.Discard), CallbackURL(cb.URL+"/webadmit/callback"))
	if err != nil {
		t.Fatal(collect(err))
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("took %v: the callback did not wake the waiter", el)
	}
	if res.StatusCalls > 4 {
		t.Errorf("%d status calls", res.StatusCalls)
	}
	// The sandbox records the delivery once our answer reached it, which may
	// be just after the run ended here.
	deliveries := srv.Recorder().Callbacks()
	for deadline := time.Now().Add(5 * time.Second); len(deliveries) == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		deliveries = srv.Recorder().Callbacks()
	}
	if len(deliveries) != 1 || deliveries[0].StatusCode != http.StatusNoContent || deliveries[0].ExportFileID != res.ExportFileID {
		t.Errorf("callbacks %+v", deliveries)
	}
}

func TestSandboxAlreadyRunning(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: sandboxIdentity, Content: []byte("a\n"),
		Timeline: webadmittest.Timeline{InProgress: time.Minute}}))
	c := sandboxClient(t, srv)
	a, err := c.StartExport(context.Background(), sandboxIdentity, 7)
	if err != nil {
		t.Fatal(collect(err))
	}
	b, err := c.StartExport(context.Background(), sandboxIdentity, 7)
	if err != nil {
		t.Fatal(collect(err))
	}
	if f, _ := b.t.Snapshot(); a.ID() != b.ID() || f.Status != StatusInProgress {
		t.Errorf("second start gave run %d (%s), want the running %d", b.ID(), f.Status, a.ID())
	}
	_, err = c.ExportRun(7, a.ID()).Download(context.Background(), ToWriter(io.Discard))
	if !errors.Is(collect(err), ErrNotReady) {
		t.Errorf("Download of a running export: %v", err)
	}
}

// TestSandboxConcurrentRunsShareABudget runs several exports at once through
// two clients drawing on one budget.
func TestSandboxConcurrentRunsShareABudget(t *testing.T) {
	t.Parallel()
	var exports []webadmittest.Export
	for i := range 6 {
		exports = append(exports, webadmittest.Export{ID: 200 + i, IdentityID: sandboxIdentity, Size: int64(50_000 + i),
			Timeline: quick(generated.ExportFileStatusAvailable)})
	}
	srv := sandbox(t, webadmittest.WithExports(exports...))
	budget := NewRateBudget(10_000, time.Second, 100)
	clients := []*Client{sandboxClient(t, srv, WithRateBudget(budget)), sandboxClient(t, srv, WithRateBudget(budget))}
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, len(exports))
	for i, e := range exports {
		wg.Go(func() {
			path := filepath.Join(dir, fmt.Sprintf("%d.csv", e.ID))
			res, err := clients[i%2].RunExport(context.Background(), sandboxIdentity, e.ID, ToFile(path, FileOptions{}))
			if err == nil {
				if want, _ := sourceSHA(t, srv, e.ID); res.SHA256 != want {
					err = fmt.Errorf("export %d: sha mismatch", e.ID)
				}
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(collect(err))
	}
	if limit, remaining := budget.Remaining(); limit != webadmittest.DefaultRateLimit || remaining <= 0 {
		t.Errorf("budget saw limit %d remaining %d", limit, remaining)
	}
}

func TestSandboxZipAndTranscoding(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, webadmittest.DemoData())
	c := sandboxClient(t, srv, WithPollPolicy(PollPolicy{MinDelay: 50 * time.Millisecond, MaxDelay: 200 * time.Millisecond, MaxWait: 20 * time.Second, Multiplier: 2}))

	var buf bytes.Buffer
	res, err := c.RunExport(context.Background(), sandboxIdentity, webadmittest.DemoExportNightlyBanner, ToWriter(&buf), TranscodeToUTF8())
	if err != nil {
		t.Fatal(collect(err))
	}
	if buf.String() != webadmittest.DemoNightlyBannerCSV || !res.Transcoded {
		t.Errorf("transcoded file:\n%s\nwant:\n%s", buf.String(), webadmittest.DemoNightlyBannerCSV)
	}

	dir := t.TempDir()
	res, err = c.RunExport(context.Background(), sandboxIdentity, webadmittest.DemoExportProgramReports, ToDir(dir, ExtractOptions{}))
	if err != nil {
		t.Fatal(collect(err))
	}
	if len(res.Paths) < 2 {
		t.Fatalf("extracted %v", res.Paths)
	}
	for _, p := range res.Paths {
		if filepath.Dir(p) != dir && !strings.HasPrefix(p, dir+string(filepath.Separator)) {
			t.Errorf("%s outside %s", p, dir)
		}
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}
}
