package webadmittest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

func TestTimeline(t *testing.T) {
	t.Parallel()
	step := 120 * time.Millisecond
	tests := []struct {
		name     string
		spelling webadmittest.Spelling
		outcome  generated.ExportFileStatus
		want     []generated.ExportFileStatus
		hasURL   bool
	}{
		{"title case, available", webadmittest.SpellingTitleCase, generated.ExportFileStatusAvailable,
			[]generated.ExportFileStatus{"Initializing", "Queued", "In Progress", "Available"}, true},
		{"title case, success with errors", webadmittest.SpellingTitleCase, generated.ExportFileStatusSuccessWithErrors,
			[]generated.ExportFileStatus{"Initializing", "Queued", "In Progress", "Success With Errors"}, true},
		{"title case, empty list", webadmittest.SpellingTitleCase, generated.ExportFileStatusEmptyList,
			[]generated.ExportFileStatus{"Initializing", "Queued", "In Progress", "Empty List"}, false},
		{"title case, failed", webadmittest.SpellingTitleCase, generated.ExportFileStatusFailed,
			[]generated.ExportFileStatus{"Initializing", "Queued", "In Progress", "Failed"}, false},
		{"snake case, available", webadmittest.SpellingSnakeCase, generated.ExportFileStatusAvailable,
			[]generated.ExportFileStatus{"initializing", "queued", "in_progress", "available"}, true},
		{"snake case, outcome given in snake case", webadmittest.SpellingSnakeCase, generated.ExportFileStatusSuccessWithErrorsSnake,
			[]generated.ExportFileStatus{"initializing", "queued", "in_progress", "success_with_errors"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := webadmittest.NewTest(t, webadmittest.WithSpelling(tt.spelling), webadmittest.WithExports(webadmittest.Export{
				ID: 1, IdentityID: 42, Content: []byte("a,b\n"),
				Timeline: webadmittest.Timeline{Initializing: step, Queued: step, InProgress: step, Outcome: tt.outcome},
			}))
			c := newClient(t, srv)
			run := startRun(t, c, 42, 1)
			var seen []generated.ExportFileStatus
			var last generated.ExportFile
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				r, err := c.GetExportFileWithResponse(context.Background(), 1, run)
				if err != nil || r.JSON200 == nil {
					t.Fatalf("%v %d", err, r.StatusCode())
				}
				last = r.JSON200.ExportFiles
				if len(seen) == 0 || seen[len(seen)-1] != last.Status {
					seen = append(seen, last.Status)
				}
				if last.Status == tt.want[len(tt.want)-1] {
					break
				}
				if last.DownloadUrl != nil {
					t.Errorf("status %q came with a download URL", last.Status)
				}
			}
			if !slices.Equal(seen, tt.want) {
				t.Errorf("statuses %q, want %q", seen, tt.want)
			}
			if (last.DownloadUrl != nil) != tt.hasURL {
				t.Errorf("final %q: download URL present = %v, want %v", last.Status, last.DownloadUrl != nil, tt.hasURL)
			}
		})
	}
}

func TestRunInProgressIsReused(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t, webadmittest.WithExports(
		webadmittest.Export{ID: 1, IdentityID: 42, Content: []byte("x"), Timeline: webadmittest.Timeline{Queued: 200 * time.Millisecond}},
		webadmittest.Export{ID: 2, IdentityID: 42, Content: []byte("y"), Timeline: webadmittest.Timeline{Queued: 200 * time.Millisecond}},
	))
	c := newClient(t, srv)
	first := startRun(t, c, 42, 1)
	if again := startRun(t, c, 42, 1); again != first {
		t.Errorf("second POST while queued started run %d, want the running %d", again, first)
	}
	other := startRun(t, c, 42, 2)
	if other == first {
		t.Errorf("another export reused run %d", first)
	}
	waitFile(t, c, 1, first)
	next := startRun(t, c, 42, 1)
	if next == first || next == other {
		t.Errorf("POST after the run ended returned %d, want a new run", next)
	}
	if first != 74780 || other != 74781 || next != 74782 {
		t.Errorf("run ids %d %d %d, want 74780 74781 74782", first, other, next)
	}

	r, err := c.ListUserIdentityExportFilesWithResponse(context.Background(), 42)
	if err != nil || r.JSON200 == nil {
		t.Fatal(err)
	}
	var ids []int
	for _, ef := range *r.JSON200.ExportFiles {
		ids = append(ids, ef.Id)
		if ef.DownloadUrl != nil {
			t.Errorf("batch entry %d has a download URL", ef.Id)
		}
	}
	if !slices.Equal(ids, []int{next, other, first}) {
		t.Errorf("recent runs %v, want newest first %v", ids, []int{next, other, first})
	}
	if r, _ := c.ListUserIdentityExportFilesWithResponse(context.Background(), 43); r.JSON200 == nil || len(*r.JSON200.ExportFiles) != 0 {
		t.Errorf("identity 43 lists runs of identity 42: %s", r.Body)
	}
}

// callbackReceiver is a loopback server that collects callback forms.
func callbackReceiver(t *testing.T) (string, <-chan url.Values) {
	got := make(chan url.Values, 10)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			t.Errorf("callback %s with %q", r.Method, r.Header.Get("Content-Type"))
		}
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		got <- r.PostForm
	}))
	t.Cleanup(rcv.Close)
	return rcv.URL + "/your_callback.cgi", got
}

