package webadmittest_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

const (
	epi    = webadmittest.DemoProgramEpidemiology
	global = webadmittest.DemoProgramGlobalHealth
)

func TestDirectoryLists(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t)
	c := newClient(t, srv)
	ctx := context.Background()

	orgs, err := c.ListOrganizationsWithResponse(ctx, 42)
	if err != nil || orgs.JSON200 == nil {
		t.Fatalf("listOrganizations: %v %s", err, orgs.Body)
	}
	wantOrg := generated.Organization{Id: webadmittest.DemoOrganizationID, Name: "Demo University School of Public Health",
		CycleName: ptr("2014 - 2015"), AssociationName: ptr("SOPHAS"), Cas3: true, ConfigPortalIdentifier: "2235"}
	if got := *orgs.JSON200.Organizations; len(got) != 1 || !reflect.DeepEqual(got[0], wantOrg) {
		t.Errorf("organizations = %+v, want one: %+v (both programs share it)", got, wantOrg)
	}

	progs, err := c.ListProgramsWithResponse(ctx, 42)
	if err != nil || progs.JSON200 == nil {
		t.Fatalf("listPrograms: %v %s", err, progs.Body)
	}
	var names []string
	for _, p := range *progs.JSON200.Programs {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"MPH Epidemiology", "MPH Global Health"}) || (*progs.JSON200.Programs)[0].Id != epi {
		t.Errorf("programs = %+v", *progs.JSON200.Programs)
	}
	if other, _ := c.ListProgramsWithResponse(ctx, 43); other.JSON200 == nil || len(*other.JSON200.Programs) != 0 {
		t.Errorf("identity 43 programs = %s, want none", other.Body)
	}

	decs, err := c.ListDecisionsWithResponse(ctx, 43)
	if err != nil || decs.JSON200 == nil {
		t.Fatalf("listDecisions: %v %s", err, decs.Body)
	}
	if n := len(*decs.JSON200.Decisions); n != 4 || *decs.JSON200.Href != "/api/v1/user_identities/43/decisions" {
		t.Errorf("decisions = %s", decs.Body)
	}

	fields, err := c.ListCustomFieldsWithResponse(ctx, 42, epi)
	if err != nil || fields.JSON200 == nil {
		t.Fatalf("listCustomFields: %v %s", err, fields.Body)
	}
	var types []generated.CustomFieldType
	for _, f := range *fields.JSON200.CustomFields {
		types = append(types, f.FieldType)
		if (f.FieldType == generated.CustomFieldTypeSelect) != (f.Options != nil) {
			t.Errorf("field %d (%s) options = %v: only select fields have options, the others null", f.Id, f.FieldType, f.Options)
		}
	}
	if !slices.Equal(types, []generated.CustomFieldType{"boolean", "number", "date", "string", "select"}) {
		t.Errorf("field types = %v", types)
	}
	if !strings.Contains(string(fields.Body), `"options":null`) {
		t.Errorf("options of non-select fields must be sent as null: %s", fields.Body)
	}
}

func TestDirectoryNotFound(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t)
	c := newClient(t, srv)
	ctx := context.Background()
	tests := []struct {
		name string
		call func() (int, []byte, error)
		want string
	}{
		{"programs of an unknown identity", func() (int, []byte, error) {
			r, err := c.ListProgramsWithResponse(ctx, 999)
			return code(r, err)
		}, "User identity '999' not found."},
		{"fields of another identity's program", func() (int, []byte, error) {
			r, err := c.ListCustomFieldsWithResponse(ctx, 43, epi)
			return code(r, err)
		}, "Program '42023191739237' not found."},
		{"answer of an unknown applicant", func() (int, []byte, error) {
			r, err := c.GetCustomFieldAnswerWithResponse(ctx, 42, epi, "99999999999", webadmittest.DemoFieldCampus)
			return code(r, err)
		}, "Applicant '99999999999' not found."},
		{"answer to an unknown field (the server's spelling)", func() (int, []byte, error) {
			r, err := c.GetCustomFieldAnswerWithResponse(ctx, 42, epi, "1000001", 99)
			return code(r, err)
		}, "CustomeField '99' not found."},
		{"designation in an unknown program", func() (int, []byte, error) {
			r, err := c.GetDesignationWithResponse(ctx, 42, 99999999999, "1000001")
			return code(r, err)
		}, "Program '99999999999' not found."},
		{"details of an unknown applicant", func() (int, []byte, error) {
			r, err := c.UpdateApplicantDetailsWithResponse(ctx, 42, generated.UpdateApplicantDetailsRequest{
				Applicants: []generated.ApplicantDetailsUpdate{{ApplicantCasId: "123"}}})
			return code(r, err)
		}, "Applicant '123' not found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, err := tt.call()
			if err != nil || status != 404 || !strings.Contains(string(body), `"message":"`+tt.want+`"`) {
				t.Errorf("got %d %s (%v), want 404 %q", status, body, err, tt.want)
			}
		})
	}
}

