package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

const demoProgram = webadmittest.DemoProgramEpidemiology

func quickBatches() webadmittest.Option {
	return webadmittest.WithBatchTimeline(webadmittest.BatchTimeline{Queued: 20 * time.Millisecond, InProgress: 30 * time.Millisecond})
}

func TestSandboxDesignationBatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		items      []generated.DesignationBatchItem
		wantStatus Status
		wantErrors []string // per result: which error field is set, "" for none
	}{
		{
			name: "all applied",
			items: []generated.DesignationBatchItem{
				{ApplicantCasId: "1000002", DecisionId: webadmittest.DemoDecisionMatriculated},
				{ApplicantCasId: "1000004", DecisionId: webadmittest.DemoDecisionRedirected},
			},
			wantStatus: StatusAvailable, wantErrors: []string{"", ""},
		},
		{
			name: "some refused",
			items: []generated.DesignationBatchItem{
				{ApplicantCasId: "1000002", DecisionId: webadmittest.DemoDecisionMatriculated},
				{ApplicantCasId: "9999999", DecisionId: webadmittest.DemoDecisionMatriculated},
				{ApplicantCasId: "1000004", DecisionId: 99},
			},
			wantStatus: StatusSuccessWithErrors, wantErrors: []string{"", "applicant", "decision"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := sandbox(t, quickBatches())
			c := sandboxClient(t, srv)
			ctx := context.Background()
			var statuses []Status
			var initiated int
			progress := OnProgress(func(e Event) {
				switch e.Kind {
				case EventInitiated:
					initiated = e.BatchID
				case EventStatus:
					statuses = append(statuses, e.Status)
				}
			})
			h, err := c.StartDesignationBatch(ctx, sandboxIdentity, demoProgram, tt.items, progress)
			if err != nil {
				t.Fatal(collect(err))
			}
			b, err := h.Wait(ctx, progress)
			if err != nil {
				t.Fatal(collect(err))
			}
			if b.Kind != BatchDesignations || b.ID == 0 || b.ID != initiated || b.ProgramID != demoProgram || b.Status != tt.wantStatus {
				t.Fatalf("batch %+v (initiated %d)", b, initiated)
			}
			if statuses[0] == b.Status || !slices.Contains(statuses, b.Status) {
				t.Errorf("statuses seen %v: want Queued or In Progress first", statuses)
			}
			if len(b.Results) != len(tt.items) {
				t.Fatalf("%d results for %d items", len(b.Results), len(tt.items))
			}
			failed := 0
			for i, r := range b.Results {
				got := ""
				switch e := r.Errors; {
				case e == nil:
				case e.Applicant != nil:
					got = "applicant"
				case e.Decision != nil:
					got = "decision"
				default:
					got = "other"
				}
				if got != tt.wantErrors[i] || r.ApplicantCasId != tt.items[i].ApplicantCasId {
					t.Errorf("result %d: %s errors %q, want %q", i, r.ApplicantCasId, got, tt.wantErrors[i])
				}
				if got != "" {
					failed++
				}
			}
			if b.ItemErrors != failed {
				t.Errorf("ItemErrors %d, want %d", b.ItemErrors, failed)
			}
			if n := h.t.Calls(); n != srv.Recorder().Calls(webadmittest.EndpointGetDesignationBatch) || n < 2 {
				t.Errorf("status calls %d, server saw %d", n, srv.Recorder().Calls(webadmittest.EndpointGetDesignationBatch))
			}
			// The change is visible through the API, and the batch can be
			// waited for again by id.
			r, err := c.API().GetDesignationWithResponse(ctx, sandboxIdentity, demoProgram, "1000002")
			if err != nil || r.JSON200 == nil || r.JSON200.Designation.Decision == nil || r.JSON200.Designation.Decision.Id != webadmittest.DemoDecisionMatriculated {
				t.Errorf("designation after the batch: %v %s", err, r.Body)
			}
			h2 := c.DesignationBatch(sandboxIdentity, demoProgram, b.ID)
			again, err := h2.Wait(ctx)
			if err != nil || again.Status != b.Status || len(again.Results) != len(b.Results) || h2.t.Calls() != 1 {
				t.Errorf("WaitDesignationBatch = %+v, %v", again, collect(err))
			}
		})
	}
}

