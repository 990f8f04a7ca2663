package wrapper

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// TestAnswerAboutAnotherJobIsRefused: a status answer that describes
// another run or batch than the handle's is not taken for it: it is retried
// as a malformed answer, and the wait ends in ErrTimeout naming the
// mismatch; nothing of the other job is downloaded.
func TestAnswerAboutAnotherJobIsRefused(t *testing.T) {
	t.Parallel()
	var storeHits atomic.Int32
	store := server(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		storeHits.Add(1)
		_, _ = io.WriteString(w, "id\n999\n")
	}))
	api := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.Contains(r.URL.Path, "/export_files/"):
			writeJSON(w, http.StatusOK, exportFile(999, 7, "Available", store.URL+"/f?X-Amz-Signature=s"))
		case strings.Contains(r.URL.Path, "/pdf_manager_batches/"):
			writeJSON(w, http.StatusOK, map[string]any{"pdf_manager_batch": map[string]any{
				"id": 77, "state": "available", "updated_at": "2026-01-02T03:04:05Z",
				"pdf_manager_template": map[string]any{"id": 3, "name": "T", "href": "/api/v1/user_identities/42/pdf_manager_templates/3"},
				"download_hrefs":       []string{"/api/v1/user_identities/42/pdf_manager_zip_files/5/download"}}})
		case strings.Contains(r.URL.Path, "/batch_designations/"):
			writeJSON(w, http.StatusOK, map[string]any{"href": r.URL.Path, "batch": map[string]any{"id": 31, "status": "Available", "results": []any{}}})
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	c := newTestClient(t, api.URL)
	short := MaxWait(300 * time.Millisecond)
	ctx := context.Background()
	tests := []struct {
		name string
		do   func() error
		want string
	}{
		{"export run Wait", func() error { _, err := c.ExportRun(7, 555).Wait(ctx, short); return err }, "describes run 999, not run 555"},
		{"export run Download", func() error {
			_, err := c.ExportRun(7, 555).Download(ctx, ToWriter(io.Discard), short)
			return err
		}, "describes run 999, not run 555"},
		{"PDF batch Wait", func() error { _, err := c.PDFBatch(42, 9).Wait(ctx, short); return err }, "describes PDF Manager batch 77, not PDF Manager batch 9"},
		{"designation batch Wait", func() error {
			_, err := c.DesignationBatch(42, webadmittest.DemoProgramEpidemiology, 30).Wait(ctx, short)
			return err
		}, "describes designation batch 31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want ErrTimeout saying %q", err, tt.want)
			}
			if strings.Count(err.Error(), "webadmit: ") != 1 {
				t.Errorf("the prefix is not there once: %v", err)
			}
		})
	}
	if n := storeHits.Load(); n != 0 {
		t.Errorf("the store was asked %d times for another run's file", n)
	}
}

// TestZipHrefOfAnotherIdentityIsRefused: a batch that lists a zip file of
// another user identity is not followed.
func TestZipHrefOfAnotherIdentityIsRefused(t *testing.T) {
	t.Parallel()
	var followed atomic.Bool
	api := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/pdf_manager_zip_files/") {
			followed.Store(true)
		}
		writeJSON(w, http.StatusOK, map[string]any{"pdf_manager_batch": map[string]any{
			"id": 9, "state": "available", "updated_at": "2026-01-02T03:04:05Z",
			"pdf_manager_template": map[string]any{"id": 3, "name": "T", "href": "/api/v1/user_identities/42/pdf_manager_templates/3"},
			"download_hrefs":       []string{"/api/v1/user_identities/43/pdf_manager_zip_files/5/download"}}})
	}))
	c := newTestClient(t, api.URL)
	_, err := c.PDFBatch(42, 9).Download(context.Background(), ZipFilesToDir(t.TempDir(), FileOptions{}), MaxWait(time.Second))
	if err == nil || !strings.Contains(err.Error(), "lists a zip file of user identity 43") {
		t.Errorf("err = %v, want the other identity named", err)
	}
	if followed.Load() {
		t.Error("the zip file of another identity was asked for")
	}
}

