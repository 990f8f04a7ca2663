package wrapper

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// rateServer answers every status call In Progress with the given
// rate-limit headers.
func rateServer(t *testing.T, limit int, remaining func(call int) int, retryAfter func(call int) string) (*fakeAPI, string) {
	t.Helper()
	api := &fakeAPI{statuses: []string{"In Progress"}}
	api.onGet = func(w http.ResponseWriter, call int) bool {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining(call)))
		if ra := retryAfter(call); ra != "" {
			w.Header().Set("Retry-After", ra)
			w.WriteHeader(429)
			_, _ = w.Write([]byte(`{"message":"Rate limit exceeded"}`))
			return true
		}
		_, _ = w.Write([]byte(`{"export_files":{"id":555,"export_id":7,"href":"/api/v1/exports/7/export_files/555","status":"In Progress"}}`))
		return true
	}
	return api, server(t, api).URL
}

func noRetry(int) string { return "" }

func TestRateBudgetSpacesCalls(t *testing.T) {
	t.Parallel()
	_, url := rateServer(t, 5000, func(int) int { return 4000 }, noRetry)
	clock := newFakeClock()
	c := newTestClient(t, url, withClock(clock), WithRateBudget(NewRateBudget(2, 10*time.Second, 2)), WithPollPolicy(PollPolicy{MaxWait: time.Hour}))
	for range 4 {
		if _, err := c.ExportRun(7, 555).Poll(context.Background()); err != nil {
			t.Fatal(collect(err))
		}
	}
	if got, want := clock.Sleeps(), []time.Duration{5 * sec, 5 * sec}; !slices.Equal(got, want) {
		t.Errorf("budget waits %v, want %v", got, want)
	}
	if l, r := c.budget.Remaining(); l != 5000 || r != 4000 {
		t.Errorf("Remaining() = %d, %d", l, r)
	}
}

func TestRateBudgetSlowsWhenRemainingRunsLow(t *testing.T) {
	t.Parallel()
	left := []int{500, 3, 3, 900}
	_, url := rateServer(t, 1000, func(call int) int { return left[min(call, len(left))-1] }, noRetry)
	clock := newFakeClock()
	c := newTestClient(t, url, withClock(clock), WithRateBudget(NewRateBudget(1000, time.Hour, 100)), WithPollPolicy(PollPolicy{MaxWait: time.Hour}))
	for range 5 {
		if _, err := c.ExportRun(7, 555).Poll(context.Background()); err != nil {
			t.Fatal(collect(err))
		}
	}
	// After "3 left" the budget spreads the calls left over the hour, but
	// at most 30 * time.Second apart (the server gives no reset time: a 429
	// would say how long to wait); "900 left" restores the pace.
	if got := clock.Sleeps(); !slices.Equal(got, []time.Duration{30 * time.Second, 30 * time.Second}) {
		t.Errorf("waits %v, want two of %v", got, 30*time.Second)
	}

	// Within a wait budget the slowdown is cut to fit: the wait goes on
	// calling until the budget ends, and sleeps no longer than it.
	_, url2 := rateServer(t, 1000, func(int) int { return 0 }, noRetry)
	clock2 := newFakeClock()
	c2 := newTestClient(t, url2, withClock(clock2), WithRateBudget(NewRateBudget(1000, time.Hour, 100)))
	_, err := c2.ExportRun(7, 555).Wait(context.Background(), MaxWait(time.Minute))
	if !errors.Is(collect(err), ErrTimeout) || !strings.Contains(err.Error(), "In Progress") {
		t.Fatalf("err = %v, want ErrTimeout with the status reached", err)
	}
	var slept time.Duration
	for _, d := range clock2.Sleeps() {
		slept += d
	}
	if slept > time.Minute {
		t.Errorf("slept %v past a one-minute budget", slept)
	}
}

// TestRateBudgetShared429 shares one budget between two clients: after a
// 429 with Retry-After on one, the other waits too.
func TestRateBudgetShared429(t *testing.T) {
	t.Parallel()
	var first atomic.Bool
	_, url := rateServer(t, 5000, func(int) int { return 0 }, func(int) string {
		if first.CompareAndSwap(false, true) {
			return "30"
		}
		return ""
	})
	clock := newFakeClock()
	budget := NewRateBudget(1_000_000, time.Second, 1_000_000)
	long := WithPollPolicy(PollPolicy{MaxWait: time.Hour}) // room for the 30 s
	a := newTestClient(t, url, withClock(clock), WithRateBudget(budget), long)
	b := newTestClient(t, url, withClock(clock), WithRateBudget(budget), long)
	_, err := a.ExportRun(7, 555).Poll(context.Background())
	var rl *RateLimitError
	if !errors.As(collect(err), &rl) || rl.RetryAfter != 30*sec || rl.Remaining != 0 || rl.Limit != 5000 {
		t.Fatalf("first call: %v, want a 429 with Retry-After 30s", err)
	}
	before := clock.Now()
	if _, err := b.ExportRun(7, 555).Poll(context.Background()); err != nil {
		t.Fatal(collect(err))
	}
	if waited := clock.Now().Sub(before); waited < 30*sec {
		t.Errorf("second client waited %v after the 429, want 30s", waited)
	}
}

func TestRateBudgetDefaults(t *testing.T) {
	t.Parallel()
	b := NewRateBudget(0, 0, 0)
	if l, r := b.Remaining(); l != -1 || r != -1 {
		t.Errorf("Remaining before any call = %d, %d", l, r)
	}
}

func TestDefaultBudgetIsSharedPerKey(t *testing.T) {
	t.Parallel()
	a, _ := New("key-one-0123456789")
	b, _ := New("key-one-0123456789")
	other, _ := New("key-two-0123456789")
	if a.budget != b.budget || a.budget == other.budget {
		t.Error("clients of one key do not share a budget, or clients of two keys do")
	}
	own := NewRateBudget(10, time.Minute, 1)
	c, _ := New("key-one-0123456789", WithRateBudget(own))
	if c.budget != own.b {
		t.Error("WithRateBudget ignored")
	}
}
