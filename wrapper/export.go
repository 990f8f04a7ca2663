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
// "export file"). Its download URL, a credential, is kept private.
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
// ExportRun picks up one started elsewhere, by id. Poll and Wait come from
// Job; Download fetches the finished run's file. Safe for concurrent use.
type ExportRun struct{ *Job[*ExportFile] }

// ExportRun returns the handle of run runID of export exportID. It makes
// no call.
func (c *Client) ExportRun(exportID, runID int) *ExportRun {
	j := &Job[*ExportFile]{
		c: c, noun: "export", what: fmt.Sprintf("export %d run %d", exportID, runID),
		ev:    Event{ExportID: exportID, ExportFileID: runID},
		attrs: []any{"export_id", exportID, "export_file_id", runID},
		kind:  exportJobs, id: runID, parent: exportID,
		status: func(f *ExportFile) Status { return f.Status }, clone: copyOf[ExportFile],
		final: func(f *ExportFile) error {
			if f.Status.HasFile() {
				return nil
			}
			return &JobError{Job: fmt.Sprintf("export %d run %d", f.ExportID, f.ID), Status: f.Status, failed: ErrExportFailed}
		},
	}
	j.t.Get = func(ctx context.Context) (*ExportFile, error) {
		resp, err := c.raw.GetExportFile(ctx, exportID, runID)
		if err != nil {
			return nil, err
		}
		return c.decodeExportFile(resp, exportID, runID, http.StatusOK)
	}
	j.t.Clock, j.t.What = c.clock, j.what
	return &ExportRun{j}
}

// ExportID is the run's export.
func (r *ExportRun) ExportID() int { return r.parent }

// StartExport starts a run of an export (or joins the one still going, as
// the API does) and returns its handle. Transient failures are retried
// within the wait budget: a repeated start is harmless.
func (c *Client) StartExport(ctx context.Context, identityID, exportID int, opts ...RunOption) (*ExportRun, error) {
	return call(c, "start export", opts, func(rc *runConfig) (*ExportRun, error) {
		return c.startExport(ctx, identityID, exportID, rc)
	})
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
			f, err = c.decodeExportFile(resp, exportID, 0, http.StatusCreated)
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
	r.t.Remember(f)
	return r, nil
}

// Download downloads the file of the finished run to dst at once: a run
// still going is ErrNotReady, one without a file a *JobError. A cut, an
// expired URL or a stall is resumed with a fresh URL (see the package
// documentation). The Result holds what is known on error too.
func (r *ExportRun) Download(ctx context.Context, dst Destination, opts ...RunOption) (*Result, error) {
	return call(r.c, "download", opts, func(rc *runConfig) (*Result, error) {
		s, err := openDestination(dst)
		if err != nil {
			return nil, err
		}
		return r.download(ctx, s, rc)
	})
}

// RunExport is StartExport, Wait and Download in one call, within one wait
// budget; dst is checked before the run starts. On error the Result, when
// not nil, holds what is known, such as the run's ids for ExportRun.
func (c *Client) RunExport(ctx context.Context, identityID, exportID int, dst Destination, opts ...RunOption) (*Result, error) {
	return call(c, "run export", opts, func(rc *runConfig) (*Result, error) {
		s, err := openDestination(dst)
		if err != nil {
			return nil, err
		}
		r, err := c.startExport(ctx, identityID, exportID, rc)
		if err != nil {
			s.Abort()
			return &Result{ExportID: exportID, Elapsed: c.clock.Now().Sub(rc.start)}, err
		}
		if _, err := r.wait(ctx, rc); err != nil {
			s.Abort()
			return r.result(rc), err
		}
		return r.download(ctx, s, rc)
	})
}

// result is the Result of the handle as far as it is known.
func (r *ExportRun) result(rc *runConfig) *Result {
	res := &Result{ExportID: r.ExportID(), ExportFileID: r.ID(), StatusCalls: r.t.Calls(),
		Elapsed: r.c.clock.Now().Sub(rc.start)}
	if f, ok := r.t.Snapshot(); ok {
		res.Status, res.SuccessWithErrors = f.Status, f.Status == StatusSuccessWithErrors
	}
	return res
}

