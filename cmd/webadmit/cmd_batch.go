package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/wrapper"
)

func (a *app) batchCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "batch",
		Short: "Change many applicants of a program at once: decisions or custom field answers (v2 batches)",
		Long: `batch sends a v2 batch: the decisions of many applicants' designations to a program, or their
answers to its custom fields, read from a CSV or JSON file. Every item is checked before anything
is sent (the decisions and custom fields are read from the API for that), and a file with any
invalid item sends nothing. The batch is then applied in the background; the command waits for
it (--timeout) and prints one result per item: applied, or not and why.

  webadmit --sandbox batch designations --identity 42 --program 42023191739237 --input decisions.csv
  webadmit --sandbox batch custom-field-answers --identity 42 --program 42023191739237 --input answers.json

` + exitCodesHelp,
	}
	cmd.AddCommand(a.batchDesignationsCommand(), a.batchAnswersCommand())
	a.groupRun(cmd)
	return cmd
}

// batchFlags are the flags both batch commands take.
type batchFlags struct {
	identity int
	program  int64
	input    string
	timeout  time.Duration
}

func (f *batchFlags) register(cmd *cobra.Command) {
	identityFlag(cmd, &f.identity)
	idVar(cmd.Flags(), &f.program, "program", "program id (from 'webadmit programs')")
	cmd.Flags().StringVar(&f.input, "input", "", "the items: a CSV file with a header row, a JSON file, or - for stdin")
	cmd.Flags().DurationVar(&f.timeout, "timeout", 30*time.Minute, "give up waiting after this long (the batch is still applied)")
	_ = cmd.MarkFlagRequired("program")
	_ = cmd.MarkFlagRequired("input")
}

// read reads --input. What is wrong with its items is in problems, to be
// reported with what the checks against the API's definitions find; a
// file that cannot be read, is empty or holds no items is an error at once.
func (f *batchFlags) read(format batchFormat) ([]inputItem, *problems, error) {
	if f.timeout <= 0 {
		return nil, nil, usagef("--timeout must be positive")
	}
	if f.input == "" {
		return nil, nil, usagef("--input needs a file name, or - for stdin")
	}
	items, p, err := readBatchInput(f.input, format)
	switch {
	case err != nil:
		return nil, nil, err
	case len(items) == 0 && len(p.lines) > 0:
		return nil, nil, p.err(inputName(f.input))
	case len(items) == 0:
		return nil, nil, usagef("--input %s holds no items: give a header row, then one item per row (CSV), or a JSON array of items", inputName(f.input))
	}
	return items, p, nil
}

func (a *app) batchDesignationsCommand() *cobra.Command {
	var f batchFlags
	cmd := &cobra.Command{
		Use:   "designations --identity ID --program ID --input FILE|- [--timeout 30m]",
		Short: "Set the decisions of many applicants' designations to a program",
		Long: `batch designations records a decision on the designation of each applicant the input names:

  applicant_cas_id,decision_id          (CSV: a header row, then one applicant per row)
  1000002,43
  1000003,44

or, in JSON, [{"applicant_cas_id": "1000002", "decision_id": 43}, ...] (or the API's body,
{"designations": [...]}). 'webadmit decisions --identity ID' lists the decisions; each must be
one of them, and an applicant may appear once.

` + exitCodesHelp,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			items, p, err := f.read(designationFormat)
			if err != nil {
				return err
			}
			r, err := a.client.API().ListDecisionsWithResponse(cmd.Context(), f.identity)
			if err != nil {
				return err
			}
			if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			list := designationItems(items, listOrEmpty(r.JSON200.Decisions), f.identity, p)
			if err := p.err(inputName(f.input)); err != nil {
				return err
			}
			return sendBatch(a, cmd.Context(), &f, batchKind[generated.DesignationBatchResult]{
				noun: "designation batch", path: "batch_designations", n: len(list),
				start: func(ctx context.Context, opts ...wrapper.RunOption) (*wrapper.DesignationBatchRun, error) {
					return a.client.StartDesignationBatch(ctx, f.identity, f.program, list, opts...)
				},
				header: []string{"APPLICANT", "DECISION", "RESULT", "ERROR"},
				row: func(r generated.DesignationBatchResult) []string {
					return []string{r.ApplicantCasId, decisionText(r.Decision), resultText(r.Errors == nil), errorsText(r.Errors)}
				},
			})
		},
	}
	f.register(cmd)
	return cmd
}

