package wrapper

import (
	"context"
	"fmt"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// Result reports a finished (or failed) run and its download.
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
	StatusCalls       int      // getExportFile calls made
	Resumes           int      // times the download resumed after a cut or an expired URL
	Elapsed           time.Duration
}

// RunExport runs an export end to end: it starts a run (or joins the one
// already running, as the API does), waits for it (see Wait), and downloads
// the file to dst at once. The destination is checked before the run starts.
// The answer that starts the run carries its status, so the first status
// call waits for the poll policy's first delay.
//
// A run that ends Empty List or Failed is an *ExportError (errors.Is with
// ErrEmptyList or ErrExportFailed) and writes nothing. On error the Result,
// when not nil, holds what is known, such as the run's ids for Attach.
func (c *Client) RunExport(ctx context.Context, identityID, exportID int, dst Destination, opts ...RunOption) (*Result, error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, err
	}
	s, err := dst.open(nil)
	if err != nil {
		return nil, c.fail("run export", err)
	}
	st := runStats{start: c.clock.Now()}
	res := &Result{ExportID: exportID}
	run, err := c.initiate(ctx, identityID, exportID, rc, &st)
	if err != nil {
		s.abort()
		c.finishResult(res, &st)
		return res, c.fail("run export", err)
	}
	res.ExportFileID = run.ExportFileID
	err = c.complete(ctx, exportID, run.ExportFileID, s, rc, &st, res, true, run)
	return res, c.fail("run export", err)
}

// Attach waits for an existing run (started by Initiate, another process or
// the WebAdMIT screens) and downloads its file to dst, like RunExport.
func (c *Client) Attach(ctx context.Context, exportID, exportFileID int, dst Destination, opts ...RunOption) (*Result, error) {
	return c.attach(ctx, exportID, exportFileID, dst, opts, true)
}

// Download downloads the file of a finished run to dst without waiting: a
// run still going is an error matching ErrNotReady.
func (c *Client) Download(ctx context.Context, exportID, exportFileID int, dst Destination, opts ...RunOption) (*Result, error) {
	return c.attach(ctx, exportID, exportFileID, dst, opts, false)
}

func (c *Client) attach(ctx context.Context, exportID, exportFileID int, dst Destination, opts []RunOption, wait bool) (*Result, error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, err
	}
	s, err := dst.open(nil)
	if err != nil {
		return nil, c.fail("download", err)
	}
	st := runStats{start: c.clock.Now()}
	res := &Result{ExportID: exportID, ExportFileID: exportFileID}
	err = c.complete(ctx, exportID, exportFileID, s, rc, &st, res, wait, nil)
	return res, c.fail("download", err)
}

// Initiate starts a run of an export and returns it. If a run of the same
// export is still going, the API returns that one instead. Transient
// failures are retried within the wait budget: the API's rule above makes a
// repeated start harmless.
func (c *Client) Initiate(ctx context.Context, identityID, exportID int, opts ...RunOption) (*Run, error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, err
	}
	var st runStats
	run, err := c.initiate(ctx, identityID, exportID, rc, &st)
	return run, c.fail("initiate", err)
}

