package wait

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Tracker remembers what the API last said of a job (S), when, and how
// many status calls were made. It is safe for concurrent use.
type Tracker[S any] struct {
	Clock Clock
	Get   func(ctx context.Context) (S, error) // one status call
	What  string                               // the job in words, for errors

	mu    sync.Mutex
	last  S
	at    time.Time
	have  bool // last holds an answer
	fresh bool // last was just received and no wait has used it
	calls int
}

// Snapshot returns the last answer, if any.
func (t *Tracker[S]) Snapshot() (S, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last, t.have
}

// Recent returns the last answer if it is younger than d.
func (t *Tracker[S]) Recent(d time.Duration) (S, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last, t.have && t.Clock.Now().Sub(t.at) < d
}

// Remember records an answer describing the job.
func (t *Tracker[S]) Remember(s S) {
	t.mu.Lock()
	t.last, t.have, t.fresh, t.at = s, true, true, t.Clock.Now()
	t.mu.Unlock()
}

// TakeFresh reports, once, whether the last answer was just received and
// is not final: a wait then starts with a delay rather than a call that
// would only repeat it.
func (t *Tracker[S]) TakeFresh(final func(S) bool) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	fresh := t.fresh && t.have && !final(t.last)
	t.fresh = false
	return fresh
}

// Calls is how many status calls were made.
func (t *Tracker[S]) Calls() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.calls
}

// Call makes one status call, counted.
func (t *Tracker[S]) Call(ctx context.Context) (S, error) {
	t.mu.Lock()
	t.calls++
	t.mu.Unlock()
	return t.Get(ctx)
}

// Poll makes one status call bounded by b, and remembers its answer.
func (t *Tracker[S]) Poll(ctx context.Context, b *Budget) (S, error) {
	cctx, cancel := b.CallContext(ctx)
	defer cancel()
	s, err := t.Call(cctx)
	if Spent(ctx, cctx) {
		var zero S
		return zero, fmt.Errorf("%s: %w", t.What, ErrSpent)
	}
	if err == nil {
		t.Remember(s)
	}
	return s, err
}
