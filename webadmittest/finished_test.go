package webadmittest_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

func TestDemoFinishedRuns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		spelling          webadmittest.Spelling
		available, errors generated.ExportFileStatus
	}{
		{webadmittest.SpellingTitleCase, generated.ExportFileStatusAvailable, generated.ExportFileStatusSuccessWithErrors},
		{webadmittest.SpellingSnakeCase, generated.ExportFileStatusAvailableSnake, generated.ExportFileStatusSuccessWithErrorsSnake},
	}
	for _, tt := range tests {
		t.Run(tt.spelling.String(), func(t *testing.T) {
			t.Parallel()
			srv := webadmittest.NewTest(t, webadmittest.WithSpelling(tt.spelling))
			c := newClient(t, srv)
			ctx := context.Background()

			list, err := c.ListUserIdentityExportFilesWithResponse(ctx, webadmittest.DemoIdentityID)
			if err != nil || list.JSON200 == nil {
				t.Fatalf("listUserIdentityExportFiles: %v %s", err, list.Body)
			}
			var listed []string
			for _, ef := range *list.JSON200.ExportFiles {
				listed = append(listed, fmt.Sprintf("%d/%d %s", ef.ExportId, ef.Id, ef.Status))
			}
			want := []string{
				fmt.Sprintf("%d/%d %s", webadmittest.DemoExportWithWarnings, webadmittest.DemoRunWithWarnings, tt.errors),
				fmt.Sprintf("%d/%d %s", webadmittest.DemoExportNightlyBanner, webadmittest.DemoRunNightlyBanner, tt.available),
			}
			if !slices.Equal(listed, want) {
				t.Errorf("finished runs listed %v, want %v", listed, want)
			}
			if strings.Contains(string(list.Body), "download_url") {
				t.Errorf("the batch list must not carry download URLs: %s", list.Body)
			}

			store := httpClient(t)
			for _, run := range []struct {
				export, id int
				status     generated.ExportFileStatus
			}{
				{webadmittest.DemoExportNightlyBanner, webadmittest.DemoRunNightlyBanner, tt.available},
				{webadmittest.DemoExportWithWarnings, webadmittest.DemoRunWithWarnings, tt.errors},
			} {
				var urls []string
				for range 2 {
					r, err := c.GetExportFileWithResponse(ctx, run.export, run.id)
					if err != nil || r.JSON200 == nil {
						t.Fatalf("getExportFile %d/%d: %v %d %s", run.export, run.id, err, r.StatusCode(), r.Body)
					}
					ef := r.JSON200.ExportFiles
					if ef.Status != run.status || ef.DownloadUrl == nil || !strings.HasPrefix(*ef.DownloadUrl, srv.StoreURL()+"/export_files/reports/") {
						t.Fatalf("run %d = %+v, want %s with a download URL on the store", run.id, ef, run.status)
					}
					urls = append(urls, *ef.DownloadUrl)
					time.Sleep(2 * time.Millisecond) // Expires counts milliseconds
				}
				if urls[0] == urls[1] {
					t.Errorf("run %d: two status calls gave the same URL; want a fresh one each time", run.id)
				}
				resp, body := get(t, store, http.MethodGet, urls[1])
				if resp.StatusCode != http.StatusOK || !bytes.Equal(body, contentOf(t, srv, run.export)) {
					t.Errorf("download of run %d: %d, %d bytes, want the export's %d", run.id, resp.StatusCode, len(body), len(contentOf(t, srv, run.export)))
				}
			}

			// A finished run belongs to its export only.
			if r, err := c.GetExportFileWithResponse(ctx, webadmittest.DemoExportWithWarnings, webadmittest.DemoRunNightlyBanner); err != nil || r.StatusCode() != http.StatusNotFound {
				t.Errorf("run %d under export %d: %v %d, want 404", webadmittest.DemoRunNightlyBanner, webadmittest.DemoExportWithWarnings, err, r.StatusCode())
			}
			// New runs still count from 74780, even of an export with a finished run.
			if id := startRun(t, c, webadmittest.DemoIdentityID, webadmittest.DemoExportNightlyBanner); id != 74780 {
				t.Errorf("first new run %d, want 74780", id)
			}
		})
	}
}

