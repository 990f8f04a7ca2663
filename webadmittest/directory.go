package webadmittest

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/webadmit-go/webadmit/generated"
)

// Program is one program of an identity: the organization that runs it,
// its custom fields and the applicants designated to it.
type Program struct {
	// ID is the program's id (> 0, unique); real ids exceed 32 bits.
	ID int64
	// IdentityID is the id of the identity that sees the program.
	IdentityID int
	// Name, e.g. "MPH Epidemiology"; empty means "Program <id>".
	Name string
	// Organization runs the program; listOrganizations lists the
	// organizations of an identity's programs.
	Organization Organization
	// CustomFields are the program's custom fields.
	CustomFields []CustomField
	// Applicants are the applicants designated to the program.
	Applicants []Applicant
}

// Organization is what listOrganizations reports about a program's
// organization. Empty strings are sent as null.
type Organization struct {
	// ID of the organization (> 0).
	ID int64
	// Name of the organization.
	Name string
	// CycleName, e.g. "2014 - 2015"; must match `^\d{4} - \d{4}$` when set.
	CycleName string
	// AssociationName, e.g. "SOPHAS".
	AssociationName string
	// CAS3 reports whether the organization runs on CAS3.
	CAS3 bool
	// ConfigPortalIdentifier, e.g. "2235".
	ConfigPortalIdentifier string
}

// CustomField is a question of a program; its answers are stored per
// applicant.
type CustomField struct {
	// ID of the field (> 0, unique within the program).
	ID int
	// Label, e.g. "Preferred campus".
	Label string
	// Type of answer the field takes.
	Type generated.CustomFieldType
	// Options are the allowed values of a select field (required for one,
	// not allowed for the other types).
	Options []string
}

// Applicant is an applicant's designation to a program, with its decision,
// local status and custom field answers.
type Applicant struct {
	// CasID is the applicant's CAS ID (digits).
	CasID string
	// DecisionID is the decision recorded (a configured [Decision]); 0 for none.
	DecisionID int
	// LocalStatus is the program's local status, or nil. A designation with
	// one refuses a new decision, as the real service does unless Liaison
	// turns on "Disassociate Decision Codes from Local Status".
	LocalStatus *LocalStatus
	// Received marks an application in Received status with preliminary
	// data handling on: its decision cannot change.
	Received bool
	// Answers holds the custom field answers by field id: a bool, a
	// float64 or a string (YYYY-MM-DD for a date field); a field without
	// an entry has no answer.
	Answers map[int]any
}

// LocalStatus is a step of a program's own workflow.
type LocalStatus struct {
	ID    int
	Title string
}

// Decision is a decision programs can record; listDecisions lists them for
// every identity.
type Decision struct {
	ID   int
	Name string
}

var digits = regexp.MustCompile(`^\d+$`)

// normalizePrograms checks programs against the identities and decisions
// and fills in defaults. It copies what it keeps, so callers may reuse
// their values.
func normalizePrograms(in []Program, identities []Identity, decisions []Decision) ([]Program, error) {
	known := map[int]bool{}
	for _, id := range identities {
		known[id.ID] = true
	}
	decided := map[int]bool{}
	for _, d := range decisions {
		decided[d.ID] = true
	}
	out := make([]Program, 0, len(in))
	seen := map[int64]bool{}
	for _, p := range in {
		if p.ID <= 0 || seen[p.ID] {
			return nil, fmt.Errorf("webadmittest: program id %d: ids must be positive and unique", p.ID)
		}
		seen[p.ID] = true
		if !known[p.IdentityID] {
			return nil, fmt.Errorf("webadmittest: program %d belongs to identity %d, which is not configured", p.ID, p.IdentityID)
		}
		if p.Name == "" {
			p.Name = fmt.Sprintf("Program %d", p.ID)
		}
		if p.Organization.ID <= 0 {
			return nil, fmt.Errorf("webadmittest: program %d: its organization needs a positive id", p.ID)
		}
		if c := p.Organization.CycleName; c != "" && !cyclePattern.MatchString(c) {
			return nil, fmt.Errorf("webadmittest: program %d: cycle %q does not look like \"2014 - 2015\"", p.ID, c)
		}
		fields, err := normalizeFields(p.ID, p.CustomFields)
		if err != nil {
			return nil, err
		}
		p.CustomFields = fields
		applicants := make([]Applicant, 0, len(p.Applicants))
		cas := map[string]bool{}
		for _, a := range p.Applicants {
			if !digits.MatchString(a.CasID) || cas[a.CasID] {
				return nil, fmt.Errorf("webadmittest: program %d: CAS ID %q must be digits and unique", p.ID, a.CasID)
			}
			cas[a.CasID] = true
			if a.DecisionID != 0 && !decided[a.DecisionID] {
				return nil, fmt.Errorf("webadmittest: program %d, applicant %s: decision %d is not configured", p.ID, a.CasID, a.DecisionID)
			}
			answers := make(map[int]any, len(a.Answers))
			for id, v := range a.Answers {
				f := fieldByID(fields, id)
				if f == nil {
					return nil, fmt.Errorf("webadmittest: program %d, applicant %s: no custom field %d", p.ID, a.CasID, id)
				}
				if _, msg := checkAnswer(f, f.Type, v); msg != "" {
					return nil, fmt.Errorf("webadmittest: program %d, applicant %s, field %d: %s", p.ID, a.CasID, id, msg)
				}
				answers[id] = v
			}
			a.Answers = answers
			if a.LocalStatus != nil {
				ls := *a.LocalStatus
				a.LocalStatus = &ls
			}
			applicants = append(applicants, a)
		}
		p.Applicants = applicants
		out = append(out, p)
	}
	return out, nil
}

func normalizeFields(programID int64, in []CustomField) ([]CustomField, error) {
	out := make([]CustomField, 0, len(in))
	for _, f := range in {
		if f.ID <= 0 || fieldByID(out, f.ID) != nil {
			return nil, fmt.Errorf("webadmittest: program %d: custom field id %d must be positive and unique", programID, f.ID)
		}
		if !f.Type.Valid() {
			return nil, fmt.Errorf("webadmittest: program %d, field %d: type %q is not in the spec", programID, f.ID, f.Type)
		}
		if (f.Type == generated.CustomFieldTypeSelect) != (len(f.Options) > 0) {
			return nil, fmt.Errorf("webadmittest: program %d, field %d: select fields, and only they, have options", programID, f.ID)
		}
		if f.Label == "" {
			f.Label = fmt.Sprintf("Field %d", f.ID)
		}
		f.Options = slices.Clone(f.Options)
		out = append(out, f)
	}
	return out, nil
}

func fieldByID(fields []CustomField, id int) *CustomField {
	for i := range fields {
		if fields[i].ID == id {
			return &fields[i]
		}
	}
	return nil
}

// normalizeDecisions checks decision ids.
func normalizeDecisions(in []Decision) ([]Decision, error) {
	out := make([]Decision, 0, len(in))
	seen := map[int]bool{}
	for _, d := range in {
		if d.ID <= 0 || seen[d.ID] {
			return nil, fmt.Errorf("webadmittest: decision id %d must be positive and unique", d.ID)
		}
		seen[d.ID] = true
		if d.Name == "" {
			d.Name = fmt.Sprintf("Decision %d", d.ID)
		}
		out = append(out, d)
	}
	return out, nil
}
