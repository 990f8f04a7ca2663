package webadmittest_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// fastBatches makes v2 batches queue and run for 30 ms each.
var fastBatches = webadmittest.WithBatchTimeline(webadmittest.BatchTimeline{Queued: 30 * time.Millisecond, InProgress: 30 * time.Millisecond})

// pollBatch calls get until the status is final and returns the statuses
// seen, without repeats.
func pollBatch(t *testing.T, get func() generated.BatchStatus) []generated.BatchStatus {
	t.Helper()
	var seen []generated.BatchStatus
	for deadline := time.Now().Add(10 * time.Second); ; {
		s := get()
		if len(seen) == 0 || seen[len(seen)-1] != s {
			seen = append(seen, s)
		}
		if s != generated.BatchStatusQueued && s != generated.BatchStatusInProgress {
			return seen
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch still %s after 10s", s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestDesignationBatch(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t, fastBatches)
	c := newClient(t, srv)
	ctx := context.Background()
	r, err := c.CreateDesignationBatchWithResponse(ctx, 42, epi, generated.CreateDesignationBatchRequest{Designations: []generated.DesignationBatchItem{
		{ApplicantCasId: "1000002", DecisionId: webadmittest.DemoDecisionDenied},        // overridden by the next
		{ApplicantCasId: "1000002", DecisionId: webadmittest.DemoDecisionMatriculated},  // applied
		{ApplicantCasId: "1595659995", DecisionId: 420},                                 // neither exists
		{ApplicantCasId: "1000003", DecisionId: webadmittest.DemoDecisionMatriculated},  // has a local status
		{ApplicantCasId: "1000004", DecisionId: webadmittest.DemoDecisionOfferAccepted}, // applied
	}})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("createDesignationBatch: %v %d %s", err, r.StatusCode(), r.Body)
	}
	created := r.JSON201
	if created.Batch.Status != generated.BatchStatusQueued || created.Batch.Results != nil ||
		created.Href != "/api/v2/user_identities/42/programs/42023191739237/batch_designations/"+itoa(created.Batch.Id) {
		t.Errorf("created = %s", r.Body)
	}
	// Nothing changes before the batch has run.
	if d, _ := c.GetDesignationWithResponse(ctx, 42, epi, "1000002"); d.JSON200.Designation.Decision != nil {
		t.Errorf("1000002 has a decision before the batch ran: %s", d.Body)
	}
	var last *generated.GetDesignationBatchResponse
	statuses := pollBatch(t, func() generated.BatchStatus {
		last, err = c.GetDesignationBatchWithResponse(ctx, 42, epi, created.Batch.Id)
		if err != nil || last.JSON200 == nil {
			t.Fatalf("getDesignationBatch: %v %s", err, last.Body)
		}
		return last.JSON200.Batch.Status
	})
	if !isSubsequence(statuses, []generated.BatchStatus{"Queued", "In Progress", "Success With Errors"}) || statuses[len(statuses)-1] != generated.BatchStatusSuccessWithErrors {
		t.Errorf("statuses %v", statuses)
	}
	var results []map[string]any
	var env struct {
		Batch struct{ Results json.RawMessage }
	}
	if err := json.Unmarshal(last.Body, &env); err != nil || json.Unmarshal(env.Batch.Results, &results) != nil {
		t.Fatalf("results: %s", last.Body)
	}
	want := []string{
		`{"applicant_cas_id":"1000002","decision":{"id":44,"name":"Denied"},"errors":{"creation_error":"A newer update (setting decision_id to 43) is overriding this update"}}`,
		`{"applicant_cas_id":"1000002","decision":{"id":43,"name":"Matriculated"},"errors":null}`,
		`{"applicant_cas_id":"1595659995","decision":{"id":420,"name":"Unknown"},"errors":{"applicant":"No applicant found for that applicant_cas_id","decision":"No decision found for that decision_id"}}`,
		`{"applicant_cas_id":"1000003","decision":{"id":43,"name":"Matriculated"},"errors":{"update_error":"Can't set the decision_id when the local_status is not null"}}`,
		`{"applicant_cas_id":"1000004","decision":{"id":42,"name":"Offer Accepted"},"errors":null}`,
	}
	for i, w := range want {
		if i >= len(results) {
			t.Fatalf("%d results, want %d", len(results), len(want))
		}
		if got, _ := json.Marshal(results[i]); string(got) != w {
			t.Errorf("result %d = %s\nwant       %s", i, got, w)
		}
	}
	for cas, want := range map[string]int{"1000002": 43, "1000004": 42, "1000003": 42} {
		d, _ := c.GetDesignationWithResponse(ctx, 42, epi, cas)
		if dec := d.JSON200.Designation.Decision; dec == nil || dec.Id != want {
			t.Errorf("%s decision after the batch = %s, want %d", cas, d.Body, want)
		}
	}
	// A designation batch is not an answer batch.
	if r, _ := c.GetCustomFieldAnswerBatchWithResponse(ctx, 42, epi, created.Batch.Id); r.StatusCode() != 404 {
		t.Errorf("designation batch read as an answer batch: %d", r.StatusCode())
	}
}

func TestCustomFieldAnswerBatch(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t, webadmittest.WithBatchTimeline(webadmittest.BatchTimeline{}))
	c := newClient(t, srv)
	ctx := context.Background()
	value := func(v any) *generated.CustomFieldAnswerValue {
		var out generated.CustomFieldAnswerValue
		var err error
		switch x := v.(type) {
		case bool:
			err = out.FromBooleanAnswerValue(x)
		case float64:
			err = out.FromNumberAnswerValue(x)
		case string:
			err = out.FromStringAnswerValue(x)
		}
		if err != nil {
			t.Fatal(err)
		}
		return &out
	}
	items := []generated.CustomFieldAnswerBatchItem{
		{ApplicantCasId: "1000002", CustomFieldId: webadmittest.DemoFieldScholarship, FieldType: "boolean", Value: value(false)},
		{ApplicantCasId: "1000002", CustomFieldId: webadmittest.DemoFieldCampus, FieldType: "select", Value: value("Paris")},
		{ApplicantCasId: "1000002", CustomFieldId: webadmittest.DemoFieldUniversityID, FieldType: "string", Value: value("first")},
		{ApplicantCasId: "1000002", CustomFieldId: webadmittest.DemoFieldUniversityID, FieldType: "string", Value: value("Boston")},
		{ApplicantCasId: "1000001", CustomFieldId: webadmittest.DemoFieldCampus, FieldType: "select"}, // clears
		{ApplicantCasId: "1000002", CustomFieldId: 99, FieldType: "number", Value: value(1.5)},
	}
	r, err := c.CreateCustomFieldAnswerBatchWithResponse(ctx, 42, epi, generated.CreateCustomFieldAnswerBatchRequest{CustomFieldAnswers: items})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("createCustomFieldAnswerBatch: %v %d %s", err, r.StatusCode(), r.Body)
	}
	// With the zero timeline the batch has run by the time it is created.
	b := r.JSON201.Batch
	if b.Status != generated.BatchStatusSuccessWithErrors || b.Results == nil || len(*b.Results) != len(items) {
		t.Fatalf("batch = %s", r.Body)
	}
	type outcome struct{ errKey, errText string }
	want := []outcome{
		{},
		{"update_error", `"Paris" is not a valid option (expected "Boston", "Denver", or "Remote")`},
		{"creation_error", `A newer update (setting custom_field_answers to {"field_type":"string","value":"Boston"}) is overriding this update`},
		{},
		{},
		{"custom_field", "No custom field found for that custom_field_id"},
	}
	for i, res := range *b.Results {
		got := outcome{}
		if res.Errors != nil {
			e, _ := json.Marshal(res.Errors)
			var m map[string]string
			_ = json.Unmarshal(e, &m)
			for k, v := range m {
				got = outcome{k, v}
			}
		}
		if got != want[i] {
			t.Errorf("result %d errors = %+v, want %+v", i, got, want[i])
		}
	}
	if got := answer(t, c, "1000002", webadmittest.DemoFieldScholarship).(generated.BooleanAnswer); got.Value == nil || *got.Value {
		t.Errorf("scholarship = %v, want false", got.Value)
	}
	if got := answer(t, c, "1000002", webadmittest.DemoFieldUniversityID).(generated.StringAnswer); got.Value == nil || *got.Value != "Boston" {
		t.Errorf("university id = %v, want the later item's Boston", got.Value)
	}
	if got := answer(t, c, "1000001", webadmittest.DemoFieldCampus).(generated.SelectAnswer); got.Value != nil {
		t.Errorf("campus of 1000001 = %q, want cleared", *got.Value)
	}
	read, err := c.GetCustomFieldAnswerBatchWithResponse(ctx, 42, epi, b.Id)
	if err != nil || read.JSON200 == nil || read.JSON200.Batch.Status != b.Status {
		t.Errorf("getCustomFieldAnswerBatch: %v %s", err, read.Body)
	}
}

