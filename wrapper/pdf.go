package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
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

// ErrPDFBatchFailed: a PDF Manager batch ended with state failed.
var ErrPDFBatchFailed = errors.New("PDF Manager batch failed")

// PDFBatchError is a PDF Manager batch that ended without zip files: state
// failed (errors.Is(err, ErrPDFBatchFailed)) or empty_list
// (errors.Is(err, ErrEmptyList)).
type PDFBatchError struct {
	IdentityID int
	BatchID    int
	TemplateID int
	State      Status
}

// Error says what the batch ended with and what to do.
func (e *PDFBatchError) Error() string {
	if e.State == StatusEmptyList {
		return fmt.Sprintf("PDF Manager batch %d of template %d ended with state %q: the template's list has no applicants, so there are no zip files", e.BatchID, e.TemplateID, e.State)
	}
	return fmt.Sprintf("PDF Manager batch %d of template %d ended with state %q: the batch failed in WebAdMIT", e.BatchID, e.TemplateID, e.State)
}

// Is matches ErrPDFBatchFailed or ErrEmptyList according to the state.
func (e *PDFBatchError) Is(target error) bool {
	switch target {
	case ErrPDFBatchFailed:
		return e.State == StatusFailed
	case ErrEmptyList:
		return e.State == StatusEmptyList
	}
	return false
}

// zipHrefPath matches the path of a download_hrefs entry.
var zipHrefPath = regexp.MustCompile(`/api/v1/user_identities/(\d+)/pdf_manager_zip_files/(\d+)/download/?$`)

// parseZipHref reads the identity and zip file ids from a download_hrefs
// entry (an API path; a full URL is accepted too).
func parseZipHref(href string) (PDFZipFile, error) {
	u, err := url.Parse(strings.TrimSpace(href))
	if err == nil {
		if m := zipHrefPath.FindStringSubmatch(u.Path); m != nil {
			identity, err1 := strconv.Atoi(m[1])
			id, err2 := strconv.Atoi(m[2])
			if err1 == nil && err2 == nil && id > 0 {
				return PDFZipFile{IdentityID: identity, ID: id, Href: href}, nil
			}
		}
	}
	return PDFZipFile{}, fmt.Errorf("the batch lists the download link %q, which is not a PDF Manager zip file path (/api/v1/user_identities/ID/pdf_manager_zip_files/ID/download)", redact.URL(href))
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
			out.ZipFiles = append(out.ZipFiles, z)
		}
	}
	return out, nil
}