func TestSandboxCustomFieldAnswerBatch(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, quickBatches())
	c := sandboxClient(t, srv)
	ctx := context.Background()
	value := func(set func(*generated.CustomFieldAnswerValue) error) *generated.CustomFieldAnswerValue {
		var v generated.CustomFieldAnswerValue
		if err := set(&v); err != nil {
			t.Fatal(err)
		}
		return &v
	}
	items := []generated.CustomFieldAnswerBatchItem{
		{ApplicantCasId: "1000002", CustomFieldId: webadmittest.DemoFieldScholarship, FieldType: generated.CustomFieldTypeBoolean,
			Value: value(func(v *generated.CustomFieldAnswerValue) error { return v.FromBooleanAnswerValue(true) })},
		{ApplicantCasId: "1000002", CustomFieldId: webadmittest.DemoFieldCampus, FieldType: generated.CustomFieldTypeSelect,
			Value: value(func(v *generated.CustomFieldAnswerValue) error { return v.FromStringAnswerValue("Denver") })},
		{ApplicantCasId: "1000002", CustomFieldId: 999, FieldType: generated.CustomFieldTypeString,
			Value: value(func(v *generated.CustomFieldAnswerValue) error { return v.FromStringAnswerValue("x") })},
	}
	b, err := runAnswers(c, ctx, sandboxIdentity, demoProgram, items)
	if err != nil {
		t.Fatal(collect(err))
	}
	if b.Kind != BatchCustomFieldAnswers || b.Status != StatusSuccessWithErrors || len(b.Results) != 3 || b.ItemErrors != 1 {
		t.Fatalf("batch %+v", b)
	}
	if e := b.Results[2].Errors; e == nil || e.CustomField == nil {
		t.Errorf("result for the unknown field: %+v", b.Results[2])
	}
	if b.Results[0].CustomFieldAnswer.Label != "Scholarship offered?" {
		t.Errorf("result 0: %+v", b.Results[0])
	}
	r, err := c.API().GetCustomFieldAnswerWithResponse(ctx, sandboxIdentity, demoProgram, "1000002", webadmittest.DemoFieldCampus)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("answer after the batch: %v %s", err, r.Body)
	}
	if !strings.Contains(string(r.Body), `"Denver"`) {
		t.Errorf("stored answer %s", r.Body)
	}
}

func TestSandboxBatchTimeoutAndCreateOnly(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, webadmittest.WithBatchTimeline(webadmittest.BatchTimeline{Queued: time.Hour}))
	c := sandboxClient(t, srv)
	ctx := context.Background()
	items := []generated.DesignationBatchItem{{ApplicantCasId: "1000002", DecisionId: webadmittest.DemoDecisionDenied}}
	created, err := c.StartDesignationBatch(ctx, sandboxIdentity, demoProgram, items)
	if err != nil {
		t.Fatal(collect(err))
	}
	if s, _ := created.t.Snapshot(); s.Status != StatusQueued || s.Results != nil || srv.Recorder().Calls(webadmittest.EndpointGetDesignationBatch) != 0 {
		t.Fatalf("StartDesignationBatch = %+v", s)
	}
	h, err := c.StartDesignationBatch(ctx, sandboxIdentity, demoProgram, items)
	if err != nil {
		t.Fatal(collect(err))
	}
	_, err = h.Wait(ctx, MaxWait(30*time.Millisecond))
	if !errors.Is(collect(err), ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if h.ID() == 0 || h.ID() == created.ID() || !strings.Contains(err.Error(), fmt.Sprint(h.ID())) {
		t.Errorf("a timed-out wait must name the batch: %d, %v", h.ID(), err)
	}
	_, err = c.DesignationBatch(sandboxIdentity, demoProgram, 1).Wait(ctx)
	if !errors.Is(collect(err), ErrNotFound) {
		t.Errorf("unknown batch: %v", err)
	}
	_, err = runAnswers(c, ctx, 999, demoProgram, nil)
	var nf *NotFoundError
	if !errors.As(collect(err), &nf) || nf.Kind != NotFoundUserIdentity {
		t.Errorf("unknown identity: %v", err)
	}
	if n := srv.Recorder().Calls(webadmittest.EndpointCreateCustomFieldAnswerBatch); n != 1 {
		t.Errorf("a 404 was sent %d times", n)
	}
}