func (c *Client) initiate(ctx context.Context, identityID, exportID int, rc *runConfig, st *runStats) (*Run, error) {
	var run *Run
	what := fmt.Sprintf("starting export %d of user identity %d", exportID, identityID)
	err := c.retry(ctx, what, rc, func(ctx context.Context) error {
		var params generated.InitiateExportFileParams
		var body generated.InitiateExportFileRequest
		if rc.callbackURL != "" {
			// The docs show the callback both as a query parameter and in the
			// JSON body; send it both ways (the same value).
			params.Callback = &rc.callbackURL
			body.Callback = &rc.callbackURL
		}
		resp, err := c.raw.InitiateExportFile(ctx, identityID, exportID, &params, body)
		if err != nil {
			return redactError(err)
		}
		ef, err := c.decodeExportFile(resp, http201)
		if err != nil {
			return err
		}
		run = c.newRun(exportID, ef)
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.log.Info("webadmit: export run started", "user_identity_id", identityID, "export_id", exportID,
		"export_file_id", run.ExportFileID, "status", run.Status)
	rc.emit(Event{Kind: EventInitiated, ExportID: exportID, ExportFileID: run.ExportFileID, Status: run.Status, Total: -1})
	return run, nil
}

// complete waits for (or checks) the run, downloads its file into s and
// commits it; on any failure s is aborted. known is the run as the call
// that started it described it, or nil (see wait).
func (c *Client) complete(ctx context.Context, exportID, fileID int, s sink, rc *runConfig, st *runStats, res *Result, wait bool, known *Run) (err error) {
	defer func() {
		if err != nil {
			s.abort()
		}
		c.finishResult(res, st)
	}()
	var run *Run
	if wait {
		run, err = c.wait(ctx, exportID, fileID, rc, st, known)
	} else {
		run, err = c.getRun(ctx, exportID, fileID, st)
		if err == nil && !run.Status.IsTerminal() {
			err = fmt.Errorf("%w: export %d run %d has status %q: wait for it (Attach) or try later", ErrNotReady, exportID, fileID, run.Status)
		}
	}
	if run != nil {
		res.Status = run.Status
	}
	if err != nil {
		return err
	}
	if !run.Status.HasFile() {
		return &ExportError{ExportID: exportID, ExportFileID: fileID, Status: run.Status}
	}
	if run.Status == StatusSuccessWithErrors {
		res.SuccessWithErrors = true
		c.log.Warn("webadmit: export run ended with errors; the file may be incomplete", "export_id", exportID, "export_file_id", fileID)
	}

	t := &transfer{c: c, rc: rc, fresh: c.runURL(exportID, fileID, st), url: run.downloadURL, total: -1,
		what:  fmt.Sprintf("export %d run %d", exportID, fileID),
		ev:    Event{ExportID: exportID, ExportFileID: fileID, Status: StatusAvailable},
		attrs: []any{"export_id", exportID, "export_file_id", fileID},
		meta:  fileMeta{ExportID: exportID, ExportFileID: fileID}}
	t.out = newOutput(s, func(n int64) {
		rc.emit(Event{Kind: EventBytes, ExportID: exportID, ExportFileID: fileID, Status: run.Status, Bytes: n, Total: t.total})
	})
	err = t.run(ctx)
	res.Received, res.Resumes = t.out.received, t.resumes
	res.FileName, res.ContentType, res.ContentEncoding = t.meta.FileName, t.meta.ContentType, t.meta.ContentEncoding
	if err != nil {
		return err
	}
	if err := t.out.finish(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil { // cancelled at the last byte: still nothing is left
		return fmt.Errorf("webadmit: downloading export %d run %d: %w", exportID, fileID, context.Cause(ctx))
	}
	res.Bytes, res.SHA256, res.Transcoded = t.out.written(), t.out.sum(), t.out.conv != nil
	paths, err := s.commit(&t.meta)
	if err != nil {
		return err
	}
	res.Paths = paths
	c.log.Info("webadmit: export downloaded", "export_id", exportID, "export_file_id", fileID,
		"bytes", res.Bytes, "resumes", res.Resumes, "sha256", res.SHA256)
	rc.emit(Event{Kind: EventDone, ExportID: exportID, ExportFileID: fileID, Status: run.Status, Bytes: t.out.received, Total: t.total, FileName: t.meta.FileName})
	return nil
}

// runURL returns the transfer's source of fresh URLs for a run's file: a
// status call, whose answer carries a new download_url while the run has a
// file.
func (c *Client) runURL(exportID, fileID int, st *runStats) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		run, err := c.getRun(ctx, exportID, fileID, st)
		if err != nil {
			return "", err
		}
		switch {
		case run.Status == StatusFailed || run.Status == StatusEmptyList:
			return "", &permanent{&ExportError{ExportID: exportID, ExportFileID: fileID, Status: run.Status}}
		case !run.Status.HasFile():
			return "", &permanent{fmt.Errorf("%w: export %d run %d has status %q", ErrNotReady, exportID, fileID, run.Status)}
		case run.downloadURL == "":
			return "", fmt.Errorf("%w: export %d run %d is %q", errNoDownloadURL, exportID, fileID, run.Status)
		}
		return run.downloadURL, nil
	}
}

func (c *Client) finishResult(res *Result, st *runStats) {
	res.StatusCalls = st.statusCalls
	res.Elapsed = c.clock.Now().Sub(st.start)
}
