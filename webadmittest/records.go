package webadmittest

import (
	"fmt"
	"maps"
	"sync"

	"github.com/webadmit-go/webadmit/generated"
)

// directory holds the programs, decisions and what the API changes in
// them: decisions of designations, custom field answers and applicant
// details. Its methods are safe for concurrent use; the v2 batch jobs apply
// their changes through it.
type directory struct {
	mu           sync.Mutex
	decisions    []Decision
	decisionByID map[int]Decision
	programs     []*programState
	byID         map[int64]*programState
}

// programState is a program and the current state of its applicants.
type programState struct {
	Program
	applicants map[string]*applicantState
}

// applicantState is an applicant's designation as the API has left it.
type applicantState struct {
	casID            string
	decisionID       int
	localStatus      *LocalStatus
	received         bool
	answers          map[int]any
	redirectEligible *bool
}

func newDirectory(programs []Program, decisions []Decision) *directory {
	d := &directory{decisions: decisions, decisionByID: map[int]Decision{}, byID: map[int64]*programState{}}
	for _, dec := range decisions {
		d.decisionByID[dec.ID] = dec
	}
	for _, p := range programs {
		ps := &programState{Program: p, applicants: map[string]*applicantState{}}
		for _, a := range p.Applicants {
			ps.applicants[a.CasID] = &applicantState{
				casID: a.CasID, decisionID: a.DecisionID, localStatus: a.LocalStatus,
				received: a.Received, answers: maps.Clone(a.Answers),
			}
		}
		d.programs = append(d.programs, ps)
		d.byID[p.ID] = ps
	}
	return d
}

// Messages of the documented 404s.
func programNotFound(id int64) string     { return fmt.Sprintf("Program '%d' not found.", id) }
func applicantNotFound(cas string) string { return fmt.Sprintf("Applicant '%s' not found.", cas) }

// customFieldNotFound keeps the server's spelling, "CustomeField".
func customFieldNotFound(id int) string { return fmt.Sprintf("CustomeField '%d' not found.", id) }

func notFound(msg string) generated.NotFoundJSONResponse {
	return generated.NotFoundJSONResponse{Body: generated.ErrorMessage{Message: msg}}
}

// program returns the identity's program, or the 404 message to answer.
// Call with d.mu held.
func (d *directory) program(identityID int, programID int64) (*programState, string) {
	p := d.byID[programID]
	if p == nil || p.IdentityID != identityID {
		return nil, programNotFound(programID)
	}
	return p, ""
}

// applicant returns the program's applicant, or the 404 message to answer.
// Call with d.mu held.
func (d *directory) applicant(identityID int, programID int64, casID string) (*programState, *applicantState, string) {
	p, msg := d.program(identityID, programID)
	if p == nil {
		return nil, nil, msg
	}
	a := p.applicants[casID]
	if a == nil {
		return nil, nil, applicantNotFound(casID)
	}
	return p, a, ""
}

// decisionModel is a decision by id, named "Unknown" when no such decision
// is configured (as the batch results of the docs show).
func (d *directory) decisionModel(id int) generated.Decision {
	if dec, ok := d.decisionByID[id]; ok {
		return generated.Decision{Id: dec.ID, Name: dec.Name}
	}
	return generated.Decision{Id: id, Name: "Unknown"}
}

// setDecision records a decision for an applicant, or says why it cannot:
// the designation has a local status, or the application is Received.
// Call with d.mu held.
func (d *directory) setDecision(a *applicantState, decisionID *int) (key, msg string) {
	switch {
	case a.received:
		return "schema", "Cannot update a decision code for an applicant with that application status."
	case a.localStatus != nil:
		return "decision_id", "Can't set the decision_id when the local_status is not null"
	}
	if decisionID == nil {
		a.decisionID = 0
		return "", ""
	}
	if _, ok := d.decisionByID[*decisionID]; !ok {
		return "schema", fmt.Sprintf("Decision '%d' not found.", *decisionID)
	}
	a.decisionID = *decisionID
	return "", ""
}

// designationModel describes an applicant's designation to a program.
func (d *directory) designationModel(identityID int, p *programState, a *applicantState) generated.Designation {
	des := generated.Designation{
		Href:          ptr(fmt.Sprintf("/api/v1/user_identities/%d/programs/%d/applicants_by_cas_id/%s/designation", identityID, p.ID, a.casID)),
		DecisionsHref: ptr(fmt.Sprintf("/api/v1/user_identities/%d/decisions", identityID)),
	}
	if a.decisionID != 0 {
		dec := d.decisionModel(a.decisionID)
		des.Decision = &dec
	}
	if a.localStatus != nil {
		des.LocalStatus = &generated.LocalStatus{Id: a.localStatus.ID, Title: a.localStatus.Title}
	}
	return des
}
