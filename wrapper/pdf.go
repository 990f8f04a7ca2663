package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/webadmit-go/webadmit/generated"
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
var ErrPDFBatchFailed = errors.New("webadmit: PDF Manager batch failed")

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
		return fmt.Sprintf("webadmit: PDF Manager batch %d of template %d ended with state %q: the template's list has no applicants, so there are no zip files", e.BatchID, e.TemplateID, e.State)
	}
	return fmt.Sprintf("webadmit: PDF Manager batch %d of template %d ended with state %q: check the template in WebAdMIT's PDF Manager, then run it again", e.BatchID, e.TemplateID, e.State)
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

// pdfNoun names PDF Manager batches in logs.
const pdfNoun = "PDF Manager batch"

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
	return PDFZipFile{}, fmt.Errorf("webadmit: the batch lists the download link %q, which is not a PDF Manager zip file path (/api/v1/user_identities/ID/pdf_manager_zip_files/ID/download); report it", redactURL(href))
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
	c.warnUnknown(pdfNoun, out.State)
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

// InitiatePDFBatch starts a batch of a PDF Manager template and returns it.
// If a batch of the same template is still running, the API returns that
// one instead. With the CallbackURL option (which must be https for PDF
// Manager batches) WebAdMIT POSTs the finished batch there: mount
// PDFCallbackHandler at that URL to wake the waiter at once. Transient
// failures are retried within the wait budget.
func (c *Client) InitiatePDFBatch(ctx context.Context, identityID, templateID int, opts ...RunOption) (*PDFBatch, error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, err
	}
	b, err := c.initiatePDF(ctx, identityID, templateID, rc)
	return b, c.fail("initiate PDF batch", err)
}

func (c *Client) initiatePDF(ctx context.Context, identityID, templateID int, rc *runConfig) (*PDFBatch, error) {
	body := generated.InitiatePdfManagerBatchRequest{PdfManagerBatch: generated.PdfManagerBatchInput{PdfManagerTemplateId: templateID}}
	if rc.callbackURL != "" {
		if !strings.HasPrefix(strings.ToLower(rc.callbackURL), "https://") {
			return nil, errors.New("webadmit: a PDF Manager callback URL must be https (the API refuses others); pass an https URL to CallbackURL")
		}
		body.PdfManagerBatch.Callback = &rc.callbackURL
	}
	var batch *PDFBatch
	what := fmt.Sprintf("starting a batch of PDF Manager template %d of user identity %d", templateID, identityID)
	err := c.retry(ctx, what, rc, func(ctx context.Context) error {
		resp, err := c.raw.InitiatePdfManagerBatch(ctx, identityID, body)
		if err != nil {
			return redactError(err)
		}
		env, err := decodeAnswer(c, resp, http201, validPDFBatch)
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
	return batch, nil
}

// PollPDFBatch makes one call for the batch and returns what it says.
func (c *Client) PollPDFBatch(ctx context.Context, identityID, batchID int) (*PDFBatch, error) {
	var calls int
	b, err := c.getPDFBatch(ctx, identityID, batchID, &calls)
	return b, c.fail("poll PDF batch", err)
}

// getPDFBatch is one getPdfManagerBatch call, decoded and checked.
func (c *Client) getPDFBatch(ctx context.Context, identityID, batchID int, calls *int) (*PDFBatch, error) {
	*calls++
	resp, err := c.raw.GetPdfManagerBatch(ctx, identityID, batchID)
	if err != nil {
		return nil, redactError(err)
	}
	env, err := decodeAnswer(c, resp, http200, validPDFBatch)
	if err != nil {
		return nil, err
	}
	return c.newPDFBatch(identityID, &env.PdfManagerBatch)
}

// WaitPDFBatch polls the batch until its state is final (available,
// success_with_errors, empty_list or failed) and returns it, like Wait for
// an export run: same poll policy, retries, ErrTimeout and options. A
// callback received by PDFCallbackHandler for the batch cuts the current
// delay short. It does not treat failed or empty_list as errors: check
// PDFBatch.State.
func (c *Client) WaitPDFBatch(ctx context.Context, identityID, batchID int, opts ...RunOption) (*PDFBatch, error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, err
	}
	var calls int
	b, err := c.waitPDF(ctx, identityID, batchID, rc, &calls)
	return b, c.fail("wait PDF batch", err)
}

func (c *Client) waitPDF(ctx context.Context, identityID, batchID int, rc *runConfig, calls *int) (*PDFBatch, error) {
	wake, unsubscribe := c.pdfHub.subscribe(0, batchID)
	defer unsubscribe()
	var batch *PDFBatch
	err := c.waitFor(ctx, rc, waitJob{
		noun:  pdfNoun,
		what:  fmt.Sprintf("PDF Manager batch %d of user identity %d", batchID, identityID),
		later: "pick the batch up later by its id",
		ev:    Event{BatchID: batchID},
		attrs: []any{"user_identity_id", identityID, "pdf_manager_batch_id", batchID},
		wake:  wake,
		poll: func(ctx context.Context) (Status, error) {
			b, err := c.getPDFBatch(ctx, identityID, batchID, calls)
			if err != nil {
				return "", err
			}
			batch = b
			return b.State, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return batch, nil
}