// TestDownloadZipFileChecksTheBatch: DownloadZipFile takes only a zip file
// of this batch, and only once the batch has finished.
func TestDownloadZipFileChecksTheBatch(t *testing.T) {
	t.Parallel()
	s := sandbox(t, webadmittest.WithPDFTemplates(
		webadmittest.PDFTemplate{ID: 2, IdentityID: 42, Name: "Done", Timeline: webadmittest.Timeline{}},
		webadmittest.PDFTemplate{ID: 3, IdentityID: 42, Name: "Slow", Timeline: webadmittest.Timeline{Queued: time.Hour}},
	))
	c := sandboxClient(t, s)
	ctx := context.Background()
	done, err := c.StartPDFBatch(ctx, 42, 2)
	if err != nil {
		t.Fatal(err)
	}
	b, err := done.Wait(ctx)
	if err != nil || len(b.ZipFiles) == 0 {
		t.Fatalf("Wait = %+v, %v", b, err)
	}
	slow, err := c.StartPDFBatch(ctx, 42, 3)
	if err != nil {
		t.Fatal(err)
	}
	zip := b.ZipFiles[0].ID
	if _, err := slow.DownloadZipFile(ctx, zip, ToWriter(io.Discard)); !errors.Is(err, ErrNotReady) {
		t.Errorf("a zip file through a batch still running: err = %v, want ErrNotReady", err)
	}
	if _, err := done.DownloadZipFile(ctx, zip+1000, ToWriter(io.Discard)); !errors.Is(err, ErrNotFound) {
		t.Errorf("a zip file not of the batch: err = %v, want ErrNotFound", err)
	}
	var ev []Event
	res, err := done.DownloadZipFile(ctx, zip, ToWriter(io.Discard), OnProgress(func(e Event) { ev = append(ev, e) }))
	if err != nil || res.Bytes == 0 {
		t.Fatalf("its own zip file: %+v, %v", res, err)
	}
	if ev[0].ZipIndex != 1 || ev[0].ZipCount != len(b.ZipFiles) || ev[0].Status != b.State {
		t.Errorf("event %+v does not place the zip file in its batch", ev[0])
	}
}

// TestMaxWaitWhateverTheOrder: MaxWait holds before or after UsePollPolicy,
// and UsePollPolicy's zero fields keep the client's policy.
func TestMaxWaitWhateverTheOrder(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1", WithPollPolicy(PollPolicy{MinDelay: 7 * time.Millisecond, MaxDelay: 70 * time.Millisecond, MaxWait: time.Hour, Multiplier: 3}))
	for _, opts := range [][]RunOption{
		{MaxWait(time.Second), UsePollPolicy(PollPolicy{MinDelay: 10 * time.Millisecond})},
		{UsePollPolicy(PollPolicy{MinDelay: 10 * time.Millisecond}), MaxWait(time.Second)},
	} {
		rc, err := c.runConfig(opts)
		if err != nil {
			t.Fatal(err)
		}
		want := PollPolicy{MinDelay: 10 * time.Millisecond, MaxDelay: 70 * time.Millisecond, MaxWait: time.Second, Multiplier: 3}
		if rc.poll != want {
			t.Errorf("policy %+v, want %+v", rc.poll, want)
		}
	}
}