func TestDemoFinishedPDFBatch(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t)
	c := noRedirects(t, srv)
	ctx := context.Background()

	list, err := c.ListPdfManagerBatchesWithResponse(ctx, webadmittest.DemoIdentityID)
	if err != nil || list.JSON200 == nil {
		t.Fatalf("listPdfManagerBatches: %v %s", err, list.Body)
	}
	if got := *list.JSON200.PdfManagerBatches; len(got) != 1 || got[0].Id != webadmittest.DemoPDFBatchAccepted ||
		got[0].State != generated.PdfManagerBatchStateAvailable || got[0].PdfManagerTemplate.Id != webadmittest.DemoPDFTemplateAccepted {
		t.Fatalf("batches %+v, want the finished batch %d of template %d", got, webadmittest.DemoPDFBatchAccepted, webadmittest.DemoPDFTemplateAccepted)
	}
	r, err := c.GetPdfManagerBatchWithResponse(ctx, webadmittest.DemoIdentityID, webadmittest.DemoPDFBatchAccepted)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("getPdfManagerBatch: %v %s", err, r.Body)
	}
	seeded := r.JSON200.PdfManagerBatch
	wantHrefs := []string{
		fmt.Sprintf("/api/v1/user_identities/42/pdf_manager_zip_files/%d/download", webadmittest.DemoPDFZipFileAccepted1),
		fmt.Sprintf("/api/v1/user_identities/42/pdf_manager_zip_files/%d/download", webadmittest.DemoPDFZipFileAccepted2),
	}
	if seeded.DownloadHrefs == nil || !slices.Equal(*seeded.DownloadHrefs, wantHrefs) {
		t.Fatalf("download hrefs %v, want %v", seeded.DownloadHrefs, wantHrefs)
	}
	if !seeded.UpdatedAt.Before(time.Now()) {
		t.Errorf("updated_at %v: a finished batch ended before now", seeded.UpdatedAt)
	}

	// A new batch of the same template gets id 42 and zip files 2 and 3,
	// with the same bytes as the finished batch's.
	b := initiate(t, c, webadmittest.DemoPDFTemplateAccepted, nil)
	if b.Id != 42 {
		t.Errorf("first new batch %d, want 42", b.Id)
	}
	_, fresh := waitBatch(t, c, b.Id)
	if fresh.DownloadHrefs == nil || len(*fresh.DownloadHrefs) != 2 ||
		(*fresh.DownloadHrefs)[0] != "/api/v1/user_identities/42/pdf_manager_zip_files/2/download" {
		t.Fatalf("new batch hrefs %v, want zip files 2 and 3", fresh.DownloadHrefs)
	}
	store := httpClient(t)
	download := func(zipID int) ([]byte, string) {
		t.Helper()
		r, err := c.DownloadPdfManagerZipFileWithResponse(ctx, webadmittest.DemoIdentityID, zipID)
		if err != nil || r.StatusCode() != http.StatusFound {
			t.Fatalf("download zip %d: %v %d %s", zipID, err, r.StatusCode(), r.Body)
		}
		resp, body := get(t, store, http.MethodGet, r.HTTPResponse.Header.Get("Location"))
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("zip %d from the store: %d %q", zipID, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		return body, resp.Header.Get("Content-Disposition")
	}
	for i, zipID := range []int{webadmittest.DemoPDFZipFileAccepted1, webadmittest.DemoPDFZipFileAccepted2} {
		body, disposition := download(zipID)
		if want := fmt.Sprintf("attachment; filename=Accepted-Offers-for-Review-%d-%d.zip", webadmittest.DemoPDFBatchAccepted, i+1); disposition != want {
			t.Errorf("zip %d: Content-Disposition %q, want %q", zipID, disposition, want)
		}
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil || len(zr.File) == 0 || !strings.HasSuffix(zr.File[0].Name, ".pdf") {
			t.Errorf("zip %d is not a zip of PDFs: %v", zipID, err)
		}
		if again, _ := download(2 + i); !bytes.Equal(body, again) {
			t.Errorf("zip %d differs from the new batch's zip %d", zipID, 2+i)
		}
	}
}

func TestFinishedRunsAndBatchesOptions(t *testing.T) {
	t.Parallel()
	export := func(id int, runs ...int) webadmittest.Export {
		e := tinyExport(id, "a,b\n")
		e.FinishedRuns = runs
		return e
	}
	template := func(id int, zips int, batches ...webadmittest.FinishedPDFBatch) webadmittest.PDFTemplate {
		tpl := pdfTemplate(id, generated.ExportFileStatusAvailable)
		tpl.ZipFiles = make([][]byte, zips)
		for i := range tpl.ZipFiles {
			tpl.ZipFiles[i] = []byte("zip " + itoa(i))
		}
		tpl.FinishedBatches = batches
		return tpl
	}
	bad := []struct {
		name string
		opt  webadmittest.Option
	}{
		{"zero run id", webadmittest.WithExports(export(1, 0))},
		{"run id twice", webadmittest.WithExports(export(1, 5), export(2, 5))},
		{"batch id twice", webadmittest.WithPDFTemplates(template(1, 1, webadmittest.FinishedPDFBatch{ID: 9, ZipFileIDs: []int{1}}),
			template(2, 1, webadmittest.FinishedPDFBatch{ID: 9, ZipFileIDs: []int{2}}))},
		{"zip id twice", webadmittest.WithPDFTemplates(template(1, 2, webadmittest.FinishedPDFBatch{ID: 9, ZipFileIDs: []int{1, 1}}))},
		{"too few zip ids", webadmittest.WithPDFTemplates(template(1, 2, webadmittest.FinishedPDFBatch{ID: 9, ZipFileIDs: []int{1}}))},
		{"negative batch id", webadmittest.WithPDFTemplates(template(1, 0, webadmittest.FinishedPDFBatch{ID: -1}))},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if srv, err := webadmittest.New(tt.opt); err == nil {
				srv.Close()
				t.Errorf("New accepted %s", tt.name)
			}
		})
	}

	t.Run("new ids skip finished ones", func(t *testing.T) {
		srv := webadmittest.NewTest(t,
			webadmittest.WithExports(export(1, 74780, 74781)),
			webadmittest.WithPDFTemplates(template(1, 2, webadmittest.FinishedPDFBatch{ID: 42, ZipFileIDs: []int{3, 2}})))
		c := noRedirects(t, srv)
		if id := startRun(t, c, webadmittest.DemoIdentityID, 1); id != 74782 {
			t.Errorf("new run %d, want 74782 after the finished 74780 and 74781", id)
		}
		if ef := waitFile(t, c, 1, 74781); ef.Status != generated.ExportFileStatusAvailable || ef.DownloadUrl == nil {
			t.Errorf("finished run 74781 = %+v", ef)
		}
		b := initiate(t, c, 1, nil)
		_, done := waitBatch(t, c, b.Id)
		want := []string{"/api/v1/user_identities/42/pdf_manager_zip_files/4/download", "/api/v1/user_identities/42/pdf_manager_zip_files/5/download"}
		if b.Id != 43 || done.DownloadHrefs == nil || !slices.Equal(*done.DownloadHrefs, want) {
			t.Errorf("new batch %d with %v, want 43 with %v", b.Id, done.DownloadHrefs, want)
		}
	})
}
