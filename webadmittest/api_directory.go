package webadmittest

import (
	"context"
	"fmt"
	"slices"

	"github.com/webadmit-go/webadmit/generated"
)

// The operations on organizations, programs, decisions, custom fields,
// answers, designations, applicant details and social security numbers.

func (a *api) ListOrganizations(_ context.Context, req generated.ListOrganizationsRequestObject) (generated.ListOrganizationsResponseObject, error) {
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.ListOrganizations404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	list := []generated.Organization{}
	seen := map[int64]bool{}
	for _, p := range a.s.dir.programs {
		o := p.Organization
		if p.IdentityID != req.UserIdentityId || seen[o.ID] {
			continue
		}
		seen[o.ID] = true
		list = append(list, generated.Organization{
			Id: o.ID, Name: o.Name, CycleName: optional(o.CycleName), AssociationName: optional(o.AssociationName),
			Cas3: o.CAS3, ConfigPortalIdentifier: o.ConfigPortalIdentifier,
		})
	}
	return generated.ListOrganizations200JSONResponse{Body: generated.OrganizationList{
		Href:          ptr(fmt.Sprintf("/api/v1/user_identities/%d/organizations", req.UserIdentityId)),
		Organizations: &list,
	}}, nil
}

func (a *api) ListPrograms(_ context.Context, req generated.ListProgramsRequestObject) (generated.ListProgramsResponseObject, error) {
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.ListPrograms404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	list := []generated.Program{}
	for _, p := range a.s.dir.programs {
		if p.IdentityID == req.UserIdentityId {
			list = append(list, generated.Program{Id: p.ID, Name: p.Name, OrganizationName: optional(p.Organization.Name)})
		}
	}
	return generated.ListPrograms200JSONResponse{Body: generated.ProgramList{
		Href:     ptr(fmt.Sprintf("/api/v1/user_identities/%d/programs", req.UserIdentityId)),
		Programs: &list,
	}}, nil
}

func (a *api) ListDecisions(_ context.Context, req generated.ListDecisionsRequestObject) (generated.ListDecisionsResponseObject, error) {
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.ListDecisions404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	list := make([]generated.Decision, 0, len(a.s.dir.decisions))
	for _, d := range a.s.dir.decisions {
		list = append(list, generated.Decision{Id: d.ID, Name: d.Name})
	}
	return generated.ListDecisions200JSONResponse{Body: generated.DecisionList{
		Href:      ptr(fmt.Sprintf("/api/v1/user_identities/%d/decisions", req.UserIdentityId)),
		Decisions: &list,
	}}, nil
}

func (a *api) ListCustomFields(_ context.Context, req generated.ListCustomFieldsRequestObject) (generated.ListCustomFieldsResponseObject, error) {
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.ListCustomFields404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	d := a.s.dir
	d.mu.Lock()
	p, msg := d.program(req.UserIdentityId, req.ProgramId)
	d.mu.Unlock()
	if p == nil {
		return generated.ListCustomFields404JSONResponse{NotFoundJSONResponse: notFound(msg)}, nil
	}
	list := make([]generated.CustomField, 0, len(p.CustomFields))
	for _, f := range p.CustomFields {
		cf := generated.CustomField{Id: f.ID, Label: f.Label, FieldType: f.Type}
		if f.Type == generated.CustomFieldTypeSelect {
			cf.Options = ptr(slices.Clone(f.Options))
		}
		list = append(list, cf)
	}
	return generated.ListCustomFields200JSONResponse{Body: generated.CustomFieldList{
		Href:         ptr(fmt.Sprintf("/api/v1/user_identities/%d/programs/%d/custom_fields", req.UserIdentityId, req.ProgramId)),
		CustomFields: &list,
	}}, nil
}

// answerLookup finds an applicant's answer to a field, in the order the
// 404s are documented: identity, program, applicant, custom field. It
// returns the 404 message when one is missing. Call with dir.mu held.
func (s *Server) answerLookup(identityID int, programID int64, casID string, fieldID int) (*applicantState, *CustomField, string) {
	if s.identityByID[identityID] == nil {
		return nil, nil, fmt.Sprintf("User identity '%d' not found.", identityID)
	}
	p, app, msg := s.dir.applicant(identityID, programID, casID)
	if p == nil {
		return nil, nil, msg
	}
	f := fieldByID(p.CustomFields, fieldID)
	if f == nil {
		return nil, nil, customFieldNotFound(fieldID)
	}
	return app, f, ""
}