// TestHandleAnswersAreTheCallers: what Wait and Poll return is a copy: a
// caller who changes it does not change the handle.
func TestHandleAnswersAreTheCallers(t *testing.T) {
	t.Parallel()
	s := sandbox(t, webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: 42, Name: "E", Content: []byte("a\n")}),
		webadmittest.WithPDFTemplates(webadmittest.PDFTemplate{ID: 2, IdentityID: 42, Name: "P"}))
	c := sandboxClient(t, s)
	ctx := context.Background()
	run, err := c.StartExport(ctx, 42, 7)
	if err != nil {
		t.Fatal(err)
	}
	f, err := run.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.Status = StatusQueued
	if _, err := run.Download(ctx, ToWriter(io.Discard)); err != nil {
		t.Errorf("Download after the caller changed Wait's answer: %v", err)
	}
	batch, err := c.StartPDFBatch(ctx, 42, 2)
	if err != nil {
		t.Fatal(err)
	}
	b, err := batch.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b.ZipFiles[0].ID = -1
	if _, err := batch.Download(ctx, ZipFilesToDir(t.TempDir(), FileOptions{})); err != nil {
		t.Errorf("Download after the caller changed Wait's zip files: %v", err)
	}
}

// TestNilDestination: a nil destination is an error, not a panic.
func TestNilDestination(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1")
	ctx := context.Background()
	for name, err := range map[string]error{
		"Download":        func() error { _, err := c.ExportRun(1, 2).Download(ctx, nil); return err }(),
		"RunExport":       func() error { _, err := c.RunExport(ctx, 1, 2, nil); return err }(),
		"PDF Download":    func() error { _, err := c.PDFBatch(1, 2).Download(ctx, nil); return err }(),
		"RunPDFBatch":     func() error { _, err := c.RunPDFBatch(ctx, 1, 2, nil); return err }(),
		"DownloadZipFile": func() error { _, err := c.PDFBatch(1, 2).DownloadZipFile(ctx, 3, nil); return err }(),
	} {
		if err == nil || !strings.Contains(err.Error(), "no destination") {
			t.Errorf("%s(nil) = %v, want an error", name, err)
		}
	}
}

// TestElapsedIsTheCalls: Result.Elapsed counts from the call, not from
// when the handle was made.
func TestElapsedIsTheCalls(t *testing.T) {
	t.Parallel()
	s := sandbox(t, webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: 42, Name: "E", Content: []byte("a\n")}))
	c := sandboxClient(t, s)
	ctx := context.Background()
	run, err := c.StartExport(ctx, 42, 7)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	handle := c.ExportRun(7, run.ID())
	time.Sleep(300 * time.Millisecond)
	res, err := handle.Download(ctx, ToWriter(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	if res.Elapsed >= 300*time.Millisecond {
		t.Errorf("Elapsed %s counts the time before the call", res.Elapsed)
	}
}

// TestTimeoutNamesTheKnownStatus: a wait that times out names the status
// the handle already knows, not "no status yet".
func TestTimeoutNamesTheKnownStatus(t *testing.T) {
	t.Parallel()
	s := sandbox(t, webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: 42, Name: "E", Content: []byte("a\n"),
		Timeline: webadmittest.Timeline{Queued: time.Hour}}))
	c := sandboxClient(t, s)
	ctx := context.Background()
	run, err := c.StartExport(ctx, 42, 7)
	if err != nil {
		t.Fatal(err)
	}
	_, err = run.Wait(ctx, MaxWait(time.Nanosecond))
	if !errors.Is(err, ErrTimeout) || strings.Contains(err.Error(), "no status yet") || !strings.Contains(err.Error(), "Queued") {
		t.Errorf("err = %v, want ErrTimeout naming status Queued", err)
	}
}

// TestPrefixOnceWhenAnAnswerIsCut: an answer cut while it is read ends
// the wait with the package's prefix once.
func TestPrefixOnceWhenAnAnswerIsCut(t *testing.T) {
	t.Parallel()
	s := sandbox(t, webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: 42, Name: "E", Content: []byte("a\n")}),
		webadmittest.WithFaults(webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Kind: webadmittest.FaultCutConnection, Bytes: 10}))
	c := sandboxClient(t, s)
	_, err := c.RunExport(context.Background(), 42, 7, ToWriter(io.Discard), MaxWait(500*time.Millisecond))
	if err == nil || strings.Count(err.Error(), "webadmit: ") != 1 {
		t.Errorf("err = %v, want the prefix once", err)
	}
}
