package wrapper

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// The PDF Manager flow against webadmittest: initiate, wait on state, and
// download every zip file through the API's 302 without the key reaching
// the object store.

// zipOf builds a zip archive of the given files (name, content pairs).
func zipOf(t testing.TB, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, files[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// randomBytes returns n bytes that do not compress, for downloads large
// enough to be cut.
func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// pdfTemplate is a template of the test identity whose batches end with
// outcome after about 50 ms and produce zips.
func pdfTemplate(id int, name string, outcome generated.ExportFileStatus, zips ...[]byte) webadmittest.PDFTemplate {
	if zips == nil {
		zips = [][]byte{}
	}
	return webadmittest.PDFTemplate{ID: id, IdentityID: sandboxIdentity, Name: name, ZipFiles: zips, Timeline: quick(outcome)}
}

func TestSandboxPDFOutcomes(t *testing.T) {
	t.Parallel()
	zips := [][]byte{zipOf(t, "1000001.pdf", "%PDF-1.4 one"), zipOf(t, "1000002.pdf", "%PDF-1.4 two")}
	tests := []struct {
		outcome generated.ExportFileStatus
		state   Status
		wantErr error
	}{
		{generated.ExportFileStatusAvailable, StatusAvailable, nil},
		{generated.ExportFileStatusSuccessWithErrors, StatusSuccessWithErrors, nil},
		{generated.ExportFileStatusEmptyList, StatusEmptyList, ErrEmptyList},
		{generated.ExportFileStatusFailed, StatusFailed, ErrPDFBatchFailed},
	}
	for _, tt := range tests {
		t.Run(string(tt.outcome), func(t *testing.T) {
			t.Parallel()
			srv := sandbox(t, webadmittest.WithPDFTemplates(pdfTemplate(7, "Packets", tt.outcome, zips...)))
			c := sandboxClient(t, srv)
			dir := filepath.Join(t.TempDir(), "pdfs")
			var states []Status
			var events []EventKind
			res, err := c.RunPDFBatch(context.Background(), sandboxIdentity, 7, ZipFilesToDir(dir, FileOptions{}), OnProgress(func(e Event) {
				events = append(events, e.Kind)
				if e.Kind == EventStatus {
					states = append(states, e.Status)
				}
				if e.ExportID != 0 || e.ExportFileID != 0 || e.BatchID == 0 {
					t.Errorf("event %v carries export ids or no batch id: %+v", e.Kind, e)
				}
			}))
			collect(err)
			if res == nil || res.BatchID == 0 || res.State != tt.state || res.TemplateID != 7 || res.TemplateName != "Packets" {
				t.Fatalf("PDFResult = %+v, err %v", res, err)
			}
			if !slices.ContainsFunc(states, func(s Status) bool { return !s.IsTerminal() }) || states[len(states)-1] != tt.state {
				t.Errorf("states seen %v, want some not final, then %q", states, tt.state)
			}
			if events[0] != EventInitiated {
				t.Errorf("first event %v, want initiated", events[0])
			}
			if tt.wantErr != nil {
				var je *JobError
				if !errors.Is(err, tt.wantErr) || !errors.As(err, &je) || !strings.Contains(je.Job, fmt.Sprint(res.BatchID)) || je.Status != tt.state {
					t.Fatalf("err = %v, want a *JobError matching %v", err, tt.wantErr)
				}
				if _, serr := os.Stat(dir); !errors.Is(serr, fs.ErrNotExist) {
					t.Errorf("the directory the call created is still there (%v)", serr)
				}
				if n := srv.Recorder().Calls(webadmittest.EndpointDownloadPdfManagerZipFile) + srv.Recorder().Calls(webadmittest.EndpointObject); n != 0 {
					t.Errorf("%d download calls for a batch without files", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.SuccessWithErrors != (tt.state == StatusSuccessWithErrors) {
				t.Errorf("SuccessWithErrors = %v", res.SuccessWithErrors)
			}
			if len(res.ZipFiles) != len(zips) || len(res.Paths) != len(zips) {
				t.Fatalf("%d zip results, %d paths, want %d", len(res.ZipFiles), len(res.Paths), len(zips))
			}
			for i, z := range res.ZipFiles {
				want := sha(zips[i])
				wantName := "Packets-" + strconv.Itoa(res.BatchID) + "-" + strconv.Itoa(i+1) + ".zip"
				if z.SHA256 != want || fileSHA(t, z.Paths[0]) != want || z.Bytes != int64(len(zips[i])) {
					t.Errorf("zip %d: sha %s (file %s), want %s", i, z.SHA256, fileSHA(t, z.Paths[0]), want)
				}
				if z.FileName != wantName || filepath.Base(z.Paths[0]) != wantName || z.ContentType != "application/zip" {
					t.Errorf("zip %d: name %q path %q type %q, want %q", i, z.FileName, z.Paths[0], z.ContentType, wantName)
				}
				mustMode(t, z.Paths[0], 0o600)
			}
			if got := dirEntries(t, dir); len(got) != len(zips) {
				t.Errorf("directory holds %v", got)
			}
			if n := srv.Recorder().Calls(webadmittest.EndpointDownloadPdfManagerZipFile); n != len(zips) || res.URLCalls != n {
				t.Errorf("%d zip download calls (result says %d), want %d", n, res.URLCalls, len(zips))
			}
			if res.StatusCalls != srv.Recorder().Calls(webadmittest.EndpointGetPdfManagerBatch) {
				t.Errorf("StatusCalls %d, server saw %d", res.StatusCalls, srv.Recorder().Calls(webadmittest.EndpointGetPdfManagerBatch))
			}
		})
	}
}

// TestSandboxPDFKeyNeverReachesStore checks the 302 is read and its
// Location fetched without the key, and, as a control, that the sandbox
// does record the leak a naive client makes by following the redirect with
// the key set on the request.
func TestSandboxPDFKeyNeverReachesStore(t *testing.T) {
	t.Parallel()
	zipBytes := zipOf(t, "a.pdf", "%PDF a")
	tmpl := pdfTemplate(7, "Packets", generated.ExportFileStatusAvailable, zipBytes)

	t.Run("wrapper", func(t *testing.T) {
		t.Parallel()
		srv := sandbox(t, webadmittest.WithPDFTemplates(tmpl))
		c := sandboxClient(t, srv)
		var buf bytes.Buffer
		batch, err := c.StartPDFBatch(context.Background(), sandboxIdentity, 7)
		if err != nil {
			t.Fatal(collect(err))
		}
		done, err := batch.Wait(context.Background())
		if err != nil || len(done.ZipFiles) != 1 {
			t.Fatalf("Wait = %+v, %v", done, collect(err))
		}
		z, err := batch.DownloadZipFile(context.Background(), done.ZipFiles[0].ID, ToWriter(&buf))
		if err != nil {
			t.Fatal(collect(err))
		}
		if !bytes.Equal(buf.Bytes(), zipBytes) || z.SHA256 != sha(zipBytes) {
			t.Errorf("downloaded %d bytes, sha %s", buf.Len(), z.SHA256)
		}
		if l := srv.Recorder().Leaks(); len(l) != 0 {
			t.Errorf("leaks %+v", l)
		}
		if srv.Recorder().Calls(webadmittest.EndpointObject) != 1 {
			t.Errorf("store calls: %s", srv.Recorder())
		}
	})

	t.Run("control: following the 302 with the key leaks it", func(t *testing.T) {
		t.Parallel()
		srv := webadmittest.NewTest(t, webadmittest.WithAPIKey(testAPIKey), webadmittest.WithPDFTemplates(tmpl))
		c := sandboxClient(t, srv)
		res, err := c.RunPDFBatch(context.Background(), sandboxIdentity, 7, ZipFilesToDir(t.TempDir(), FileOptions{}))
		if err != nil {
			t.Fatal(collect(err))
		}
		naive, err := generated.NewClient(srv.URL(), generated.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("x-api-key", testAPIKey)
			return nil
		}))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := naive.DownloadPdfManagerZipFile(context.Background(), sandboxIdentity, res.ZipFiles[0].ZipFileID)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if l := srv.Recorder().Leaks(); len(l) != 1 || !l[0].MatchesAPIKey {
			t.Errorf("the naive client's leak was not recorded: %+v", l)
		}
	})
}

func TestSandboxPDFDownloadResilience(t *testing.T) {
	t.Parallel()
	// Both zips are large enough to be cut: they download at once, so a
	// fault's attempt may be either's.
	big, big2 := randomBytes(t, 600_000), randomBytes(t, 600_000)
	zipEP, obj := webadmittest.EndpointDownloadPdfManagerZipFile, webadmittest.EndpointObject
	tests := []struct {
		name         string
		faults       []webadmittest.Fault
		wantResumes  int
		wantURLCalls int
	}{
		{name: "no fault", wantURLCalls: 2},
		{name: "expired Location", wantURLCalls: 3,
			faults: []webadmittest.Fault{{Endpoint: zipEP, Attempt: 1, Kind: webadmittest.FaultExpireURL}}},
		{name: "refused as expired by the store", wantURLCalls: 3,
			faults: []webadmittest.Fault{{Endpoint: obj, Attempt: 1, Kind: webadmittest.FaultExpireURL}}},
		{name: "cut mid-body", wantResumes: 1, wantURLCalls: 3,
			faults: []webadmittest.Fault{{Endpoint: obj, Attempt: 1, Kind: webadmittest.FaultCutConnection, Bytes: 250_000}}},
		// The faults count the store's requests, not the API's: whichever
		// zip makes the second or third request (its first, or a resume),
		// two cuts and one expiry cost two resumes and five URL calls.
		{name: "two cuts, then a URL refused as expired", wantResumes: 2, wantURLCalls: 5, faults: []webadmittest.Fault{
			{Endpoint: obj, Attempt: 1, Kind: webadmittest.FaultCutConnection, Bytes: 100_000},
			{Endpoint: obj, Attempt: 2, Kind: webadmittest.FaultCutConnection, Bytes: 100_000},
			{Endpoint: obj, Attempt: 3, Kind: webadmittest.FaultExpireURL}}},
		{name: "zip redirect answers 502 once", wantURLCalls: 3,
			faults: []webadmittest.Fault{{Endpoint: zipEP, Attempt: 1, Kind: webadmittest.FaultHTMLError}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := sandbox(t, webadmittest.WithPDFTemplates(pdfTemplate(7, "Big", generated.ExportFileStatusAvailable, big, big2)),
				webadmittest.WithFaults(tt.faults...))
			c := sandboxClient(t, srv)
			dir := t.TempDir()
			res, err := c.RunPDFBatch(context.Background(), sandboxIdentity, 7, ZipFilesToDir(dir, FileOptions{}))
			if err != nil {
				t.Fatal(collect(err))
			}
			if got := fileSHA(t, res.Paths[0]); got != sha(big) || res.ZipFiles[0].SHA256 != sha(big) {
				t.Errorf("big zip sha %s, want %s", got, sha(big))
			}
			if got := fileSHA(t, res.Paths[1]); got != sha(big2) || res.ZipFiles[1].SHA256 != sha(big2) {
				t.Errorf("second zip sha %s, want %s", got, sha(big2))
			}
			if res.Resumes != tt.wantResumes || res.URLCalls != tt.wantURLCalls {
				t.Errorf("Resumes %d, URLCalls %d; want %d, %d (%s)", res.Resumes, res.URLCalls, tt.wantResumes, tt.wantURLCalls, srv.Recorder())
			}
			if names := dirEntries(t, dir); len(names) != 2 {
				t.Errorf("directory holds %v, want the two zips only", names)
			}
		})
	}
}

func TestSandboxPDFExtract(t *testing.T) {
	t.Parallel()
	zips := [][]byte{
		zipOf(t, "1000001.pdf", "%PDF one", "letters/1000001.pdf", "%PDF letter"),
		zipOf(t, "1000002.pdf", "%PDF two"),
	}
	srv := sandbox(t, webadmittest.WithPDFTemplates(pdfTemplate(7, "Packets", generated.ExportFileStatusAvailable, zips...)))
	c := sandboxClient(t, srv)
	dir := filepath.Join(t.TempDir(), "out")
	res, err := c.RunPDFBatch(context.Background(), sandboxIdentity, 7, ExtractZipFilesTo(dir, ExtractOptions{}))
	if err != nil {
		t.Fatal(collect(err))
	}
	want := map[string]string{"1000001.pdf": "%PDF one", "letters/1000001.pdf": "%PDF letter", "1000002.pdf": "%PDF two"}
	if len(res.Paths) != len(want) {
		t.Errorf("paths %v", res.Paths)
	}
	for name, body := range want {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if got := string(readFile(t, p)); got != body {
			t.Errorf("%s = %q, want %q", name, got, body)
		}
		mustMode(t, p, 0o600)
	}
	for _, n := range dirEntries(t, dir) {
		if strings.HasPrefix(n, ".webadmit") {
			t.Errorf("temporary file left: %s", n)
		}
	}

	// The same batch again: the files exist, so nothing is replaced, and
	// nothing of the new batch is left.
	before := dirEntries(t, dir)
	_, err = c.RunPDFBatch(context.Background(), sandboxIdentity, 7, ExtractZipFilesTo(dir, ExtractOptions{}))
	if !errors.Is(collect(err), fs.ErrExist) {
		t.Fatalf("second extraction: err = %v, want fs.ErrExist", err)
	}
	if after := dirEntries(t, dir); !slices.Equal(before, after) {
		t.Errorf("directory changed from %v to %v", before, after)
	}
}

func TestSandboxPDFAllOrNothing(t *testing.T) {
	t.Parallel()
	zips := [][]byte{zipOf(t, "a.pdf", "a"), zipOf(t, "b.pdf", "b")}

	t.Run("second name exists", func(t *testing.T) {
		t.Parallel()
		srv := sandbox(t, webadmittest.WithPDFTemplates(pdfTemplate(7, "Packets", generated.ExportFileStatusAvailable, zips...)))
		c := sandboxClient(t, srv)
		dir := t.TempDir()
		// Batches count from 42: the second zip of the first batch is Packets-42-2.zip.
		existing := filepath.Join(dir, "Packets-42-2.zip")
		if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
			t.Fatal(err)
		}
		res, err := c.RunPDFBatch(context.Background(), sandboxIdentity, 7, ZipFilesToDir(dir, FileOptions{}))
		if !errors.Is(collect(err), fs.ErrExist) {
			t.Fatalf("err = %v, want fs.ErrExist", err)
		}
		if names := dirEntries(t, dir); !slices.Equal(names, []string{"Packets-42-2.zip"}) {
			t.Errorf("directory holds %v, want only the file that was there", names)
		}
		if string(readFile(t, existing)) != "keep me" {
			t.Error("the existing file was replaced")
		}
		if len(res.Paths) != 0 {
			t.Errorf("result lists paths that were removed: %v", res.Paths)
		}
		// Overwrite does not apply to the server's names; UniqueName numbers
		// the one taken.
		res, err = c.PDFBatch(sandboxIdentity, res.BatchID).Download(context.Background(), ZipFilesToDir(dir, FileOptions{Overwrite: true, UniqueName: true}))
		if err != nil || len(res.Paths) != 2 || string(readFile(t, existing)) != "keep me" ||
			fileSHA(t, filepath.Join(dir, "Packets-42-2-2.zip")) != sha(zips[1]) {
			t.Errorf("with UniqueName: %+v, %v", res, collect(err))
		}
	})

	t.Run("cancel after the first zip", func(t *testing.T) {
		t.Parallel()
		srv := sandbox(t, webadmittest.WithPDFTemplates(pdfTemplate(7, "Packets", generated.ExportFileStatusAvailable, zips...)))
		c := sandboxClient(t, srv)
		parent := t.TempDir()
		dir := filepath.Join(parent, "new")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		_, err := c.RunPDFBatch(ctx, sandboxIdentity, 7, ZipFilesToDir(dir, FileOptions{}), OnProgress(func(e Event) {
			if e.Kind == EventDone && e.ZipIndex == 1 {
				cancel()
			}
		}))
		if !errors.Is(collect(err), context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if names := dirEntries(t, parent); len(names) != 0 {
			t.Errorf("left behind %v", names)
		}
	})

	t.Run("cancel while waiting", func(t *testing.T) {
		t.Parallel()
		slow := pdfTemplate(7, "Packets", generated.ExportFileStatusAvailable, zips...)
		slow.Timeline = webadmittest.Timeline{InProgress: time.Hour}
		srv := sandbox(t, webadmittest.WithPDFTemplates(slow))
		c := sandboxClient(t, srv)
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		_, err := c.RunPDFBatch(ctx, sandboxIdentity, 7, ExtractZipFilesTo(dir, ExtractOptions{}), OnProgress(func(e Event) {
			if e.Kind == EventPoll {
				cancel()
			}
		}))
		if !errors.Is(collect(err), context.Canceled) || !strings.Contains(err.Error(), "PDF Manager batch") {
			t.Fatalf("err = %v, want context.Canceled naming the batch", err)
		}
		if names := dirEntries(t, dir); len(names) != 0 {
			t.Errorf("left behind %v", names)
		}
	})
}

// TestSandboxPDFZipFilesConcurrently: a batch's zip files download a few
// at a time (zipsAtOnce), each on its own connections, and are reported
// in the batch's order.
func TestSandboxPDFZipFilesConcurrently(t *testing.T) {
	t.Parallel()
	zips := make([][]byte, 5)
	for i := range zips {
		zips[i] = randomBytes(t, 300_000)
	}
	// Each zip takes about 0.15 s at 2 MB/s a connection: they overlap.
	srv := sandbox(t, webadmittest.WithPDFTemplates(pdfTemplate(7, "Packets", generated.ExportFileStatusAvailable, zips...)),
		webadmittest.WithStoreConnRate(2_000_000))
	c := sandboxClient(t, srv)
	var open, most int // progress events come one at a time
	res, err := c.RunPDFBatch(context.Background(), sandboxIdentity, 7, ZipFilesToDir(t.TempDir(), FileOptions{}), OnProgress(func(e Event) {
		switch e.Kind {
		case EventDownloadStart:
			open++
			most = max(most, open)
		case EventDone:
			open--
		}
	}))
	if err != nil {
		t.Fatal(collect(err))
	}
	if most < 2 || most > zipsAtOnce {
		t.Errorf("%d zip files downloaded at once, want 2 to %d", most, zipsAtOnce)
	}
	for i, z := range res.ZipFiles {
		if z.SHA256 != sha(zips[i]) || fileSHA(t, res.Paths[i]) != z.SHA256 || !strings.HasSuffix(z.FileName, fmt.Sprintf("-%d.zip", i+1)) {
			t.Errorf("zip %d: %s %s, want the batch's zip %d in its place", i+1, z.FileName, z.SHA256, i+1)
		}
	}
}

// TestSandboxPDFZipFilesFailOneByOne: whichever zip file of a batch fails,
// while others download beside it or are already in place, the batch is
// all or nothing: the others are stopped or taken back, the directory the
// call made is removed, a file that was there stays.
func TestSandboxPDFZipFilesFailOneByOne(t *testing.T) {
	t.Parallel()
	const count = 4
	for k := 1; k <= count; k++ {
		for _, kind := range []string{"not a zip archive", "name taken"} {
			t.Run(fmt.Sprintf("zip %d: %s", k, kind), func(t *testing.T) {
				t.Parallel()
				zips := make([][]byte, count)
				for i := range zips {
					zips[i] = zipOf(t, fmt.Sprintf("%d.pdf", i+1), strings.Repeat("%PDF ", 20_000))
				}
				parent := t.TempDir()
				dir := filepath.Join(parent, "new")
				dst := ExtractZipFilesTo(dir, ExtractOptions{})
				var keep []string
				if kind == "not a zip archive" {
					zips[k-1] = randomBytes(t, 100_000)
				} else {
					dir = parent
					taken := filepath.Join(dir, fmt.Sprintf("Packets-42-%d.zip", k)) // batches count from 42
					if err := os.WriteFile(taken, []byte("keep me"), 0o600); err != nil {
						t.Fatal(err)
					}
					dst, keep = ZipFilesToDir(dir, FileOptions{}), []string{filepath.Base(taken)}
				}
				srv := sandbox(t, webadmittest.WithPDFTemplates(pdfTemplate(7, "Packets", generated.ExportFileStatusAvailable, zips...)))
				res, err := sandboxClient(t, srv).RunPDFBatch(context.Background(), sandboxIdentity, 7, dst)
				if collect(err) == nil {
					t.Fatal("the batch succeeded")
				}
				if names := dirEntries(t, parent); !slices.Equal(names, keep) {
					t.Errorf("after %v the directory holds %v, want %v", err, names, keep)
				}
				if len(res.Paths) != 0 {
					t.Errorf("the result lists paths that were removed: %v", res.Paths)
				}
			})
		}
	}
}

func TestSandboxPDFNotReadyAttachAndTimeout(t *testing.T) {
	t.Parallel()
	zipBytes := zipOf(t, "a.pdf", "a")
	tmpl := pdfTemplate(7, "Packets", generated.ExportFileStatusAvailable, zipBytes)
	tmpl.Timeline = webadmittest.Timeline{Queued: 150 * time.Millisecond, InProgress: 150 * time.Millisecond}
	srv := sandbox(t, webadmittest.WithPDFTemplates(tmpl))
	c := sandboxClient(t, srv)
	ctx := context.Background()
	batch, err := c.StartPDFBatch(ctx, sandboxIdentity, 7)
	if err != nil {
		t.Fatal(collect(err))
	}
	again, err := c.StartPDFBatch(ctx, sandboxIdentity, 7)
	if err != nil || again.ID() != batch.ID() {
		t.Errorf("a second start while running: %+v, %v; want batch %d", again, collect(err), batch.ID())
	}
	dir := t.TempDir()
	_, err = c.PDFBatch(sandboxIdentity, batch.ID()).Download(ctx, ZipFilesToDir(dir, FileOptions{}))
	if !errors.Is(collect(err), ErrNotReady) {
		t.Fatalf("DownloadPDFBatch while running: %v, want ErrNotReady", err)
	}
	_, err = attachPDF(c, ctx, sandboxIdentity, batch.ID(), ZipFilesToDir(dir, FileOptions{}), MaxWait(20*time.Millisecond))
	if !errors.Is(collect(err), ErrTimeout) || !strings.Contains(err.Error(), fmt.Sprintf("PDF Manager batch %d", batch.ID())) {
		t.Fatalf("short wait: %v, want ErrTimeout naming the batch", err)
	}
	res, err := attachPDF(c, ctx, sandboxIdentity, batch.ID(), ZipFilesToDir(dir, FileOptions{}))
	if err != nil || len(res.Paths) != 1 || fileSHA(t, res.Paths[0]) != sha(zipBytes) {
		t.Fatalf("attachPDF = %+v, %v", res, collect(err))
	}

	// Unknown ids are typed 404s.
	_, err = c.PDFBatch(999, batch.ID()).Poll(ctx)
	var nf *NotFoundError
	if !errors.As(collect(err), &nf) || nf.Kind != NotFoundUserIdentity {
		t.Errorf("unknown identity: %v", err)
	}
	_, err = c.RunPDFBatch(ctx, sandboxIdentity, 8, ZipFilesToDir(dir, FileOptions{}))
	if !errors.Is(collect(err), ErrNotFound) {
		t.Errorf("unknown template: %v", err)
	}
	_, err = c.PDFBatch(sandboxIdentity, 0).DownloadZipFile(ctx, 9999, ToWriter(io.Discard))
	if !errors.Is(collect(err), ErrNotFound) {
		t.Errorf("unknown zip file: %v", err)
	}
}

func TestSandboxPDFCallbackWakesTheWait(t *testing.T) {
	t.Parallel()
	// The poll policy alone would wait 20 s after the second check; the
	// callback cuts that short.
	tmpl := pdfTemplate(7, "Packets", generated.ExportFileStatusAvailable, zipOf(t, "a.pdf", "a"))
	tmpl.Timeline = webadmittest.Timeline{Queued: 100 * time.Millisecond, InProgress: 200 * time.Millisecond}
	var c *Client
	receiver := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.CallbackHandler().ServeHTTP(w, r)
	}))
	receiver.StartTLS()
	t.Cleanup(receiver.Close)
	roots := x509.NewCertPool()
	roots.AddCert(receiver.Certificate())
	srv := sandbox(t, webadmittest.WithPDFTemplates(tmpl), webadmittest.WithCallbackRootCAs(roots))
	c = sandboxClient(t, srv, WithPollPolicy(PollPolicy{MinDelay: 20 * time.Millisecond, MaxDelay: 20 * time.Second, MaxWait: time.Minute, Multiplier: 1000}))
	res, err := c.RunPDFBatch(context.Background(), sandboxIdentity, 7, ZipFilesToDir(t.TempDir(), FileOptions{}),
		CallbackURL(receiver.URL+"/pdf_done"))
	if err != nil {
		t.Fatal(collect(err))
	}
	if res.Elapsed > 10*time.Second {
		t.Errorf("took %s: the callback did not wake the wait", res.Elapsed)
	}
	got := srv.Recorder().Callbacks()
	if len(got) != 1 || got[0].PDFManagerBatchID != res.BatchID || got[0].StatusCode != http.StatusNoContent {
		t.Errorf("callbacks %+v", got)
	}
}

