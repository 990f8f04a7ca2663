package wrapper

import (
	"context"
	"fmt"
	"time"
)

// runBudget is the one time budget of a public call (PollPolicy.MaxWait,
// from the moment the call starts): every sleep and every API call of the
// call fits in what is left of it. A sleep that would end past it fails at
// once with ErrTimeout; an API call's context ends with it. Transfers from
// the object store are not bounded by it (a large file takes as long as it
// takes) but by the low-speed limit.
type runBudget struct {
	clock Clock
	max   time.Duration
	end   time.Time // on clock
}

func newRunBudget(clock Clock, max time.Duration) *runBudget {
	return &runBudget{clock: clock, max: max, end: clock.Now().Add(max)}
}

// left is what remains of the budget (negative once spent).
func (b *runBudget) left() time.Duration { return b.end.Sub(b.clock.Now()) }

// reserve is the time kept back for the API call that follows a sleep:
// the last status call is made early enough to be answered within the
// budget, rather than at its very end: MinDelay, at least a second, but at
// most a tenth of the budget.
func (b *runBudget) reserve(minDelay time.Duration) time.Duration {
	return min(max(minDelay, time.Second), b.max/10)
}

// exceeded returns the ErrTimeout of a wait that cannot fit: what the call
// was doing, and the cause that asked for the wait, if any.
func (b *runBudget) exceeded(what string, need time.Duration, cause error) error {
	msg := fmt.Sprintf("%s: %s would be needed but %s of the %s wait budget is left", what, need.Round(time.Millisecond), max(0, b.left()).Round(time.Millisecond), b.max)
	if cause != nil {
		return fmt.Errorf("%w: %s: %w", ErrTimeout, msg, cause)
	}
	return fmt.Errorf("%w: %s", ErrTimeout, msg)
}

// errBudgetSpent is the cause of an API call's context ending with the
// budget.
var errBudgetSpent = fmt.Errorf("%w: the API call did not answer within the wait budget", ErrTimeout)

// callContext bounds ctx by what is left of the budget, in real time (the
// clock may be a test's). Its cause, when the budget ends it, matches
// ErrTimeout.
func (b *runBudget) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithDeadlineCause(ctx, time.Now().Add(b.left()), errBudgetSpent)
}

// spent reports whether cctx (from callContext) ended because the budget
// did, while its parent ctx is still live; it returns the error to report.
func spent(ctx, cctx context.Context, what string) error {
	if ctx.Err() == nil && context.Cause(cctx) == errBudgetSpent {
		return fmt.Errorf("%s: %w", what, errBudgetSpent)
	}
	return nil
}
