package wrapper

// The fault matrix (issue 7): for each class of failure a nightly export
// meets, many RunExport trials against the sandbox with seeded random
// faults. Every trial must end with the file intact (the SHA-256 of the
// source) or with a typed error and nothing on disk, temporary files
// included: never a partial file, a panic, a leaked goroutine or a leaked
// key. The counts per class are printed; `make test` runs the matrix on its
// own, with -v, so that they show in CI:
//
//	go test -race -run '^TestFaultMatrix$' -v ./wrapper
//	WEBADMIT_FAULT_SEED=42 WEBADMIT_FAULT_TRIALS=500 go test -run '^TestFaultMatrix$' -v ./wrapper
//
// The wrapper runs on the fake clock, so Retry-After storms and backoff cost
// no real time; the sandbox's faults and the HTTP timeouts are real. A full
// disk is a tiny tmpfs (when the test may mount one) and a writer that
// fails after N bytes; a directory made read-only mid-way is not among the
// classes, because CI runs as root, which writes there anyway.

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"hash"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
)

var (
	matrixSeed   = flag.Uint64("faultmatrix.seed", 0, "seed of the fault matrix (0: $WEBADMIT_FAULT_SEED, else the clock)")
	matrixTrials = flag.Int("faultmatrix.trials", 0, "trials per fault class (0: $WEBADMIT_FAULT_TRIALS, else 50)")
)

const (
	matrixExport      = 7
	defaultTrials     = 50
	slowTimeout       = 100 * time.Millisecond // HTTP timeouts of the slow-response class
	matrixFileName    = "export.csv"
	errUnavailableMsg = "unavailable here"
)

// matrixTrial is one run of RunExport under faults, as a class sets it up.
type matrixTrial struct {
	rng        *rand.Rand
	srv        *webadmittest.Server
	size       int64
	dir        string // where the file goes; must be empty after a failure
	ctx        context.Context
	clientOpts []Option
	runOpts    []RunOption
	writer     *hashingSink  // set when the destination is a writer
	minElapsed time.Duration // clock time Retry-After answers impose, if any
	cleanup    []func()
}

// faultClass is one row of the matrix.
type faultClass struct {
	name string
	// export, when set, shapes the trial's export before the sandbox
	// starts (its content, say).
	export func(tr *matrixTrial, e *webadmittest.Export)
	// setup injects the trial's faults; an error means the class cannot
	// run on this machine (a tmpfs needs mount rights).
	setup func(tr *matrixTrial) error
	// allowed are the prefixes of the error labels (see errorLabel) a
	// failed trial of this class may end with.
	allowed []string
}

func (tr *matrixTrial) pick(endpoints ...webadmittest.Endpoint) webadmittest.Endpoint {
	return endpoints[tr.rng.IntN(len(endpoints))]
}

func (tr *matrixTrial) fault(f webadmittest.Fault) { tr.srv.AddFault(f) }

const (
	epInitiate = webadmittest.EndpointInitiateExportFile
	epStatus   = webadmittest.EndpointGetExportFile
	epObject   = webadmittest.EndpointObject
)