func TestPDFCallbackURLMustBeHTTPS(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{}
	c := newTestClient(t, server(t, api).URL)
	_, err := c.StartPDFBatch(context.Background(), 1, 2, CallbackURL("http://example.com/cb"))
	if err == nil || !strings.Contains(collect(err).Error(), "https") {
		t.Fatalf("err = %v, want a refusal naming https", err)
	}
	if api.initiated() != 0 || api.getCalls() != 0 {
		t.Error("the API was called")
	}
}

func TestPDFCallbackHandler(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1")
	wake, unsubscribe := c.hub.Subscribe(pdfJobs, 42, 0)
	defer unsubscribe()
	tests := []struct {
		name, method, body string
		want               int
		wakes              bool
	}{
		{"valid", http.MethodPost, `{"pdf_manager_batch":{"id":42,"state":"available","updated_at":"whenever"}}`, http.StatusNoContent, true},
		{"another batch", http.MethodPost, `{"pdf_manager_batch":{"id":43,"state":"available"}}`, http.StatusNoContent, false},
		{"no id", http.MethodPost, `{"pdf_manager_batch":{"state":"available"}}`, http.StatusBadRequest, false},
		{"an export run's form: not this batch", http.MethodPost, `export_file[id]=42`, http.StatusNoContent, false},
		{"neither", http.MethodPost, `{not json`, http.StatusBadRequest, false},
		{"GET", http.MethodGet, ``, http.StatusMethodNotAllowed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c.CallbackHandler().ServeHTTP(rec, httptest.NewRequest(tt.method, "/cb", strings.NewReader(tt.body)))
			if rec.Code != tt.want {
				t.Errorf("status %d, want %d", rec.Code, tt.want)
			}
			select {
			case <-wake:
				if !tt.wakes {
					t.Error("woke the waiter of batch 42")
				}
			default:
				if tt.wakes {
					t.Error("did not wake the waiter of batch 42")
				}
			}
		})
	}
}

func TestParseZipHref(t *testing.T) {
	t.Parallel()
	tests := []struct {
		href         string
		identity, id int
		ok           bool
	}{
		{"/api/v1/user_identities/1/pdf_manager_zip_files/2/download", 1, 2, true},
		{"https://api.webadmit.org/api/v1/user_identities/7/pdf_manager_zip_files/30/download", 7, 30, true},
		{"/api/v1/user_identities/1/pdf_manager_zip_files/0/download", 0, 0, false},
		{"/api/v1/user_identities/1/pdf_manager_zip_files/x/download", 0, 0, false},
		{"https://elsewhere/zip?Signature=abc", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		z, err := parseZipHref(tt.href)
		if (err == nil) != tt.ok || z.IdentityID != tt.identity || z.ID != tt.id {
			t.Errorf("parseZipHref(%q) = %+v, %v", tt.href, z, err)
		}
		if err != nil && strings.Contains(collect(err).Error(), "Signature=abc") {
			t.Errorf("error holds the query: %v", err)
		}
	}
}
