// Tests that spec/webadmit.yaml is valid OpenAPI, agrees with the response
// examples of the WebAdMIT docs pages, and that the generated types decode
// those examples (and both status spellings) without losing a field.
package spec_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/internal/docpages"
)

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("webadmit.yaml")
	if err != nil {
		t.Fatalf("load spec: %v", err)
	}
	return doc
}

func TestSpecValidates(t *testing.T) {
	doc := loadSpec(t)
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("spec does not validate: %v", err)
	}
}

func TestEmbeddedSpecMatchesFile(t *testing.T) {
	embedded, err := generated.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	file := loadSpec(t)
	if len(embedded.Paths.Map()) != len(file.Paths.Map()) {
		t.Fatalf("embedded spec has %d paths, file has %d: run make generate", len(embedded.Paths.Map()), len(file.Paths.Map()))
	}
	for p := range file.Paths.Map() {
		if embedded.Paths.Find(p) == nil {
			t.Errorf("embedded spec lacks %s: run make generate", p)
		}
	}
}

// decoders decode a docs example into the generated type for an operation
// and status, and return what re-encodes to the same JSON when no field is
// lost. Keyed "operationId status". Union types are decoded through their
// typed accessors, so the test proves those accessors keep every field.
var decoders = map[string]func([]byte) (any, error){
	"listUserIdentities 200":           decodeAs[generated.UserIdentityList],
	"listExports 200":                  decodeAs[generated.ExportList],
	"listUserIdentityExports 200":      decodeAs[generated.UserIdentityExportList],
	"initiateExportFile 201":           decodeAs[generated.ExportFileEnvelope],
	"getExportFile 200":                decodeAs[generated.ExportFileEnvelope],
	"listUserIdentityExportFiles 200":  decodeAs[generated.ExportFileList],
	"listOrganizations 200":            decodeAs[generated.OrganizationList],
	"listPrograms 200":                 decodeAs[generated.ProgramList],
	"listDecisions 200":                decodeAs[generated.DecisionList],
	"listCustomFields 200":             decodeAs[generated.CustomFieldList],
	"getCustomFieldAnswer 200":         decodeAnswer,
	"storeCustomFieldAnswer 200":       decodeAnswer,
	"clearCustomFieldAnswer 200":       decodeAnswer,
	"getDesignation 200":               decodeAs[generated.DesignationEnvelope],
	"updateDesignation 200":            decodeAs[generated.Designation],
	"listPdfManagerTemplates 200":      decodeAs[generated.PdfManagerTemplateList],
	"getPdfManagerTemplate 200":        decodeAs[generated.PdfManagerTemplateEnvelope],
	"listPdfManagerBatches 200":        decodeAs[generated.PdfManagerBatchList],
	"getPdfManagerBatch 200":           decodeAs[generated.PdfManagerBatchEnvelope],
	"initiatePdfManagerBatch 201":      decodeAs[generated.PdfManagerBatchEnvelope],
	"updateApplicantDetails 200":       decodeAs[generated.UpdateApplicantDetailsResult],
	"createDesignationBatch 201":       decodeAs[generated.DesignationBatchEnvelope],
	"getDesignationBatch 200":          decodeAs[generated.DesignationBatchEnvelope],
	"createCustomFieldAnswerBatch 201": decodeAnswerBatch,
	"getCustomFieldAnswerBatch 200":    decodeAnswerBatch,
}

// errorDecoders decode error bodies, whatever the operation.
var errorDecoders = map[int]func([]byte) (any, error){
	403: decodeAs[generated.ErrorMessage],
	404: decodeAs[generated.ErrorMessage],
	422: decodeAs[generated.ValidationErrors],
	429: decodeAs[generated.ErrorMessage],
}

// noJSONBody are the operations whose documented success answer is not
// JSON: a redirect, and the PGP-armoured social security numbers.
var noJSONBody = map[string]bool{
	"downloadPdfManagerZipFile 302": true,
	"getSocialSecurityNumbers 200":  true,
}

func decodeAs[T any](b []byte) (any, error) {
	var v T
	err := json.Unmarshal(b, &v)
	return v, err
}