func faultClasses() []faultClass {
	return []faultClass{
		{name: "connection cut at a random byte", allowed: []string{"ErrIncomplete", "ErrTimeout"}, setup: func(tr *matrixTrial) error {
			if tr.rng.IntN(4) == 0 { // the API's answer breaks off too
				ep := tr.pick(epInitiate, epStatus)
				for a := range 1 + tr.rng.IntN(3) {
					tr.fault(webadmittest.Fault{Endpoint: ep, Attempt: a + 1, Kind: webadmittest.FaultCutConnection, Bytes: tr.rng.Int64N(200)})
				}
			}
			// 6 cuts or more exhaust the attempts if each falls within what
			// is left; later cuts come earlier so that some do.
			for a := range 1 + tr.rng.IntN(defaultDownloadAttempts+1) {
				tr.fault(webadmittest.Fault{Endpoint: epObject, Attempt: a + 1, Kind: webadmittest.FaultCutConnection, Bytes: tr.rng.Int64N(tr.size+1) / int64(a+1)})
			}
			return nil
		}},
		{name: "URL expired before use", allowed: []string{"ErrURLExpired"}, setup: func(tr *matrixTrial) error {
			// Download attempt i uses the URL of status call i and is object
			// request i: expire it at either end.
			for a := range 1 + tr.rng.IntN(defaultDownloadAttempts+2) {
				tr.fault(webadmittest.Fault{Endpoint: tr.pick(epStatus, epObject), Attempt: a + 1, Kind: webadmittest.FaultExpireURL})
			}
			return nil
		}},
		{name: "URL expired mid-body", allowed: []string{"ErrURLExpired", "ErrIncomplete"}, setup: func(tr *matrixTrial) error {
			tr.fault(webadmittest.Fault{Endpoint: epObject, Attempt: 1, Kind: webadmittest.FaultCutConnection, Bytes: tr.rng.Int64N(tr.size + 1)})
			for a := range 1 + tr.rng.IntN(defaultDownloadAttempts) {
				tr.fault(webadmittest.Fault{Endpoint: tr.pick(epStatus, epObject), Attempt: a + 2, Kind: webadmittest.FaultExpireURL})
			}
			return nil
		}},
		{name: "bursts of 500/502/503", allowed: []string{"*APIError 5", "ErrTimeout", "ErrIncomplete"}, setup: func(tr *matrixTrial) error {
			ep := tr.pick(epInitiate, epStatus, epObject)
			first := 1 + tr.rng.IntN(2)
			for a := range 1 + tr.rng.IntN(8) {
				code := []int{500, 502, 503}[tr.rng.IntN(3)]
				tr.fault(webadmittest.Fault{Endpoint: ep, Attempt: first + a, Kind: webadmittest.FaultHTMLError, StatusCode: code})
			}
			return nil
		}},
		{name: "429 storms with Retry-After", allowed: []string{"ErrTimeout", "ErrRateLimited"}, setup: func(tr *matrixTrial) error {
			ep := tr.pick(epInitiate, epStatus)
			for a := range 1 + tr.rng.IntN(12) {
				ra := time.Duration(1+tr.rng.IntN(120)) * time.Second
				tr.fault(webadmittest.Fault{Endpoint: ep, Attempt: a + 1, Kind: webadmittest.FaultRateLimited, RetryAfter: ra})
				tr.minElapsed += ra
			}
			return nil
		}},
		{name: "malformed and truncated JSON", allowed: []string{"*APIError 2"}, setup: func(tr *matrixTrial) error {
			kind := []webadmittest.FaultKind{webadmittest.FaultMalformedJSON, webadmittest.FaultTruncatedJSON, webadmittest.FaultExtraFields}[tr.rng.IntN(3)]
			tr.fault(webadmittest.Fault{Endpoint: tr.pick(epInitiate, epStatus), Attempt: 1 + tr.rng.IntN(2), Kind: kind})
			return nil
		}},
		{name: "unknown status", allowed: []string{"ErrTimeout"}, setup: func(tr *matrixTrial) error {
			status := []generated.ExportFileStatus{"Archived", "processing", "Pending Review", "ÜNKNOWN ✓", "Cancelled"}[tr.rng.IntN(5)]
			if tr.rng.IntN(2) == 0 {
				tr.fault(webadmittest.Fault{Endpoint: epInitiate, Attempt: 1, Kind: webadmittest.FaultUnknownStatus, Status: status})
			}
			for a := range 1 + tr.rng.IntN(15) {
				tr.fault(webadmittest.Fault{Endpoint: epStatus, Attempt: a + 1, Kind: webadmittest.FaultUnknownStatus, Status: status})
			}
			return nil
		}},
		{name: "slow responses past the timeout", allowed: []string{"ErrTimeout", "ErrIncomplete"}, setup: func(tr *matrixTrial) error {
			store := http.DefaultTransport.(*http.Transport).Clone()
			store.ResponseHeaderTimeout = slowTimeout
			tr.clientOpts = append(tr.clientOpts, WithHTTPClient(&http.Client{Timeout: slowTimeout}),
				WithDownloadHTTPClient(&http.Client{Transport: store}))
			ep := tr.pick(epInitiate, epStatus, epObject)
			for a := range 1 + tr.rng.IntN(3) {
				late := slowTimeout + time.Duration(20+tr.rng.IntN(130))*time.Millisecond
				tr.fault(webadmittest.Fault{Endpoint: ep, Attempt: a + 1, Kind: webadmittest.FaultDelay, Delay: late})
			}
			return nil
		}},
		{name: "disk full: ToFile on a tiny tmpfs", allowed: []string{"ENOSPC"}, setup: func(tr *matrixTrial) error {
			mnt := filepath.Join(tr.dir, "tmpfs")
			if err := os.Mkdir(mnt, 0o700); err != nil {
				return err
			}
			kib := 4 + tr.rng.Int64N(2*tr.size/1024+8) // from 4 KiB to twice the file
			if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, fmt.Sprintf("size=%dk,mode=0700", kib)); err != nil {
				return fmt.Errorf("mount tmpfs: %w", err)
			}
			tr.cleanup = append(tr.cleanup, func() { _ = syscall.Unmount(mnt, 0) })
			tr.dir = mnt
			return nil
		}},
		{name: "disk full: writer fails after N bytes", allowed: []string{"ENOSPC"}, setup: func(tr *matrixTrial) error {
			tr.writer = &hashingSink{h: sha256.New(), limit: tr.rng.Int64N(2*tr.size + 1)}
			return nil
		}},
		{name: "stored gzip coding, cuts", allowed: []string{"ErrIncomplete", "ErrTimeout"},
			export: func(tr *matrixTrial, e *webadmittest.Export) {
				var buf bytes.Buffer
				zw := gzip.NewWriter(&buf)
				raw := make([]byte, tr.size) // random bytes: the gzip stays about as big
				for i := range raw {
					raw[i] = byte(tr.rng.Uint32())
				}
				_, _ = zw.Write(raw)
				_ = zw.Close()
				e.Content, e.ContentEncoding = buf.Bytes(), "gzip"
			},
			setup: func(tr *matrixTrial) error {
				if tr.rng.IntN(2) == 0 {
					tr.runOpts = append(tr.runOpts, TranscodeToUTF8()) // must not touch coded bytes
				}
				for a := range 1 + tr.rng.IntN(defaultDownloadAttempts) {
					tr.fault(webadmittest.Fault{Endpoint: epObject, Attempt: a + 1, Kind: webadmittest.FaultCutConnection, Bytes: tr.rng.Int64N(tr.size+1) / int64(a+1)})
				}
				return nil
			}},
		{name: "size unknown (no Content-Length), cuts", allowed: []string{"ErrIncomplete", "ErrTimeout"}, setup: func(tr *matrixTrial) error {
			tr.fault(webadmittest.Fault{Endpoint: epObject, Kind: webadmittest.FaultNoContentLength})
			for a := range tr.rng.IntN(defaultDownloadAttempts) {
				tr.fault(webadmittest.Fault{Endpoint: epObject, Attempt: a + 1, Kind: webadmittest.FaultCutConnection, Bytes: tr.rng.Int64N(tr.size+1) / int64(a+1)})
			}
			return nil
		}},
		{name: "ETag dropped or object changed", allowed: []string{"ErrChanged", "ErrIncomplete"}, setup: func(tr *matrixTrial) error {
			tr.fault(webadmittest.Fault{Endpoint: epObject, Attempt: 1, Kind: webadmittest.FaultCutConnection, Bytes: tr.rng.Int64N(tr.size + 1)})
			switch tr.rng.IntN(3) {
			case 0:
				tr.fault(webadmittest.Fault{Endpoint: epObject, Attempt: 2, Kind: webadmittest.FaultDropETag})
			case 1:
				tr.fault(webadmittest.Fault{Endpoint: epObject, Attempt: 2, Kind: webadmittest.FaultChangedContent})
			default:
				tr.fault(webadmittest.Fault{Endpoint: epObject, Attempt: 2, Kind: webadmittest.FaultDropETag})
				tr.fault(webadmittest.Fault{Endpoint: epObject, Attempt: 2, Kind: webadmittest.FaultChangedContent})
			}
			return nil
		}},
		{name: "trickling store", allowed: []string{"ErrIncomplete"}, setup: func(tr *matrixTrial) error {
			tr.runOpts = append(tr.runOpts, LowSpeedLimit(64<<10, 100*time.Millisecond))
			for a := range 1 + tr.rng.IntN(2) {
				tr.fault(webadmittest.Fault{Endpoint: epObject, Attempt: a + 1, Kind: webadmittest.FaultTrickle, Bytes: 1 + tr.rng.Int64N(256), Delay: 20 * time.Millisecond})
			}
			return nil
		}},
		{name: "429 storm with Remaining 0", allowed: []string{"ErrTimeout"}, setup: func(tr *matrixTrial) error {
			// A realistic budget: the key's hourly 5,000, not the tests' big one.
			tr.clientOpts = append(tr.clientOpts, WithRateBudget(NewRateBudget(DefaultCallsPerHour, time.Hour, 60)))
			tr.fault(webadmittest.Fault{Endpoint: epInitiate, Attempt: 1, Kind: webadmittest.FaultRemainingZero})
			for a := range 1 + tr.rng.IntN(20) {
				tr.fault(webadmittest.Fault{Endpoint: epStatus, Attempt: a + 1, Kind: webadmittest.FaultRateLimited, RetryAfter: time.Second})
				tr.minElapsed += time.Second
			}
			return nil
		}},
		{name: "cancellation at a random moment", allowed: []string{"context.Canceled"}, setup: func(tr *matrixTrial) error {
			ctx, cancel := context.WithCancel(context.Background())
			tr.ctx = ctx
			tr.cleanup = append(tr.cleanup, cancel)
			if tr.rng.IntN(3) == 0 { // a few polls and a resume to interrupt too
				tr.fault(webadmittest.Fault{Endpoint: epStatus, Attempt: 1, Kind: webadmittest.FaultUnknownStatus})
				tr.fault(webadmittest.Fault{Endpoint: epObject, Attempt: 1, Kind: webadmittest.FaultCutConnection, Bytes: tr.rng.Int64N(tr.size + 1)})
			}
			if tr.rng.IntN(2) == 0 {
				timer := time.AfterFunc(time.Duration(tr.rng.Int64N(int64(20*time.Millisecond))), cancel)
				tr.cleanup = append(tr.cleanup, func() { timer.Stop() })
				return nil
			}
			at, events := tr.rng.IntN(12), 0
			tr.runOpts = append(tr.runOpts, OnProgress(func(Event) {
				if events == at {
					cancel()
				}
				events++
			}))
			return nil
		}},
	}
}

