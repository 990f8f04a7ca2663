package docscheck

import (
	"strings"
	"testing"
)

func TestReportWrite(t *testing.T) {
	t.Parallel()
	r := &Report{Source: "docs", Pages: 3, Operations: 2, Findings: []Finding{
		{Severity: Note, Kind: Extra, Operation: "GET /a", OperationID: "getA", Subject: "status 429", Detail: "the spec declares it; no page shows it"},
		{Severity: Drift, Kind: Missing, Page: "a.md", Operation: "GET /a", OperationID: "getA", Subject: "attribute a:b", Detail: "not in the responses of getA"},
		{Severity: Drift, Kind: Missing, Page: "a.md", Operation: "GET /a", OperationID: "getA", Subject: "attribute a:b", Detail: "not in the responses of getA"},
	}}
	r.sort()
	tests := []struct {
		verbose bool
		want    string
	}{
		{false, "drift: a.md: GET /a (getA): attribute a:b: missing: not in the responses of getA\n" +
			"docs: 3 pages, 2 documented operations: 1 drift findings, 1 notes (-v shows them)\n"},
		{true, "drift: a.md: GET /a (getA): attribute a:b: missing: not in the responses of getA\n" +
			"note: GET /a (getA): status 429: extra: the spec declares it; no page shows it\n" +
			"docs: 3 pages, 2 documented operations: 1 drift findings, 1 notes\n"},
	}
	for _, tt := range tests {
		var b strings.Builder
		if err := r.Write(&b, tt.verbose); err != nil {
			t.Fatal(err)
		}
		if b.String() != tt.want {
			t.Errorf("verbose=%v:\n%s\nwant\n%s", tt.verbose, b.String(), tt.want)
		}
	}
	clean := &Report{Source: "docs", Pages: 1, Operations: 1}
	var b strings.Builder
	_ = clean.Write(&b, false)
	if b.String() != "docs: 1 pages, 1 documented operations: no drift\n" {
		t.Errorf("clean report = %q", b.String())
	}
}