// decodeAnswer decodes a custom field answer and returns it through
// ValueByDiscriminator, as a BooleanAnswer, DateAnswer, ... value.
func decodeAnswer(b []byte) (any, error) {
	var env generated.CustomFieldAnswerEnvelope
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, err
	}
	typed, err := env.CustomFieldAnswer.ValueByDiscriminator()
	if err != nil {
		return nil, err
	}
	switch typed.(type) {
	case generated.BooleanAnswer, generated.NumberAnswer, generated.DateAnswer, generated.StringAnswer, generated.SelectAnswer:
	default:
		return nil, fmt.Errorf("ValueByDiscriminator gave %T", typed)
	}
	return map[string]any{"custom_field_answer": typed}, nil
}

// decodeAnswerBatch decodes a custom field answer batch and reads every
// result's value with the accessor its field_type calls for.
func decodeAnswerBatch(b []byte) (any, error) {
	var env generated.CustomFieldAnswerBatchEnvelope
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, err
	}
	results := []any{}
	if env.Batch.Results == nil {
		return env, nil
	}
	for _, r := range *env.Batch.Results {
		var value any
		if v := r.CustomFieldAnswer.Value; v != nil {
			var err error
			switch r.CustomFieldAnswer.FieldType {
			case generated.CustomFieldTypeBoolean:
				value, err = v.AsBooleanAnswerValue()
			case generated.CustomFieldTypeNumber:
				value, err = v.AsNumberAnswerValue()
			default:
				value, err = v.AsStringAnswerValue()
			}
			if err != nil {
				return nil, fmt.Errorf("value of a %s answer: %w", r.CustomFieldAnswer.FieldType, err)
			}
		}
		results = append(results, map[string]any{
			"applicant_cas_id": r.ApplicantCasId,
			"errors":           r.Errors,
			"custom_field_answer": map[string]any{
				"custom_field_id": r.CustomFieldAnswer.CustomFieldId,
				"label":           r.CustomFieldAnswer.Label,
				"field_type":      r.CustomFieldAnswer.FieldType,
				"value":           value,
			},
		})
	}
	return map[string]any{"href": env.Href, "batch": map[string]any{"id": env.Batch.Id, "status": env.Batch.Status, "results": results}}, nil
}

func docsDir(t *testing.T) string {
	t.Helper()
	dir, err := docpages.Locate()
	if err != nil {
		t.Skipf("skipping the docs comparison: %v", err)
	}
	return dir
}

// docsPages returns every page of the docs (pages/ and seed/).
func docsPages(t *testing.T, dir string) []*docpages.Page {
	t.Helper()
	pages, err := docpages.ParseDir(filepath.Join(dir, "pages"))
	if err != nil {
		t.Fatal(err)
	}
	seed, err := docpages.ParseDir(filepath.Join(dir, "seed"))
	if err != nil {
		t.Fatal(err)
	}
	return append(pages, seed...)
}

