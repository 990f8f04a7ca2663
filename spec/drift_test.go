package spec_test

import (
	"context"
	"testing"

	"github.com/webadmit-go/webadmit/internal/docscheck"
)

// TestDocsHaveNoDrift runs the drift check of make check-docs: the pages as
// a whole, and the seed page alone, agree with the spec.
func TestDocsHaveNoDrift(t *testing.T) {
	dir := docsDir(t)
	spec, err := docscheck.LoadSpec("webadmit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sources, err := (&docscheck.Loader{}).Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) != 2 {
		t.Fatalf("want the pages and the seed page, got %d sources", len(sources))
	}
	for _, src := range sources {
		r := docscheck.Check(spec, src.Name, src.Pages, src.Scope)
		for _, f := range r.Drift() {
			t.Errorf("%s", f)
		}
		if src.Scope == docscheck.ScopeAll && r.Operations != 27 {
			t.Errorf("%s: %d documented operations, want 27", src.Name, r.Operations)
		}
	}
}
