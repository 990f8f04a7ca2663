package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/wrapper/internal/answer"
	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
)

// PDFBatch is what the API last said about one PDF Manager batch: a run of
// a PDF Manager template, which collects applicants' PDFs into zip files.
type PDFBatch struct {
	IdentityID   int       // the user identity that owns the batch
	ID           int       // the batch
	TemplateID   int       // the template it runs
	TemplateName string    // the template's name
	State        Status    // normalised state (the API spells batch states in snake_case)
	RawState     string    // the state as the server spelled it
	UpdatedAt    time.Time // when the batch last changed
	// ZipFiles are the batch's zip files, from download_hrefs: empty until
	// the state is Available or Success With Errors, and always empty in a
	// list of batches (the API leaves the links out of lists).
	ZipFiles []PDFZipFile
}

// PDFZipFile is one zip file of a PDF Manager batch.
type PDFZipFile struct {
	IdentityID int    // the user identity in its href
	ID         int    // pdf_manager_zip_file_id
	Href       string // the API path that redirects to the file on the object store
}

// parseZipHref reads the identity and zip file ids from a download_hrefs
// entry.
func parseZipHref(href string) (PDFZipFile, error) {
	identity, id, err := answer.ZipHref(href)
	return PDFZipFile{IdentityID: identity, ID: id, Href: href}, err
}

// newPDFBatch converts the API's batch.
func (c *Client) newPDFBatch(identityID int, b *generated.PdfManagerBatch) (*PDFBatch, error) {
	out := &PDFBatch{
		IdentityID:   identityID,
		ID:           b.Id,
		TemplateID:   b.PdfManagerTemplate.Id,
		TemplateName: b.PdfManagerTemplate.Name,
		State:        ParseStatus(string(b.State)),
		RawState:     string(b.State),
		UpdatedAt:    b.UpdatedAt,
	}
	c.warnUnknown("PDF Manager batch", out.State)
	if b.DownloadHrefs != nil {
		out.ZipFiles = make([]PDFZipFile, 0, len(*b.DownloadHrefs))
		for _, h := range *b.DownloadHrefs {
			z, err := parseZipHref(h)
			if err != nil {
				return nil, err
			}
			if z.IdentityID != identityID {
				return nil, fmt.Errorf("PDF Manager batch %d of user identity %d lists a zip file of user identity %d (%q)", b.Id, identityID, z.IdentityID, h)
			}
			out.ZipFiles = append(out.ZipFiles, z)
		}
	}
	return out, nil
}

// decodePDFBatch maps resp to an error, or decodes its batch, which must be
// batch batchID (0: any batch).
func (c *Client) decodePDFBatch(resp *http.Response, identityID, batchID, want int) (*PDFBatch, error) {
	env, err := decodeAnswer(c, resp, want, func(env *generated.PdfManagerBatchEnvelope) bool {
		return env.PdfManagerBatch.Id > 0 && env.PdfManagerBatch.State != ""
	})
	if err == nil {
		err = c.sameJob(resp, "PDF Manager batch", env.PdfManagerBatch.Id, batchID)
	}
	if err != nil {
		return nil, err
	}
	return c.newPDFBatch(identityID, &env.PdfManagerBatch)
}

// PDFResult reports a finished (or failed) PDF Manager batch and the
// download of its zip files.
type PDFResult struct {
	IdentityID        int
	BatchID           int
	TemplateID        int
	TemplateName      string
	State             Status      // final state of the batch
	SuccessWithErrors bool        // the batch ended success_with_errors: some PDFs may be missing
	ZipFiles          []ZipResult // one per zip file, in the batch's order (those done, on error)
	Paths             []string    // every file created, in order
	Bytes             int64       // bytes written, all zip files together
	StatusCalls       int         // status calls the handle made (getPdfManagerBatch)
	URLCalls          int         // downloadPdfManagerZipFile calls made (one per fresh redirect)
	Resumes           int         // resumed downloads, all zip files together
	Elapsed           time.Duration
}

// PDFBatchRun is a handle on one PDF Manager batch, as ExportRun is on a
// run: StartPDFBatch starts one, PDFBatch picks one up; Download fetches
// its zip files. It is safe for concurrent use.
type PDFBatchRun struct{ *Job[*PDFBatch] }