// TestDocsExamplesMatchSpec validates every response example of every page
// against the spec and decodes it into the generated types without losing a
// field. Error sections apply to every operation of their page, 422s only
// to the operations that take a body (as in make check-docs).
func TestDocsExamplesMatchSpec(t *testing.T) {
	dir := docsDir(t)
	doc := loadSpec(t)
	seen := map[string]bool{}
	for _, page := range docsPages(t, dir) {
		writes := slices.ContainsFunc(page.Links, func(l docpages.Link) bool { return isWrite(l.Method) })
		for _, link := range page.Links {
			op := operation(doc, link.Method, link.Path)
			if op == nil {
				t.Errorf("%s: %s %s is not in the spec", page.File, link.Method, link.Path)
				continue
			}
			seen[op.OperationID] = true
			if len(link.Examples) == 0 {
				t.Errorf("%s: %s %s has no response example", page.File, link.Method, link.Path)
			}
			examples := slices.Clone(link.Examples)
			for _, ex := range page.Errors {
				if ex.Status != 422 || !writes || isWrite(link.Method) {
					examples = append(examples, ex)
				}
			}
			for i, ex := range examples {
				name := fmt.Sprintf("%s/%s/%d_%d", page.File, op.OperationID, ex.Status, i)
				t.Run(name, func(t *testing.T) {
					checkExample(t, op, ex)
				})
			}
		}
		if len(page.Links) > 0 {
			continue
		}
		// A footer page: its error bodies decode whatever operation they follow.
		for i, ex := range page.Errors {
			if ex.JSON == "" {
				continue
			}
			t.Run(fmt.Sprintf("%s/footer/%d_%d", page.File, ex.Status, i), func(t *testing.T) {
				decode := errorDecoders[ex.Status]
				if decode == nil {
					t.Fatalf("test has no decoder for a %d error", ex.Status)
				}
				roundTrip(t, decode, ex.JSON)
			})
		}
	}
	for key := range decoders {
		id := strings.Fields(key)[0]
		if !seen[id] {
			t.Errorf("no docs page documents operation %s", id)
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if !seen[op.OperationID] {
				t.Errorf("spec operation %s is on no docs page", op.OperationID)
			}
		}
	}
	if len(seen) != 27 {
		t.Errorf("the pages document %d operations, want 27", len(seen))
	}
}

func isWrite(method string) bool { return method == "POST" || method == "PUT" || method == "PATCH" }

func operation(doc *openapi3.T, method, path string) *openapi3.Operation {
	item := doc.Paths.Value(path)
	if item == nil {
		return nil
	}
	return item.GetOperation(method)
}

func checkExample(t *testing.T, op *openapi3.Operation, ex docpages.Example) {
	resp := op.Responses.Status(ex.Status)
	if resp == nil || resp.Value == nil {
		t.Fatalf("spec declares no %d response for %s", ex.Status, op.OperationID)
	}
	key := fmt.Sprintf("%s %d", op.OperationID, ex.Status)
	media := resp.Value.Content.Get("application/json")
	if ex.JSON == "" {
		if media != nil {
			t.Fatalf("docs show an empty %d body, spec declares JSON", ex.Status)
		}
		return
	}
	if noJSONBody[key] {
		text := resp.Value.Content.Get("text/plain")
		if text == nil {
			t.Fatalf("docs show a text %d body, spec declares no text/plain", ex.Status)
		}
		if err := text.Schema.Value.VisitJSON(ex.JSON); err != nil {
			t.Fatalf("docs text example does not match the spec: %v", err)
		}
		return
	}
	if media == nil || media.Schema == nil {
		t.Fatalf("docs show a JSON %d body, spec declares none", ex.Status)
	}
	var value any
	if err := json.Unmarshal([]byte(ex.JSON), &value); err != nil {
		t.Fatalf("docs example is not JSON: %v\n%s", err, ex.JSON)
	}
	if err := media.Schema.Value.VisitJSON(value); err != nil {
		t.Fatalf("docs example does not validate against the spec: %v\n%s", err, ex.JSON)
	}
	decode := decoders[key]
	if ex.Status >= 400 {
		decode = errorDecoders[ex.Status]
	}
	if decode == nil {
		t.Fatalf("test has no decoder for %s", key)
	}
	roundTrip(t, decode, ex.JSON)
}

// roundTrip decodes a JSON body and checks that re-encoding it gives the
// same JSON: no field lost, none changed, none added.
func roundTrip(t *testing.T, decode func([]byte) (any, error), body string) {
	t.Helper()
	var value any
	if err := json.Unmarshal([]byte(body), &value); err != nil {
		t.Fatalf("example is not JSON: %v\n%s", err, body)
	}
	typed, err := decode([]byte(body))
	if err != nil {
		t.Fatalf("decode into generated type: %v", err)
	}
	reencoded, err := json.Marshal(typed)
	if err != nil {
		t.Fatal(err)
	}
	var got any
	if err := json.Unmarshal(reencoded, &got); err != nil {
		t.Fatal(err)
	}
	if diff := jsonDiff("", value, got); diff != "" {
		t.Fatalf("generated type loses or changes data:\n%s\nexample: %s\nre-encoded: %s", diff, body, reencoded)
	}
}