// hashingSink is a destination writer that hashes what it accepts and,
// like a full disk, fails once limit bytes were written.
type hashingSink struct {
	h     hash.Hash
	n     int64
	limit int64
}

func (s *hashingSink) Write(p []byte) (int, error) {
	if s.n+int64(len(p)) > s.limit {
		k := s.limit - s.n
		s.h.Write(p[:k])
		s.n += k
		return int(k), &os.PathError{Op: "write", Path: "/backup/" + matrixFileName, Err: syscall.ENOSPC}
	}
	s.h.Write(p)
	s.n += int64(len(p))
	return len(p), nil
}

func (s *hashingSink) sum() string { return hex.EncodeToString(s.h.Sum(nil)) }

// errorLabel names the typed error err matches, or "untyped".
func errorLabel(err error) string {
	for _, k := range []struct {
		name   string
		target error
	}{
		{"context.Canceled", context.Canceled}, {"ErrTimeout", ErrTimeout}, {"ErrURLExpired", ErrURLExpired},
		{"ErrIncomplete", ErrIncomplete}, {"ErrChanged", ErrChanged}, {"ENOSPC", syscall.ENOSPC},
		{"ErrRateLimited", ErrRateLimited}, {"ErrNotFound", ErrNotFound}, {"ErrUnauthorized", ErrUnauthorized},
		{"ErrExportFailed", ErrExportFailed}, {"ErrEmptyList", ErrEmptyList}, {"ErrNotReady", ErrNotReady},
	} {
		if errors.Is(err, k.target) {
			return k.name
		}
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return "*APIError " + strconv.Itoa(ae.StatusCode)
	}
	return "untyped"
}

