package wrapper

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
	"github.com/webadmit-go/webadmit/wrapper/internal/transfer"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// ExportFile is what the API last said about one run of an export (an
// "export file" in the API's words). The download URL it may carry is kept
// private: it is a credential that expires within 30 seconds.
type ExportFile struct {
	ExportID    int    // the export (template)
	ID          int    // the run
	Status      Status // normalised status
	RawStatus   string // the status as the server spelled it
	downloadURL string
}

// Result reports a finished (or failed) download of a run's file.
type Result struct {
	ExportID          int
	ExportFileID      int
	Status            Status   // final status of the run
	SuccessWithErrors bool     // the run ended "Success With Errors": the file may lack rows
	Bytes             int64    // bytes written to the destination (after any transcoding)
	Received          int64    // bytes received from the object store
	SHA256            string   // hex SHA-256 of the bytes written to the destination
	FileName          string   // name the server proposed (Content-Disposition), made safe
	ContentType       string   // Content-Type of the download
	ContentEncoding   string   // Content-Encoding the object is stored with ("" for none); the file holds the bytes as stored
	Transcoded        bool     // the file was converted to UTF-8
	Paths             []string // files created: one for ToFile, the extracted files for ToDir
	StatusCalls       int      // status calls the handle made (getExportFile)
	Resumes           int      // times the download resumed after a cut or an expired URL
	Elapsed           time.Duration
}

// ExportRun is a handle on one run of an export: StartExport starts one,
// ExportRun picks up one started elsewhere (by id, from another process or
// the WebAdMIT screens). Poll and Wait come from Job; Download fetches the
// file of the finished run at once. It is safe for concurrent use.
type ExportRun struct{ *Job[*ExportFile] }

// ExportRun returns the handle of run runID of export exportID. It makes
// no call.
func (c *Client) ExportRun(exportID, runID int) *ExportRun {
	j := &Job[*ExportFile]{
		c: c, noun: "export", what: fmt.Sprintf("export %d run %d", exportID, runID),
		ev:    Event{ExportID: exportID, ExportFileID: runID},
		attrs: []any{"export_id", exportID, "export_file_id", runID},
		kind:  exportJobs, id: runID, parent: exportID, start: c.clock.Now(),
		status: func(f *ExportFile) Status { return f.Status },
		final: func(f *ExportFile) error {
			if f.Status.HasFile() {
				return nil
			}
			return &ExportError{ExportID: f.ExportID, ExportFileID: f.ID, Status: f.Status}
		},
	}
	j.get = func(ctx context.Context) (*ExportFile, error) {
		resp, err := c.raw.GetExportFile(ctx, exportID, runID)
		if err != nil {
			return nil, err
		}
		return c.decodeExportFile(resp, exportID, http.StatusOK)
	}
	return &ExportRun{j}
}

// ExportID is the run's export.
func (r *ExportRun) ExportID() int { return r.parent }

// StartExport starts a run of an export and returns its handle. If a run
// of the same export is still going, the API returns that one instead.
// Transient failures are retried within the wait budget: the API's rule
// above makes a repeated start harmless. CallbackURL asks WebAdMIT to call
// back when the run ends.
func (c *Client) StartExport(ctx context.Context, identityID, exportID int, opts ...RunOption) (*ExportRun, error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, c.fail("start export", err)
	}
	r, err := c.startExport(ctx, identityID, exportID, rc)
	return r, c.fail("start export", err)
}