func TestBatchRefusals(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t)
	c := newClient(t, srv)
	ctx := context.Background()
	tests := []struct {
		name string
		call func() (int, []byte, error)
		want string
	}{
		{"CAS ID as a number", func() (int, []byte, error) {
			r, err := c.CreateDesignationBatchWithBodyWithResponse(ctx, 42, epi, "application/json",
				strings.NewReader(`{"designations":[{"applicant_cas_id":123456789,"decision_id":99}]}`))
			return code(r, err)
		}, `422 {"errors":{"schema":[`},
		{"no answers", func() (int, []byte, error) {
			r, err := c.CreateCustomFieldAnswerBatchWithBodyWithResponse(ctx, 42, epi, "application/json", strings.NewReader(`{}`))
			return code(r, err)
		}, `422 {"errors":{"schema":[`},
		{"unknown program", func() (int, []byte, error) {
			r, err := c.CreateDesignationBatchWithResponse(ctx, 42, 99999999999, generated.CreateDesignationBatchRequest{Designations: []generated.DesignationBatchItem{}})
			return code(r, err)
		}, `404 {"message":"Program '99999999999' not found."}`},
		{"unknown identity", func() (int, []byte, error) {
			r, err := c.GetDesignationBatchWithResponse(ctx, 999, epi, 74780)
			return code(r, err)
		}, `404 {"message":"User identity '999' not found."}`},
		{"unknown batch", func() (int, []byte, error) {
			r, err := c.GetCustomFieldAnswerBatchWithResponse(ctx, 42, epi, 1)
			return code(r, err)
		}, `404 {"message":"Not Found"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, err := tt.call()
			if got := itoa(status) + " " + strings.TrimSpace(string(body)); err != nil || !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %s (%v), want %s", got, err, tt.want)
			}
		})
	}
}
