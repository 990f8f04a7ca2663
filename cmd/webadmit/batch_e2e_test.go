package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// batchSandbox is the demo sandbox with v2 batches that run in a moment.
func batchSandbox(t *testing.T) *webadmittest.Server {
	t.Helper()
	return webadmittest.NewTest(t, webadmittest.WithBatchTimeline(webadmittest.BatchTimeline{Queued: 10 * time.Millisecond, InProgress: 10 * time.Millisecond}))
}

// writeInput writes an --input file into dir.
func writeInput(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestBatchCommands: 'batch designations' and 'batch custom-field-answers'
// read CSV or JSON (a file or stdin), send the batch, wait for it and print
// one result per item; a batch whose items were not all applied exits 0
// with a warning that counts them.
func TestBatchCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		file       string // written to in.csv or in.json; "-" args read stdin
		stdin      string
		args       []string
		wantOut    []string
		wantErr    []string
		notApplied int // items the JSON result says were not applied; -1 for a table
	}{
		{"designations, CSV", "applicant_cas_id,decision_id\n1000002,43\n1000004,44\n", "",
			[]string{"batch", "designations", "--input", "in.csv"},
			[]string{"1000002", "43 Matriculated", "applied", "1000004", "44 Denied"}, []string{"designation batch 74780: 2 items applied"}, -1},
		{"designations, with errors", "applicant_cas_id,decision_id\n1000002,43\n9999999,43\n1000003,44\n", "",
			[]string{"batch", "designations", "--input", "in.csv"},
			[]string{"not applied", "applicant: No applicant found", "update_error: Can't set the decision_id"},
			[]string{`warning: designation batch 74780 ended "Success With Errors": 2 of 3 items not applied`}, -1},
		{"designations, JSON on stdin", "", `{"designations": [{"applicant_cas_id": "1000002", "decision_id": 43}, {"applicant_cas_id": "9999999", "decision_id": 43}]}`,
			[]string{"--output", "json", "batch", "designations", "--input", "-"},
			[]string{`"batch_id": 74780`, `"status": "Success With Errors"`, `"applicant_cas_id": "9999999"`}, []string{"1 of 2 items not applied"}, 1},
		{"answers, CSV", "applicant_cas_id,custom_field_id,value\n1000002,5,Boston\n1000003,1,yes\n1000004,3,2026-05-01\n1000005,2,41.5\n1000001,4,null\n", "",
			[]string{"batch", "custom-field-answers", "--input", "in.csv"},
			[]string{"Boston", "true", "2026-05-01", "41.5"}, []string{"custom field answer batch 74780: 5 items applied"}, -1},
		{"answers, JSON", `[{"applicant_cas_id": "1000002", "custom_field_id": 1, "field_type": "boolean", "value": false},
			{"applicant_cas_id": "1000002", "custom_field_id": 5, "value": "Denver"}]`, "",
			[]string{"--output", "json", "batch", "custom-field-answers", "--input", "in.json"},
			[]string{`"label": "Preferred campus"`, `"value": false`}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := batchSandbox(t)
			dir := t.TempDir()
			if tt.file != "" {
				name := "in.csv"
				if strings.HasPrefix(tt.file, "[") {
					name = "in.json"
				}
				writeInput(t, dir, name, tt.file)
			}
			args := append(tt.args, "--identity", "42", "--program", demoProgram)
			r := runCLIStdin(t, dir, sandboxEnv(s), tt.stdin, args...)
			if r.code != exitOK {
				t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if tt.notApplied >= 0 {
				var res struct {
					NotApplied int               `json:"not_applied"`
					Results    []json.RawMessage `json:"results"`
				}
				if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || res.NotApplied != tt.notApplied || len(res.Results) == 0 {
					t.Errorf("JSON result %+v (%v):\n%s", res, err, r.stdout)
				}
			}
			assertNoSecrets(t, r, s.APIKey())
		})
	}
}

// TestBatchStoresTypedAnswers: what a CSV batch stores reads back with
// the field's type.
func TestBatchStoresTypedAnswers(t *testing.T) {
	t.Parallel()
	s := batchSandbox(t)
	dir := t.TempDir()
	writeInput(t, dir, "in.csv", "applicant_cas_id,custom_field_id,value\n1000002,1,yes\n1000002,2,41.5\n")
	if r := runCLI(t, dir, sandboxEnv(s), "batch", "custom-field-answers", "--identity", "42", "--program", demoProgram, "--input", "in.csv"); r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for field, want := range map[string]string{"1": `"value": true`, "2": `"value": 41.5`} {
		r := runCLI(t, dir, sandboxEnv(s), "--output", "json", "answers", "get", "--identity", "42", "--program", demoProgram, "--applicant", "1000002", "--field", field)
		if r.code != exitOK || !strings.Contains(r.stdout, want) {
			t.Errorf("field %s: exit %d, stdout lacks %q:\n%s%s", field, r.code, want, r.stdout, r.stderr)
		}
	}
}