func (a *api) GetCustomFieldAnswer(_ context.Context, req generated.GetCustomFieldAnswerRequestObject) (generated.GetCustomFieldAnswerResponseObject, error) {
	a.s.jobs.settle()
	d := a.s.dir
	d.mu.Lock()
	defer d.mu.Unlock()
	app, f, msg := a.s.answerLookup(req.UserIdentityId, req.ProgramId, req.ApplicantCasId, req.CustomFieldId)
	if msg != "" {
		return generated.GetCustomFieldAnswer404JSONResponse{NotFoundJSONResponse: notFound(msg)}, nil
	}
	body, err := answerResult(req.UserIdentityId, req.ProgramId, req.ApplicantCasId, f, app.answers[f.ID])
	if err != nil {
		return nil, err
	}
	return generated.GetCustomFieldAnswer200JSONResponse{CustomFieldAnswerResultJSONResponse: body}, nil
}

func (a *api) StoreCustomFieldAnswer(_ context.Context, req generated.StoreCustomFieldAnswerRequestObject) (generated.StoreCustomFieldAnswerResponseObject, error) {
	a.s.jobs.settle()
	fieldType, value, err := inputAnswer(req.Body.CustomFieldAnswer)
	if err != nil {
		return generated.StoreCustomFieldAnswer422JSONResponse{Body: validationErrors("schema", err.Error())}, nil
	}
	d := a.s.dir
	d.mu.Lock()
	defer d.mu.Unlock()
	app, f, msg := a.s.answerLookup(req.UserIdentityId, req.ProgramId, req.ApplicantCasId, req.CustomFieldId)
	if msg != "" {
		return generated.StoreCustomFieldAnswer404JSONResponse{NotFoundJSONResponse: notFound(msg)}, nil
	}
	if key, msg := checkAnswer(f, fieldType, value); msg != "" {
		return generated.StoreCustomFieldAnswer422JSONResponse{Body: validationErrors(key, msg)}, nil
	}
	storeAnswer(app, f.ID, value)
	body, err := answerResult(req.UserIdentityId, req.ProgramId, req.ApplicantCasId, f, value)
	if err != nil {
		return nil, err
	}
	return generated.StoreCustomFieldAnswer200JSONResponse{CustomFieldAnswerResultJSONResponse: body}, nil
}

func (a *api) ClearCustomFieldAnswer(_ context.Context, req generated.ClearCustomFieldAnswerRequestObject) (generated.ClearCustomFieldAnswerResponseObject, error) {
	a.s.jobs.settle()
	d := a.s.dir
	d.mu.Lock()
	defer d.mu.Unlock()
	app, f, msg := a.s.answerLookup(req.UserIdentityId, req.ProgramId, req.ApplicantCasId, req.CustomFieldId)
	if msg != "" {
		return generated.ClearCustomFieldAnswer404JSONResponse{NotFoundJSONResponse: notFound(msg)}, nil
	}
	storeAnswer(app, f.ID, nil)
	body, err := answerResult(req.UserIdentityId, req.ProgramId, req.ApplicantCasId, f, nil)
	if err != nil {
		return nil, err
	}
	return generated.ClearCustomFieldAnswer200JSONResponse{CustomFieldAnswerResultJSONResponse: body}, nil
}

// answerResult is the body of a custom field answer operation's 200:
// the answer of field f, with value, at its documented href.
func answerResult(identityID int, programID int64, casID string, f *CustomField, value any) (generated.CustomFieldAnswerResultJSONResponse, error) {
	model, err := answerModel(answerHref(identityID, programID, casID, f.ID), f, value)
	if err != nil {
		return generated.CustomFieldAnswerResultJSONResponse{}, err
	}
	return generated.CustomFieldAnswerResultJSONResponse{Body: generated.CustomFieldAnswerEnvelope{CustomFieldAnswer: model}}, nil
}

// storeAnswer records an answer; nil clears it (the service keeps a
// cleared answer, which reads back as null). Call with dir.mu held.
func storeAnswer(app *applicantState, fieldID int, value any) {
	if app.answers == nil {
		app.answers = map[int]any{}
	}
	if value == nil {
		delete(app.answers, fieldID)
		return
	}
	app.answers[fieldID] = normalizeValue(value)
}

// validationErrors is a 422 body with one message under key.
func validationErrors(key, msg string) generated.ValidationErrors {
	return generated.ValidationErrors{Errors: map[string][]string{key: {msg}}}
}