func TestCallback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		inQuery  bool
		spelling webadmittest.Spelling
		export   int
		want     string
	}{
		{"body, available", false, webadmittest.SpellingTitleCase, 1, "Available"},
		{"query, available", true, webadmittest.SpellingTitleCase, 1, "Available"},
		{"body, failed", false, webadmittest.SpellingTitleCase, 2, "Failed"},
		{"query, snake case", true, webadmittest.SpellingSnakeCase, 2, "failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := webadmittest.NewTest(t, webadmittest.WithSpelling(tt.spelling), webadmittest.WithExports(
				webadmittest.Export{ID: 1, IdentityID: 42, Content: []byte("x"), Timeline: webadmittest.Timeline{InProgress: 100 * time.Millisecond}},
				webadmittest.Export{ID: 2, IdentityID: 42, Timeline: webadmittest.Timeline{InProgress: 100 * time.Millisecond, Outcome: "Failed"}},
			))
			c := newClient(t, srv)
			cb, got := callbackReceiver(t)
			var params *generated.InitiateExportFileParams
			var body generated.InitiateExportFileRequest
			if tt.inQuery {
				params = &generated.InitiateExportFileParams{Callback: &cb}
			} else {
				body.Callback = &cb
			}
			start := time.Now()
			r, err := c.InitiateExportFileWithResponse(context.Background(), 42, tt.export, params, body)
			if err != nil || r.JSON201 == nil {
				t.Fatalf("%v %d %s", err, r.StatusCode(), r.Body)
			}
			run := r.JSON201.ExportFiles.Id
			// A second POST while the run is going adds nothing new.
			_, _ = c.InitiateExportFileWithResponse(context.Background(), 42, tt.export, params, body)
			select {
			case form := <-got:
				if elapsed := time.Since(start); elapsed < 100*time.Millisecond {
					t.Errorf("callback after %v, before the run ended", elapsed)
				}
				want := url.Values{
					"export_file[id]":        {itoa(run)},
					"export_file[export_id]": {itoa(tt.export)},
					"export_file[status]":    {tt.want},
				}
				if form.Encode() != want.Encode() {
					t.Errorf("form %v, want %v", form, want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no callback within 5s")
			}
			select {
			case form := <-got:
				t.Errorf("second callback %v", form)
			case <-time.After(100 * time.Millisecond):
			}
			d := srv.Recorder().Callbacks()
			if len(d) != 1 || d[0].StatusCode != 200 || d[0].Err != nil || d[0].ExportFileID != run || d[0].Status != tt.want {
				t.Errorf("recorded deliveries %+v", d)
			}
		})
	}
}

// TestCallbackOffLoopback: the docs' callbacks (someurl.com for an export,
// example.com for a PDF Manager batch) are accepted, and when the job ends
// the sandbox records the callback with ErrCallbackOffLoopback instead of
// sending it anywhere.
func TestCallbackOffLoopback(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t,
		webadmittest.WithExports(webadmittest.Export{ID: 1, IdentityID: 42, Content: []byte("x"),
			Timeline: webadmittest.Timeline{InProgress: 50 * time.Millisecond}}),
		webadmittest.WithPDFTemplates(pdfTemplate(7, generated.ExportFileStatusAvailable, []byte("PK zip"))))
	c := newClient(t, srv)
	ctx := context.Background()
	exportCB, pdfCB := "http://someurl.com/your_callback.cgi", "https://example.com/my_callback"
	r, err := c.InitiateExportFileWithResponse(ctx, 42, 1, nil, generated.InitiateExportFileRequest{Callback: &exportCB})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("initiateExportFile: %v %d %s", err, r.StatusCode(), r.Body)
	}
	batch := initiate(t, c, 7, &pdfCB)
	deadline := time.Now().Add(5 * time.Second)
	var d []webadmittest.CallbackDelivery
	for len(d) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		d = srv.Recorder().Callbacks()
	}
	if len(d) != 2 {
		t.Fatalf("recorded callbacks %+v, want 2", d)
	}
	byURL := map[string]webadmittest.CallbackDelivery{d[0].URL: d[0], d[1].URL: d[1]}
	for cb, want := range map[string]struct{ run, batch int }{
		exportCB: {run: r.JSON201.ExportFiles.Id},
		pdfCB:    {batch: batch.Id},
	} {
		got, ok := byURL[cb]
		if !ok || !errors.Is(got.Err, webadmittest.ErrCallbackOffLoopback) || got.StatusCode != 0 ||
			got.ExportFileID != want.run || got.PDFManagerBatchID != want.batch {
			t.Errorf("%s: recorded %+v, want not delivered (ErrCallbackOffLoopback)", cb, got)
		}
	}
}

// TestCallbackCancelledByClose closes the server while a run with a callback
// is still going: no callback is sent and (TestMain) no goroutine is left.
func TestCallbackCancelledByClose(t *testing.T) {
	t.Parallel()
	srv, err := webadmittest.New(webadmittest.WithExports(webadmittest.Export{
		ID: 1, IdentityID: 42, Content: []byte("x"), Timeline: webadmittest.Timeline{InProgress: time.Hour},
	}))
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv)
	cb, got := callbackReceiver(t)
	r, err := c.InitiateExportFileWithResponse(context.Background(), 42, 1, nil, generated.InitiateExportFileRequest{Callback: &cb})
	if err != nil || r.StatusCode() != 201 {
		t.Fatal(err, r.StatusCode())
	}
	srv.Close()
	srv.Close() // idempotent
	select {
	case form := <-got:
		t.Errorf("callback after Close: %v", form)
	case <-time.After(50 * time.Millisecond):
	}
}
