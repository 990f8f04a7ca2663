package webadmittest

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// BatchTimeline says how a v2 batch (designations or custom field answers)
// moves: Queued for Queued, then In Progress for InProgress, then it applies
// its changes and is Available, or Success With Errors when a change
// failed. Durations count from the POST; the zero BatchTimeline finishes a
// batch at once.
type BatchTimeline struct {
	Queued     time.Duration
	InProgress time.Duration
}

// firstJobID is the docs' example id of a v2 batch; later ones count up.
const firstJobID = 74780

// Messages of v2 batch result errors, as the docs give them.
const (
	msgNoApplicant   = "No applicant found for that applicant_cas_id"
	msgNoDecision    = "No decision found for that decision_id"
	msgNoCustomField = "No custom field found for that custom_field_id"
)

// job is one v2 batch.
type job struct {
	id           int
	identityID   int
	programID    int64
	started      time.Time
	designations []generated.DesignationBatchItem       // a designation batch, or
	answers      []generated.CustomFieldAnswerBatchItem // a custom field answer batch
	// Set once the batch has applied its changes; guarded by jobStore.mu.
	applied            bool
	withErrors         bool
	designationResults []generated.DesignationBatchResult
	answerResults      []generated.CustomFieldAnswerBatchResult
}

// jobStore holds the v2 batches of a server and applies each to the
// directory when its timeline ends. Lock order: jobStore.mu, then
// directory.mu.
type jobStore struct {
	mu       sync.Mutex
	timeline BatchTimeline
	dir      *directory
	nextID   int
	byID     map[int]*job
	order    []*job
}

func newJobStore(tl BatchTimeline, dir *directory) *jobStore {
	return &jobStore{timeline: tl, dir: dir, nextID: firstJobID, byID: map[int]*job{}}
}

func (js *jobStore) add(j *job) *job {
	js.mu.Lock()
	defer js.mu.Unlock()
	j.id = js.nextID
	js.nextID++
	js.byID[j.id] = j
	js.order = append(js.order, j)
	return j
}

func (js *jobStore) get(id int) *job {
	js.mu.Lock()
	defer js.mu.Unlock()
	return js.byID[id]
}

func (js *jobStore) endsAt(j *job) time.Time {
	return j.started.Add(js.timeline.Queued + js.timeline.InProgress)
}

// settle applies, oldest first, every batch whose timeline has ended, so
// that reads see their changes.
func (js *jobStore) settle() {
	now := time.Now()
	js.mu.Lock()
	defer js.mu.Unlock()
	for _, j := range js.order {
		if !j.applied && !now.Before(js.endsAt(j)) {
			js.apply(j)
		}
	}
}

// status is the batch's status at now; a finished batch is applied first.
func (js *jobStore) status(j *job, now time.Time) generated.BatchStatus {
	switch {
	case now.Before(j.started.Add(js.timeline.Queued)):
		return generated.BatchStatusQueued
	case now.Before(js.endsAt(j)):
		return generated.BatchStatusInProgress
	}
	js.settle()
	js.mu.Lock()
	defer js.mu.Unlock()
	if j.withErrors {
		return generated.BatchStatusSuccessWithErrors
	}
	return generated.BatchStatusAvailable
}

// apply makes a batch's changes. Call with js.mu held.
func (js *jobStore) apply(j *job) {
	d := js.dir
	d.mu.Lock()
	defer d.mu.Unlock()
	j.applied = true
	p := d.byID[j.programID]
	if j.designations != nil {
		j.designationResults = applyDesignations(d, p, j.designations)
		for _, r := range j.designationResults {
			j.withErrors = j.withErrors || r.Errors != nil
		}
		return
	}
	j.answerResults = applyAnswers(p, j.answers)
	for _, r := range j.answerResults {
		j.withErrors = j.withErrors || r.Errors != nil
	}
}