// TestBatchInvalidInputSendsNothing: every invalid item is reported on a
// line of its own with its line number, and nothing is sent; exit 2.
func TestBatchInvalidInputSendsNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, kind, file, input string
		want                    []string
	}{
		{"designations, CSV", "designations", "in.csv",
			"applicant_cas_id,decision_id\n1000002,x\n,43\n1000003,99\n1000002,43\n1000004,42,7\n",
			[]string{"  line 2: decision_id \"x\" is not a whole number", "  line 3: no applicant_cas_id", "  line 4: decision 99 is not one of user identity 42's decisions",
				"  line 5: applicant 1000002 is also on line 2", "  line 6: 3 fields, but the header row has 2", "'webadmit decisions --identity 42' lists them", "5 problems"}},
		{"designations, header", "designations", "in.csv", "cas,decision_id\n1,2\n",
			[]string{`line 1: unknown column "cas"`, "line 1: no applicant_cas_id column"}},
		{"designations, JSON", "designations", "in.json",
			"[{\"applicant_cas_id\": 1000002, \"decision_id\": 43},\n {\"applicant_cas_id\": \"1000003\", \"decision_id\": \"43\", \"x\": 1},\n 5]",
			[]string{"line 1 (item 1): applicant_cas_id must be a string", "line 2 (item 2): decision_id must be a number, not a string",
				`line 2 (item 2): unknown field "x"`, "line 3 (item 3): an item must be an object"}},
		{"designations, broken JSON", "designations", "in.json", "[{\"applicant_cas_id\": \"1000002\", \"decision_id\": 43},\n {\"applicant_cas_id\": ",
			[]string{"line 2: the JSON ends before"}},
		{"answers, CSV", "custom-field-answers", "in.csv",
			"applicant_cas_id,custom_field_id,field_type,value\n1000002,5,select,boston\n1000003,1,boolean,maybe\n1000004,3,,2026-13-01\n1000005,2,string,4\n1000006,9,,x\n1000001,4,,\n",
			[]string{`line 2: value "boston" does not suit custom field 5 (Preferred campus), a select field: did you mean "Boston"?`,
				"line 3: value \"maybe\"", "line 4: value \"2026-13-01\"", "line 5: field_type \"string\", but custom field 2",
				"line 6: custom field 9 is not one of program " + demoProgram, "line 7: no value for custom field 4", "'webadmit custom-fields --identity 42 --program " + demoProgram + "'"}},
		{"answers, JSON", "custom-field-answers", "in.json",
			`[{"applicant_cas_id": "1000002", "custom_field_id": 1, "value": "true"}, {"applicant_cas_id": "1000003", "custom_field_id": 3, "value": 20260501}]`,
			[]string{"line 1 (item 1): value \"true\" does not suit custom field 1", "line 1 (item 2): value 20260501 does not suit custom field 3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := batchSandbox(t)
			dir := t.TempDir()
			writeInput(t, dir, tt.file, tt.input)
			r := runCLI(t, dir, sandboxEnv(s), "batch", tt.kind, "--identity", "42", "--program", demoProgram, "--input", tt.file)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d", r.code, exitUsage)
			}
			for _, w := range append(tt.want, "nothing was sent") {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			for _, e := range []webadmittest.Endpoint{webadmittest.EndpointCreateDesignationBatch, webadmittest.EndpointCreateCustomFieldAnswerBatch} {
				if n := s.Recorder().Calls(e); n != 0 {
					t.Errorf("%d calls of %s", n, e)
				}
			}
		})
	}
}

// TestBatchOutcomes: a batch that Failed exits 3 with its results; one
// still running at --timeout exits 5 with the command that shows it later
// and a warning not to send it again; an unknown program names the command
// that lists the programs.
func TestBatchOutcomes(t *testing.T) {
	t.Parallel()
	const path = "/api/v2/user_identities/42/programs/7/batch_designations"
	batch := func(status, results string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if r.Method == http.MethodPost {
				w.WriteHeader(http.StatusCreated)
			}
			_, _ = w.Write([]byte(`{"href": "` + path + `/5", "batch": {"id": 5, "status": "` + status + `", "results": ` + results + `}}`))
		}
	}
	decisions := jsonAnswer(`{"decisions": [{"id": 43, "name": "Matriculated", "href": "/api/v1/user_identities/42/decisions/43"}]}`)
	failed := fakeAPI(t, map[string]http.HandlerFunc{
		"GET /api/v1/user_identities/42/decisions": decisions,
		"POST " + path: batch("Queued", "null"),
		"GET " + path + "/5": batch("Failed", `[{"applicant_cas_id": "1000002", "decision": {"id": 43, "name": "Matriculated"},
			"errors": {"update_error": "ActiveRecord::ConnectionNotEstablished"}}]`),
	})
	slow := fakeAPI(t, map[string]http.HandlerFunc{
		"GET /api/v1/user_identities/42/decisions": decisions,
		"POST " + path:       batch("Queued", "null"),
		"GET " + path + "/5": batch("In Progress", "null"),
	})
	tests := []struct {
		name    string
		env     []string
		program string
		extra   []string
		code    int
		stdout  string
		stderr  []string
	}{
		{"failed", fakeEnv(failed), "7", nil, exitFailed, "not applied", []string{`designation batch 5 of program 7 ended with status "Failed"`}},
		{"timeout", fakeEnv(slow), "7", []string{"--timeout", "1s"}, exitTimeout, "",
			[]string{"'webadmit api " + path + "/5'", "do not send the items again"}},
		{"unknown program", nil, "1", nil, exitError, "", []string{`program "1" not found`, "'webadmit programs --identity 42'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeInput(t, dir, "in.csv", "applicant_cas_id,decision_id\n1000002,43\n")
			env := tt.env
			if env == nil {
				env = sandboxEnv(batchSandbox(t))
			}
			args := append([]string{"batch", "designations", "--identity", "42", "--program", tt.program, "--input", "in.csv"}, tt.extra...)
			r := runCLI(t, dir, env, args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d", r.code, tt.code)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, r.stdout)
			}
			for _, w := range tt.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}
