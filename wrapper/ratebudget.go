package wrapper

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultCallsPerHour is the documented call budget of one API key.
const DefaultCallsPerHour = 5000

const (
	defaultBurst = 60
	// defaultRateLimitPause is how long every client sharing a budget pauses
	// after a 429 that gave no Retry-After.
	defaultRateLimitPause = time.Minute
)

// RateBudget spaces API calls so that one key stays within its budget. Share
// one among every Client (and so every run) that uses the same key with
// WithRateBudget. It is safe for concurrent use.
//
// Besides its own token bucket it follows the server: when
// X-RateLimit-Remaining runs low (at most a twentieth of X-RateLimit-Limit,
// or 5) it spreads the calls left over the rest of a full window, and after
// a 429 every call waits until Retry-After has passed.
type RateBudget struct {
	lim    *rate.Limiter
	window time.Duration
	burst  int

	mu          sync.Mutex
	pausedUntil time.Time     // after a 429: no call before
	spacing     time.Duration // while few calls are left: gap between calls
	nextSlot    time.Time     // while spacing: earliest next call
	last        time.Time     // time of the latest call let through
	limit       int
	remaining   int
}

// keyBudgets holds the default budget of each key used in the process, by
// a hash of the key (the key itself is not kept here).
var keyBudgets sync.Map // [32]byte -> *RateBudget

// budgetForKey returns the process-wide default budget of a key.
func budgetForKey(key string) *RateBudget {
	h := sha256.Sum256([]byte(key))
	if b, ok := keyBudgets.Load(h); ok {
		return b.(*RateBudget)
	}
	b, _ := keyBudgets.LoadOrStore(h, NewRateBudget(DefaultCallsPerHour, time.Hour, defaultBurst))
	return b.(*RateBudget)
}

// NewRateBudget allows calls per window, in bursts of up to burst calls.
// Non-positive values take the defaults: 5,000 calls an hour, bursts of 60.
func NewRateBudget(calls int, window time.Duration, burst int) *RateBudget {
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
	return &RateBudget{
		lim:       rate.NewLimiter(r, burst),
		window:    window,
		burst:     burst,
		limit:     -1,
		remaining: -1,
	}
}

// Remaining reports the last X-RateLimit-Limit and X-RateLimit-Remaining
// seen on any response (-1 before the first).
func (b *RateBudget) Remaining() (limit, remaining int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.limit, b.remaining
}

// deadlineKey carries, in a call's context, the clock time by which the
// wait that made the call must end; the budget refuses to sleep past it.
type deadlineKey struct{}

func withWaitDeadline(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, deadlineKey{}, t)
}

// wait blocks until the budget allows one call.
func (b *RateBudget) wait(ctx context.Context, clock Clock, log *slog.Logger) error {
	now := clock.Now()
	r := b.lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	b.mu.Lock()
	if p := b.pausedUntil.Sub(now); p > d {
		d = p
	}
	prevSlot := b.nextSlot
	if b.spacing > 0 {
		slot := now.Add(d)
		if b.nextSlot.After(slot) {
			slot = b.nextSlot
		}
		d = slot.Sub(now)
		b.nextSlot = slot.Add(b.spacing)
	}
	if t := now.Add(d); t.After(b.last) {
		b.last = t
	}
	b.mu.Unlock()
	if d <= 0 {
		return nil
	}
	cancel := func() {
		r.CancelAt(clock.Now())
		b.mu.Lock()
		b.nextSlot = prevSlot
		b.mu.Unlock()
	}
	if dl, ok := ctx.Value(deadlineKey{}).(time.Time); ok && now.Add(d).After(dl) {
		cancel()
		return fmt.Errorf("%w: the rate budget allows the next call in %s, after the wait budget ends (%w)", ErrTimeout, d.Round(time.Millisecond), ErrRateLimited)
	}
	log.Debug("webadmit: waiting for the rate budget", "delay", d)
	if err := sleep(ctx, clock, d, nil); err != nil {
		cancel()
		return err
	}
	return nil
}

// observe feeds one response's rate-limit information into the budget.
func (b *RateBudget) observe(now time.Time, status, limit, remaining int, retryAfter time.Duration, log *slog.Logger) {
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
			// when its window ends).
			spacing := b.window / time.Duration(remaining+1)
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
		pause := retryAfter
		if pause <= 0 {
			pause = defaultRateLimitPause
		}
		if until := now.Add(pause); until.After(b.pausedUntil) {
			b.pausedUntil = until
		}
		log.Info("webadmit: rate limited by the server", "retry_after", pause)
	}
}
