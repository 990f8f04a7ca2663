package webadmittest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// The PDF Manager operations: templates, batches and the zip download.

func templateModel(t *PDFTemplate) generated.PdfManagerTemplate {
	return generated.PdfManagerTemplate{
		Href: fmt.Sprintf("/api/v1/user_identities/%d/pdf_manager_templates/%d", t.IdentityID, t.ID),
		Id:   t.ID, Name: t.Name, ListName: t.ListName, DocumentSourceTitle: t.DocumentSource,
	}
}

func zipHref(identityID, zipID int) string {
	return fmt.Sprintf("/api/v1/user_identities/%d/pdf_manager_zip_files/%d/download", identityID, zipID)
}

// pdfBatchModel describes a batch at now; withHrefs adds download_hrefs
// (empty until the batch has zip files), which the list leaves out.
func pdfBatchModel(b *pdfBatch, now time.Time, withHrefs bool) generated.PdfManagerBatch {
	t := b.template
	state := b.stateAt(now)
	m := generated.PdfManagerBatch{
		Href:      ptr(fmt.Sprintf("/api/v1/user_identities/%d/pdf_manager_batches/%d", t.IdentityID, b.id)),
		Id:        b.id,
		UpdatedAt: b.changedAt(now).UTC().Truncate(time.Second),
		State:     pdfState(state),
		PdfManagerTemplate: generated.PdfManagerTemplateRef{
			Href: fmt.Sprintf("/api/v1/user_identities/%d/pdf_manager_templates/%d", t.IdentityID, t.ID),
			Id:   t.ID, Name: t.Name,
		},
	}
	if withHrefs {
		hrefs := []string{}
		if hasFile(state) {
			for _, z := range b.zips {
				hrefs = append(hrefs, zipHref(t.IdentityID, z.id))
			}
		}
		m.DownloadHrefs = &hrefs
	}
	return m
}

// template returns the identity's template, or nil.
func (s *Server) template(identityID, id int) *PDFTemplate {
	t := s.templateByID[id]
	if t == nil || t.IdentityID != identityID {
		return nil
	}
	return t
}

func (a *api) ListPdfManagerTemplates(_ context.Context, req generated.ListPdfManagerTemplatesRequestObject) (generated.ListPdfManagerTemplatesResponseObject, error) {
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.ListPdfManagerTemplates404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	list := []generated.PdfManagerTemplate{}
	for i := range a.s.pdfTemplates {
		if t := &a.s.pdfTemplates[i]; t.IdentityID == req.UserIdentityId {
			list = append(list, templateModel(t))
		}
	}
	return generated.ListPdfManagerTemplates200JSONResponse{Body: generated.PdfManagerTemplateList{
		Href:                ptr(fmt.Sprintf("/api/v1/user_identities/%d/pdf_manager_templates", req.UserIdentityId)),
		PdfManagerTemplates: &list,
	}}, nil
}

func (a *api) GetPdfManagerTemplate(_ context.Context, req generated.GetPdfManagerTemplateRequestObject) (generated.GetPdfManagerTemplateResponseObject, error) {
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.GetPdfManagerTemplate404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	t := a.s.template(req.UserIdentityId, req.PdfManagerTemplateId)
	if t == nil {
		return generated.GetPdfManagerTemplate404JSONResponse{NotFoundJSONResponse: legacyNotFound()}, nil
	}
	return generated.GetPdfManagerTemplate200JSONResponse{Body: generated.PdfManagerTemplateEnvelope{PdfManagerTemplate: templateModel(t)}}, nil
}

func (a *api) ListPdfManagerBatches(_ context.Context, req generated.ListPdfManagerBatchesRequestObject) (generated.ListPdfManagerBatchesResponseObject, error) {
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.ListPdfManagerBatches404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	now := time.Now()
	list := []generated.PdfManagerBatch{}
	for _, b := range a.s.pdf.list(req.UserIdentityId) {
		list = append(list, pdfBatchModel(b, now, false))
	}
	return generated.ListPdfManagerBatches200JSONResponse{Body: generated.PdfManagerBatchList{
		Href:              ptr(fmt.Sprintf("/api/v1/user_identities/%d/pdf_manager_batches", req.UserIdentityId)),
		PdfManagerBatches: &list,
	}}, nil
}

