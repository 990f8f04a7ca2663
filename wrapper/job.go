package wrapper

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// Job is what every handle of a long-running job shares: Poll makes one
// status call, Wait polls until the job ends. ExportRun and PDFBatchRun add
// Download; a v2 batch's handle is a Job alone. S is the job as the API
// describes it. A Job is safe for concurrent use.
type Job[S any] struct {
	c      *Client
	noun   string // the kind of job, for logs: "export", "PDF Manager batch"
	what   string // the job in words, for errors: "export 7 run 555"
	ev     Event  // the ids every event carries
	attrs  []any  // the ids every log line carries
	kind   jobKind
	id     int // the job's id, and its parent's (a run's export, a batch's identity)
	parent int
	status func(S) Status
	final  func(S) error // the error of a job that ended without what it was for
	clone  func(S) S     // a copy of an answer, for the caller to keep
	// shared, when set, watches the job in a status list shared with other
	// jobs (wake receives its changes): listed says the job's status
	// without a call of its own, or false when the job needs one.
	shared func(wake chan<- struct{}) (listed func() (Status, bool), stop func())
	t      wait.Tracker[S] // what the API last said, and the calls made
}

// ID is the job's id: a run's export file id, a batch's id.
func (j *Job[S]) ID() int { return j.id }

// Poll makes one status call and returns what it says.
func (j *Job[S]) Poll(ctx context.Context) (S, error) {
	return call(j.c, "poll", nil, func(rc *runConfig) (S, error) {
		s, err := j.t.Poll(ctx, rc.budget)
		return j.clone(s), err
	})
}

// Wait polls the job until its status is final and returns it, delays as
// the poll policy says. Transient failures (connection errors, 5xx, 429, a
// malformed answer) are retried within the wait budget, whose end matches
// ErrTimeout. A callback for the job (CallbackHandler) cuts a delay short.
// A job that ended without what it was for comes with a *JobError.
func (j *Job[S]) Wait(ctx context.Context, opts ...RunOption) (S, error) {
	return call(j.c, "wait", opts, func(rc *runConfig) (S, error) { return j.wait(ctx, rc) })
}

// pollRetrying makes one status call, retrying transient failures within
// the budget.
func (j *Job[S]) pollRetrying(ctx context.Context, rc *runConfig) (s S, err error) {
	err = j.c.retry(ctx, "checking "+j.what, rc, func(ctx context.Context) (err error) {
		s, err = j.t.Poll(ctx, rc.budget)
		return err
	})
	return s, err
}

// wait polls the job until its status is final. After an answer just
// received that is not final (the start's), the first call waits a delay.
func (j *Job[S]) wait(ctx context.Context, rc *runConfig) (S, error) {
	wake := make(chan struct{}, 1)
	defer j.c.hub.SubscribeTo(j.kind, j.id, j.parent, wake)()
	listed := func() (Status, bool) { return "", false }
	if j.shared != nil {
		var stop func()
		listed, stop = j.shared(wake)
		defer stop()
	}
	var (
		last    Status
		lastErr error
		retries int
	)
	skip := j.t.TakeFresh(func(s S) bool { return j.status(s).IsTerminal() })
	loop := wait.Loop{
		Budget: rc.budget, Policy: rc.poll.policy(), Wake: wake,
		Transient: isTransient, RetryAfter: retryAfter,
		TimedOut: func(_ int, _ time.Duration, err error) error {
			return timeoutError(j.what, j.lastStatus(last), rc.budget.Max(), cmp.Or(err, lastErr))
		},
		Sleeping: func(_ int, delay time.Duration, err error) {
			e := j.event(EventPoll, last)
			e.Delay = delay
			if err != nil {
				retries++
				j.c.log.Info("webadmit: status call failed, retrying", slices.Concat(j.attrs, []any{"attempt", retries, "delay", delay, "err", err.Error()})...)
				e.Kind, e.Attempt, e.Err = EventRetry, retries, err
			}
			rc.emit(e)
		},
	}
	err := loop.Run(ctx, func(ctx context.Context) (bool, error) {
		s, _ := j.t.Snapshot()
		st, ok := listed() // a shared list that shows the job going spares a call
		switch {
		case skip:
			st = j.status(s)
		case !ok || st.IsTerminal():
			var err error
			if s, err = j.t.Poll(ctx, rc.budget); err != nil {
				lastErr = err
				return false, err
			}
			st = j.status(s)
		}
		skip, lastErr = false, nil
		if st != last {
			last = st
			j.c.log.Debug("webadmit: "+j.noun+" status", slices.Concat(j.attrs, []any{"status", st})...)
			rc.emit(j.event(EventStatus, st))
		}
		return last.IsTerminal(), nil
	})
	s, _ := j.t.Snapshot()
	switch {
	case err == nil:
		return j.clone(s), j.final(s)
	case ctx.Err() != nil:
		err = fmt.Errorf("waiting for %s: %w", j.what, context.Cause(ctx))
	case errors.Is(err, wait.ErrSpent):
		err = timeoutError(j.what, j.lastStatus(last), rc.budget.Max(), err)
	}
	var zero S
	return zero, err
}

// lastStatus is seen, or else the status the handle last heard of.
func (j *Job[S]) lastStatus(seen Status) Status {
	if s, ok := j.t.Snapshot(); seen == "" && ok {
		return j.status(s)
	}
	return seen
}

// copyOf returns a copy of *p (nil for nil): Poll and Wait return copies.
func copyOf[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

// event returns the job's event of kind k.
func (j *Job[S]) event(k EventKind, status Status) Event {
	e := j.ev
	e.Kind, e.Status, e.Total = k, status, -1
	return e
}

// timeoutError says where the job was when the budget ran out.
func timeoutError(what string, last Status, budget time.Duration, lastErr error) error {
	state := "no status yet"
	if last != "" {
		state = fmt.Sprintf("status still %q", last)
	}
	if lastErr != nil && !errors.Is(lastErr, wait.ErrSpent) {
		return fmt.Errorf("%w: %s: %s after %s: last error: %w", ErrTimeout, what, state, budget, lastErr)
	}
	return fmt.Errorf("%w: %s: %s after %s", ErrTimeout, what, state, budget)
}

// retry runs op, a call that starts a job, within the budget, retrying
// transient failures as the poll policy and Retry-After say.
func (c *Client) retry(ctx context.Context, what string, rc *runConfig, op func(context.Context) error) error {
	loop := wait.Loop{
		Budget: rc.budget, Policy: rc.poll.policy(),
		Transient: isTransient, RetryAfter: retryAfter,
		TimedOut: func(n int, _ time.Duration, err error) error {
			return fmt.Errorf("%w: %s: gave up after %d attempts in %s: %w", ErrTimeout, what, n, rc.budget.Max(), err)
		},
		Sleeping: func(n int, delay time.Duration, err error) {
			c.log.Info("webadmit: call failed, retrying", "call", what, "attempt", n, "delay", delay, "err", err.Error())
			rc.emit(Event{Kind: EventRetry, Attempt: n, Delay: delay, Err: err, Total: -1})
		},
	}
	return loop.Call(ctx, what, op)
}
