package wait

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Attempt is one try of a Loop: done reports that the job is over (with
// err nil); !done with err nil means "not yet, ask again" (a status that
// is not final); an error is retried when the Loop's Transient says so.
type Attempt func(ctx context.Context) (done bool, err error)

// Loop runs attempts until one is done, fails for good, or the budget (or
// MaxTries) ends. Delays follow Policy; a Retry-After, when the error
// carries one, is waited at least; the last delay is cut so that the next
// attempt still has Budget.Reserve to be answered. A Retry-After that does
// not fit ends the loop at once.
type Loop struct {
	Budget *Budget
	Policy Policy
	// Wake cuts a sleep short (a callback arrived), but not before
	// Policy.MinDelay has passed, so that stray wake-ups cannot drive the
	// loop into a burst of calls.
	Wake <-chan struct{}
	// Transient reports whether an error is worth retrying.
	Transient func(error) bool
	// RetryAfter is the wait an error asks for (a 429's Retry-After), or 0.
	RetryAfter func(error) time.Duration
	// Immediate reports errors to retry at once, without a delay and
	// whatever the budget (a download continuing on the same URL, a
	// refreshed one after the object store refused an expired URL).
	// Sleeping is told of them with a zero delay.
	Immediate func(error) bool
	// FirstRetryImmediate retries the first failure at once.
	FirstRetryImmediate bool
	// MaxTries bounds the attempts (0: only the budget does).
	MaxTries int
	// Exhausted makes the error returned when MaxTries ends the loop, and
	// TimedOut the one when the budget does; last is the last attempt's
	// error, or nil. delay is the wait that did not fit.
	Exhausted func(attempts int, last error) error
	TimedOut  func(attempts int, delay time.Duration, last error) error
	// Sleeping is told before each sleep: the attempt number, the delay,
	// and the error that caused it (nil while a job is not yet done).
	Sleeping func(attempt int, delay time.Duration, err error)
}

// Run runs the loop. When ctx ends, its cause is returned; callers wrap it.
func (l *Loop) Run(ctx context.Context, attempt Attempt) error {
	sched := l.Policy.schedule()
	failures := 0
	for n := 1; ; n++ {
		done, err := attempt(ctx)
		if err == nil && done {
			return nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return context.Cause(ctx)
		}
		if err != nil {
			var p *permanentError
			if errors.As(err, &p) {
				return p.err
			}
			if l.Transient != nil && !l.Transient(err) {
				return err
			}
			if l.MaxTries > 0 && n >= l.MaxTries {
				if l.Exhausted != nil {
					return l.Exhausted(n, err)
				}
				return err
			}
			if l.Immediate != nil && l.Immediate(err) {
				if l.Sleeping != nil {
					l.Sleeping(n, 0, err)
				}
				continue
			}
		}
		var delay time.Duration
		switch {
		case err == nil:
			delay = sched.next()
		case failures == 0 && l.FirstRetryImmediate:
		default:
			delay = sched.next()
		}
		if err != nil {
			failures++
		}
		var asked time.Duration
		if err != nil && l.RetryAfter != nil {
			asked = l.RetryAfter(err)
			delay = max(delay, asked)
		}
		room := l.Budget.Left() - l.Budget.Reserve(l.Policy.MinDelay)
		if room <= 0 || (asked > 0 && delay > room) {
			return l.timedOut(n, delay, err)
		}
		delay = min(delay, room)
		if l.Sleeping != nil {
			l.Sleeping(n, delay, err)
		}
		if err := l.pause(ctx, delay); err != nil {
			return err
		}
	}
}

func (l *Loop) timedOut(n int, delay time.Duration, err error) error {
	if l.TimedOut != nil {
		return l.TimedOut(n, delay, err)
	}
	return l.Budget.Exceeded("waiting", delay, err)
}

// pause sleeps for delay; a wake-up may end it early, but not before
// Policy.MinDelay has passed.
func (l *Loop) pause(ctx context.Context, delay time.Duration) error {
	clock := l.Budget.Clock()
	start := clock.Now()
	if err := Sleep(ctx, clock, delay, l.Wake); err != nil {
		return err
	}
	if l.Wake == nil {
		return nil
	}
	elapsed := clock.Now().Sub(start)
	return Sleep(ctx, clock, min(l.Policy.MinDelay, delay)-elapsed, nil)
}

// Call runs op, a call to an API (one that starts a job, say), as the
// loop's attempt until it succeeds, fails for good or the budget ends; each
// call is bounded by what is left of the budget. what names the call in
// errors.
func (l *Loop) Call(ctx context.Context, what string, op func(context.Context) error) error {
	err := l.Run(ctx, func(ctx context.Context) (bool, error) {
		cctx, cancel := l.Budget.CallContext(ctx)
		defer cancel()
		err := op(cctx)
		if Spent(ctx, cctx) {
			return false, fmt.Errorf("%s: %w", what, ErrSpent)
		}
		return err == nil, err
	})
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("%s: %w", what, context.Cause(ctx))
	}
	return err
}

// Permanent marks an error no retry can fix: Run returns it (unwrapped)
// at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }
