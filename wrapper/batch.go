package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"syscall"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
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
	Results    []R
	ItemErrors int // results whose errors are not null: changes not applied
}

// DesignationBatch is a v2 batch of designation decisions.
type DesignationBatch = Batch[generated.DesignationBatchResult]

// CustomFieldAnswerBatch is a v2 batch of custom field answers.
type CustomFieldAnswerBatch = Batch[generated.CustomFieldAnswerBatchResult]

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

// DesignationBatchRun is the handle of a batch of designation decisions
// (StartDesignationBatch, DesignationBatch): Poll, and Wait for its
// results.
type DesignationBatchRun = Job[*DesignationBatch]

// CustomFieldAnswerBatchRun is the handle of a batch of custom field
// answers (StartCustomFieldAnswerBatch, CustomFieldAnswerBatch).
type CustomFieldAnswerBatchRun = Job[*CustomFieldAnswerBatch]

func newBatchRun[R any](c *Client, ops *batchOps[R], id int) *Job[*Batch[R]] {
	j := &Job[*Batch[R]]{
		c: c, noun: ops.kind.String(), what: fmt.Sprintf("%s %d of program %d", ops.kind, id, ops.programID),
		ev:    Event{BatchID: id},
		attrs: []any{"user_identity_id", ops.identityID, "program_id", ops.programID, "batch_id", id},
		kind:  noCallbacks, id: id, parent: ops.identityID,
		status: func(b *Batch[R]) Status { return b.Status },
		clone: func(b *Batch[R]) *Batch[R] {
			if b = copyOf(b); b != nil {
				b.Results = slices.Clone(b.Results)
			}
			return b
		},
		final: func(b *Batch[R]) error {
			if b.Status != StatusFailed {
				return nil // Success With Errors is not an error: see ItemErrors
			}
			return &JobError{Job: fmt.Sprintf("%s %d of program %d", b.Kind, b.ID, b.ProgramID), Status: b.Status, failed: ErrBatchFailed}
		},
	}
	j.t.Get = func(ctx context.Context) (*Batch[R], error) {
		resp, err := ops.get(ctx, id)
		if err != nil {
			return nil, err
		}
		b, err := decodeBatch(c, ops, resp, http.StatusOK)
		if err == nil {
			err = c.sameJob(resp, ops.kind.String(), b.ID, id)
		}
		if err != nil {
			return nil, err
		}
		return b, nil
	}
	j.t.Clock, j.t.What = c.clock, j.what
	return j
}

// safeToRepeat reports whether a failed POST of a v2 batch certainly did
// not reach the API: a 429 or a refused connection.
func safeToRepeat(err error) bool {
	var rl *RateLimitError
	return errors.As(err, &rl) || errors.Is(err, syscall.ECONNREFUSED)
}

// startBatch POSTs the batch and returns its handle; see safeToRepeat for
// what is retried.
func startBatch[R any](ctx context.Context, c *Client, ops *batchOps[R], opts []RunOption) (*Job[*Batch[R]], error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, c.fail("create "+ops.kind.String(), err)
	}
	var batch *Batch[R]
	what := fmt.Sprintf("creating a %s for program %d of user identity %d", ops.kind, ops.programID, ops.identityID)
	err = c.retry(ctx, what, rc, func(ctx context.Context) error {
		resp, err := ops.create(ctx)
		if err == nil {
			batch, err = decodeBatch(c, ops, resp, http.StatusCreated)
		}
		if err != nil && !safeToRepeat(err) {
			return wait.Permanent(err) // the batch may have been scheduled: do not send it again
		}
		return err
	})
	if err != nil {
		return nil, c.fail("create "+ops.kind.String(), err)
	}
	c.log.Info("webadmit: "+ops.kind.String()+" created", "user_identity_id", ops.identityID, "program_id", ops.programID,
		"batch_id", batch.ID, "status", batch.Status)
	rc.emit(Event{Kind: EventInitiated, BatchID: batch.ID, Status: batch.Status, Total: -1})
	b := newBatchRun(c, ops, batch.ID)
	b.t.Remember(batch)
	return b, nil
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

// StartDesignationBatch POSTs a batch of decisions for many designations of
// a program and returns its handle; Wait returns one result per item. The
// POST is retried only when it certainly did not reach the API (a 429, a
// refused connection): a batch sent twice is scheduled twice.
func (c *Client) StartDesignationBatch(ctx context.Context, identityID int, programID int64, items []generated.DesignationBatchItem, opts ...RunOption) (*DesignationBatchRun, error) {
	return startBatch(ctx, c, c.designationOps(identityID, programID, items), opts)
}

// DesignationBatch returns the handle of designation batch batchID of a
// program. It makes no call.
func (c *Client) DesignationBatch(identityID int, programID int64, batchID int) *DesignationBatchRun {
	return newBatchRun(c, c.designationOps(identityID, programID, nil), batchID)
}

// StartCustomFieldAnswerBatch POSTs a batch that stores (a null value:
// clears) custom field answers, as StartDesignationBatch does for
// decisions; build values with generated.CustomFieldAnswerValue's From…
// methods, matching field_type.
func (c *Client) StartCustomFieldAnswerBatch(ctx context.Context, identityID int, programID int64, items []generated.CustomFieldAnswerBatchItem, opts ...RunOption) (*CustomFieldAnswerBatchRun, error) {
	return startBatch(ctx, c, c.answerOps(identityID, programID, items), opts)
}

// CustomFieldAnswerBatch returns the handle of custom field answer batch
// batchID of a program. It makes no call.
func (c *Client) CustomFieldAnswerBatch(identityID int, programID int64, batchID int) *CustomFieldAnswerBatchRun {
	return newBatchRun(c, c.answerOps(identityID, programID, nil), batchID)
}
