package webadmittest

import (
	"sync"
	"time"
)

// rateLimiter is a fixed-window call budget, as the API's hourly limit per
// key: limit calls per window, the window starting with its first call.
type rateLimiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	start  time.Time
	used   int
}

func newRateLimiter(limit int, window time.Duration) *rateLimiter {
	return &rateLimiter{limit: limit, window: window}
}

// roll starts a new window if the current one is over.
func (l *rateLimiter) roll(now time.Time) {
	if l.start.IsZero() || now.Sub(l.start) >= l.window {
		l.start, l.used = now, 0
	}
}

// take spends one call if any is left. It returns the calls left after it
// and, when none was left, how long until the window ends.
func (l *rateLimiter) take(now time.Time) (remaining int, retryAfter time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(now)
	if l.used >= l.limit {
		return 0, l.start.Add(l.window).Sub(now), false
	}
	l.used++
	return l.limit - l.used, 0, true
}

// remaining returns the calls left without spending one.
func (l *rateLimiter) remaining(now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(now)
	return l.limit - l.used
}
