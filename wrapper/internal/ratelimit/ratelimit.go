// Package ratelimit keeps one API key's calls within its hourly budget: a
// token bucket of its own, and what the server says (X-RateLimit-Remaining,
// 429 and Retry-After).
package ratelimit

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// ErrLimited: the key's call budget is spent (429).
var ErrLimited = errors.New("rate limited")

// DefaultCallsPerHour is the documented call budget of one API key.
const DefaultCallsPerHour = 5000

const (
	defaultBurst = 60
	// defaultRateLimitPause is how long every client sharing a budget pauses
	// after a 429 that gave no Retry-After.
	defaultRateLimitPause = time.Minute
	// maxSpacing bounds the gap the budget puts between calls while few
	// are left: the server gives no reset time, so the budget slows down
	// but keeps calling (a 429 then says how long to wait).
	maxSpacing = 30 * time.Second
)

// Budget spaces API calls so that one key stays within its budget. It is
// safe for concurrent use.
//
// Besides its own token bucket it follows the server: when
// X-RateLimit-Remaining runs low (at most a twentieth of X-RateLimit-Limit,
// or 5) it spreads the calls left over a full window, at most 30 seconds
// apart (the server gives no reset time: the budget slows down but keeps
// calling), and after a 429 every call waits until its Retry-After has
// passed (a minute when it gives none). A Retry-After is the server's
// instruction: a call whose wait budget ends before it fails at once with
// ErrTimeout; the budget's own spacing is only a guess, and is cut short to
// fit the wait budget instead.
type Budget struct {
	lim    *rate.Limiter
	window time.Duration
	burst  int

	mu          sync.Mutex
	pausedUntil time.Time     // after a 429 with Retry-After: no call before
	guessUntil  time.Time     // after a 429 without one: no call before, a guess
	spacing     time.Duration // while few calls are left: gap between calls
	nextSlot    time.Time     // while spacing: earliest next call
	last        time.Time     // time of the latest call let through
	limit       int
	remaining   int
}

// keyBudgets holds the default budget of each key used in the process, by
// a hash of the key (the key itself is not kept here).
var keyBudgets sync.Map // [32]byte -> *Budget

// ForKey returns the process-wide default budget of a key.
func ForKey(key string) *Budget {
	h := sha256.Sum256([]byte(key))
	if b, ok := keyBudgets.Load(h); ok {
		return b.(*Budget)
	}
	b, _ := keyBudgets.LoadOrStore(h, New(DefaultCallsPerHour, time.Hour, defaultBurst))
	return b.(*Budget)
}

// New allows calls per window, in bursts of up to burst calls.
// Non-positive values take the defaults: 5,000 calls an hour, bursts of 60.
func New(calls int, window time.Duration, burst int) *Budget {
	if calls <= 0 {
		calls = DefaultCallsPerHour
	}
	if window <= 0 {
		window = time.Hour
	}
	if burst <= 0 {
		burst = min(defaultBurst, calls)
	}
	r := rate.Limit(float64(calls) / window.Seconds())
	return &Budget{
		lim:       rate.NewLimiter(r, burst),
		window:    window,
		burst:     burst,
		limit:     -1,
		remaining: -1,
	}
}

// Remaining reports the last X-RateLimit-Limit and X-RateLimit-Remaining
// seen on any response (-1 before the first).
func (b *Budget) Remaining() (limit, remaining int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.limit, b.remaining
}

// Wait blocks until the budget allows one call. A deadline on ctx (the
// wait budget of the call) bounds the wait: a Retry-After past it fails at
// once with ErrTimeout, the budget's own spacing is cut to fit.
func (b *Budget) Wait(ctx context.Context, clock wait.Clock, log *slog.Logger) error {
	now := clock.Now()
	r := b.lim.ReserveN(now, 1)
	guess := r.DelayFrom(now) // the budget's own guesses
	b.mu.Lock()
	told := b.pausedUntil.Sub(now) // the server's instruction
	if p := b.guessUntil.Sub(now); p > guess {
		guess = p
	}
	prevSlot := b.nextSlot
	if b.spacing > 0 && b.nextSlot.After(now.Add(guess)) {
		guess = b.nextSlot.Sub(now)
	}
	undo := func() {
		r.CancelAt(clock.Now())
		b.mu.Lock()
		b.nextSlot = prevSlot
		b.mu.Unlock()
	}
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if told > left {
			b.mu.Unlock()
			undo()
			return fmt.Errorf("%w: the server asked to wait %s before the next call (Retry-After), more than the %s left of the wait budget (%w)",
				wait.ErrTimeout, told.Round(time.Millisecond), max(0, left).Round(time.Millisecond), ErrLimited)
		}
		guess = min(guess, max(0, left/2)) // leave the call time to answer
	}
	d := max(told, guess)
	if b.spacing > 0 {
		b.nextSlot = now.Add(d).Add(b.spacing)
	}
	if t := now.Add(d); t.After(b.last) {
		b.last = t
	}
	b.mu.Unlock()
	if d <= 0 {
		return nil
	}
	log.Debug("webadmit: waiting for the rate budget", "delay", d)
	if err := wait.Sleep(ctx, clock, d, nil); err != nil {
		undo()
		return err
	}
	return nil
}

// Observe feeds one response's rate-limit information into the budget.
func (b *Budget) Observe(now time.Time, status, limit, remaining int, retryAfter time.Duration, log *slog.Logger) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if limit >= 0 {
		b.limit = limit
	}
	if remaining >= 0 {
		b.remaining = remaining
		low := 5
		if b.limit > 0 {
			low = max(low, b.limit/20)
		}
		if remaining <= low {
			// Spread what is left over a full window (the server does not say
			// when its window ends), but keep calling: a 429 will say when.
			spacing := min(b.window/time.Duration(remaining+1), maxSpacing)
			if b.spacing == 0 {
				log.Info("webadmit: few API calls left, slowing down", "remaining", remaining, "limit", b.limit, "spacing", spacing)
			}
			b.spacing = spacing
			if next := b.last.Add(spacing); next.After(b.nextSlot) {
				b.nextSlot = next
			}
		} else {
			b.spacing = 0
		}
	}
	if status == 429 {
		if retryAfter > 0 {
			// The server's instruction wins over the budget's own spacing.
			until := now.Add(retryAfter)
			if until.After(b.pausedUntil) {
				b.pausedUntil = until
			}
			b.nextSlot = b.pausedUntil
		} else if until := now.Add(defaultRateLimitPause); until.After(b.guessUntil) {
			b.guessUntil = until
		}
		log.Info("webadmit: rate limited by the server", "retry_after", retryAfter)
	}
}
