package spec_test

import (
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