// code returns the status and body of a generated response.
func code[R interface {
	StatusCode() int
	GetBody() []byte
}](r R, err error) (int, []byte, error) {
	if err != nil {
		return 0, nil, err
	}
	return r.StatusCode(), r.GetBody(), nil
}

func ptr[T any](v T) *T { return &v }

// answer reads an applicant's answer through ValueByDiscriminator.
func answer(t *testing.T, c *generated.ClientWithResponses, cas string, field int) any {
	t.Helper()
	r, err := c.GetCustomFieldAnswerWithResponse(context.Background(), 42, epi, cas, field)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("getCustomFieldAnswer %s/%d: %v %s", cas, field, err, r.Body)
	}
	v, err := r.JSON200.CustomFieldAnswer.ValueByDiscriminator()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCustomFieldAnswers(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t)
	c := newClient(t, srv)
	ctx := context.Background()
	href := func(field int) string {
		return "/api/v1/user_identities/42/programs/42023191739237/applicants_by_cas_id/1000002/custom_field_answers/" + itoa(field)
	}
	tests := []struct {
		field   int
		from    func(*generated.CustomFieldAnswerInput) error
		want    any // after the PUT
		cleared any // after the DELETE
	}{
		{webadmittest.DemoFieldScholarship,
			func(in *generated.CustomFieldAnswerInput) error {
				return in.FromBooleanAnswerInput(generated.BooleanAnswerInput{Value: ptr(false)})
			},
			generated.BooleanAnswer{Href: href(1), CustomFieldId: 1, Label: "Scholarship offered?", FieldType: "boolean", Value: ptr(false)},
			generated.BooleanAnswer{Href: href(1), CustomFieldId: 1, Label: "Scholarship offered?", FieldType: "boolean"}},
		{webadmittest.DemoFieldAgeAtAdmittance,
			func(in *generated.CustomFieldAnswerInput) error {
				return in.FromNumberAnswerInput(generated.NumberAnswerInput{Value: ptr(31.5)})
			},
			generated.NumberAnswer{Href: href(2), CustomFieldId: 2, Label: "Age at admittance", FieldType: "number", Value: ptr(31.5)},
			generated.NumberAnswer{Href: href(2), CustomFieldId: 2, Label: "Age at admittance", FieldType: "number"}},
		{webadmittest.DemoFieldLetterMailedOn,
			func(in *generated.CustomFieldAnswerInput) error {
				return in.FromDateAnswerInput(generated.DateAnswerInput{Value: ptr("2016-02-29")})
			},
			generated.DateAnswer{Href: href(3), CustomFieldId: 3, Label: "Acceptance letter mailed on", FieldType: "date", Value: ptr("2016-02-29")},
			generated.DateAnswer{Href: href(3), CustomFieldId: 3, Label: "Acceptance letter mailed on", FieldType: "date"}},
		{webadmittest.DemoFieldUniversityID,
			func(in *generated.CustomFieldAnswerInput) error {
				return in.FromStringAnswerInput(generated.StringAnswerInput{Value: ptr("U-7")})
			},
			generated.StringAnswer{Href: href(4), CustomFieldId: 4, Label: "University ID", FieldType: "string", Value: ptr("U-7")},
			generated.StringAnswer{Href: href(4), CustomFieldId: 4, Label: "University ID", FieldType: "string"}},
		{webadmittest.DemoFieldCampus,
			func(in *generated.CustomFieldAnswerInput) error {
				return in.FromSelectAnswerInput(generated.SelectAnswerInput{Value: ptr("Remote")})
			},
			generated.SelectAnswer{Href: href(5), CustomFieldId: 5, Label: "Preferred campus", FieldType: "select", Value: ptr("Remote")},
			generated.SelectAnswer{Href: href(5), CustomFieldId: 5, Label: "Preferred campus", FieldType: "select"}},
	}
	for _, tt := range tests {
		t.Run(string(reflect.TypeOf(tt.want).Name()), func(t *testing.T) {
			if got := answer(t, c, "1000002", tt.field); !reflect.DeepEqual(got, tt.cleared) {
				t.Errorf("before: %+v, want no value", got)
			}
			var in generated.CustomFieldAnswerInput
			if err := tt.from(&in); err != nil {
				t.Fatal(err)
			}
			put, err := c.StoreCustomFieldAnswerWithResponse(ctx, 42, epi, "1000002", tt.field,
				generated.StoreCustomFieldAnswerRequest{CustomFieldAnswer: in})
			if err != nil || put.JSON200 == nil {
				t.Fatalf("storeCustomFieldAnswer: %v %d %s", err, put.StatusCode(), put.Body)
			}
			if got, _ := put.JSON200.CustomFieldAnswer.ValueByDiscriminator(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("PUT answered %+v, want %+v", got, tt.want)
			}
			if got := answer(t, c, "1000002", tt.field); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("GET after PUT = %+v, want %+v", got, tt.want)
			}
			del, err := c.ClearCustomFieldAnswerWithResponse(ctx, 42, epi, "1000002", tt.field)
			if err != nil || del.JSON200 == nil {
				t.Fatalf("clearCustomFieldAnswer: %v %s", err, del.Body)
			}
			if !strings.Contains(string(del.Body), `"value":null`) {
				t.Errorf("a cleared answer must send value null: %s", del.Body)
			}
			if got := answer(t, c, "1000002", tt.field); !reflect.DeepEqual(got, tt.cleared) {
				t.Errorf("GET after DELETE = %+v, want %+v", got, tt.cleared)
			}
		})
	}
}

