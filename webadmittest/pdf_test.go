package webadmittest_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// pdfTemplate is a template of identity 42 whose batches take about 90 ms.
func pdfTemplate(id int, outcome generated.ExportFileStatus, zips ...[]byte) webadmittest.PDFTemplate {
	return webadmittest.PDFTemplate{ID: id, IdentityID: webadmittest.DemoIdentityID, Name: "Review " + itoa(id), ZipFiles: zips,
		Timeline: webadmittest.Timeline{Initializing: 30 * time.Millisecond, Queued: 30 * time.Millisecond, InProgress: 30 * time.Millisecond, Outcome: outcome}}
}

// initiate starts a batch of a template and returns it.
func initiate(t *testing.T, c *generated.ClientWithResponses, template int, callback *string) generated.PdfManagerBatch {
	t.Helper()
	r, err := c.InitiatePdfManagerBatchWithResponse(context.Background(), 42, generated.InitiatePdfManagerBatchRequest{
		PdfManagerBatch: generated.PdfManagerBatchInput{PdfManagerTemplateId: template, Callback: callback}})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("initiatePdfManagerBatch: %v %d %s", err, r.StatusCode(), r.Body)
	}
	return r.JSON201.PdfManagerBatch
}

// waitBatch polls a batch until its state is final and returns the states
// seen, without repeats, and the final batch.
func waitBatch(t *testing.T, c *generated.ClientWithResponses, id int) ([]generated.PdfManagerBatchState, generated.PdfManagerBatch) {
	t.Helper()
	var states []generated.PdfManagerBatchState
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := c.GetPdfManagerBatchWithResponse(context.Background(), 42, id)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("getPdfManagerBatch: %v %s", err, r.Body)
		}
		b := r.JSON200.PdfManagerBatch
		if len(states) == 0 || states[len(states)-1] != b.State {
			states = append(states, b.State)
		}
		switch b.State {
		case generated.PdfManagerBatchStateInitializing, generated.PdfManagerBatchStateQueued, generated.PdfManagerBatchStateInProgress:
		default:
			return states, b
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch %d still %s after 10s", id, b.State)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// noRedirects returns a client for the API that reports a redirect instead
// of following it.
func noRedirects(t *testing.T, srv *webadmittest.Server) *generated.ClientWithResponses {
	t.Helper()
	hc := httpClient(t)
	hc.Transport = &validatingTransport{tb: t, base: hc.Transport}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c, err := generated.NewClientWithResponses(srv.URL(), generated.WithHTTPClient(hc), withKey(srv.APIKey()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPDFManagerFlow(t *testing.T) {
	t.Parallel()
	zips := [][]byte{[]byte("PK first zip"), []byte("PK second zip, a little longer")}
	srv := webadmittest.NewTest(t, webadmittest.WithPDFTemplates(pdfTemplate(7, generated.ExportFileStatusAvailable, zips...)))
	c := noRedirects(t, srv)
	ctx := context.Background()

	tpl, err := c.GetPdfManagerTemplateWithResponse(ctx, 42, 7)
	if err != nil || tpl.JSON200 == nil || tpl.JSON200.PdfManagerTemplate.Name != "Review 7" ||
		tpl.JSON200.PdfManagerTemplate.ListName != "All Applicants" || tpl.JSON200.PdfManagerTemplate.DocumentSourceTitle != "Full Application PDF" {
		t.Fatalf("getPdfManagerTemplate: %v %s", err, tpl.Body)
	}

	b := initiate(t, c, 7, nil)
	if b.Id != 42 || b.State != generated.PdfManagerBatchStateInitializing || b.DownloadHrefs == nil || len(*b.DownloadHrefs) != 0 {
		t.Fatalf("new batch = %+v, want id 42, initializing, no download hrefs yet", b)
	}
	if r, err := c.DownloadPdfManagerZipFileWithResponse(ctx, 42, 2); err != nil || r.StatusCode() != 404 {
		t.Errorf("a zip of a running batch: %v %d, want 404 until the batch has its files", err, r.StatusCode())
	}
	if again := initiate(t, c, 7, nil); again.Id != b.Id {
		t.Errorf("a second initiate while running started batch %d, want the running %d", again.Id, b.Id)
	}
	states, done := waitBatch(t, c, b.Id)
	if want := []generated.PdfManagerBatchState{"initializing", "queued", "in_progress", "available"}; !isSubsequence(states, want) || states[len(states)-1] != "available" {
		t.Errorf("states seen %v, want them in the order %v", states, want)
	}
	if done.UpdatedAt.Before(time.Now().Add(-time.Minute)) || done.UpdatedAt.Nanosecond() != 0 {
		t.Errorf("updated_at %v: want a recent time in whole seconds", done.UpdatedAt)
	}
	if done.DownloadHrefs == nil || len(*done.DownloadHrefs) != 2 {
		t.Fatalf("download hrefs = %v", done.DownloadHrefs)
	}

	list, err := c.ListPdfManagerBatchesWithResponse(ctx, 42)
	if err != nil || list.JSON200 == nil || len(*list.JSON200.PdfManagerBatches) != 1 {
		t.Fatalf("listPdfManagerBatches: %v %s", err, list.Body)
	}
	if strings.Contains(string(list.Body), "download_hrefs") {
		t.Errorf("the list leaves download_hrefs out: %s", list.Body)
	}

	store := httpClient(t) // no API key: what a careful client does with Location
	for i, href := range *done.DownloadHrefs {
		var zipID int
		if _, err := fmtSscanf(href, "/api/v1/user_identities/42/pdf_manager_zip_files/%d/download", &zipID); err != nil {
			t.Fatalf("href %q: %v", href, err)
		}
		r, err := c.DownloadPdfManagerZipFileWithResponse(ctx, 42, zipID)
		if err != nil || r.StatusCode() != http.StatusFound {
			t.Fatalf("download %s: %v %d %s", href, err, r.StatusCode(), r.Body)
		}
		loc := r.HTTPResponse.Header.Get("Location")
		if !strings.HasPrefix(loc, srv.StoreURL()+"/pdf_manager_zip_files/") {
			t.Fatalf("Location %q is not on the store", redact(loc))
		}
		resp, body := get(t, store, http.MethodGet, loc)
		if resp.StatusCode != 200 || !bytes.Equal(body, zips[i]) || resp.Header.Get("Content-Type") != "application/zip" ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; filename=Review-7-42-") {
			t.Errorf("zip %d: %d %q %q %q", i, resp.StatusCode, body, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
		}
		key := strings.TrimPrefix(redact(loc), srv.StoreURL()+"/")
		if n := srv.Recorder().ObjectBytesServed(key); n != int64(len(zips[i])) {
			t.Errorf("bytes served for zip %d = %d, want %d", i, n, len(zips[i]))
		}
	}
	if leaks := srv.Recorder().Leaks(); len(leaks) != 0 {
		t.Errorf("the store saw the API key: %+v", leaks)
	}
}

// isSubsequence reports whether got lists some of want's items, in want's order.
func isSubsequence[T comparable](got, want []T) bool {
	i := 0
	for _, g := range got {
		for i < len(want) && want[i] != g {
			i++
		}
		if i == len(want) {
			return false
		}
	}
	return true
}

func TestPDFManagerRedirectLeaksKeyWithNaiveClient(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t, webadmittest.WithPDFTemplates(pdfTemplate(7, generated.ExportFileStatusAvailable, []byte("PK zip"))))
	c := noRedirects(t, srv)
	_, done := waitBatch(t, c, initiate(t, c, 7, nil).Id)
	// The generated client on a default http.Client follows the 302 and
	// copies x-api-key onto it: the sandbox records the leak.
	naive := rawClient(t, srv)
	var zipID int
	if _, err := fmtSscanf((*done.DownloadHrefs)[0], "/api/v1/user_identities/42/pdf_manager_zip_files/%d/download", &zipID); err != nil {
		t.Fatal(err)
	}
	r, err := naive.DownloadPdfManagerZipFileWithResponse(context.Background(), 42, zipID)
	if err != nil || r.StatusCode() != 200 || string(r.Body) != "PK zip" {
		t.Fatalf("followed download: %v %d %q", err, r.StatusCode(), r.Body)
	}
	leaks := srv.Recorder().Leaks()
	if len(leaks) != 1 || !leaks[0].MatchesAPIKey || !strings.HasPrefix(leaks[0].Path, "/pdf_manager_zip_files/") {
		t.Errorf("leaks = %+v, want the one download that carried the key", leaks)
	}
}

func TestPDFManagerOutcomesAndRefusals(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t,
		webadmittest.WithIdentities(webadmittest.Identity{ID: 42}, webadmittest.Identity{ID: 43}),
		webadmittest.WithPDFTemplates(
			pdfTemplate(7, generated.ExportFileStatusSuccessWithErrors, []byte("PK partial")),
			pdfTemplate(8, generated.ExportFileStatusEmptyList),
			pdfTemplate(9, "failed", []byte("PK never served")),
			webadmittest.PDFTemplate{ID: 10, IdentityID: 43, Name: "Other identity's"},
		))
	c := noRedirects(t, srv)
	ctx := context.Background()
	for _, tt := range []struct {
		template int
		state    generated.PdfManagerBatchState
		zips     int
	}{{7, "success_with_errors", 1}, {8, "empty_list", 0}, {9, "failed", 0}} {
		b := initiate(t, c, tt.template, nil)
		_, done := waitBatch(t, c, b.Id)
		if done.State != tt.state || len(*done.DownloadHrefs) != tt.zips {
			t.Errorf("template %d: %s with %d zips, want %s with %d", tt.template, done.State, len(*done.DownloadHrefs), tt.state, tt.zips)
		}
	}
	for _, tt := range []struct {
		name string
		call func() (int, []byte, error)
		want string
	}{
		{"unknown template", func() (int, []byte, error) {
			r, err := c.InitiatePdfManagerBatchWithResponse(ctx, 42, generated.InitiatePdfManagerBatchRequest{
				PdfManagerBatch: generated.PdfManagerBatchInput{PdfManagerTemplateId: 99}})
			return code(r, err)
		}, `404 {"message":"Not Found"}`},
		{"another identity's template", func() (int, []byte, error) {
			r, err := c.GetPdfManagerTemplateWithResponse(ctx, 42, 10)
			return code(r, err)
		}, `404 {"message":"Not Found"}`},
		{"zip of a failed batch", func() (int, []byte, error) {
			r, err := c.DownloadPdfManagerZipFileWithResponse(ctx, 42, 3) // template 9's zip (ids count from 2), never produced
			return code(r, err)
		}, `404 {"message":"Not Found"}`},
		{"unknown zip", func() (int, []byte, error) {
			r, err := c.DownloadPdfManagerZipFileWithResponse(ctx, 42, 999)
			return code(r, err)
		}, `404 {"message":"Not Found"}`},
		{"unknown batch", func() (int, []byte, error) {
			r, err := c.GetPdfManagerBatchWithResponse(ctx, 42, 999)
			return code(r, err)
		}, `404 {"message":"Not Found"}`},
		{"http callback", func() (int, []byte, error) {
			r, err := c.InitiatePdfManagerBatchWithResponse(ctx, 42, generated.InitiatePdfManagerBatchRequest{
				PdfManagerBatch: generated.PdfManagerBatchInput{PdfManagerTemplateId: 7, Callback: ptr("http://127.0.0.1:9/cb")}})
			return code(r, err)
		}, `422 {"errors":{"schema":[`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body, err := tt.call()
			if got := itoa(status) + " " + strings.TrimSpace(string(body)); err != nil || !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %s (%v), want %s", got, err, tt.want)
			}
		})
	}
}

