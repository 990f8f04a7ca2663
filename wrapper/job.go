package wrapper

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// Job is what every handle of a long-running job shares, in the manner of
// a long-running operation: Poll makes one status call, Wait polls until
// the job ends. ExportRun and PDFBatchRun embed one and add Download; the
// handles of v2 batches are a Job alone. S is the job as the API describes
// it. A Job is safe for concurrent use.
type Job[S any] struct {
	c      *Client
	noun   string // the kind of job, for logs: "export", "PDF Manager batch"
	what   string // the job in words, for errors: "export 7 run 555"
	ev     Event  // the ids every event carries
	attrs  []any  // the ids every log line carries
	kind   jobKind
	id     int // the job's id, and its parent's (a run's export, a batch's identity)
	parent int
	get    func(ctx context.Context) (S, error) // one status call
	status func(S) Status
	final  func(S) error // the error of a job that ended without what it was for
	start  time.Time

	mu    sync.Mutex
	last  S
	at    time.Time // when last was received
	have  bool      // last holds an answer
	fresh bool      // last was just received and no wait has used it
	calls int
}

// ID is the job's id: a run's export file id, a batch's id.
func (j *Job[S]) ID() int { return j.id }

// Poll makes one status call and returns what it says.
func (j *Job[S]) Poll(ctx context.Context) (S, error) {
	rc, err := j.c.runConfig(nil)
	if err != nil {
		var zero S
		return zero, j.c.fail("poll", err)
	}
	s, err := j.poll(ctx, rc.budget)
	return s, j.c.fail("poll", err)
}

// Wait polls the job until its status is final and returns it. Delays
// follow the poll policy; transient failures (connection errors, 5xx, 429
// with its Retry-After, a malformed answer) are retried within the wait
// budget; other errors end the wait. When the budget runs out the error
// matches ErrTimeout. A callback received by CallbackHandler for the job
// cuts the current delay short. A job that ended without what it was for
// is returned with its error: *ExportError, *PDFBatchError or *BatchError.
func (j *Job[S]) Wait(ctx context.Context, opts ...RunOption) (S, error) {
	rc, err := j.c.runConfig(opts)
	if err != nil {
		var zero S
		return zero, j.c.fail("wait", err)
	}
	s, err := j.wait(ctx, rc)
	return s, j.c.fail("wait", err)
}

// snapshot returns the last answer, if any.
func (j *Job[S]) snapshot() (S, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.last, j.have
}

// recent returns the last answer if it is younger than d.
func (j *Job[S]) recent(d time.Duration) (S, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.last, j.have && j.c.clock.Now().Sub(j.at) < d
}

// remember records an answer describing the job.
func (j *Job[S]) remember(s S) {
	j.mu.Lock()
	j.last, j.have, j.fresh, j.at = s, true, true, j.c.clock.Now()
	j.mu.Unlock()
}

// statusCalls is how many status calls the handle has made.
func (j *Job[S]) statusCalls() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.calls
}

// call makes one status call.
func (j *Job[S]) call(ctx context.Context) (S, error) {
	j.mu.Lock()
	j.calls++
	j.mu.Unlock()
	return j.get(ctx)
}

// poll makes one status call, bounded by the budget.
func (j *Job[S]) poll(ctx context.Context, b *wait.Budget) (S, error) {
	cctx, cancel := b.CallContext(ctx)
	defer cancel()
	s, err := j.call(cctx)
	if wait.Spent(ctx, cctx) {
		var zero S
		return zero, fmt.Errorf("%s: %w", j.what, wait.ErrSpent)
	}
	if err == nil {
		j.remember(s)
	}
	return s, err
}

// pollRetrying makes one status call, retrying transient failures (a 429,
// a 502, a malformed answer) within the budget.
func (j *Job[S]) pollRetrying(ctx context.Context, rc *runConfig) (S, error) {
	var s S
	err := j.c.retry(ctx, "checking "+j.what, rc, func(ctx context.Context) error {
		var err error
		s, err = j.poll(ctx, rc.budget)
		return err
	})
	return s, err
}

// wait polls the job until its status is final. An answer just received
// (from the call that started the job, say) that is not final makes the
// first status call wait for the first delay: one made at once would only
// repeat it.
func (j *Job[S]) wait(ctx context.Context, rc *runConfig) (S, error) {
	wake, unsubscribe := j.c.hub.Subscribe(j.kind, j.id, j.parent)
	defer unsubscribe()
	var (
		last    Status
		lastErr error
		retries int
	)
	j.mu.Lock()
	skip := j.fresh && j.have && !j.status(j.last).IsTerminal()
	j.fresh = false
	j.mu.Unlock()
	loop := wait.Loop{
		Budget: rc.budget, Policy: rc.poll.policy(), Wake: wake,
		Transient: isTransient, RetryAfter: retryAfter,
		TimedOut: func(_ int, _ time.Duration, err error) error {
			return timeoutError(j.what, last, rc.budget.Max(), cmp.Or(err, lastErr))
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
		s, _ := j.snapshot()
		if !skip {
			var err error
			if s, err = j.poll(ctx, rc.budget); err != nil {
				lastErr = err
				return false, err
			}
		}
		skip, lastErr = false, nil
		if st := j.status(s); st != last {
			last = st
			j.c.log.Debug("webadmit: "+j.noun+" status", slices.Concat(j.attrs, []any{"status", st})...)
			rc.emit(j.event(EventStatus, st))
		}
		return last.IsTerminal(), nil
	})
	s, _ := j.snapshot()
	switch {
	case err == nil:
		return s, j.final(s)
	case ctx.Err() != nil:
		err = fmt.Errorf("waiting for %s: %w", j.what, context.Cause(ctx))
	case errors.Is(err, wait.ErrSpent):
		err = timeoutError(j.what, last, rc.budget.Max(), err)
	}
	var zero S
	return zero, err
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

// retry runs op, a call that starts a job, until it succeeds, fails for
// good or the budget ends, spacing transient failures by the poll policy
// and Retry-After. Each call is bounded by what is left of the budget.
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
	err := loop.Run(ctx, func(ctx context.Context) (bool, error) {
		cctx, cancel := rc.budget.CallContext(ctx)
		defer cancel()
		err := op(cctx)
		if wait.Spent(ctx, cctx) {
			return false, fmt.Errorf("%s: %w", what, wait.ErrSpent)
		}
		return err == nil, err
	})
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("%s: %w", what, context.Cause(ctx))
	}
	return err
}
