package wrapper

// Regression tests for the time bounds of issue 10: a trickling store, a
// Retry-After longer than the budget, an API call that never answers,
// X-RateLimit-Remaining 0, a malformed answer from a proxy, a name that
// does not resolve.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestDownloadTricklingStoreIsStalled: a store that sends a byte now and
// then re-arms no watchdog: under the low-speed limit the attempt is
// abandoned and resumed.
func TestDownloadTricklingStoreIsStalled(t *testing.T) {
	t.Parallel()
	content := pattern(100_000)
	store := newFakeStore(content)
	store.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
		if n != 1 {
			return false
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		w.Header().Set("ETag", store.etag)
		w.WriteHeader(http.StatusOK)
		for i := range content {
			if _, err := w.Write(content[i : i+1]); err != nil {
				return true
			}
			http.NewResponseController(w).Flush()
			select {
			case <-r.Context().Done():
				return true
			case <-time.After(20 * time.Millisecond):
			}
		}
		return true
	}
	c, _ := setupDownload(t, store)
	var buf bytes.Buffer
	var resumeErr error
	res, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(&buf), LowSpeedLimit(1000, 200*time.Millisecond),
		OnProgress(func(e Event) {
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
	if resumeErr == nil || !strings.Contains(resumeErr.Error(), "stalled") || !strings.Contains(resumeErr.Error(), "low-speed limit") {
		t.Errorf("resume cause %v", resumeErr)
	}
}

// TestRetryAfterBeyondTheBudgetFailsAtOnce: a fresh URL asked for in the
// middle of a download is answered 429 with a Retry-After of an hour; the
// run's budget is a minute, so the download fails at once with ErrTimeout
// instead of sleeping.
func TestRetryAfterBeyondTheBudgetFailsAtOnce(t *testing.T) {
	t.Parallel()
	content := pattern(20_000)
	store := newFakeStore(content)
	store.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
		if n == 1 {
			cutAfter(store, w, r, 5000)
			return true
		}
		return false
	}
	st := server(t, store)
	api := &fakeAPI{statuses: []string{"Available"}, storeURL: func() string { return presigned(st.URL) }}
	api.onGet = func(w http.ResponseWriter, call int) bool {
		if call < 2 {
			return false
		}
		w.Header().Set("Retry-After", "3600")
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"message": "Rate limit exceeded"})
		return true
	}
	clock := newFakeClock()
	c := newTestClient(t, server(t, api).URL, withClock(clock))
	_, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(io.Discard), MaxWait(time.Minute))
	if !errors.Is(collect(err), ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	for _, d := range clock.Sleeps() {
		if d > time.Minute {
			t.Errorf("slept %v, more than the whole budget", d)
		}
	}
}

// TestAPICallBoundedByTheBudget: a status call that never answers ends
// with the wait budget, not with the HTTP client's own two-minute timeout.
func TestAPICallBoundedByTheBudget(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{statuses: []string{"In Progress"}}
	api.onGet = func(w http.ResponseWriter, call int) bool {
		time.Sleep(3 * time.Second) // far past the budget; the client gives up first
		return false
	}
	c := newTestClient(t, server(t, api).URL)
	start := time.Now()
	_, err := c.ExportRun(7, 555).Wait(context.Background(), MaxWait(300*time.Millisecond))
	if !errors.Is(collect(err), ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if elapsed := time.Since(start); elapsed > 2500*time.Millisecond {
		t.Errorf("Wait took %v with a 300ms budget: the call was not bounded by it", elapsed)
	}
}

// TestRemainingZeroKeepsCalling: X-RateLimit-Remaining 0 on the initiate
// answer, then a storm of 429s with Retry-After 1 and Remaining 0: the run
// slows down but comes through within its budget.
func TestRemainingZeroKeepsCalling(t *testing.T) {
	t.Parallel()
	content := pattern(1000)
	st := server(t, newFakeStore(content))
	var calls atomic.Int32
	api := &fakeAPI{statuses: []string{"In Progress", "In Progress", "Available"}, storeURL: func() string { return presigned(st.URL) }}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		w.Header().Set("X-RateLimit-Limit", "5000")
		if n >= 2 && n <= 9 { // a storm of 429s after the initiate
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("Retry-After", "1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"message":"Rate limit exceeded"}`)
			return
		}
		api.ServeHTTP(&remainingZero{ResponseWriter: w}, r)
	})
	clock := newFakeClock()
	c := newTestClient(t, server(t, h).URL, withClock(clock), WithRateBudget(NewRateBudget(5000, time.Hour, 60)),
		WithPollPolicy(PollPolicy{MinDelay: 2 * sec, MaxDelay: 30 * sec, MaxWait: 30 * time.Minute, Multiplier: 1.5}))
	var buf bytes.Buffer
	res, err := c.RunExport(context.Background(), sandboxIdentity, 7, ToWriter(&buf))
	if err != nil {
		t.Fatal(collect(err))
	}
	if !bytes.Equal(buf.Bytes(), content) {
		t.Fatalf("%d bytes", buf.Len())
	}
	if maxSpacing := 30 * time.Second; slices.Max(clock.Sleeps()) > maxSpacing {
		t.Errorf("slept up to %v; the longest wait should be the budget's spacing cap %v", slices.Max(clock.Sleeps()), maxSpacing)
	}
	if res.Elapsed > 15*time.Minute {
		t.Errorf("the run took %v of clock time", res.Elapsed)
	}
}

// remainingZero answers with X-RateLimit-Remaining 0.
type remainingZero struct{ http.ResponseWriter }

func (w *remainingZero) WriteHeader(code int) {
	w.Header().Set("X-RateLimit-Remaining", "0")
	w.ResponseWriter.WriteHeader(code)
}

// TestMalformedAnswerWhilePollingIsRetried: one 200 whose body is not the
// documented JSON (a proxy's page) is retried like a 5xx.
func TestMalformedAnswerWhilePollingIsRetried(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"<html>maintenance</html>", `{"export_files": {"id": 555, "sta`, ""} {
		api := &fakeAPI{statuses: []string{"In Progress", "In Progress", "Available"}}
		api.onGet = func(w http.ResponseWriter, call int) bool {
			if call != 2 {
				return false
			}
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, body)
			return true
		}
		c := newTestClient(t, server(t, api).URL)
		run, err := c.ExportRun(7, 555).Wait(context.Background())
		if err != nil || run.Status != StatusAvailable {
			t.Errorf("body %q: Wait = %+v, %v; want Available after a retry", body, run, collect(err))
		}
	}
}

// TestUnresolvableHostFailsAtOnce: a host name that does not resolve is a
// settings error, not a transient one.
func TestUnresolvableHostFailsAtOnce(t *testing.T) {
	t.Parallel()
	var dials atomic.Int32
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}}
	clock := newFakeClock()
	c := newTestClient(t, "https://api.nosuchhost.invalid", withClock(clock), WithHTTPClient(&http.Client{Transport: tr}))
	_, err := c.RunExport(context.Background(), sandboxIdentity, 7, ToWriter(io.Discard))
	var dnsErr *net.DNSError
	if !errors.As(collect(err), &dnsErr) || !dnsErr.IsNotFound {
		t.Fatalf("err = %v, want a *net.DNSError", err)
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("%d dials: a name that does not resolve was retried", n)
	}
}