func TestPDFManagerExpiredLocation(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t, webadmittest.WithPDFTemplates(pdfTemplate(7, generated.ExportFileStatusAvailable, []byte("PK zip"))))
	c := noRedirects(t, srv)
	_, done := waitBatch(t, c, initiate(t, c, 7, nil).Id)
	var zipID int
	if _, err := fmtSscanf((*done.DownloadHrefs)[0], "/api/v1/user_identities/42/pdf_manager_zip_files/%d/download", &zipID); err != nil {
		t.Fatal(err)
	}
	srv.AddFault(webadmittest.Fault{Endpoint: webadmittest.EndpointDownloadPdfManagerZipFile, Attempt: 1, Kind: webadmittest.FaultExpireURL})
	r, err := c.DownloadPdfManagerZipFileWithResponse(context.Background(), 42, zipID)
	if err != nil || r.StatusCode() != http.StatusFound {
		t.Fatalf("%v %d", err, r.StatusCode())
	}
	resp, body := get(t, httpClient(t), http.MethodGet, r.HTTPResponse.Header.Get("Location"))
	if resp.StatusCode != 403 || !strings.Contains(string(body), "Request has expired") {
		t.Errorf("expired Location: %d %s", resp.StatusCode, body)
	}
	// The next call issues a fresh URL.
	r, _ = c.DownloadPdfManagerZipFileWithResponse(context.Background(), 42, zipID)
	if resp, body := get(t, httpClient(t), http.MethodGet, r.HTTPResponse.Header.Get("Location")); resp.StatusCode != 200 || string(body) != "PK zip" {
		t.Errorf("fresh Location: %d %s", resp.StatusCode, body)
	}
}