func TestCustomFieldAnswerRefusals(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t)
	c := newClient(t, srv)
	ctx := context.Background()
	tests := []struct {
		name  string
		field int
		body  string
		want  string // the 422 body
	}{
		{"not an option", webadmittest.DemoFieldCampus, `{"custom_field_answer":{"field_type":"select","value":"XYZ"}}`,
			`{"errors":{"value":["\"XYZ\" is not a valid option (expected \"Boston\", \"Denver\", or \"Remote\")"]}}`},
		{"type of another field", webadmittest.DemoFieldCampus, `{"custom_field_answer":{"field_type":"string","value":"Boston"}}`,
			`{"errors":{"field_type":["\"string\" does not match the custom field's type \"select\""]}}`},
		{"impossible date", webadmittest.DemoFieldLetterMailedOn, `{"custom_field_answer":{"field_type":"date","value":"2016-02-30"}}`,
			`{"errors":{"value":["\"2016-02-30\" is not an ISO 8601 date (YYYY-MM-DD)"]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := c.StoreCustomFieldAnswerWithBodyWithResponse(ctx, 42, epi, "1000001", tt.field, "application/json", strings.NewReader(tt.body))
			if err != nil || r.JSON422 == nil {
				t.Fatalf("%v %d %s", err, r.StatusCode(), r.Body)
			}
			if got := strings.TrimSpace(string(r.Body)); got != tt.want {
				t.Errorf("422 body = %s\nwant %s", got, tt.want)
			}
		})
	}
	// A body the spec refuses is a 422 with errors.schema, as the service
	// reports request schema mismatches.
	r, err := c.StoreCustomFieldAnswerWithBodyWithResponse(ctx, 42, epi, "1000001", webadmittest.DemoFieldLetterMailedOn,
		"application/json", strings.NewReader(`{"custom_field_answer":{"field_type":"date","value":"31/01/2016"}}`))
	if err != nil || r.JSON422 == nil || len(r.JSON422.Errors["schema"]) != 1 {
		t.Fatalf("a date out of pattern: %v %d %s", err, r.StatusCode(), r.Body)
	}
	// Nothing was stored.
	if got := answer(t, c, "1000001", webadmittest.DemoFieldCampus).(generated.SelectAnswer); *got.Value != "Boston" {
		t.Errorf("campus = %q after refused PUTs, want Boston", *got.Value)
	}
}

func TestDesignations(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t)
	c := newClient(t, srv)
	ctx := context.Background()
	get := func(cas string) generated.Designation {
		t.Helper()
		r, err := c.GetDesignationWithResponse(ctx, 42, epi, cas)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("getDesignation %s: %v %s", cas, err, r.Body)
		}
		return r.JSON200.Designation
	}
	d := get("1000003")
	if d.Decision == nil || d.Decision.Name != "Offer Accepted" || d.LocalStatus == nil || d.LocalStatus.Title != "Deposit Made" ||
		*d.Href != "/api/v1/user_identities/42/programs/42023191739237/applicants_by_cas_id/1000003/designation" {
		t.Errorf("designation of 1000003 = %+v", d)
	}
	if d := get("1000002"); d.Decision != nil || d.LocalStatus != nil {
		t.Errorf("designation of 1000002 = %+v, want no decision nor local status", d)
	}

	patch := func(cas string, decision *int) *generated.UpdateDesignationResponse {
		t.Helper()
		r, err := c.UpdateDesignationWithResponse(ctx, 42, epi, cas, generated.UpdateDesignationRequest{
			Designation: generated.DesignationUpdate{DecisionId: decision}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := patch("1000002", ptr(webadmittest.DemoDecisionMatriculated))
	if r.JSON200 == nil || r.JSON200.Decision == nil || r.JSON200.Decision.Name != "Matriculated" {
		t.Fatalf("PATCH 1000002: %d %s", r.StatusCode(), r.Body)
	}
	if strings.Contains(string(r.Body), `"designation"`) {
		t.Errorf("the PATCH answer is the bare designation, as the docs show: %s", r.Body)
	}
	if d := get("1000002"); d.Decision == nil || d.Decision.Id != webadmittest.DemoDecisionMatriculated {
		t.Errorf("GET after PATCH = %+v", d)
	}
	if r := patch("1000002", nil); r.JSON200 == nil || r.JSON200.Decision != nil {
		t.Errorf("PATCH null must clear the decision: %d %s", r.StatusCode(), r.Body)
	} else if body := string(r.Body); !strings.Contains(body, `"decision":null`) || !strings.Contains(body, `"local_status":null`) {
		// The docs show unset decisions and local statuses as null, not absent.
		t.Errorf("PATCH answer leaves out a null field: %s", body)
	}

	refusals := []struct {
		name, cas string
		decision  *int
		want      string
	}{
		{"local status", "1000003", ptr(43), `{"errors":{"decision_id":["Can't set the decision_id when the local_status is not null"]}}`},
		{"received", "1000006", ptr(43), `{"errors":{"schema":["Cannot update a decision code for an applicant with that application status."]}}`},
		{"unknown decision", "1000002", ptr(99), `{"errors":{"schema":["Decision '99' not found."]}}`},
		{"unknown applicant", "9999999", ptr(43), `{"errors":{"schema":["Applicant '9999999' not found."]}}`},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			r := patch(tt.cas, tt.decision)
			if r.JSON422 == nil || strings.TrimSpace(string(r.Body)) != tt.want {
				t.Errorf("got %d %s, want 422 %s", r.StatusCode(), r.Body, tt.want)
			}
		})
	}
	t.Run("decision id as a string", func(t *testing.T) {
		r, err := c.UpdateDesignationWithBodyWithResponse(ctx, 42, epi, "1000002", "application/json",
			strings.NewReader(`{"designation":{"decision_id":"43"}}`))
		if err != nil || r.JSON422 == nil || len(r.JSON422.Errors["schema"]) != 1 {
			t.Errorf("got %v %d %s, want 422 errors.schema", err, r.StatusCode(), r.Body)
		}
	})
}

func TestApplicantDetails(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t)
	c := newClient(t, srv)
	r, err := c.UpdateApplicantDetailsWithResponse(context.Background(), 42, generated.UpdateApplicantDetailsRequest{
		Applicants: []generated.ApplicantDetailsUpdate{{ApplicantCasId: "1000001", RedirectEligible: ptr(true)}, {ApplicantCasId: "1000003"}}})
	if err != nil || r.JSON200 == nil || strings.TrimSpace(string(r.Body)) != "{}" {
		t.Fatalf("updateApplicantDetails: %v %d %s", err, r.StatusCode(), r.Body)
	}
	// The spec caps a call at 1,000 applicants and wants at least one: 422,
	// as for every operation that takes a body.
	for _, n := range []int{0, 1001} {
		list := make([]generated.ApplicantDetailsUpdate, n)
		for i := range list {
			list[i].ApplicantCasId = "1000001"
		}
		r, err := c.UpdateApplicantDetailsWithResponse(context.Background(), 42, generated.UpdateApplicantDetailsRequest{Applicants: list})
		if err != nil || r.StatusCode() != 422 || r.JSON422 == nil || len(r.JSON422.Errors["schema"]) != 1 {
			t.Errorf("%d applicants: %v %d %s", n, err, r.StatusCode(), r.Body)
		}
	}
}

func TestSocialSecurityNumbers(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t,
		webadmittest.WithIdentities(
			webadmittest.Identity{ID: 1, Organization: "With Document"},
			webadmittest.Identity{ID: 2, Organization: "Without Document"},
			webadmittest.Identity{ID: 3}),
		webadmittest.WithSocialSecurityNumbers(1, webadmittest.DemoSocialSecurityNumbers))
	c := newClient(t, srv)
	tests := []struct {
		identity, status int
		body             string
	}{
		{1, 200, webadmittest.DemoSocialSecurityNumbers},
		{2, 403, `{"message":"Feature not available."}`},
		{3, 403, `{"message":"No organization loaded."}`},
		{4, 404, `{"message":"User identity '4' not found."}`},
	}
	for _, tt := range tests {
		r, err := c.GetSocialSecurityNumbersWithResponse(context.Background(), tt.identity)
		if err != nil || r.StatusCode() != tt.status || strings.TrimSpace(string(r.Body)) != strings.TrimSpace(tt.body) {
			t.Errorf("identity %d: %v %d %q, want %d %q", tt.identity, err, r.StatusCode(), r.Body, tt.status, tt.body)
		}
		if tt.status == 200 && !strings.HasPrefix(r.HTTPResponse.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("content type %q, want text/plain", r.HTTPResponse.Header.Get("Content-Type"))
		}
	}
}