func (a *api) GetDesignation(_ context.Context, req generated.GetDesignationRequestObject) (generated.GetDesignationResponseObject, error) {
	a.s.jobs.settle()
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.GetDesignation404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	d := a.s.dir
	d.mu.Lock()
	defer d.mu.Unlock()
	p, app, msg := d.applicant(req.UserIdentityId, req.ProgramId, req.ApplicantCasId)
	if msg != "" {
		return generated.GetDesignation404JSONResponse{NotFoundJSONResponse: notFound(msg)}, nil
	}
	return generated.GetDesignation200JSONResponse{Body: generated.DesignationEnvelope{
		Designation: d.designationModel(req.UserIdentityId, p, app),
	}}, nil
}

// UpdateDesignation answers as the docs show: unknown identities and
// programs are 404s, but an unknown applicant or decision, and a decision
// the designation's state refuses, are 422 errors.
func (a *api) UpdateDesignation(_ context.Context, req generated.UpdateDesignationRequestObject) (generated.UpdateDesignationResponseObject, error) {
	a.s.jobs.settle()
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.UpdateDesignation404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	d := a.s.dir
	d.mu.Lock()
	defer d.mu.Unlock()
	p, msg := d.program(req.UserIdentityId, req.ProgramId)
	if p == nil {
		return generated.UpdateDesignation404JSONResponse{NotFoundJSONResponse: notFound(msg)}, nil
	}
	app := p.applicants[req.ApplicantCasId]
	if app == nil {
		return generated.UpdateDesignation422JSONResponse{Body: validationErrors("schema", applicantNotFound(req.ApplicantCasId))}, nil
	}
	if key, msg := d.setDecision(app, req.Body.Designation.DecisionId); msg != "" {
		return generated.UpdateDesignation422JSONResponse{Body: validationErrors(key, msg)}, nil
	}
	return generated.UpdateDesignation200JSONResponse{Body: d.designationModel(req.UserIdentityId, p, app)}, nil
}

// UpdateApplicantDetails stores redirect_eligible for applicants of the
// identity's programs; a CAS ID none of them has answers the documented
// "Applicant '…' not found." and changes nothing.
func (a *api) UpdateApplicantDetails(_ context.Context, req generated.UpdateApplicantDetailsRequestObject) (generated.UpdateApplicantDetailsResponseObject, error) {
	if a.s.identityByID[req.UserIdentityId] == nil {
		return generated.UpdateApplicantDetails404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	d := a.s.dir
	d.mu.Lock()
	defer d.mu.Unlock()
	found := func(cas string) []*applicantState {
		var out []*applicantState
		for _, p := range d.programs {
			if app := p.applicants[cas]; app != nil && p.IdentityID == req.UserIdentityId {
				out = append(out, app)
			}
		}
		return out
	}
	for _, u := range req.Body.Applicants {
		if len(found(u.ApplicantCasId)) == 0 {
			return generated.UpdateApplicantDetails404JSONResponse{NotFoundJSONResponse: notFound(applicantNotFound(u.ApplicantCasId))}, nil
		}
	}
	for _, u := range req.Body.Applicants {
		if u.RedirectEligible == nil {
			continue
		}
		for _, app := range found(u.ApplicantCasId) {
			app.redirectEligible = ptr(*u.RedirectEligible)
		}
	}
	return generated.UpdateApplicantDetails200JSONResponse{Body: generated.UpdateApplicantDetailsResult{}}, nil
}

// GetSocialSecurityNumbers serves the identity's document: 403 "No
// organization loaded." for an identity without an organization, 403
// "Feature not available." for one without a document.
func (a *api) GetSocialSecurityNumbers(_ context.Context, req generated.GetSocialSecurityNumbersRequestObject) (generated.GetSocialSecurityNumbersResponseObject, error) {
	id := a.s.identityByID[req.UserIdentityId]
	if id == nil {
		return generated.GetSocialSecurityNumbers404JSONResponse{NotFoundJSONResponse: identityNotFound(req.UserIdentityId)}, nil
	}
	forbidden := func(msg string) generated.GetSocialSecurityNumbersResponseObject {
		return generated.GetSocialSecurityNumbers403JSONResponse{ForbiddenJSONResponse: generated.ForbiddenJSONResponse{
			Body: generated.ErrorMessage{Message: msg}}}
	}
	if id.Organization == "" {
		return forbidden("No organization loaded."), nil
	}
	doc, ok := a.s.ssnDocuments[id.ID]
	if !ok {
		return forbidden("Feature not available."), nil
	}
	return generated.GetSocialSecurityNumbers200TextResponse{Body: doc}, nil
}
