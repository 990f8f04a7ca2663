package wrapper

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// Run is what the API last said about one run of an export (an "export
// file"). The download URL it may carry is kept private: it is a credential
// that expires within 30 seconds.
type Run struct {
	ExportID     int    // the export (template)
	ExportFileID int    // the run
	Status       Status // normalised status
	RawStatus    string // the status as the server spelled it
	downloadURL  string
}

// runStats counts the calls of one public operation.
type runStats struct {
	start       time.Time
	statusCalls int
}

// Poll makes one status call for the run and returns what it says.
func (c *Client) Poll(ctx context.Context, exportID, exportFileID int) (*Run, error) {
	var st runStats
	run, err := c.getRun(ctx, exportID, exportFileID, &st)
	return run, c.fail("poll", err)
}

// getRun is one status call (getExportFile), decoded and checked.
func (c *Client) getRun(ctx context.Context, exportID, exportFileID int, st *runStats) (*Run, error) {
	st.statusCalls++
	resp, err := c.raw.GetExportFile(ctx, exportID, exportFileID)
	if err != nil {
		return nil, redactError(err)
	}
	ef, err := c.decodeExportFile(resp, http200)
	if err != nil {
		return nil, err
	}
	return c.newRun(exportID, ef), nil
}

const (
	http200 = 200
	http201 = 201
)

// decodeExportFile maps resp to an error, or decodes its ExportFileEnvelope.
func (c *Client) decodeExportFile(resp *http.Response, want int) (*generated.ExportFile, error) {
	env, err := decodeAnswer(c, resp, want, func(env *exportFileEnvelope) bool {
		ef := env.ExportFiles
		return ef != nil && ef.Id > 0 && ef.Status != ""
	})
	if err != nil {
		return nil, err
	}
	return env.ExportFiles, nil
}

// exportFileEnvelope is generated.ExportFileEnvelope with a pointer, so that
// an answer without export_files is told apart from one with zero values.
type exportFileEnvelope struct {
	ExportFiles *generated.ExportFile `json:"export_files"`
}

func (c *Client) newRun(exportID int, ef *generated.ExportFile) *Run {
	run := &Run{
		ExportID:     exportID,
		ExportFileID: ef.Id,
		Status:       StatusOf(ef.Status),
		RawStatus:    string(ef.Status),
	}
	if ef.DownloadUrl != nil {
		run.downloadURL = *ef.DownloadUrl
	}
	c.warnUnknown("export", run.Status)
	if ef.ExportId != 0 && ef.ExportId != exportID {
		if _, seen := c.mismatchSeen.LoadOrStore([2]int{exportID, ef.ExportId}, struct{}{}); !seen {
			c.log.Debug("webadmit: export_id in the answer differs from the one requested; using the requested one", "requested", exportID, "answered", ef.ExportId)
		}
	}
	return run
}

// Wait polls the run until its status is terminal and returns it. Delays
// follow the poll policy; transient failures (connection errors, 5xx, 429
// with its Retry-After) are retried within the wait budget; other errors end
// the wait. When the budget runs out the error matches ErrTimeout. A
// callback received by CallbackHandler for this run cuts the current delay
// short. Wait does not treat Failed or Empty List as errors: check
// Run.Status.
func (c *Client) Wait(ctx context.Context, exportID, exportFileID int, opts ...RunOption) (*Run, error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, err
	}
	st := runStats{start: c.clock.Now()}
	run, err := c.wait(ctx, exportID, exportFileID, rc, &st, nil)
	return run, c.fail("wait", err)
}