// classCounts tallies the outcomes of one class.
type classCounts struct {
	trials, intact, partial, corrupt, untyped, panics, keyLeaks int
	errs                                                        map[string]int
	unavailable                                                 string
}

func (c *classCounts) typed() int {
	n := 0
	for _, v := range c.errs {
		n += v
	}
	return n
}

func (c *classCounts) errText() string {
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range c.errs {
			if !yield(k) {
				return
			}
		}
	})
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, c.errs[k]))
	}
	return strings.Join(parts, ", ")
}

// matrixSettings reads the seed and trial count from the flags, then the
// environment.
func matrixSettings(t *testing.T) (seed uint64, trials int) {
	seed, trials = *matrixSeed, *matrixTrials
	if seed == 0 {
		if v := os.Getenv("WEBADMIT_FAULT_SEED"); v != "" {
			s, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				t.Fatalf("WEBADMIT_FAULT_SEED=%q: %v", v, err)
			}
			seed = s
		} else {
			seed = uint64(time.Now().UnixNano())
		}
	}
	if trials == 0 {
		trials = defaultTrials
		if v := os.Getenv("WEBADMIT_FAULT_TRIALS"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				t.Fatalf("WEBADMIT_FAULT_TRIALS=%q: want a positive number", v)
			}
			trials = n
		}
	}
	return seed, trials
}

func TestFaultMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault matrix runs without -short")
	}
	seed, trials := matrixSettings(t)
	ignore := goleak.IgnoreCurrent()
	classes := faultClasses()
	counts := make([]classCounts, len(classes))
	t.Run("classes", func(t *testing.T) {
		for i, class := range classes {
			t.Run(strings.ReplaceAll(class.name, " ", "_"), func(t *testing.T) {
				t.Parallel()
				counts[i].errs = map[string]int{}
				for trial := range trials {
					if !runMatrixTrial(t, class, seed, i, trial, &counts[i]) {
						break // the class cannot run here
					}
				}
			})
		}
	})
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	leakErr := goleak.Find(ignore)
	if leakErr != nil {
		t.Errorf("goroutines leaked by the trials: %v", leakErr)
	}
	printMatrix(seed, trials, classes, counts, leakErr)
}

// runMatrixTrial runs one trial and checks its outcome; it reports false
// when the class cannot run on this machine.
func runMatrixTrial(t *testing.T, class faultClass, seed uint64, classIndex, trial int, counts *classCounts) bool {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, uint64(classIndex)<<32|uint64(trial)))
	where := fmt.Sprintf("%s, trial %d (reproduce with WEBADMIT_FAULT_SEED=%d)", class.name, trial, seed)
	size := randomSize(rng)
	spelling := []webadmittest.Spelling{webadmittest.SpellingTitleCase, webadmittest.SpellingSnakeCase}[rng.IntN(2)]
	base, err := os.MkdirTemp(t.TempDir(), "trial-")
	if err != nil {
		t.Fatal(err)
	}
	tr := &matrixTrial{rng: rng, size: size, dir: base, ctx: context.Background()}
	export := webadmittest.Export{ID: matrixExport, IdentityID: webadmittest.DemoIdentityID, Name: "Matrix", Size: size}
	if class.export != nil {
		class.export(tr, &export)
		if export.Content != nil {
			size, tr.size = int64(len(export.Content)), int64(len(export.Content))
		}
	}
	srv, err := webadmittest.New(webadmittest.WithAPIKey(testAPIKey), webadmittest.WithSpelling(spelling), webadmittest.WithExports(export))
	if err != nil {
		t.Fatalf("%s: sandbox: %v", where, err)
	}
	defer srv.Close()
	tr.srv = srv
	defer func() {
		for _, f := range slices.Backward(tr.cleanup) {
			f()
		}
	}()
	if err := class.setup(tr); err != nil {
		counts.unavailable = err.Error()
		return false
	}
	want := sourceSHAOf(t, srv)

	var logs syncBuffer
	opts := append([]Option{
		WithBaseURL(srv.URL()), WithLogger(slogTo(&logs)), WithRateBudget(bigBudget()), withClock(newFakeClock()),
		WithPollPolicy(PollPolicy{MinDelay: time.Second, MaxDelay: 10 * time.Second, MaxWait: 10 * time.Minute, Multiplier: 2, Jitter: 0.2}),
	}, tr.clientOpts...)
	c, err := New(testAPIKey, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	dst := ToFile(filepath.Join(tr.dir, matrixFileName), FileOptions{})
	if tr.writer != nil {
		dst = ToWriter(tr.writer)
	}

	res, panicked, err := runExportRecovering(tr.ctx, c, dst, tr.runOpts)
	collect(err)
	counts.trials++
	names := dirEntries(t, tr.dir)
	switch {
	case panicked != nil:
		counts.panics++
		t.Errorf("%s: panic: %v", where, panicked)
	case err == nil:
		got := ""
		if tr.writer != nil {
			got = tr.writer.sum()
			if len(names) != 0 {
				counts.partial++
				t.Errorf("%s: a writer destination left files %v", where, names)
				break
			}
		} else {
			if !slices.Equal(names, []string{matrixFileName}) {
				counts.partial++
				t.Errorf("%s: success left %v, want only %s", where, names, matrixFileName)
				break
			}
			got = fileSHA(t, filepath.Join(tr.dir, matrixFileName))
		}
		if got != want || res.SHA256 != want || res.Bytes != size {
			counts.corrupt++
			t.Errorf("%s: file SHA-256 %s, Result %s (%d bytes); source %s (%d bytes)", where, got, res.SHA256, res.Bytes, want, size)
			break
		}
		if res.Elapsed < tr.minElapsed {
			t.Errorf("%s: done after %s on the clock, but Retry-After asked for %s", where, res.Elapsed, tr.minElapsed)
			break
		}
		counts.intact++
	default:
		label := errorLabel(err)
		if !slices.ContainsFunc(class.allowed, func(p string) bool { return strings.HasPrefix(label, p) }) {
			counts.untyped++
			t.Errorf("%s: error %q is %s, not one of %v", where, err, label, class.allowed)
		} else {
			counts.errs[label]++
		}
		if len(names) != 0 {
			counts.partial++
			t.Errorf("%s: failed (%v) but left %v", where, err, names)
		}
	}
	if leak := keyLeak(err, logs.String(), srv); leak != "" {
		counts.keyLeaks++
		t.Errorf("%s: %s", where, leak)
	}
	return true
}

