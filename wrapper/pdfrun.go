package wrapper

import (
	"context"
	"fmt"
	"time"
)

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
	StatusCalls       int         // getPdfManagerBatch calls made
	URLCalls          int         // downloadPdfManagerZipFile calls made (one per fresh redirect)
	Resumes           int         // resumed downloads, all zip files together
	Elapsed           time.Duration
}

// RunPDFBatch runs a PDF Manager template end to end: it starts a batch
// (or joins the one of the same template still running, as the API does),
// waits for its state to be final (see WaitPDFBatch), then downloads every
// zip file the batch lists into dst, one after the other, each through the
// API's redirect without the key reaching the object store (see
// DownloadPDFZipFile). The destination is checked before the batch starts.
//
// A batch that ends failed or empty_list is a *PDFBatchError (errors.Is
// with ErrPDFBatchFailed or ErrEmptyList) and writes nothing. If a zip file
// cannot be downloaded, or ctx ends, the zip files already placed are
// removed (see ZipFilesToDir). On error the PDFResult, when not nil, holds
// what is known, such as the batch id for AttachPDFBatch.
func (c *Client) RunPDFBatch(ctx context.Context, identityID, templateID int, dst BatchDestination, opts ...RunOption) (*PDFResult, error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, err
	}
	bs, err := dst.prepare()
	if err != nil {
		return nil, c.fail("run PDF batch", err)
	}
	start := c.clock.Now()
	res := &PDFResult{IdentityID: identityID, TemplateID: templateID}
	batch, err := c.initiatePDF(ctx, identityID, templateID, rc)
	if err != nil {
		bs.rollback()
		res.Elapsed = c.clock.Now().Sub(start)
		return res, c.fail("run PDF batch", err)
	}
	res.BatchID, res.TemplateName = batch.ID, batch.TemplateName
	err = c.completePDF(ctx, identityID, batch.ID, bs, rc, res, start, true)
	return res, c.fail("run PDF batch", err)
}

// AttachPDFBatch waits for an existing PDF Manager batch (started by
// InitiatePDFBatch, another process or the WebAdMIT screens) and downloads
// its zip files into dst, like RunPDFBatch.
func (c *Client) AttachPDFBatch(ctx context.Context, identityID, batchID int, dst BatchDestination, opts ...RunOption) (*PDFResult, error) {
	return c.attachPDF(ctx, identityID, batchID, dst, opts, true)
}

// DownloadPDFBatch downloads the zip files of a finished PDF Manager batch
// into dst without waiting: a batch still running is an error matching
// ErrNotReady.
func (c *Client) DownloadPDFBatch(ctx context.Context, identityID, batchID int, dst BatchDestination, opts ...RunOption) (*PDFResult, error) {
	return c.attachPDF(ctx, identityID, batchID, dst, opts, false)
}

func (c *Client) attachPDF(ctx context.Context, identityID, batchID int, dst BatchDestination, opts []RunOption, wait bool) (*PDFResult, error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, err
	}
	bs, err := dst.prepare()
	if err != nil {
		return nil, c.fail("download PDF batch", err)
	}
	res := &PDFResult{IdentityID: identityID, BatchID: batchID}
	err = c.completePDF(ctx, identityID, batchID, bs, rc, res, c.clock.Now(), wait)
	return res, c.fail("download PDF batch", err)
}

// completePDF waits for (or checks) the batch and downloads its zip files
// into bs; on any failure what was placed is taken back.
func (c *Client) completePDF(ctx context.Context, identityID, batchID int, bs *batchSinks, rc *runConfig, res *PDFResult, start time.Time, wait bool) (err error) {
	defer func() {
		if err != nil {
			bs.rollback() // the files are gone again, replaced ones back
			res.Paths = nil
			for i := range res.ZipFiles {
				res.ZipFiles[i].Paths = nil
			}
		} else {
			bs.commit()
		}
		res.Elapsed = c.clock.Now().Sub(start)
	}()
	var batch *PDFBatch
	if wait {
		batch, err = c.waitPDF(ctx, identityID, batchID, rc, &res.StatusCalls)
	} else {
		batch, err = c.getPDFBatch(ctx, identityID, batchID, &res.StatusCalls)
		if err == nil && !batch.State.IsTerminal() {
			err = fmt.Errorf("%w: PDF Manager batch %d has state %q: wait for it (AttachPDFBatch) or try later", ErrNotReady, batchID, batch.State)
		}
	}
	if batch != nil {
		res.State, res.TemplateID, res.TemplateName = batch.State, batch.TemplateID, batch.TemplateName
	}
	if err != nil {
		return err
	}
	if !batch.State.HasFile() {
		return &PDFBatchError{IdentityID: identityID, BatchID: batchID, TemplateID: batch.TemplateID, State: batch.State}
	}
	if batch.State == StatusSuccessWithErrors {
		res.SuccessWithErrors = true
		c.log.Warn("webadmit: PDF Manager batch ended with errors; some PDFs may be missing", "pdf_manager_batch_id", batchID)
	}
	if len(batch.ZipFiles) == 0 {
		c.log.Warn("webadmit: PDF Manager batch has no zip files to download", "pdf_manager_batch_id", batchID, "state", batch.State)
	}
	for i, z := range batch.ZipFiles {
		s, err := bs.open()
		if err != nil {
			return err
		}
		zr, err := c.downloadZip(ctx, zipDownload{
			zip:      z,
			ev:       Event{BatchID: batchID, ZipIndex: i + 1, ZipCount: len(batch.ZipFiles), Status: batch.State},
			fallback: fmt.Sprintf("pdf-manager-batch-%d-zip-%d.zip", batchID, z.ID),
		}, s, rc)
		res.URLCalls += zr.URLCalls
		res.Resumes += zr.Resumes
		if err != nil {
			return err
		}
		res.ZipFiles = append(res.ZipFiles, *zr)
		res.Paths = append(res.Paths, zr.Paths...)
		res.Bytes += zr.Bytes
	}
	c.log.Info("webadmit: PDF Manager batch downloaded", "pdf_manager_batch_id", batchID, "zip_files", len(res.ZipFiles), "bytes", res.Bytes)
	return nil
}