// wait polls the run until it ends. known is the run as an answer received
// just before described it (RunExport's initiate), or nil (see waitJob).
func (c *Client) wait(ctx context.Context, exportID, exportFileID int, rc *runConfig, st *runStats, known *Run) (*Run, error) {
	wake, unsubscribe := c.hub.subscribe(exportID, exportFileID)
	defer unsubscribe()
	var run *Run
	var knownStatus Status
	if known != nil {
		knownStatus = known.Status
	}
	err := c.waitFor(ctx, rc, waitJob{
		known: knownStatus,
		noun:  "export",
		what:  fmt.Sprintf("export %d run %d", exportID, exportFileID),
		later: "attach to the run later by its ids",
		ev:    Event{ExportID: exportID, ExportFileID: exportFileID},
		attrs: []any{"export_id", exportID, "export_file_id", exportFileID},
		wake:  wake,
		poll: func(ctx context.Context) (Status, error) {
			r, err := c.getRun(ctx, exportID, exportFileID, st)
			if err != nil {
				return "", err
			}
			run = r
			return r.Status, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// waitJob is one long-running job of the API the waiter polls: an export
// run, a PDF Manager batch or a v2 batch.
type waitJob struct {
	noun  string // kind of job, for logs: "export", "PDF Manager batch"
	what  string // the job in words, for errors: "export 7 run 555"
	later string // how to pick the job up after a timeout
	ev    Event  // the ids every event of the wait carries
	attrs []any  // the ids every log line of the wait carries
	wake  <-chan struct{}
	// known is the status the call that started the job has just
	// reported, or "". When it is not terminal, the first status call
	// waits for the first delay: one made at once would only repeat it.
	known Status
	// poll makes one status call and returns the normalised status; the
	// job has ended when it IsTerminal.
	poll func(context.Context) (Status, error)
}

// event returns the job's event of kind k.
func (j *waitJob) event(k EventKind, status Status) Event {
	e := j.ev
	e.Kind, e.Status, e.Total = k, status, -1
	return e
}

// waitFor polls job until its status is terminal. Delays follow the poll
// policy; transient failures (connection errors, 5xx, 429 with its
// Retry-After) are retried within the wait budget; other errors end the
// wait. When the budget runs out the error matches ErrTimeout. A wake-up
// (a callback for the job) cuts the current delay short.
func (c *Client) waitFor(ctx context.Context, rc *runConfig, job waitJob) error {
	pol, b := rc.poll, rc.budget
	sched := pol.schedule()
	var (
		last    Status
		lastErr error
		retries int
	)
	for first := true; ; first = false {
		var (
			status Status
			err    error
		)
		if first && job.known != "" && !job.known.IsTerminal() {
			status = job.known
		} else {
			cctx, cancel := b.callContext(ctx)
			status, err = job.poll(cctx)
			cancel()
			if spent(ctx, cctx, job.what) != nil {
				return timeoutError(job.what, job.later, last, b.max, cmp.Or(lastErr, errBudgetSpent))
			}
		}
		switch {
		case err == nil:
			lastErr = nil
			if status != last {
				last = status
				c.log.Debug("webadmit: "+job.noun+" status", slices.Concat(job.attrs, []any{"status", status})...)
				rc.emit(job.event(EventStatus, status))
			}
			if status.IsTerminal() {
				return nil
			}
		case ctx.Err() != nil:
			return fmt.Errorf("webadmit: waiting for %s: %w", job.what, context.Cause(ctx))
		case isTransient(err):
			lastErr = err
		default:
			return err
		}
		delay := sched.next()
		var rl *RateLimitError
		limited := errors.As(lastErr, &rl)
		if limited && rl.RetryAfter > delay {
			delay = rl.RetryAfter
		}
		// The next status call must be made while the budget still leaves
		// it time to answer; a Retry-After past that ends the wait now.
		room := b.left() - b.reserve(pol.MinDelay)
		if room <= 0 || (limited && delay > room) {
			return timeoutError(job.what, job.later, last, b.max, lastErr)
		}
		delay = min(delay, room)
		if lastErr == nil {
			e := job.event(EventPoll, last)
			e.Delay = delay
			rc.emit(e)
		}
		if lastErr != nil {
			retries++
			c.log.Info("webadmit: status call failed, retrying", slices.Concat(job.attrs, []any{"attempt", retries, "delay", delay, "err", lastErr.Error()})...)
			e := job.event(EventRetry, last)
			e.Attempt, e.Delay, e.Err = retries, delay, lastErr
			rc.emit(e)
		}
		if err := c.pause(ctx, delay, pol.MinDelay, job.wake); err != nil {
			return fmt.Errorf("webadmit: waiting for %s: %w", job.what, err)
		}
	}
}

// pause sleeps for delay; a wake-up (a callback) may end it early, but not
// before floor has passed, so that stray callbacks cannot drive the client
// into a burst of status calls.
func (c *Client) pause(ctx context.Context, delay, floor time.Duration, wake <-chan struct{}) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	start := c.clock.Now()
	t := c.clock.NewTimer(delay)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C():
		return nil
	case <-wake:
		elapsed := c.clock.Now().Sub(start)
		return sleep(ctx, c.clock, min(floor, delay)-elapsed, nil)
	}
}

func timeoutError(what, later string, last Status, budget time.Duration, lastErr error) error {
	state := "no status yet"
	if last != "" {
		state = fmt.Sprintf("status still %q", last)
	}
	msg := fmt.Sprintf("%s: %s after %s; wait longer (PollPolicy.MaxWait) or %s", what, state, budget, later)
	if lastErr != nil {
		return fmt.Errorf("%w: %s: last error: %w", ErrTimeout, msg, lastErr)
	}
	return fmt.Errorf("%w: %s", ErrTimeout, msg)
}

// retry runs op until it succeeds, fails for good or the budget ends,
// spacing transient failures by the poll policy and Retry-After. Each call
// of op is bounded by what is left of the budget.
func (c *Client) retry(ctx context.Context, what string, rc *runConfig, op func(context.Context) error) error {
	pol, b := rc.poll, rc.budget
	sched := pol.schedule()
	for attempt := 1; ; attempt++ {
		cctx, cancel := b.callContext(ctx)
		err := op(cctx)
		cancel()
		if err == nil {
			return nil
		}
		if e := spent(ctx, cctx, what); e != nil {
			return fmt.Errorf("%w: %s: no answer after %d attempts in %s", ErrTimeout, what, attempt, b.max)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("webadmit: %s: %w", what, context.Cause(ctx))
		}
		if !isTransient(err) {
			return err
		}
		delay := sched.next()
		var rl *RateLimitError
		limited := errors.As(err, &rl)
		if limited && rl.RetryAfter > delay {
			delay = rl.RetryAfter
		}
		room := b.left() - b.reserve(pol.MinDelay)
		if room <= 0 || (limited && delay > room) {
			return fmt.Errorf("%w: %s: gave up after %d attempts in %s: %w", ErrTimeout, what, attempt, b.max, err)
		}
		delay = min(delay, room)
		c.log.Info("webadmit: call failed, retrying", "call", what, "attempt", attempt, "delay", delay, "err", err.Error())
		rc.emit(Event{Kind: EventRetry, Attempt: attempt, Delay: delay, Err: err, Total: -1})
		if err := sleep(ctx, c.clock, delay, nil); err != nil {
			return fmt.Errorf("webadmit: %s: %w", what, err)
		}
	}
}

// fail redacts err, logs it at debug level and returns it: every error of
// the public API leaves through here.
func (c *Client) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	err = redactError(err)
	c.log.Debug("webadmit: operation failed", "op", op, "err", err.Error())
	return err
}
