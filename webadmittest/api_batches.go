package webadmittest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// The v2 batch operations: create a batch of designation decisions or of
// custom field answers, then read it by id until it has run.

// batchProgram checks the identity and program of a v2 batch request and
// returns the 404 to answer, or "".
func (s *Server) batchProgram(identityID int, programID int64) string {
	if s.identityByID[identityID] == nil {
		return fmt.Sprintf("User identity '%d' not found.", identityID)
	}
	s.dir.mu.Lock()
	defer s.dir.mu.Unlock()
	if p, msg := s.dir.program(identityID, programID); p == nil {
		return msg
	}
	return ""
}

// batchJob returns a v2 batch of the given kind under the identity and
// program, or nil.
func (s *Server) batchJob(identityID int, programID int64, id int, designations bool) *job {
	j := s.jobs.get(id)
	if j == nil || j.identityID != identityID || j.programID != programID || (j.designations != nil) != designations {
		return nil
	}
	return j
}

func (s *Server) designationBatchModel(j *job, now time.Time) generated.DesignationBatchEnvelope {
	status := s.jobs.status(j, now)
	b := generated.DesignationBatch{Id: j.id, Status: status}
	s.jobs.mu.Lock()
	if j.applied {
		b.Results = ptr(slices.Clone(j.designationResults))
	}
	s.jobs.mu.Unlock()
	return generated.DesignationBatchEnvelope{
		Href:  fmt.Sprintf("/api/v2/user_identities/%d/programs/%d/batch_designations/%d", j.identityID, j.programID, j.id),
		Batch: b,
	}
}

func (s *Server) answerBatchModel(j *job, now time.Time) generated.CustomFieldAnswerBatchEnvelope {
	status := s.jobs.status(j, now)
	b := generated.CustomFieldAnswerBatch{Id: j.id, Status: status}
	s.jobs.mu.Lock()
	if j.applied {
		b.Results = ptr(slices.Clone(j.answerResults))
	}
	s.jobs.mu.Unlock()
	return generated.CustomFieldAnswerBatchEnvelope{
		Href:  fmt.Sprintf("/api/v2/user_identities/%d/programs/%d/batch_custom_field_answers/%d", j.identityID, j.programID, j.id),
		Batch: b,
	}
}

func (a *api) CreateDesignationBatch(_ context.Context, req generated.CreateDesignationBatchRequestObject) (generated.CreateDesignationBatchResponseObject, error) {
	if msg := a.s.batchProgram(req.UserIdentityId, req.ProgramId); msg != "" {
		return generated.CreateDesignationBatch404JSONResponse{NotFoundJSONResponse: notFound(msg)}, nil
	}
	items := append([]generated.DesignationBatchItem{}, req.Body.Designations...) // non-nil marks the kind
	now := time.Now()
	j := a.s.jobs.add(&job{identityID: req.UserIdentityId, programID: req.ProgramId, started: now, designations: items})
	return generated.CreateDesignationBatch201JSONResponse{Body: a.s.designationBatchModel(j, now)}, nil
}

func (a *api) GetDesignationBatch(_ context.Context, req generated.GetDesignationBatchRequestObject) (generated.GetDesignationBatchResponseObject, error) {
	if msg := a.s.batchProgram(req.UserIdentityId, req.ProgramId); msg != "" {
		return generated.GetDesignationBatch404JSONResponse{NotFoundJSONResponse: notFound(msg)}, nil
	}
	j := a.s.batchJob(req.UserIdentityId, req.ProgramId, req.Id, true)
	if j == nil {
		return generated.GetDesignationBatch404JSONResponse{NotFoundJSONResponse: legacyNotFound()}, nil
	}
	return generated.GetDesignationBatch200JSONResponse{Body: a.s.designationBatchModel(j, time.Now())}, nil
}

func (a *api) CreateCustomFieldAnswerBatch(_ context.Context, req generated.CreateCustomFieldAnswerBatchRequestObject) (generated.CreateCustomFieldAnswerBatchResponseObject, error) {
	if msg := a.s.batchProgram(req.UserIdentityId, req.ProgramId); msg != "" {
		return generated.CreateCustomFieldAnswerBatch404JSONResponse{NotFoundJSONResponse: notFound(msg)}, nil
	}
	items := append([]generated.CustomFieldAnswerBatchItem{}, req.Body.CustomFieldAnswers...)
	now := time.Now()
	j := a.s.jobs.add(&job{identityID: req.UserIdentityId, programID: req.ProgramId, started: now, answers: items})
	return generated.CreateCustomFieldAnswerBatch201JSONResponse{Body: a.s.answerBatchModel(j, now)}, nil
}

func (a *api) GetCustomFieldAnswerBatch(_ context.Context, req generated.GetCustomFieldAnswerBatchRequestObject) (generated.GetCustomFieldAnswerBatchResponseObject, error) {
	if msg := a.s.batchProgram(req.UserIdentityId, req.ProgramId); msg != "" {
		return generated.GetCustomFieldAnswerBatch404JSONResponse{NotFoundJSONResponse: notFound(msg)}, nil
	}
	j := a.s.batchJob(req.UserIdentityId, req.ProgramId, req.Id, false)
	if j == nil {
		return generated.GetCustomFieldAnswerBatch404JSONResponse{NotFoundJSONResponse: legacyNotFound()}, nil
	}
	return generated.GetCustomFieldAnswerBatch200JSONResponse{Body: a.s.answerBatchModel(j, time.Now())}, nil
}
