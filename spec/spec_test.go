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
// and status. Keyed "operationId status".
var decoders = map[string]func([]byte) (any, error){
	"listUserIdentities 200":          decodeAs[generated.UserIdentityList],
	"listExports 200":                 decodeAs[generated.ExportList],
	"listUserIdentityExports 200":     decodeAs[generated.UserIdentityExportList],
	"initiateExportFile 201":          decodeAs[generated.ExportFileEnvelope],
	"getExportFile 200":               decodeAs[generated.ExportFileEnvelope],
	"listUserIdentityExportFiles 200": decodeAs[generated.ExportFileList],
}

func decodeAs[T any](b []byte) (any, error) {
	var v T
	err := json.Unmarshal(b, &v)
	return v, err
}

// exportPages are the docs pages of the export workflow, relative to the docs folder.
var exportPages = []string{
	"pages/user_identity.md",
	"pages/export.md",
	"pages/export_by_user_identity.md",
	"pages/export_files.md",
	"pages/export_files_check.md",
	"pages/export_files_check_batch.md",
	"seed/export_files_check.md",
}

func docsDir(t *testing.T) string {
	t.Helper()
	dir, err := docpages.Locate()
	if err != nil {
		t.Skipf("skipping the docs comparison: %v", err)
	}
	return dir
}

func TestDocsExamplesMatchSpec(t *testing.T) {
	dir := docsDir(t)
	doc := loadSpec(t)
	seen := map[string]bool{}
	for _, file := range exportPages {
		page, err := docpages.ParseFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Links) == 0 {
			t.Fatalf("%s: no operation found on the page", file)
		}
		for _, link := range page.Links {
			op := operation(doc, link.Method, link.Path)
			if op == nil {
				t.Errorf("%s: %s %s is not in the spec", file, link.Method, link.Path)
				continue
			}
			seen[op.OperationID] = true
			examples := append(append([]docpages.Example{}, link.Examples...), page.Errors...)
			if len(link.Examples) == 0 {
				t.Errorf("%s: %s %s has no response example", file, link.Method, link.Path)
			}
			for i, ex := range examples {
				name := fmt.Sprintf("%s/%s/%d_%d", file, op.OperationID, ex.Status, i)
				t.Run(name, func(t *testing.T) {
					checkExample(t, op, ex)
				})
			}
		}
	}
	for key := range decoders {
		id := strings.Fields(key)[0]
		if !seen[id] {
			t.Errorf("no docs page documents operation %s", id)
		}
	}
}

func operation(doc *openapi3.T, method, path string) *openapi3.Operation {
	item := doc.Paths.Find(path)
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
	media := resp.Value.Content.Get("application/json")
	if ex.JSON == "" {
		if media != nil {
			t.Fatalf("docs show an empty %d body, spec declares JSON", ex.Status)
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
	decode := decoders[fmt.Sprintf("%s %d", op.OperationID, ex.Status)]
	if ex.Status == 404 || ex.Status == 429 {
		decode = decodeAs[generated.ErrorMessage]
	}
	if decode == nil {
		t.Fatalf("test has no decoder for %s %d", op.OperationID, ex.Status)
	}
	typed, err := decode([]byte(ex.JSON))
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
		t.Fatalf("generated type loses or changes data:\n%s\nexample: %s\nre-encoded: %s", diff, ex.JSON, reencoded)
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