func TestPDFManagerCallback(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []generated.PdfManagerBatchEnvelope
	received := make(chan struct{}, 1)
	receiver := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var env generated.PdfManagerBatchEnvelope
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &env); err != nil || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("callback body %s (%v), content type %q", body, err, r.Header.Get("Content-Type"))
		}
		mu.Lock()
		got = append(got, env)
		mu.Unlock()
		received <- struct{}{}
	}))
	t.Cleanup(receiver.Close)
	roots := x509.NewCertPool()
	roots.AddCert(receiver.Certificate())
	srv := webadmittest.NewTest(t, webadmittest.WithCallbackRootCAs(roots),
		webadmittest.WithPDFTemplates(pdfTemplate(7, generated.ExportFileStatusAvailable, []byte("PK zip"))))
	c := noRedirects(t, srv)
	b := initiate(t, c, 7, ptr(receiver.URL+"/pdf_done"))
	select {
	case <-received:
	case <-time.After(10 * time.Second):
		t.Fatal("no callback within 10s")
	}
	mu.Lock()
	env := got[0]
	mu.Unlock()
	if env.PdfManagerBatch.Id != b.Id || env.PdfManagerBatch.State != "available" || env.PdfManagerBatch.DownloadHrefs == nil || len(*env.PdfManagerBatch.DownloadHrefs) != 1 {
		t.Errorf("callback batch = %+v", env.PdfManagerBatch)
	}
	deliveries := srv.Recorder().Callbacks()
	for deadline := time.Now().Add(5 * time.Second); len(deliveries) == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond) // recorded once the answer is read
		deliveries = srv.Recorder().Callbacks()
	}
	if len(deliveries) != 1 || deliveries[0].PDFManagerBatchID != b.Id || deliveries[0].Status != "available" || deliveries[0].StatusCode != 200 {
		t.Errorf("recorded callbacks = %+v", deliveries)
	}
}

func TestPDFManagerDemoTemplates(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t)
	r, err := newClient(t, srv).ListPdfManagerTemplatesWithResponse(context.Background(), 42)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("%v %s", err, r.Body)
	}
	var ids []int
	for _, tpl := range *r.JSON200.PdfManagerTemplates {
		ids = append(ids, tpl.Id)
	}
	if want := []int{webadmittest.DemoPDFTemplateAccepted, webadmittest.DemoPDFTemplateWaitlist, webadmittest.DemoPDFTemplateEmpty, webadmittest.DemoPDFTemplateFailed}; !slices.Equal(ids, want) {
		t.Errorf("demo templates %v, want %v", ids, want)
	}
}