// jsonDiff reports where want and got differ. A null in one and an absent
// key in the other are the same: the generated types omit empty optional
// nullable fields.
func jsonDiff(path string, want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: want object, got %T\n", path, got)
		}
		var b strings.Builder
		for k, wv := range w {
			gv, present := g[k]
			if !present && wv == nil {
				continue
			}
			if !present {
				fmt.Fprintf(&b, "%s.%s: lost\n", path, k)
				continue
			}
			b.WriteString(jsonDiff(path+"."+k, wv, gv))
		}
		for k, gv := range g {
			if _, present := w[k]; !present && gv != nil {
				fmt.Fprintf(&b, "%s.%s: added (%v)\n", path, k, gv)
			}
		}
		return b.String()
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: want array of %d, got %v\n", path, len(w), got)
		}
		var b strings.Builder
		for i := range w {
			b.WriteString(jsonDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]))
		}
		return b.String()
	default:
		if !reflect.DeepEqual(want, got) {
			return fmt.Sprintf("%s: want %v, got %v\n", path, want, got)
		}
		return ""
	}
}

func TestExportFileStatusDecoding(t *testing.T) {
	tests := []struct {
		raw   string
		want  generated.ExportFileStatus
		known bool
	}{
		{"Initializing", generated.ExportFileStatusInitializing, true},
		{"Queued", generated.ExportFileStatusQueued, true},
		{"In Progress", generated.ExportFileStatusInProgress, true},
		{"Available", generated.ExportFileStatusAvailable, true},
		{"Success With Errors", generated.ExportFileStatusSuccessWithErrors, true},
		{"Empty List", generated.ExportFileStatusEmptyList, true},
		{"Failed", generated.ExportFileStatusFailed, true},
		{"initializing", generated.ExportFileStatusInitializingSnake, true},
		{"queued", generated.ExportFileStatusQueuedSnake, true},
		{"in_progress", generated.ExportFileStatusInProgressSnake, true},
		{"available", generated.ExportFileStatusAvailableSnake, true},
		{"success_with_errors", generated.ExportFileStatusSuccessWithErrorsSnake, true},
		{"empty_list", generated.ExportFileStatusEmptyListSnake, true},
		{"failed", generated.ExportFileStatusFailedSnake, true},
		{"Archived", "Archived", false},
		{"IN PROGRESS", "IN PROGRESS", false},
		{"", "", false},
	}
	doc := loadSpec(t)
	statusSchema := doc.Components.Schemas["ExportFileStatus"].Value
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			body := fmt.Sprintf(`{"export_files":{"id":1,"href":"/api/v1/exports/2/export_files/1","export_id":2,"status":%q}}`, tt.raw)
			var env generated.ExportFileEnvelope
			if err := json.Unmarshal([]byte(body), &env); err != nil {
				t.Fatalf("decoding must not fail on any status: %v", err)
			}
			if env.ExportFiles.Status != tt.want {
				t.Errorf("status = %q, want %q", env.ExportFiles.Status, tt.want)
			}
			if got := env.ExportFiles.Status.Valid(); got != tt.known {
				t.Errorf("Valid() = %v, want %v", got, tt.known)
			}
			if err := statusSchema.VisitJSON(tt.raw); (err == nil) != tt.known {
				t.Errorf("spec accepts %q: %v, want %v", tt.raw, err == nil, tt.known)
			}
		})
	}
}