func (c *Client) startExport(ctx context.Context, identityID, exportID int, rc *runConfig) (*ExportRun, error) {
	var f *ExportFile
	what := fmt.Sprintf("starting export %d of user identity %d", exportID, identityID)
	err := c.retry(ctx, what, rc, func(ctx context.Context) error {
		var params generated.InitiateExportFileParams
		var body generated.InitiateExportFileRequest
		if rc.callbackURL != "" {
			// The docs show the callback both as a query parameter and in the
			// JSON body; send it both ways (the same value).
			params.Callback, body.Callback = &rc.callbackURL, &rc.callbackURL
		}
		resp, err := c.raw.InitiateExportFile(ctx, identityID, exportID, &params, body)
		if err == nil {
			f, err = c.decodeExportFile(resp, exportID, http.StatusCreated)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	c.log.Info("webadmit: export run started", "user_identity_id", identityID, "export_id", exportID,
		"export_file_id", f.ID, "status", f.Status)
	rc.emit(Event{Kind: EventInitiated, ExportID: exportID, ExportFileID: f.ID, Status: f.Status, Total: -1})
	r := c.ExportRun(exportID, f.ID)
	r.remember(f)
	return r, nil
}

// Download downloads the file of the finished run to dst at once, without
// waiting: a run still going is an error matching ErrNotReady, one that
// ended without a file an *ExportError. The file streams in constant memory
// through the download client, which never sends the API key; an expired
// URL or a cut connection is resumed with a fresh URL and Range (see the
// package documentation). The Result holds what is known on error too.
func (r *ExportRun) Download(ctx context.Context, dst Destination, opts ...RunOption) (*Result, error) {
	rc, err := r.c.runConfig(opts)
	if err != nil {
		return nil, r.c.fail("download", err)
	}
	s, err := dst.open(nil)
	if err != nil {
		return nil, r.c.fail("download", err)
	}
	res, err := r.download(ctx, s, rc)
	return res, r.c.fail("download", err)
}

// RunExport runs an export end to end, within one wait budget: StartExport
// (the API joins a run already going), Wait, and Download to dst at once.
// The destination is checked before the run starts. A run that ends Empty
// List or Failed is an *ExportError (ErrEmptyList, ErrExportFailed) and
// writes nothing. On error the Result, when not nil, holds what is known,
// such as the run's ids for ExportRun.
func (c *Client) RunExport(ctx context.Context, identityID, exportID int, dst Destination, opts ...RunOption) (*Result, error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, c.fail("run export", err)
	}
	s, err := dst.open(nil)
	if err != nil {
		return nil, c.fail("run export", err)
	}
	start := c.clock.Now()
	r, err := c.startExport(ctx, identityID, exportID, rc)
	if err != nil {
		s.Abort()
		return &Result{ExportID: exportID, Elapsed: c.clock.Now().Sub(start)}, c.fail("run export", err)
	}
	r.start = start
	if _, err := r.wait(ctx, rc); err != nil {
		s.Abort()
		return r.result(), c.fail("run export", err)
	}
	res, err := r.download(ctx, s, rc)
	return res, c.fail("run export", err)
}

// result is the Result of the handle as far as it is known.
func (r *ExportRun) result() *Result {
	res := &Result{ExportID: r.ExportID(), ExportFileID: r.ID(), StatusCalls: r.statusCalls(),
		Elapsed: r.c.clock.Now().Sub(r.start)}
	if f, ok := r.snapshot(); ok {
		res.Status, res.SuccessWithErrors = f.Status, f.Status == StatusSuccessWithErrors
	}
	return res
}

// urlFreshFor is how long after a status answer its download URL is used
// as it is: the URL lives under 30 seconds.
const urlFreshFor = 10 * time.Second

// download checks that the run has a file (one status call unless an
// answer just received says so), downloads it into s and commits it; on
// any failure s is aborted.
func (r *ExportRun) download(ctx context.Context, s dest.Sink, rc *runConfig) (res *Result, err error) {
	c := r.c
	defer func() {
		if err != nil {
			s.Abort()
		}
		if res != nil {
			res.StatusCalls, res.Elapsed = r.statusCalls(), c.clock.Now().Sub(r.start)
		}
	}()
	f, ok := r.recent(urlFreshFor)
	if !ok || f.downloadURL == "" {
		if f, err = r.pollRetrying(ctx, rc); err != nil {
			return r.result(), err
		}
	}
	res = r.result()
	switch {
	case !f.Status.IsTerminal():
		return res, fmt.Errorf("%w: %s has status %q", ErrNotReady, r.what, f.Status)
	case !f.Status.HasFile():
		return res, &ExportError{ExportID: f.ExportID, ExportFileID: f.ID, Status: f.Status}
	case f.Status == StatusSuccessWithErrors:
		c.log.Warn("webadmit: export run ended with errors; the file may be incomplete", r.attrs...)
	}
	t := c.newTransfer(rc, s, r.what, r.attrs, Event{ExportID: r.ExportID(), ExportFileID: r.ID(), Status: f.Status}, r.freshURL)
	t.URL, t.Meta = f.downloadURL, dest.Meta{ExportID: r.ExportID(), ExportFileID: r.ID()}
	tr, err := t.Run(ctx)
	res.Received, res.Resumes = tr.Received, tr.Resumes
	res.FileName, res.ContentType, res.ContentEncoding = tr.Meta.FileName, tr.Meta.ContentType, tr.Meta.ContentEncoding
	if err != nil {
		return res, err
	}
	if err := ctx.Err(); err != nil { // cancelled at the last byte: still nothing is left
		return res, fmt.Errorf("downloading %s: %w", r.what, context.Cause(ctx))
	}
	res.Bytes, res.SHA256, res.Transcoded = tr.Written, tr.SHA256, tr.Transcoded
	if res.Paths, err = s.Commit(&tr.Meta); err != nil {
		return res, storedCoding(err, tr.Meta.ContentEncoding)
	}
	c.log.Info("webadmit: export downloaded", append(r.attrs, "bytes", res.Bytes, "resumes", res.Resumes, "sha256", res.SHA256)...)
	rc.emit(Event{Kind: EventDone, ExportID: r.ExportID(), ExportFileID: r.ID(), Status: f.Status, Bytes: tr.Received, Total: tr.Total, FileName: tr.Meta.FileName})
	return res, nil
}

// freshURL is the transfer's source of fresh URLs for the run's file: a
// status call, whose answer carries a new download_url while the run has a
// file.
func (r *ExportRun) freshURL(ctx context.Context) (string, error) {
	f, err := r.call(ctx)
	switch {
	case err != nil:
		return "", err
	case f.Status == StatusFailed || f.Status == StatusEmptyList:
		return "", wait.Permanent(&ExportError{ExportID: f.ExportID, ExportFileID: f.ID, Status: f.Status})
	case !f.Status.HasFile():
		return "", wait.Permanent(fmt.Errorf("%w: %s has status %q", ErrNotReady, r.what, f.Status))
	case f.downloadURL == "":
		return "", fmt.Errorf("%w: %s is %q", transfer.ErrNoURL, r.what, f.Status)
	}
	return f.downloadURL, nil
}

// decodeExportFile maps resp to an error, or decodes its ExportFileEnvelope.
func (c *Client) decodeExportFile(resp *http.Response, exportID, want int) (*ExportFile, error) {
	env, err := decodeAnswer(c, resp, want, func(env *exportFileEnvelope) bool {
		ef := env.ExportFiles
		return ef != nil && ef.Id > 0 && ef.Status != ""
	})
	if err != nil {
		return nil, err
	}
	ef := env.ExportFiles
	f := &ExportFile{ExportID: exportID, ID: ef.Id, Status: StatusOf(ef.Status), RawStatus: string(ef.Status)}
	if ef.DownloadUrl != nil {
		f.downloadURL = *ef.DownloadUrl
	}
	c.warnUnknown("export", f.Status)
	if ef.ExportId != 0 && ef.ExportId != exportID {
		if _, seen := c.mismatchSeen.LoadOrStore([2]int{exportID, ef.ExportId}, struct{}{}); !seen {
			c.log.Debug("webadmit: export_id in the answer differs from the one requested; using the requested one", "requested", exportID, "answered", ef.ExportId)
		}
	}
	return f, nil
}

// exportFileEnvelope is generated.ExportFileEnvelope with a pointer, so that
// an answer without export_files is told apart from one with zero values.
type exportFileEnvelope struct {
	ExportFiles *generated.ExportFile `json:"export_files"`
}