func (a *api) GetPdfManagerBatch(_ context.Context, req generated.GetPdfManagerBatchRequestObject) (generated.GetPdfManagerBatchResponseObject, error) {
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.GetPdfManagerBatch404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	b := a.s.pdf.get(req.PdfManagerBatchId)
	if b == nil || b.template.IdentityID != req.UserIdentityId {
		return generated.GetPdfManagerBatch404JSONResponse{NotFoundJSONResponse: legacyNotFound()}, nil
	}
	return generated.GetPdfManagerBatch200JSONResponse{Body: generated.PdfManagerBatchEnvelope{
		PdfManagerBatch: pdfBatchModel(b, time.Now(), true),
	}}, nil
}

// InitiatePdfManagerBatch starts a batch, or returns the template's batch
// still running. A callback that is not https has already been refused
// with the documented 422 by validation; one off loopback is accepted and
// recorded, never sent (see ErrCallbackOffLoopback), as for exports.
func (a *api) InitiatePdfManagerBatch(_ context.Context, req generated.InitiatePdfManagerBatchRequestObject) (generated.InitiatePdfManagerBatchResponseObject, error) {
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.InitiatePdfManagerBatch404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	in := req.Body.PdfManagerBatch
	t := a.s.template(req.UserIdentityId, in.PdfManagerTemplateId)
	if t == nil {
		return generated.InitiatePdfManagerBatch404JSONResponse{NotFoundJSONResponse: legacyNotFound()}, nil
	}
	if in.Callback != nil {
		if msg := badCallbackURL(*in.Callback, "#/pdf_manager_batch/callback"); msg != "" {
			return generated.InitiatePdfManagerBatch422JSONResponse{Body: validationErrors("schema", msg)}, nil
		}
	}
	now := time.Now()
	b, created := a.s.pdf.start(t, now, a.s.signer.zipObjectKey)
	a.s.log.Debug("webadmittest: PDF Manager batch", "template", t.ID, "batch", b.id, "new", created)
	if in.Callback != nil {
		a.s.addPDFCallback(b, *in.Callback, now)
	}
	return generated.InitiatePdfManagerBatch201JSONResponse{Body: generated.PdfManagerBatchEnvelope{
		PdfManagerBatch: pdfBatchModel(b, now, true),
	}}, nil
}

// DownloadPdfManagerZipFile answers 302 to a pre-signed store URL of the
// zip file, as the service does; a zip of a batch that has not produced
// its files yet, or of another identity, is the legacy 404.
func (a *api) DownloadPdfManagerZipFile(ctx context.Context, req generated.DownloadPdfManagerZipFileRequestObject) (generated.DownloadPdfManagerZipFileResponseObject, error) {
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.DownloadPdfManagerZipFile404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	z := a.s.pdf.zip(req.PdfManagerZipFileId)
	now := time.Now()
	if z == nil || z.batch.template.IdentityID != req.UserIdentityId || !hasFile(z.batch.stateAt(now)) {
		return generated.DownloadPdfManagerZipFile404JSONResponse{NotFoundJSONResponse: legacyNotFound()}, nil
	}
	expires := now.Add(a.s.urlLifetime)
	if expireURLRequested(ctx) {
		expires = now.Add(-time.Millisecond)
	}
	location := a.s.signer.sign(a.s.storeURL, z.key, expires, contentDisposition(z.name), string(generated.ExportMimeTypeZip))
	if a.s.external != nil {
		u, err := a.s.externalZipURL(ctx, z, expires.Sub(now))
		if err != nil {
			return nil, err
		}
		location = u
	}
	return generated.DownloadPdfManagerZipFile302Response{Headers: generated.DownloadPdfManagerZipFile302ResponseHeaders{Location: location}}, nil
}

// addPDFCallback registers a callback URL on a batch; it is posted the
// batch (the GET's JSON) once, when the batch ends (at once if it has).
func (s *Server) addPDFCallback(b *pdfBatch, url string, now time.Time) {
	ps := s.pdf
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if slices.Contains(b.callbacks, url) {
		return
	}
	b.callbacks = append(b.callbacks, url)
	ps.timers = append(ps.timers, time.AfterFunc(max(0, b.endsAt().Sub(now)), func() { s.firePDFCallback(b, url) }))
}

// firePDFCallback posts the finished batch to one callback URL.
func (s *Server) firePDFCallback(b *pdfBatch, url string) {
	if !s.begin() {
		return
	}
	defer s.end()
	s.notify.postPDF(url, pdfBatchModel(b, time.Now(), true))
}