// PDFBatch returns the handle of batch batchID of a user identity. It makes
// no call.
func (c *Client) PDFBatch(identityID, batchID int) *PDFBatchRun {
	j := &Job[*PDFBatch]{
		c: c, noun: "PDF Manager batch", what: fmt.Sprintf("PDF Manager batch %d of user identity %d", batchID, identityID),
		ev:    Event{BatchID: batchID},
		attrs: []any{"user_identity_id", identityID, "pdf_manager_batch_id", batchID},
		kind:  pdfJobs, id: batchID, parent: identityID,
		status: func(b *PDFBatch) Status { return b.State },
		clone: func(b *PDFBatch) *PDFBatch {
			if b = copyOf(b); b != nil {
				b.ZipFiles = slices.Clone(b.ZipFiles)
			}
			return b
		},
		final: func(b *PDFBatch) error {
			if b.State.HasFile() {
				return nil
			}
			return &JobError{Job: fmt.Sprintf("PDF Manager batch %d of template %d", b.ID, b.TemplateID), Status: b.State, failed: ErrPDFBatchFailed}
		},
	}
	j.t.Get = func(ctx context.Context) (*PDFBatch, error) {
		resp, err := c.raw.GetPdfManagerBatch(ctx, identityID, batchID)
		if err != nil {
			return nil, err
		}
		return c.decodePDFBatch(resp, identityID, batchID, http.StatusOK)
	}
	j.t.Clock, j.t.What = c.clock, j.what
	return &PDFBatchRun{j}
}

// IdentityID is the user identity that owns the batch.
func (b *PDFBatchRun) IdentityID() int { return b.parent }

// StartPDFBatch starts a batch of a PDF Manager template (or joins the one
// still running, as the API does) and returns its handle, as StartExport
// does. A CallbackURL must be https.
func (c *Client) StartPDFBatch(ctx context.Context, identityID, templateID int, opts ...RunOption) (*PDFBatchRun, error) {
	return call(c, "start PDF batch", opts, func(rc *runConfig) (*PDFBatchRun, error) {
		return c.startPDFBatch(ctx, identityID, templateID, rc)
	})
}

