package spec_test

import (
	"strings"
	"testing"
)

// TestEveryInputDeclares422: every operation that takes a body or a query
// parameter declares the 422 the API answers when they do not match the
// request schema, so the sandbox never has to answer a status the spec
// does not list (a malformed path parameter is the legacy 404).
func TestEveryInputDeclares422(t *testing.T) {
	doc := loadSpec(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			hasInput := op.RequestBody != nil
			for _, p := range append(item.Parameters, op.Parameters...) {
				if p.Value != nil && p.Value.In == "query" {
					hasInput = true
				}
			}
			if hasInput && op.Responses.Value("422") == nil {
				t.Errorf("%s %s (%s) takes a body or query but declares no 422", method, path, op.OperationID)
			}
			if op.Responses.Value("400") != nil {
				t.Errorf("%s %s (%s) declares 400, which the docs never show", method, path, op.OperationID)
			}
		}
	}
}

// TestOperationsDeclare2xx stands in for Redocly's operation-2xx-response,
// switched off in tools/redocly.yaml for the one operation that answers
// only a redirect: every other operation declares a 2xx answer.
func TestOperationsDeclare2xx(t *testing.T) {
	doc := loadSpec(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			has2xx := false
			for code := range op.Responses.Map() {
				has2xx = has2xx || strings.HasPrefix(code, "2")
			}
			if redirectOnly := op.OperationID == "downloadPdfManagerZipFile"; has2xx == redirectOnly {
				t.Errorf("%s %s (%s): declares a 2xx answer: %v, want %v", method, path, op.OperationID, has2xx, !redirectOnly)
			}
		}
	}
}
