package wait

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrTimeout is the error of a wait that the budget cannot hold.
var ErrTimeout = errors.New("wait budget exhausted")

// Budget is the one time budget of a public call: every sleep and every
// API call of the call fits in what is left of it. A sleep that would end
// past it fails at once; an API call's context ends with it. Transfers
// from the object store are not bounded by it (a large file takes as long
// as it takes) but by a low-speed limit: their time is given back
// (Exclude), so that a long download still has its budget for the waits
// and calls of a resume.
type Budget struct {
	clock Clock
	max   time.Duration
	mu    sync.Mutex
	end   time.Time // on clock
}

// NewBudget starts a budget of max on clock (nil: the system clock).
func NewBudget(clock Clock, max time.Duration) *Budget {
	if clock == nil {
		clock = System
	}
	return &Budget{clock: clock, max: max, end: clock.Now().Add(max)}
}

// Exclude gives the budget back d: time spent receiving a file from the
// object store, which the budget does not bound (the low-speed limit does).
func (b *Budget) Exclude(d time.Duration) {
	if d > 0 {
		b.mu.Lock()
		b.end = b.end.Add(d)
		b.mu.Unlock()
	}
}

// Max is the whole budget.
func (b *Budget) Max() time.Duration { return b.max }

// Clock is the budget's clock.
func (b *Budget) Clock() Clock { return b.clock }

// Left is what remains of the budget (negative once spent).
func (b *Budget) Left() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.end.Sub(b.clock.Now())
}

// Reserve is the time kept back for the API call that follows a sleep: the
// last status call is made early enough to be answered within the budget,
// rather than at its very end: minDelay, at least a second, but at most a
// tenth of the budget.
func (b *Budget) Reserve(minDelay time.Duration) time.Duration {
	return min(max(minDelay, time.Second), b.max/10)
}

// ErrSpent is the cause of an API call's context ending with the budget.
var ErrSpent = fmt.Errorf("%w: the API call did not answer within the wait budget", ErrTimeout)

// CallContext bounds ctx by what is left of the budget, in real time (the
// clock may be a test's). Its cause, when the budget ends it, is ErrSpent.
func (b *Budget) CallContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithDeadlineCause(ctx, time.Now().Add(b.Left()), ErrSpent)
}

// Spent reports whether cctx (from CallContext) ended because the budget
// did, while its parent ctx is still live.
func Spent(ctx, cctx context.Context) bool {
	return ctx.Err() == nil && context.Cause(cctx) == ErrSpent
}

// Exceeded is the ErrTimeout of a wait that cannot fit: what the call was
// doing and the error that asked for the wait, if any.
func (b *Budget) Exceeded(what string, need time.Duration, cause error) error {
	msg := fmt.Sprintf("%s: %s would be needed but %s of the %s wait budget is left", what,
		need.Round(time.Millisecond), max(0, b.Left()).Round(time.Millisecond), b.max)
	if cause != nil {
		return fmt.Errorf("%w: %s: %w", ErrTimeout, msg, cause)
	}
	return fmt.Errorf("%w: %s", ErrTimeout, msg)
}