// scriptedBatchAPI answers the v2 designation batch calls from a script:
// posts are answered in order (the last repeats), gets with statuses.
type scriptedBatchAPI struct {
	mu       sync.Mutex
	posts    []int // status codes of the POST answers
	statuses []string
	nPost    int
	nGet     int
}

func (s *scriptedBatchAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	envelope := func(status string) map[string]any {
		b := map[string]any{"id": 74780, "status": status}
		if ParseStatus(status).IsTerminal() {
			b["results"] = []map[string]any{{"applicant_cas_id": "1", "decision": map[string]any{"id": 1, "name": "n"}, "errors": nil}}
		}
		return map[string]any{"href": "/api/v2/user_identities/1/programs/2/batch_designations/74780", "batch": b}
	}
	switch r.Method {
	case http.MethodPost:
		code := s.posts[min(s.nPost, len(s.posts)-1)]
		s.nPost++
		switch code {
		case http.StatusCreated:
			writeJSON(w, code, envelope("Queued"))
		case http.StatusTooManyRequests:
			w.Header().Set("Retry-After", "1")
			writeJSON(w, code, map[string]string{"message": "Rate limit exceeded"})
		default:
			w.WriteHeader(code)
			_, _ = w.Write([]byte("<html>bad gateway</html>"))
		}
	default:
		st := s.statuses[min(s.nGet, len(s.statuses)-1)]
		s.nGet++
		writeJSON(w, http.StatusOK, envelope(st))
	}
}

func TestBatchPostRetriesOnlyWhenSafe(t *testing.T) {
	t.Parallel()
	items := []generated.DesignationBatchItem{{ApplicantCasId: "1", DecisionId: 1}}
	tests := []struct {
		name      string
		posts     []int
		statuses  []string
		wantPosts int
		wantErr   error
		wantFinal Status
	}{
		{name: "429 then created", posts: []int{429, 201}, statuses: []string{"In Progress", "Available"}, wantPosts: 2, wantFinal: StatusAvailable},
		{name: "502 is not retried", posts: []int{502, 201}, statuses: []string{"Available"}, wantPosts: 1},
		{name: "failed batch", posts: []int{201}, statuses: []string{"Queued", "Failed"}, wantPosts: 1, wantErr: ErrBatchFailed, wantFinal: StatusFailed},
		{name: "unknown status waited through", posts: []int{201}, statuses: []string{"Paused", "Available"}, wantPosts: 1, wantFinal: StatusAvailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := &scriptedBatchAPI{posts: tt.posts, statuses: tt.statuses}
			c := newTestClient(t, server(t, api).URL, withClock(newFakeClock())) // Retry-After passes at once
			b, err := runDesignations(c, context.Background(), 1, 2, items)
			collect(err)
			api.mu.Lock()
			posts := api.nPost
			api.mu.Unlock()
			if posts != tt.wantPosts {
				t.Errorf("%d POSTs, want %d", posts, tt.wantPosts)
			}
			switch {
			case tt.wantFinal == "":
				var ae *APIError
				if !errors.As(err, &ae) || ae.StatusCode != 502 || b != nil {
					t.Errorf("err = %v, batch %+v; want the 502 and no batch", err, b)
				}
			case tt.wantErr != nil:
				var je *JobError
				if !errors.Is(err, tt.wantErr) || !errors.As(err, &je) || !strings.Contains(je.Job, "74780") || b == nil || b.Status != tt.wantFinal {
					t.Errorf("err = %v, batch %+v; want %v with the batch", err, b, tt.wantErr)
				}
			default:
				if err != nil || b.Status != tt.wantFinal || len(b.Results) != 1 || b.ItemErrors != 0 {
					t.Errorf("batch %+v, err %v", b, err)
				}
			}
		})
	}
}