// applyDesignations sets each item's decision. Of several items for one
// applicant only the last applies; the others report being overridden.
func applyDesignations(d *directory, p *programState, items []generated.DesignationBatchItem) []generated.DesignationBatchResult {
	last := map[string]int{}
	for i, it := range items {
		last[it.ApplicantCasId] = i
	}
	out := make([]generated.DesignationBatchResult, 0, len(items))
	for i, it := range items {
		res := generated.DesignationBatchResult{ApplicantCasId: it.ApplicantCasId, Decision: d.decisionModel(it.DecisionId)}
		var errs generated.DesignationBatchErrors
		failed := false
		fail := func(field **string, msg string) { *field, failed = ptr(msg), true }
		if n := last[it.ApplicantCasId]; n != i {
			fail(&errs.CreationError, fmt.Sprintf("A newer update (setting decision_id to %d) is overriding this update", items[n].DecisionId))
		} else {
			app := p.applicants[it.ApplicantCasId]
			if app == nil {
				fail(&errs.Applicant, msgNoApplicant)
			}
			if _, ok := d.decisionByID[it.DecisionId]; !ok {
				fail(&errs.Decision, msgNoDecision)
			}
			if !failed {
				if _, msg := d.setDecision(app, ptr(it.DecisionId)); msg != "" {
					fail(&errs.UpdateError, msg)
				}
			}
		}
		if failed {
			res.Errors = &errs
		}
		out = append(out, res)
	}
	return out
}

// applyAnswers stores each item's answer. Of several items for one
// applicant and field only the last applies.
func applyAnswers(p *programState, items []generated.CustomFieldAnswerBatchItem) []generated.CustomFieldAnswerBatchResult {
	type target struct {
		cas   string
		field int
	}
	last := map[target]int{}
	for i, it := range items {
		last[target{it.ApplicantCasId, it.CustomFieldId}] = i
	}
	out := make([]generated.CustomFieldAnswerBatchResult, 0, len(items))
	for i, it := range items {
		f := fieldByID(p.CustomFields, it.CustomFieldId)
		res := generated.CustomFieldAnswerBatchResult{
			ApplicantCasId: it.ApplicantCasId,
			CustomFieldAnswer: generated.BatchCustomFieldAnswer{
				CustomFieldId: it.CustomFieldId, FieldType: it.FieldType, Value: it.Value,
			},
		}
		if f != nil {
			res.CustomFieldAnswer.Label = f.Label
		}
		var errs generated.CustomFieldAnswerBatchErrors
		failed := false
		fail := func(field **string, msg string) { *field, failed = ptr(msg), true }
		value, err := batchValue(it.Value)
		switch n := last[target{it.ApplicantCasId, it.CustomFieldId}]; {
		case n != i:
			fail(&errs.CreationError, fmt.Sprintf("A newer update (setting custom_field_answers to %s) is overriding this update", answerJSON(items[n])))
		case err != nil:
			fail(&errs.UpdateError, err.Error())
		default:
			app := p.applicants[it.ApplicantCasId]
			if app == nil {
				fail(&errs.Applicant, msgNoApplicant)
			}
			if f == nil {
				fail(&errs.CustomField, msgNoCustomField)
			}
			if !failed {
				if _, msg := checkAnswer(f, it.FieldType, value); msg != "" {
					fail(&errs.UpdateError, msg)
				} else {
					storeAnswer(app, f.ID, value)
				}
			}
		}
		if failed {
			res.Errors = &errs
		}
		out = append(out, res)
	}
	return out
}

// answerJSON writes an item's type and value as the docs' override message
// does: {"field_type":"string","value":"Boston"}.
func answerJSON(it generated.CustomFieldAnswerBatchItem) string {
	value := []byte("null")
	if it.Value != nil {
		if b, err := it.Value.MarshalJSON(); err == nil {
			value = b
		}
	}
	ft, _ := json.Marshal(it.FieldType)
	return fmt.Sprintf(`{"field_type":%s,"value":%s}`, ft, value)
}
