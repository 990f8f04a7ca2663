package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDirectoryListsJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args     []string
		want     int    // entries in the JSON array
		wantText string // in the first entry
	}{
		{[]string{"organizations", "--identity", "42"}, 1, "Demo University School of Public Health"},
		{[]string{"programs", "--identity", "42"}, 2, "MPH Epidemiology"},
		{[]string{"decisions", "--identity", "42"}, 4, "Offer Accepted"},
		{[]string{"custom-fields", "--identity", "42", "--program", "42023191739237"}, 5, "Scholarship offered?"},
		{[]string{"custom-fields", "--identity", "43", "--program", "42023191739237"}, -1, `program "42023191739237" not found`},
		{[]string{"programs"}, -2, `"identity" not set`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, t.TempDir(), nil, append([]string{"--sandbox", "--output", "json"}, tt.args...)...)
			switch tt.want {
			case -1:
				if r.code != exitError || !strings.Contains(r.stderr, tt.wantText) {
					t.Errorf("exit %d, stderr %s", r.code, r.stderr)
				}
				return
			case -2:
				if r.code != exitUsage || !strings.Contains(r.stderr, tt.wantText) {
					t.Errorf("exit %d, stderr %s", r.code, r.stderr)
				}
				return
			}
			var list []json.RawMessage
			if r.code != 0 || json.Unmarshal([]byte(r.stdout), &list) != nil {
				t.Fatalf("exit %d, stdout is not a JSON array:\n%s%s", r.code, r.stdout, r.stderr)
			}
			if len(list) != tt.want || !strings.Contains(string(list[0]), tt.wantText) {
				t.Errorf("%d entries, want %d, first %s", len(list), tt.want, list[0])
			}
		})
	}
}
