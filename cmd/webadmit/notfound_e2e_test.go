package main

import (
	"strings"
	"testing"
)

// TestNotFoundNamesTheListingCommand: an id the API does not know is said
// in words (the export, the template, the run, the batch, ...), with the
// command that lists the valid ones, for the API's specific messages and
// for its generic "Not Found" alike; exit 1.
func TestNotFoundNamesTheListingCommand(t *testing.T) {
	t.Parallel()
	const program = "42023191739237"
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"run, unknown export", []string{"run", "--identity", "42", "--export", "1"},
			[]string{"export 1 of user identity 42 not found", "'webadmit exports --identity 42'"}},
		{"run, unknown identity", []string{"run", "--identity", "999", "--export", "29897"},
			[]string{`user identity "999" not found`, "'webadmit identities'"}},
		{"pdf run, unknown template", []string{"pdf", "run", "--identity", "42", "--template", "99"},
			[]string{"PDF Manager template 99 of user identity 42 not found", "'webadmit pdf templates --identity 42'"}},
		{"download, unknown run", []string{"download", "--export", "29897", "--file", "1"},
			[]string{"run 1 of export 29897 not found", "'webadmit exports'", "'webadmit files --identity ID'"}},
		{"download, unknown export", []string{"download", "--export", "1", "--file", "74700"},
			[]string{"run 74700 of export 1 not found", "'webadmit exports'"}},
		{"status, unknown run", []string{"status", "--export", "29897", "--file", "1"},
			[]string{"run 1 of export 29897 not found", "'webadmit files --identity ID'"}},
		{"pdf status, unknown batch", []string{"pdf", "status", "--identity", "42", "--batch", "1"},
			[]string{"PDF Manager batch 1 of user identity 42 not found", "'webadmit pdf batches --identity 42'"}},
		{"pdf download, unknown batch", []string{"pdf", "download", "--identity", "42", "--batch", "1"},
			[]string{"PDF Manager batch 1 of user identity 42 not found", "'webadmit pdf batches --identity 42'"}},
		{"programs, unknown identity", []string{"programs", "--identity", "999"},
			[]string{`user identity "999" not found`, "'webadmit identities'"}},
		{"custom fields, unknown program", []string{"custom-fields", "--identity", "42", "--program", "1"},
			[]string{`program "1" not found`, "'webadmit programs --identity 42'"}},
		{"designation, unknown applicant", []string{"designations", "get", "--identity", "42", "--program", program, "--applicant", "1"},
			[]string{`applicant "1" not found`, "--applicant"}},
		{"answer, unknown field", []string{"answers", "get", "--identity", "42", "--program", program, "--applicant", "1000001", "--field", "99"},
			[]string{`custom field "99" not found`, "'webadmit custom-fields --identity 42 --program " + program + "'"}},
		{"ssn, unknown identity", []string{"ssn", "--identity", "999", "-o", "ssn.asc"},
			[]string{`user identity "999" not found`, "'webadmit identities'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, t.TempDir(), nil, append([]string{"--sandbox", "--quiet"}, tt.args...)...)
			if r.code != exitError {
				t.Errorf("exit %d, want %d", r.code, exitError)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			for _, w := range []string{"generic message", "NotFound", "Kind", "wrapper."} {
				if strings.Contains(r.stderr, w) {
					t.Errorf("stderr says %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}