func validPDFBatch(env *generated.PdfManagerBatchEnvelope) bool {
	return env.PdfManagerBatch.Id > 0 && env.PdfManagerBatch.State != ""
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

// PDFBatchRun is a handle on one PDF Manager batch, as ExportRun is on an
// export run: StartPDFBatch starts one, PDFBatch picks up one started
// elsewhere; Poll and Wait come from Job; Download fetches its zip files.
// It is safe for concurrent use.
type PDFBatchRun struct{ *Job[*PDFBatch] }

// PDFBatch returns the handle of batch batchID of a user identity. It makes
// no call.
func (c *Client) PDFBatch(identityID, batchID int) *PDFBatchRun {
	j := &Job[*PDFBatch]{
		c: c, noun: "PDF Manager batch", what: fmt.Sprintf("PDF Manager batch %d of user identity %d", batchID, identityID),
		ev:    Event{BatchID: batchID},
		attrs: []any{"user_identity_id", identityID, "pdf_manager_batch_id", batchID},
		kind:  pdfJobs, id: batchID, parent: identityID, start: c.clock.Now(),
		status: func(b *PDFBatch) Status { return b.State },
		final: func(b *PDFBatch) error {
			if b.State.HasFile() {
				return nil
			}
			return &PDFBatchError{IdentityID: b.IdentityID, BatchID: b.ID, TemplateID: b.TemplateID, State: b.State}
		},
	}
	j.get = func(ctx context.Context) (*PDFBatch, error) {
		resp, err := c.raw.GetPdfManagerBatch(ctx, identityID, batchID)
		if err != nil {
			return nil, err
		}
		env, err := decodeAnswer(c, resp, http.StatusOK, validPDFBatch)
		if err != nil {
			return nil, err
		}
		return c.newPDFBatch(identityID, &env.PdfManagerBatch)
	}
	return &PDFBatchRun{j}
}

// IdentityID is the user identity that owns the batch.
func (b *PDFBatchRun) IdentityID() int { return b.parent }

// StartPDFBatch starts a batch of a PDF Manager template and returns its
// handle. If a batch of the same template is still running, the API
// returns that one instead. With the CallbackURL option (which must be
// https for PDF Manager batches) WebAdMIT POSTs the finished batch there:
// mount CallbackHandler at that URL to wake the waiter at once. Transient
// failures are retried within the wait budget.
func (c *Client) StartPDFBatch(ctx context.Context, identityID, templateID int, opts ...RunOption) (*PDFBatchRun, error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, c.fail("start PDF batch", err)
	}
	b, err := c.startPDFBatch(ctx, identityID, templateID, rc)
	return b, c.fail("start PDF batch", err)
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
		if err != nil {
			return err
		}
		env, err := decodeAnswer(c, resp, http.StatusCreated, validPDFBatch)
		if err != nil {
			return err
		}
		batch, err = c.newPDFBatch(identityID, &env.PdfManagerBatch)
		return err
	})
	if err != nil {
		return nil, err
	}
	c.log.Info("webadmit: PDF Manager batch started", "user_identity_id", identityID, "pdf_manager_template_id", templateID,
		"pdf_manager_batch_id", batch.ID, "state", batch.State)
	rc.emit(Event{Kind: EventInitiated, BatchID: batch.ID, Status: batch.State, Total: -1})
	b := c.PDFBatch(identityID, batch.ID)
	b.remember(batch)
	return b, nil
}

// Download downloads the zip files of the finished batch into dst, one
// after the other, each through the API's redirect without the key
// reaching the object store, resumed like an export's file. A batch still
// running is an error matching ErrNotReady. The batch is all or nothing:
// if a zip file fails, or ctx ends, what was placed is taken back (see
// ZipFilesToDir).
func (b *PDFBatchRun) Download(ctx context.Context, dst BatchDestination, opts ...RunOption) (*PDFResult, error) {
	rc, err := b.c.runConfig(opts)
	if err != nil {
		return nil, b.c.fail("download PDF batch", err)
	}
	pl, each, err := dst.prepare()
	if err != nil {
		return nil, b.c.fail("download PDF batch", err)
	}
	res, err := b.download(ctx, pl, each, rc)
	return res, b.c.fail("download PDF batch", err)
}

// RunPDFBatch runs a PDF Manager template end to end, within one wait
// budget: StartPDFBatch, Wait, and Download into dst. The destination is
// checked before the batch starts. A batch that ends failed or empty_list
// is a *PDFBatchError (ErrPDFBatchFailed, ErrEmptyList) and writes nothing.
// On error the PDFResult, when not nil, holds what is known, such as the
// batch id for PDFBatch.
func (c *Client) RunPDFBatch(ctx context.Context, identityID, templateID int, dst BatchDestination, opts ...RunOption) (*PDFResult, error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, c.fail("run PDF batch", err)
	}
	pl, each, err := dst.prepare()
	if err != nil {
		return nil, c.fail("run PDF batch", err)
	}
	start := c.clock.Now()
	b, err := c.startPDFBatch(ctx, identityID, templateID, rc)
	if err != nil {
		pl.Rollback()
		return &PDFResult{IdentityID: identityID, TemplateID: templateID, Elapsed: c.clock.Now().Sub(start)}, c.fail("run PDF batch", err)
	}
	b.start = start
	if _, err := b.wait(ctx, rc); err != nil {
		pl.Rollback()
		return b.result(), c.fail("run PDF batch", err)
	}
	res, err := b.download(ctx, pl, each, rc)
	return res, c.fail("run PDF batch", err)
}

