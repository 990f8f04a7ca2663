package webadmittest

import (
	"context"
	"fmt"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// api implements the generated strict server interface over the server's
// data. Requests reaching it are authenticated, within budget and valid.
type api struct{ s *Server }

var _ generated.StrictServerInterface = (*api)(nil)

func identityNotFound(id int) generated.NotFoundJSONResponse {
	return generated.NotFoundJSONResponse{Body: generated.ErrorMessage{Message: fmt.Sprintf("User identity '%d' not found.", id)}}
}

func legacyNotFound() generated.NotFoundJSONResponse {
	return generated.NotFoundJSONResponse{Body: generated.ErrorMessage{Message: msgNotFound}}
}

func ptr[T any](v T) *T { return &v }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (a *api) ListUserIdentities(context.Context, generated.ListUserIdentitiesRequestObject) (generated.ListUserIdentitiesResponseObject, error) {
	list := make([]generated.UserIdentity, 0, len(a.s.identities))
	for _, id := range a.s.identities {
		list = append(list, generated.UserIdentity{
			Id:           ptr(id.ID),
			Type:         ptr(id.Type),
			Association:  optional(id.Association),
			Institution:  optional(id.Institution),
			Organization: optional(id.Organization),
			Cycle:        optional(id.Cycle),
		})
	}
	return generated.ListUserIdentities200JSONResponse{Body: generated.UserIdentityList{
		Href:           ptr("/api/v1/user_identities"),
		UserIdentities: &list,
	}}, nil
}

func exportModel(e *Export) generated.Export {
	return generated.Export{Id: e.ID, Name: e.Name, ListType: e.ListType, Format: e.Format, MimeType: e.MimeType}
}

func (a *api) ListExports(context.Context, generated.ListExportsRequestObject) (generated.ListExportsResponseObject, error) {
	list := make([]generated.Export, 0, len(a.s.exports))
	for i := range a.s.exports {
		list = append(list, exportModel(&a.s.exports[i]))
	}
	return generated.ListExports200JSONResponse{Body: generated.ExportList{Href: ptr("/api/v1/exports"), Exports: &list}}, nil
}

func (a *api) ListUserIdentityExports(_ context.Context, req generated.ListUserIdentityExportsRequestObject) (generated.ListUserIdentityExportsResponseObject, error) {
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.ListUserIdentityExports404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	list := []generated.Export{}
	for i := range a.s.exports {
		if e := &a.s.exports[i]; e.IdentityID == req.UserIdentityId {
			list = append(list, exportModel(e))
		}
	}
	return generated.ListUserIdentityExports200JSONResponse{Body: generated.UserIdentityExportList{
		Href:    ptr(fmt.Sprintf("/api/v1/user_identities/%d/exports", req.UserIdentityId)),
		Exports: &list,
	}}, nil
}

func (a *api) InitiateExportFile(_ context.Context, req generated.InitiateExportFileRequestObject) (generated.InitiateExportFileResponseObject, error) {
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.InitiateExportFile404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	e := a.s.exportByID[req.ExportId]
	if e == nil || e.IdentityID != req.UserIdentityId {
		return generated.InitiateExportFile404JSONResponse{NotFoundJSONResponse: legacyNotFound()}, nil
	}
	// Callbacks off loopback are accepted and recorded, never sent (see
	// ErrCallbackOffLoopback); one that is not an http(s) URL is a 422.
	var callbacks []string
	if req.Body != nil && req.Body.Callback != nil {
		callbacks = append(callbacks, *req.Body.Callback)
		if msg := badCallbackURL(*req.Body.Callback, "#/callback"); msg != "" {
			return generated.InitiateExportFile422JSONResponse{InvalidRequestJSONResponse: generated.InvalidRequestJSONResponse{
				Body: validationErrors("schema", msg)}}, nil
		}
	}
	if req.Params.Callback != nil {
		callbacks = append(callbacks, *req.Params.Callback)
		if msg := badCallbackURL(*req.Params.Callback, "callback (query)"); msg != "" {
			return generated.InitiateExportFile422JSONResponse{InvalidRequestJSONResponse: generated.InvalidRequestJSONResponse{
				Body: validationErrors("schema", msg)}}, nil
		}
	}
	now := time.Now()
	r, created := a.s.runs.start(e, now, func(id int) string {
		return a.s.signer.objectKey(id, extensionOf(e.MimeType))
	})
	a.s.log.Debug("webadmittest: export run", "export", e.ID, "export_file", r.id, "new", created)
	a.s.addCallbacks(r, callbacks, now)
	return generated.InitiateExportFile201JSONResponse{Body: generated.ExportFileEnvelope{
		ExportFiles: a.s.exportFileModel(r, now, false),
	}}, nil
}

func (a *api) GetExportFile(ctx context.Context, req generated.GetExportFileRequestObject) (generated.GetExportFileResponseObject, error) {
	r := a.s.runs.get(req.ExportFileId)
	if r == nil || r.export.ID != req.ExportId {
		return generated.GetExportFile404JSONResponse{NotFoundJSONResponse: legacyNotFound()}, nil
	}
	now := time.Now()
	ef := a.s.exportFileModel(r, now, true)
	if ef.DownloadUrl != nil && expireURLRequested(ctx) {
		ef.DownloadUrl = ptr(a.s.downloadURL(r, now.Add(-time.Millisecond)))
	}
	if ef.DownloadUrl != nil && a.s.external != nil {
		lifetime := a.s.urlLifetime
		if expireURLRequested(ctx) {
			lifetime = -time.Millisecond
		}
		u, err := a.s.externalRunURL(ctx, r, lifetime)
		if err != nil {
			return nil, err
		}
		ef.DownloadUrl = &u
	}
	return generated.GetExportFile200JSONResponse{Body: generated.ExportFileEnvelope{ExportFiles: ef}}, nil
}

func (a *api) ListUserIdentityExportFiles(_ context.Context, req generated.ListUserIdentityExportFilesRequestObject) (generated.ListUserIdentityExportFilesResponseObject, error) {
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.ListUserIdentityExportFiles404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	now := time.Now()
	list := []generated.ExportFile{}
	for _, r := range a.s.runs.recent(req.UserIdentityId, recentRunsListed) {
		list = append(list, a.s.exportFileModel(r, now, false))
	}
	return generated.ListUserIdentityExportFiles200JSONResponse{Body: generated.ExportFileList{
		Href:        ptr(fmt.Sprintf("/api/v1/user_identities/%d/export_files", req.UserIdentityId)),
		ExportFiles: &list,
	}}, nil
}

// exportFileModel describes a run at now; withURL adds a fresh download URL
// when the run has a file.
func (s *Server) exportFileModel(r *run, now time.Time, withURL bool) generated.ExportFile {
	status := r.statusAt(now)
	ef := generated.ExportFile{
		Id:       r.id,
		ExportId: r.export.ID,
		Href:     fmt.Sprintf("/api/v1/exports/%d/export_files/%d", r.export.ID, r.id),
		Status:   spell(status, s.spelling),
	}
	if withURL && hasFile(status) {
		ef.DownloadUrl = ptr(s.downloadURL(r, now.Add(s.urlLifetime)))
	}
	return ef
}

// downloadURL is a pre-signed store URL of the run's file.
func (s *Server) downloadURL(r *run, expires time.Time) string {
	return s.signer.sign(s.storeURL, r.objectKey, expires,
		contentDisposition(r.export.FileName), string(r.export.MimeType))
}