// TestNullableFields checks that the nulls the docs allow validate and decode.
func TestNullableFields(t *testing.T) {
	doc := loadSpec(t)
	cases := []struct {
		schema, body string
	}{
		{"UserIdentityList", `{"href":"/api/v1/user_identities","user_identities":[{"id":1,"type":"Association User","association":null,"institution":null,"organization":null,"cycle":null}]}`},
		{"ExportList", `{"href":"/api/v1/exports","exports":[{"id":1,"name":"n","list_type":null,"format":"Website HTML","mime_type":"text/html"}]}`},
	}
	for _, c := range cases {
		t.Run(c.schema, func(t *testing.T) {
			var v any
			if err := json.Unmarshal([]byte(c.body), &v); err != nil {
				t.Fatal(err)
			}
			if err := doc.Components.Schemas[c.schema].Value.VisitJSON(v); err != nil {
				t.Fatalf("spec rejects documented nulls: %v", err)
			}
		})
	}
	var exports generated.ExportList
	if err := json.Unmarshal([]byte(cases[1].body), &exports); err != nil {
		t.Fatal(err)
	}
	if got := (*exports.Exports)[0].ListType; got != nil {
		t.Errorf("list_type null decoded as %v", *got)
	}
}

func TestSpecRejectsBadValues(t *testing.T) {
	doc := loadSpec(t)
	cases := []struct {
		name, schema, body string
	}{
		{"cycle pattern", "UserIdentity", `{"cycle":"2014-2015"}`},
		{"identity type enum", "UserIdentity", `{"type":"Student"}`},
		{"export missing name", "Export", `{"id":1,"list_type":"all","format":"Microsoft Excel","mime_type":"application/zip"}`},
		{"export file href pattern", "ExportFile", `{"id":1,"href":"/elsewhere","export_id":2,"status":"Queued"}`},
		{"export file id type", "ExportFile", `{"id":"1","href":"/api/v1/exports/2/export_files/1","export_id":2,"status":"Queued"}`},
		{"mime type enum", "Export", `{"id":1,"name":"n","list_type":"all","format":"Microsoft Excel","mime_type":"text/csv"}`},
		{"organization cycle pattern", "Organization", `{"id":1,"name":"n","cycle_name":"2014","association_name":null,"cas3":true,"config_portal_identifier":"1"}`},
		{"custom field type enum", "CustomField", `{"id":1,"label":"l","field_type":"color","options":null}`},
		{"pdf state in Title Case", "PdfManagerBatchState", `"In Progress"`},
		{"pdf updated_at pattern", "PdfManagerBatch", `{"id":1,"updated_at":"2016-01-05 16:51","state":"queued","pdf_manager_template":{"href":"/api/v1/user_identities/1/pdf_manager_templates/2","id":2,"name":"n"}}`},
		{"pdf download href pattern", "PdfManagerBatch", `{"id":1,"updated_at":"2016-01-05T16:51:00Z","state":"available","download_hrefs":["https://elsewhere/zip"],"pdf_manager_template":{"href":"/api/v1/user_identities/1/pdf_manager_templates/2","id":2,"name":"n"}}`},
		{"pdf callback not https", "InitiatePdfManagerBatchRequest", `{"pdf_manager_batch":{"pdf_manager_template_id":2,"callback":"http://example.com/cb"}}`},
		{"pdf template id missing", "InitiatePdfManagerBatchRequest", `{"pdf_manager_batch":{"callback":"https://example.com/cb"}}`},
		{"no applicants", "UpdateApplicantDetailsRequest", `{"applicants":[]}`},
		{"applicant CAS ID as number", "UpdateApplicantDetailsRequest", `{"applicants":[{"applicant_cas_id":123}]}`},
		{"batch status in snake_case", "BatchStatus", `"in_progress"`},
		{"designation decision id as string", "UpdateDesignationRequest", `{"designation":{"decision_id":"43"}}`},
		{"batch designation without decision", "CreateDesignationBatchRequest", `{"designations":[{"applicant_cas_id":"1"}]}`},
		{"batch answer value as object", "CreateCustomFieldAnswerBatchRequest", `{"custom_field_answers":[{"applicant_cas_id":"1","custom_field_id":4,"field_type":"string","value":{}}]}`},
		{"validation errors not a list", "ValidationErrors", `{"errors":{"value":"bad"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v any
			if err := json.Unmarshal([]byte(c.body), &v); err != nil {
				t.Fatal(err)
			}
			if err := doc.Components.Schemas[c.schema].Value.VisitJSON(v); err == nil {
				t.Fatalf("spec accepts %s", c.body)
			}
		})
	}
}