// runExportRecovering runs RunExport and turns a panic into a value.
func runExportRecovering(ctx context.Context, c *Client, dst Destination, opts []RunOption) (res *Result, panicked any, err error) {
	defer func() { panicked = recover() }()
	res, err = c.RunExport(ctx, webadmittest.DemoIdentityID, matrixExport, dst, opts...)
	return res, nil, err
}

// keyLeak says where the key or a URL signature escaped, or "".
func keyLeak(err error, logs string, srv *webadmittest.Server) string {
	unredacted := func(s string) bool {
		return strings.Contains(s, testAPIKey) || (strings.Contains(s, "Signature=") && !strings.Contains(s, "Signature="+redact.Redacted))
	}
	switch {
	case err != nil && unredacted(err.Error()):
		return fmt.Sprintf("the error holds a secret: %v", err)
	case unredacted(logs):
		return "the log holds a secret"
	case len(srv.Recorder().Leaks()) > 0:
		return fmt.Sprintf("the object store received x-api-key: %+v", srv.Recorder().Leaks())
	}
	return ""
}

// randomSize is a file size: a quarter tiny (up to 1 KiB, empty included),
// half up to 512 KiB, a quarter up to 4 MiB.
func randomSize(rng *rand.Rand) int64 {
	switch r := rng.IntN(4); {
	case r == 0:
		return rng.Int64N(1 << 10)
	case r == 3:
		return 512<<10 + rng.Int64N(3584<<10)
	}
	return 1<<10 + rng.Int64N(511<<10)
}

func sourceSHAOf(t *testing.T, srv *webadmittest.Server) string {
	t.Helper()
	h := sha256.New()
	if _, err := io.Copy(h, srv.ExportContent(matrixExport)); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// printMatrix prints the counts per class to stdout, where `go test -v`
// shows them even when every trial passed.
func printMatrix(seed uint64, trials int, classes []faultClass, counts []classCounts, leakErr error) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nfault matrix: %d trials per class, seed %d (rerun: WEBADMIT_FAULT_SEED=%d make test)\n", trials, seed, seed)
	fmt.Fprintf(&b, "%-38s %6s %7s %-52s %7s %7s %7s %5s %8s\n", "class", "trials", "intact", "typed errors", "partial", "corrupt", "untyped", "panic", "key leak")
	var (
		total classCounts
		typed int
	)
	for i, c := range counts {
		errs := c.errText()
		if c.unavailable != "" {
			errs = errUnavailableMsg + ": " + c.unavailable
		}
		fmt.Fprintf(&b, "%-38s %6d %7d %-52s %7d %7d %7d %5d %8d\n", classes[i].name, c.trials, c.intact, errs,
			c.partial, c.corrupt, c.untyped, c.panics, c.keyLeaks)
		total.trials += c.trials
		total.intact += c.intact
		total.partial += c.partial
		total.corrupt += c.corrupt
		total.untyped += c.untyped
		total.panics += c.panics
		total.keyLeaks += c.keyLeaks
		typed += c.typed()
	}
	fmt.Fprintf(&b, "%-38s %6d %7d %-52d %7d %7d %7d %5d %8d\n", "total", total.trials, total.intact, typed,
		total.partial, total.corrupt, total.untyped, total.panics, total.keyLeaks)
	leaked := "none"
	if leakErr != nil {
		leaked = leakErr.Error()
	}
	fmt.Fprintf(&b, "goroutines leaked after all trials: %s\n", leaked)
	fmt.Fprint(os.Stdout, b.String())
}
