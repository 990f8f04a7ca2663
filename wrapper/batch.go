package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"syscall"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// BatchKind is the kind of a v2 batch.
type BatchKind int

// The kinds of v2 batch.
const (
	BatchDesignations       BatchKind = iota + 1 // decisions for many applicants' designations
	BatchCustomFieldAnswers                      // custom field answers for many applicants
)

// String names the kind in words.
func (k BatchKind) String() string {
	switch k {
	case BatchDesignations:
		return "designation batch"
	case BatchCustomFieldAnswers:
		return "custom field answer batch"
	}
	return "batch"
}

// Batch is what the API last said about a v2 batch: changes to many
// applicants of one program, scheduled by one POST and applied in the
// background. R is the type of its per-item results.
type Batch[R any] struct {
	Kind       BatchKind
	IdentityID int
	ProgramID  int64
	ID         int
	// Status is Queued or In Progress while the batch runs, then Available
	// (every change applied), Success With Errors (some were not: see
	// ItemErrors) or Failed.
	Status    Status
	RawStatus string // the status as the server spelled it
	// Results has one entry per item once the batch has run (nil before),
	// each with its errors, null when the change was applied.
	Results     []R
	ItemErrors  int           // results whose errors are not null: changes not applied
	StatusCalls int           // status calls (GET by id) made by the call that returned it
	Elapsed     time.Duration // time the call that returned it took
}

// DesignationBatch is a v2 batch of designation decisions.
type DesignationBatch = Batch[generated.DesignationBatchResult]

// CustomFieldAnswerBatch is a v2 batch of custom field answers.
type CustomFieldAnswerBatch = Batch[generated.CustomFieldAnswerBatchResult]

// ErrBatchFailed: a v2 batch ended with status Failed.
var ErrBatchFailed = errors.New("webadmit: batch failed")

// BatchError is a v2 batch that ended Failed (errors.Is(err,
// ErrBatchFailed)). A batch that ends Success With Errors is not an error:
// its results say which items failed.
type BatchError struct {
	Kind       BatchKind
	IdentityID int
	ProgramID  int64
	BatchID    int
	Status     Status
}

// Error says what the batch ended with and what to do.
func (e *BatchError) Error() string {
	return fmt.Sprintf("webadmit: %s %d of program %d ended with status %q: none of its changes can be relied on; check the program in WebAdMIT, then send the batch again",
		e.Kind, e.BatchID, e.ProgramID, e.Status)
}

// Is matches ErrBatchFailed.
func (e *BatchError) Is(target error) bool {
	return target == ErrBatchFailed && e.Status == StatusFailed
}

// batchOps are the two calls of one kind of v2 batch.
type batchOps[R any] struct {
	kind       BatchKind
	identityID int
	programID  int64
	create     func(ctx context.Context) (*http.Response, error)
	get        func(ctx context.Context, id int) (*http.Response, error)
	failed     func(R) bool // the result's errors are not null
}

// batchEnvelope is the answer to both calls of either kind.
type batchEnvelope[R any] struct {
	Href  string `json:"href"`
	Batch struct {
		ID      int    `json:"id"`
		Status  string `json:"status"`
		Results *[]R   `json:"results"`
	} `json:"batch"`
}

func validBatch[R any](env *batchEnvelope[R]) bool { return env.Batch.ID > 0 && env.Batch.Status != "" }

// decodeBatch maps resp to an error or a Batch.
func decodeBatch[R any](c *Client, ops *batchOps[R], resp *http.Response, want int) (*Batch[R], error) {
	env, err := decodeAnswer(c, resp, want, validBatch[R])
	if err != nil {
		return nil, err
	}
	b := &Batch[R]{
		Kind: ops.kind, IdentityID: ops.identityID, ProgramID: ops.programID, ID: env.Batch.ID,
		Status: ParseStatus(env.Batch.Status), RawStatus: env.Batch.Status,
	}
	c.warnUnknown(ops.kind.String(), b.Status)
	if env.Batch.Results != nil {
		b.Results = *env.Batch.Results
		for _, r := range b.Results {
			if ops.failed(r) {
				b.ItemErrors++
			}
		}
	}
	return b, nil
}

// safeToRepeat reports whether a failed POST of a v2 batch certainly did
// not reach the API: a 429 (refused) or a refused connection. Unlike an
// export run, a batch POSTed twice is scheduled twice, so other failures
// (a timeout, a 502 from a proxy) are not retried.
func safeToRepeat(err error) bool {
	var rl *RateLimitError
	return errors.As(err, &rl) || errors.Is(err, syscall.ECONNREFUSED)
}