func (a *app) batchAnswersCommand() *cobra.Command {
	var f batchFlags
	cmd := &cobra.Command{
		Use:   "custom-field-answers --identity ID --program ID --input FILE|- [--timeout 30m]",
		Short: "Store (or clear) many applicants' answers to a program's custom fields",
		Long: `batch custom-field-answers stores each answer the input gives:

  applicant_cas_id,custom_field_id,value      (CSV: a header row, then one answer per row)
  1000002,5,Boston
  1000003,1,true
  1000004,3,2026-05-01

or, in JSON, [{"applicant_cas_id": "1000002", "custom_field_id": 5, "value": "Boston"}, ...]
(or the API's body, {"custom_field_answers": [...]}). Each value is checked against its field's
type, as 'answers set' checks --value: true or false, a decimal number, a date as YYYY-MM-DD,
any text, or exactly one of a select field's options; null (in CSV, the word null) clears the
answer. A field_type column or key may be given; it must be the field's type, which is sent in
any case. 'webadmit custom-fields --identity ID --program ID' lists the fields.

` + exitCodesHelp,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			items, p, err := f.read(answerFormat)
			if err != nil {
				return err
			}
			r, err := a.client.API().ListCustomFieldsWithResponse(cmd.Context(), f.identity, f.program)
			if err != nil {
				return err
			}
			if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			list := answerItems(items, listOrEmpty(r.JSON200.CustomFields), f.identity, f.program, p)
			if err := p.err(inputName(f.input)); err != nil {
				return err
			}
			return sendBatch(a, cmd.Context(), &f, batchKind[generated.CustomFieldAnswerBatchResult]{
				noun: "custom field answer batch", path: "batch_custom_field_answers", n: len(list),
				start: func(ctx context.Context, opts ...wrapper.RunOption) (*wrapper.CustomFieldAnswerBatchRun, error) {
					return a.client.StartCustomFieldAnswerBatch(ctx, f.identity, f.program, list, opts...)
				},
				header: []string{"APPLICANT", "FIELD", "VALUE", "RESULT", "ERROR"},
				row: func(r generated.CustomFieldAnswerBatchResult) []string {
					v := json.RawMessage("null")
					if r.CustomFieldAnswer.Value != nil {
						if b, err := r.CustomFieldAnswer.Value.MarshalJSON(); err == nil {
							v = b
						}
					}
					return []string{r.ApplicantCasId, strconv.Itoa(r.CustomFieldAnswer.CustomFieldId), answerText(v),
						resultText(r.Errors == nil), errorsText(r.Errors)}
				},
			})
		},
	}
	f.register(cmd)
	return cmd
}

// batchKind is what sendBatch needs of a kind of v2 batch.
type batchKind[R any] struct {
	noun   string // "designation batch"
	path   string // the last part of the batch's API path, "batch_designations"
	n      int    // items sent
	start  func(ctx context.Context, opts ...wrapper.RunOption) (*wrapper.Job[*wrapper.Batch[R]], error)
	header []string
	row    func(R) []string
}

// sendBatch sends the batch, waits for it within --timeout and prints its
// results. Once the batch is sent, every message says so: it is applied
// whatever happens to this command, and sending it again applies it twice.
func sendBatch[R any](a *app, ctx context.Context, f *batchFlags, k batchKind[R]) error {
	began := time.Now()
	p := a.newProgress()
	p.batch = k.noun
	job, err := k.start(ctx, wrapper.OnProgress(p.handle), wrapper.MaxWait(f.timeout))
	if err != nil {
		return err
	}
	a.again = fmt.Sprintf("webadmit api /api/v2/user_identities/%d/programs/%d/%s/%d", f.identity, f.program, k.path, job.ID())
	a.written = func() string {
		return fmt.Sprintf("%s %d had been sent and is applied all the same: '%s' shows its results", k.noun, job.ID(), a.again)
	}
	left := f.timeout - time.Since(began)
	if left <= 0 {
		left = time.Millisecond // the wait fails at once with ErrTimeout
	}
	b, err := job.Wait(ctx, wrapper.OnProgress(p.handle), wrapper.MaxWait(left))
	if b == nil {
		return err
	}
	applied := len(b.Results) - b.ItemErrors
	switch {
	case err != nil:
	case b.ItemErrors > 0:
		a.warnf("%s %d ended %q: %d of %s not applied (see ERROR)", k.noun, b.ID, b.Status.String(), b.ItemErrors, count(len(b.Results), "item"))
	default:
		a.notef("%s %d: %s applied", k.noun, b.ID, count(applied, "item"))
	}
	t := table{header: k.header}
	for _, r := range b.Results {
		t.rows = append(t.rows, k.row(r))
	}
	results := b.Results
	if results == nil {
		results = []R{}
	}
	if perr := a.print(batchResult[R]{
		IdentityID: f.identity, ProgramID: f.program, BatchID: b.ID, Status: b.Status.String(),
		Items: k.n, NotApplied: b.ItemErrors, Results: results,
	}, t); perr != nil && err == nil {
		err = perr
	}
	return err
}

// batchResult is the JSON form of a finished v2 batch: the API's results,
// one per item.
type batchResult[R any] struct {
	IdentityID int    `json:"identity_id"`
	ProgramID  int64  `json:"program_id"`
	BatchID    int    `json:"batch_id"`
	Status     string `json:"status"`
	Items      int    `json:"items"`
	NotApplied int    `json:"not_applied"`
	Results    []R    `json:"results"`
}

// decisionText renders a result's decision: "43 Matriculated".
func decisionText(d generated.Decision) string {
	if d.Id == 0 {
		return "-"
	}
	return strings.TrimSpace(strconv.Itoa(d.Id) + " " + d.Name)
}

// resultText says whether an item was applied.
func resultText(applied bool) string {
	if applied {
		return "applied"
	}
	return "not applied"
}

// errorsText renders an item's errors, by cause: "applicant: No applicant
// found for that applicant_cas_id"; "-" when there are none.
func errorsText(v any) string {
	b, err := json.Marshal(v)
	var m map[string]string
	if err != nil || json.Unmarshal(b, &m) != nil || len(m) == 0 {
		return "-"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+": "+m[k])
	}
	return strings.Join(parts, "; ")
}