// urlFreshFor is how long after a status answer its download URL is used
// as it is: the URL lives under 30 seconds.
const urlFreshFor = 10 * time.Second

// download checks that the run has a file (a status call unless one just
// answered), downloads it into s and commits it; on failure s is aborted.
func (r *ExportRun) download(ctx context.Context, s dest.Sink, rc *runConfig) (res *Result, err error) {
	c := r.c
	defer func() {
		if err != nil {
			s.Abort()
		}
		if res != nil {
			res.StatusCalls, res.Elapsed = r.t.Calls(), c.clock.Now().Sub(rc.start)
		}
	}()
	f, ok := r.t.Recent(urlFreshFor)
	if !ok || f.downloadURL == "" {
		if f, err = r.pollRetrying(ctx, rc); err != nil {
			return r.result(rc), err
		}
	}
	res = r.result(rc)
	switch {
	case !f.Status.IsTerminal():
		return res, fmt.Errorf("%w: %s has status %q", ErrNotReady, r.what, f.Status)
	case !f.Status.HasFile():
		return res, r.final(f)
	case f.Status == StatusSuccessWithErrors:
		c.log.Warn("webadmit: export run ended with errors; the file may be incomplete", r.attrs...)
	}
	ev := Event{ExportID: r.ExportID(), ExportFileID: r.ID(), Status: f.Status}
	t := c.newTransfer(rc, s, r.what, r.attrs, ev, r.freshURL)
	t.URL, t.Meta = f.downloadURL, dest.Meta{ExportID: r.ExportID(), ExportFileID: r.ID()}
	tr, paths, err := c.fetch(ctx, rc, t, s)
	res.Received, res.Resumes = tr.Received, tr.Resumes
	res.FileName, res.ContentType, res.ContentEncoding = tr.Meta.FileName, tr.Meta.ContentType, tr.Meta.ContentEncoding
	if err != nil {
		return res, err
	}
	res.Bytes, res.SHA256, res.Transcoded, res.Paths = tr.Written, tr.SHA256, tr.Transcoded, paths
	ev.Kind, ev.Bytes, ev.Total, ev.FileName = EventDone, tr.Received, tr.Total, tr.Meta.FileName
	rc.emit(ev)
	return res, nil
}

// freshURL is the transfer's source of fresh URLs: a status call.
func (r *ExportRun) freshURL(ctx context.Context) (string, error) {
	f, err := r.t.Call(ctx)
	switch {
	case err != nil:
		return "", err
	case f.Status == StatusFailed || f.Status == StatusEmptyList:
		return "", wait.Permanent(r.final(f))
	case !f.Status.HasFile():
		return "", wait.Permanent(fmt.Errorf("%w: %s has status %q", ErrNotReady, r.what, f.Status))
	case f.downloadURL == "":
		return "", fmt.Errorf("%w: %s is %q", transfer.ErrNoURL, r.what, f.Status)
	}
	return f.downloadURL, nil
}

// decodeExportFile maps resp to an error, or decodes its ExportFileEnvelope,
// which must describe run runID (0: any run).
func (c *Client) decodeExportFile(resp *http.Response, exportID, runID, want int) (*ExportFile, error) {
	env, err := decodeAnswer(c, resp, want, func(env *exportFileEnvelope) bool {
		ef := env.ExportFiles
		return ef != nil && ef.Id > 0 && ef.Status != ""
	})
	if err != nil {
		return nil, err
	}
	ef := env.ExportFiles
	if err := c.sameJob(resp, "run", ef.Id, runID); err != nil {
		return nil, err
	}
	f := &ExportFile{ExportID: exportID, ID: ef.Id, Status: StatusOf(ef.Status), RawStatus: string(ef.Status)}
	if ef.DownloadUrl != nil {
		f.downloadURL = *ef.DownloadUrl
	}
	c.warnUnknown("export", f.Status)
	if ef.ExportId != 0 && ef.ExportId != exportID {
		if c.mismatchSeen.First([2]int{exportID, ef.ExportId}) {
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