// createBatch POSTs the batch; see safeToRepeat for what is retried.
func createBatch[R any](ctx context.Context, c *Client, ops *batchOps[R], rc *runConfig) (*Batch[R], error) {
	var (
		batch *Batch[R]
		final error
	)
	what := fmt.Sprintf("creating a %s for program %d of user identity %d", ops.kind, ops.programID, ops.identityID)
	err := c.retry(ctx, what, rc, func(ctx context.Context) error {
		resp, err := ops.create(ctx)
		if err == nil {
			batch, err = decodeBatch(c, ops, resp, http201)
		} else {
			err = redactError(err)
		}
		if err != nil && !safeToRepeat(err) {
			final = err // the batch may have been scheduled: do not send it again
			return nil
		}
		return err
	})
	if final != nil {
		err = final
	}
	if err != nil {
		return nil, err
	}
	c.log.Info("webadmit: "+ops.kind.String()+" created", "user_identity_id", ops.identityID, "program_id", ops.programID,
		"batch_id", batch.ID, "status", batch.Status)
	rc.emit(Event{Kind: EventInitiated, BatchID: batch.ID, Status: batch.Status, Total: -1})
	return batch, nil
}

// waitBatch polls the batch until its status is final.
func waitBatch[R any](ctx context.Context, c *Client, ops *batchOps[R], id int, rc *runConfig, calls *int) (*Batch[R], error) {
	var batch *Batch[R]
	err := c.waitFor(ctx, rc, waitJob{
		noun:  ops.kind.String(),
		what:  fmt.Sprintf("%s %d of program %d", ops.kind, id, ops.programID),
		later: "wait for it again later by its id",
		ev:    Event{BatchID: id},
		attrs: []any{"user_identity_id", ops.identityID, "program_id", ops.programID, "batch_id", id},
		poll: func(ctx context.Context) (Status, error) {
			*calls++
			resp, err := ops.get(ctx, id)
			if err != nil {
				return "", redactError(err)
			}
			b, err := decodeBatch(c, ops, resp, http200)
			if err != nil {
				return "", err
			}
			batch = b
			return b.Status, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return batch, nil
}

// runBatch creates the batch, waits for it and turns Failed into an error.
func runBatch[R any](ctx context.Context, c *Client, ops *batchOps[R], opts []RunOption, create, wait bool, id int) (*Batch[R], error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, err
	}
	start := c.clock.Now()
	var calls int
	var batch *Batch[R]
	if create {
		if batch, err = createBatch(ctx, c, ops, rc); err != nil {
			return nil, c.fail("create "+ops.kind.String(), err)
		}
		id = batch.ID
	}
	if wait {
		waited, err := waitBatch(ctx, c, ops, id, rc, &calls)
		if err != nil {
			if batch != nil {
				batch.StatusCalls, batch.Elapsed = calls, c.clock.Now().Sub(start)
			}
			return batch, c.fail("wait for "+ops.kind.String(), err)
		}
		batch = waited
	}
	batch.StatusCalls, batch.Elapsed = calls, c.clock.Now().Sub(start)
	if create && wait && batch.Status == StatusFailed {
		return batch, c.fail("run "+ops.kind.String(), &BatchError{Kind: ops.kind, IdentityID: ops.identityID, ProgramID: ops.programID, BatchID: batch.ID, Status: batch.Status})
	}
	return batch, nil
}

func (c *Client) designationOps(identityID int, programID int64, items []generated.DesignationBatchItem) *batchOps[generated.DesignationBatchResult] {
	if items == nil {
		items = []generated.DesignationBatchItem{} // the API wants an array, never null
	}
	return &batchOps[generated.DesignationBatchResult]{
		kind: BatchDesignations, identityID: identityID, programID: programID,
		create: func(ctx context.Context) (*http.Response, error) {
			return c.raw.CreateDesignationBatch(ctx, identityID, programID, generated.CreateDesignationBatchRequest{Designations: items})
		},
		get: func(ctx context.Context, id int) (*http.Response, error) {
			return c.raw.GetDesignationBatch(ctx, identityID, programID, id)
		},
		failed: func(r generated.DesignationBatchResult) bool { return r.Errors != nil },
	}
}

func (c *Client) answerOps(identityID int, programID int64, items []generated.CustomFieldAnswerBatchItem) *batchOps[generated.CustomFieldAnswerBatchResult] {
	if items == nil {
		items = []generated.CustomFieldAnswerBatchItem{} // the API wants an array, never null
	}
	return &batchOps[generated.CustomFieldAnswerBatchResult]{
		kind: BatchCustomFieldAnswers, identityID: identityID, programID: programID,
		create: func(ctx context.Context) (*http.Response, error) {
			return c.raw.CreateCustomFieldAnswerBatch(ctx, identityID, programID, generated.CreateCustomFieldAnswerBatchRequest{CustomFieldAnswers: items})
		},
		get: func(ctx context.Context, id int) (*http.Response, error) {
			return c.raw.GetCustomFieldAnswerBatch(ctx, identityID, programID, id)
		},
		failed: func(r generated.CustomFieldAnswerBatchResult) bool { return r.Errors != nil },
	}
}

// RunDesignationBatch sets decisions on many designations of a program: it
// POSTs the batch, then polls it (like Wait: same poll policy, retries,
// ErrTimeout and options) until its status is final, and returns it with
// one result per item. Success With Errors is not an error: ItemErrors
// counts the items not applied and each result says why. A batch that ends
// Failed is a *BatchError (errors.Is(err, ErrBatchFailed)), returned with
// the batch.
//
// The POST is retried only when it certainly did not reach the API (a 429
// or a refused connection): a batch sent twice would be scheduled twice.
// After any other failure, check the designations before sending the batch
// again. If the wait fails (ErrTimeout, say), the
// returned batch holds its id for WaitDesignationBatch.
func (c *Client) RunDesignationBatch(ctx context.Context, identityID int, programID int64, items []generated.DesignationBatchItem, opts ...RunOption) (*DesignationBatch, error) {
	return runBatch(ctx, c, c.designationOps(identityID, programID, items), opts, true, true, 0)
}

// CreateDesignationBatch POSTs a batch of designation decisions and returns
// it (Queued) without waiting; see RunDesignationBatch.
func (c *Client) CreateDesignationBatch(ctx context.Context, identityID int, programID int64, items []generated.DesignationBatchItem, opts ...RunOption) (*DesignationBatch, error) {
	return runBatch(ctx, c, c.designationOps(identityID, programID, items), opts, true, false, 0)
}

// WaitDesignationBatch polls a designation batch by its id until its
// status is final and returns it with its results. It does not treat
// Failed as an error: check Batch.Status.
func (c *Client) WaitDesignationBatch(ctx context.Context, identityID int, programID int64, batchID int, opts ...RunOption) (*DesignationBatch, error) {
	return runBatch(ctx, c, c.designationOps(identityID, programID, nil), opts, false, true, batchID)
}

// RunCustomFieldAnswerBatch stores (or, with a null value, clears) custom
// field answers of many applicants of a program, as RunDesignationBatch
// does for decisions: POST, wait, results per item, *BatchError when the
// batch ends Failed. Build each item's value with
// generated.CustomFieldAnswerValue's From… methods, matching field_type.
func (c *Client) RunCustomFieldAnswerBatch(ctx context.Context, identityID int, programID int64, items []generated.CustomFieldAnswerBatchItem, opts ...RunOption) (*CustomFieldAnswerBatch, error) {
	return runBatch(ctx, c, c.answerOps(identityID, programID, items), opts, true, true, 0)
}

// CreateCustomFieldAnswerBatch POSTs a batch of custom field answers and
// returns it (Queued) without waiting; see RunCustomFieldAnswerBatch.
func (c *Client) CreateCustomFieldAnswerBatch(ctx context.Context, identityID int, programID int64, items []generated.CustomFieldAnswerBatchItem, opts ...RunOption) (*CustomFieldAnswerBatch, error) {
	return runBatch(ctx, c, c.answerOps(identityID, programID, items), opts, true, false, 0)
}

// WaitCustomFieldAnswerBatch polls a custom field answer batch by its id
// until its status is final and returns it with its results. It does not
// treat Failed as an error: check Batch.Status.
func (c *Client) WaitCustomFieldAnswerBatch(ctx context.Context, identityID int, programID int64, batchID int, opts ...RunOption) (*CustomFieldAnswerBatch, error) {
	return runBatch(ctx, c, c.answerOps(identityID, programID, nil), opts, false, true, batchID)
}