// result is the PDFResult of the handle as far as it is known.
func (b *PDFBatchRun) result() *PDFResult {
	res := &PDFResult{IdentityID: b.IdentityID(), BatchID: b.ID(), StatusCalls: b.statusCalls(),
		Elapsed: b.c.clock.Now().Sub(b.start)}
	if p, ok := b.snapshot(); ok {
		res.State, res.TemplateID, res.TemplateName = p.State, p.TemplateID, p.TemplateName
		res.SuccessWithErrors = p.State == StatusSuccessWithErrors
	}
	return res
}

// download checks the batch (one status call, retried, unless an answer
// just received says it is final) and downloads its zip files into pl; on
// any failure what was placed is taken back.
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
			res.StatusCalls, res.Elapsed = b.statusCalls(), c.clock.Now().Sub(b.start)
		}
	}()
	p, ok := b.recent(urlFreshFor)
	if !ok || !p.State.IsTerminal() {
		if p, err = b.pollRetrying(ctx, rc); err != nil {
			return b.result(), err
		}
	}
	res = b.result()
	switch {
	case !p.State.IsTerminal():
		return res, fmt.Errorf("%w: %s has state %q", ErrNotReady, b.what, p.State)
	case !p.State.HasFile():
		return res, &PDFBatchError{IdentityID: p.IdentityID, BatchID: p.ID, TemplateID: p.TemplateID, State: p.State}
	case p.State == StatusSuccessWithErrors:
		c.log.Warn("webadmit: PDF Manager batch ended with errors; some PDFs may be missing", b.attrs...)
	}
	if len(p.ZipFiles) == 0 {
		c.log.Warn("webadmit: PDF Manager batch has no zip files to download", b.attrs...)
	}
	for i, z := range p.ZipFiles {
		s, err := each.open(pl)
		if err != nil {
			return res, err
		}
		zr, err := c.downloadZip(ctx, zipDownload{
			zip:      z,
			ev:       Event{BatchID: b.ID(), ZipIndex: i + 1, ZipCount: len(p.ZipFiles), Status: p.State},
			fallback: fmt.Sprintf("pdf-manager-batch-%d-zip-%d.zip", b.ID(), z.ID),
		}, s, rc)
		res.URLCalls += zr.URLCalls
		res.Resumes += zr.Resumes
		if err != nil {
			return res, err
		}
		res.ZipFiles = append(res.ZipFiles, *zr)
		res.Paths = append(res.Paths, zr.Paths...)
		res.Bytes += zr.Bytes
	}
	c.log.Info("webadmit: PDF Manager batch downloaded", append(b.attrs, "zip_files", len(res.ZipFiles), "bytes", res.Bytes)...)
	return res, nil
}

// DownloadZipFile downloads one zip file of the batch (an id from
// PDFBatch.ZipFiles) to dst: ToFile, ToWriter, or ToDir to extract it. The
// API answers with a redirect to the object store; the client reads it
// rather than following it, and fetches the file with its download client,
// which never sends the API key. An expired URL or a cut connection is
// resumed with a fresh redirect and a Range request. A zip file of a batch
// that is not finished is ErrNotFound (the API's answer).
func (b *PDFBatchRun) DownloadZipFile(ctx context.Context, zipFileID int, dst Destination, opts ...RunOption) (*ZipResult, error) {
	c := b.c
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, c.fail("download PDF zip file", err)
	}
	s, err := dst.open(nil)
	if err != nil {
		return nil, c.fail("download PDF zip file", err)
	}
	z := PDFZipFile{IdentityID: b.IdentityID(), ID: zipFileID,
		Href: fmt.Sprintf("/api/v1/user_identities/%d/pdf_manager_zip_files/%d/download", b.IdentityID(), zipFileID)}
	res, err := c.downloadZip(ctx, zipDownload{zip: z, ev: Event{BatchID: b.ID(), ZipIndex: 1, ZipCount: 1, Status: StatusAvailable},
		fallback: fmt.Sprintf("pdf-manager-zip-file-%d.zip", zipFileID)}, s, rc)
	return res, c.fail("download PDF zip file", err)
}