func (c *Client) startPDFBatch(ctx context.Context, identityID, templateID int, rc *runConfig) (*PDFBatchRun, error) {
	body := generated.InitiatePdfManagerBatchRequest{PdfManagerBatch: generated.PdfManagerBatchInput{PdfManagerTemplateId: templateID}}
	if rc.callbackURL != "" {
		if !strings.HasPrefix(strings.ToLower(rc.callbackURL), "https://") {
			return nil, errors.New("a PDF Manager callback URL must be https (the API refuses others)")
		}
		body.PdfManagerBatch.Callback = &rc.callbackURL
	}
	var batch *PDFBatch
	what := fmt.Sprintf("starting a batch of PDF Manager template %d of user identity %d", templateID, identityID)
	err := c.retry(ctx, what, rc, func(ctx context.Context) error {
		resp, err := c.raw.InitiatePdfManagerBatch(ctx, identityID, body)
		if err == nil {
			batch, err = c.decodePDFBatch(resp, identityID, 0, http.StatusCreated)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	c.log.Info("webadmit: PDF Manager batch started", "user_identity_id", identityID, "pdf_manager_template_id", templateID,
		"pdf_manager_batch_id", batch.ID, "state", batch.State)
	rc.emit(Event{Kind: EventInitiated, BatchID: batch.ID, Status: batch.State, Total: -1})
	b := c.PDFBatch(identityID, batch.ID)
	b.t.Remember(batch)
	return b, nil
}

// Download downloads the zip files of the finished batch into dst, each
// through the API's redirect (the key never reaches the store) and resumed
// like an export's file; a batch still running is ErrNotReady. All or
// nothing: on failure what was placed is taken back.
func (b *PDFBatchRun) Download(ctx context.Context, dst BatchDestination, opts ...RunOption) (*PDFResult, error) {
	return call(b.c, "download PDF batch", opts, func(rc *runConfig) (*PDFResult, error) {
		pl, each, err := prepareBatch(dst)
		if err != nil {
			return nil, err
		}
		return b.download(ctx, pl, each, rc)
	})
}

// RunPDFBatch is StartPDFBatch, Wait and Download in one call, as
// RunExport is for exports.
func (c *Client) RunPDFBatch(ctx context.Context, identityID, templateID int, dst BatchDestination, opts ...RunOption) (*PDFResult, error) {
	return call(c, "run PDF batch", opts, func(rc *runConfig) (*PDFResult, error) {
		pl, each, err := prepareBatch(dst)
		if err != nil {
			return nil, err
		}
		b, err := c.startPDFBatch(ctx, identityID, templateID, rc)
		if err != nil {
			pl.Rollback()
			return &PDFResult{IdentityID: identityID, TemplateID: templateID, Elapsed: c.clock.Now().Sub(rc.start)}, err
		}
		if _, err := b.wait(ctx, rc); err != nil {
			pl.Rollback()
			return b.result(rc), err
		}
		return b.download(ctx, pl, each, rc)
	})
}

// result is the PDFResult of the handle as far as it is known.
func (b *PDFBatchRun) result(rc *runConfig) *PDFResult {
	res := &PDFResult{IdentityID: b.IdentityID(), BatchID: b.ID(), StatusCalls: b.t.Calls(),
		Elapsed: b.c.clock.Now().Sub(rc.start)}
	if p, ok := b.t.Snapshot(); ok {
		res.State, res.TemplateID, res.TemplateName = p.State, p.TemplateID, p.TemplateName
		res.SuccessWithErrors = p.State == StatusSuccessWithErrors
	}
	return res
}

// zipsAtOnce is how many zip files of a batch download at once.
const zipsAtOnce = 3

// download checks the batch (a status call unless one just answered) and
// downloads its zip files into pl; on failure what was placed goes.
func (b *PDFBatchRun) download(ctx context.Context, pl *dest.Placement, each Destination, rc *runConfig) (res *PDFResult, err error) {
	c := b.c
	defer func() {
		if err != nil {
			pl.Rollback() // the files are gone again, replaced ones back
			if res != nil {
				res.Paths = nil
				for i := range res.ZipFiles {
					res.ZipFiles[i].Paths = nil
				}
			}
		} else {
			pl.Commit()
		}
		if res != nil {
			res.StatusCalls, res.Elapsed = b.t.Calls(), c.clock.Now().Sub(rc.start)
		}
	}()
	p, err := b.finished(ctx, rc)
	res = b.result(rc)
	if err != nil {
		return res, err
	}
	if p.State == StatusSuccessWithErrors {
		c.log.Warn("webadmit: PDF Manager batch ended with errors; some PDFs may be missing", b.attrs...)
	}
	if len(p.ZipFiles) == 0 {
		c.log.Warn("webadmit: PDF Manager batch has no zip files to download", b.attrs...)
	}
	// The zip files download concurrently, a few at a time; the first to
	// fail cancels the others, and the deferred rollback takes back all.
	zips, errs := make([]*ZipResult, len(p.ZipFiles)), make([]error, len(p.ZipFiles))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(zipsAtOnce)
	rc.serializeProgress()
	for i, z := range p.ZipFiles {
		g.Go(func() error {
			s, err := each.open(pl)
			if err == nil {
				zips[i], err = c.downloadZip(gctx, zipDownload{zip: z,
					ev:       Event{BatchID: b.ID(), ZipIndex: i + 1, ZipCount: len(p.ZipFiles), Status: p.State},
					fallback: fmt.Sprintf("pdf-manager-batch-%d-zip-%d.zip", b.ID(), z.ID)}, s, rc)
			}
			errs[i] = err
			return err
		})
	}
	if err = g.Wait(); err == nil && ctx.Err() != nil { // cancelled as the last zip ended: still all or nothing
		err = fmt.Errorf("downloading %s: %w", b.what, context.Cause(ctx))
	}
	for i, zr := range zips {
		if zr != nil {
			res.URLCalls, res.Resumes = res.URLCalls+zr.URLCalls, res.Resumes+zr.Resumes
		}
		if zr != nil && errs[i] == nil {
			res.ZipFiles, res.Paths, res.Bytes = append(res.ZipFiles, *zr), append(res.Paths, zr.Paths...), res.Bytes+zr.Bytes
		}
	}
	if err != nil {
		return res, err
	}
	c.log.Info("webadmit: PDF Manager batch downloaded", append(b.attrs, "zip_files", len(res.ZipFiles), "bytes", res.Bytes)...)
	return res, nil
}

// DownloadZipFile downloads one zip file of the finished batch (an id from
// PDFBatch.ZipFiles) to dst, as Download does each. A batch still running
// is ErrNotReady; an id that is not one of the batch's is ErrNotFound.
func (b *PDFBatchRun) DownloadZipFile(ctx context.Context, zipFileID int, dst Destination, opts ...RunOption) (*ZipResult, error) {
	return call(b.c, "download PDF zip file", opts, func(rc *runConfig) (*ZipResult, error) {
		if dst == nil {
			return nil, errNilDestination
		}
		p, err := b.finished(ctx, rc)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(p.ZipFiles, func(z PDFZipFile) bool { return z.ID == zipFileID })
		if i < 0 {
			return nil, fmt.Errorf("%w: zip file %d is not one of the %d of %s", ErrNotFound, zipFileID, len(p.ZipFiles), b.what)
		}
		s, err := dst.open(nil)
		if err != nil {
			return nil, err
		}
		return b.c.downloadZip(ctx, zipDownload{zip: p.ZipFiles[i], ev: Event{BatchID: b.ID(), ZipIndex: i + 1, ZipCount: len(p.ZipFiles), Status: p.State},
			fallback: fmt.Sprintf("pdf-manager-zip-file-%d.zip", zipFileID)}, s, rc)
	})
}

// finished returns the batch once it has ended with zip files: the last
// answer if it was final, else a status call's. A batch still running is
// ErrNotReady, one that ended without files a *JobError.
func (b *PDFBatchRun) finished(ctx context.Context, rc *runConfig) (*PDFBatch, error) {
	p, ok := b.t.Snapshot()
	if !ok || !p.State.IsTerminal() {
		var err error
		if p, err = b.pollRetrying(ctx, rc); err != nil {
			return nil, err
		}
	}
	switch {
	case !p.State.IsTerminal():
		return p, fmt.Errorf("%w: %s has state %q", ErrNotReady, b.what, p.State)
	case !p.State.HasFile():
		return p, b.final(p)
	}
	return p, nil
}
