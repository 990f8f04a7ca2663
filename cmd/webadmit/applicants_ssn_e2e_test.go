package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/webadmittest"
)

func TestApplicantsUpdate(t *testing.T) {
	t.Parallel()
	s := demoSandbox(t)
	dir := t.TempDir()
	var many []map[string]any
	for i := range maxApplicantDetails + 1 {
		many = append(many, map[string]any{"applicant_cas_id": strconv.Itoa(i + 1)})
	}
	manyJSON, _ := json.Marshal(map[string]any{"applicants": many})
	for name, body := range map[string]string{
		"body.json":   `{"applicants": [{"applicant_cas_id": "1000002", "redirect_eligible": true}, {"applicant_cas_id": "1000004"}]}`,
		"list.json":   `[{"applicant_cas_id": "1000003", "redirect_eligible": false}]`,
		"typo.json":   `[{"applicant_cas_id": "1000003", "redirect_elegible": false}]`,
		"empty.json":  `{"applicants": []}`,
		"number.json": `[{"applicant_cas_id": 1000003}]`,
		"many.json":   string(manyJSON),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	update := []string{"applicants", "update", "--identity", "42"}
	with := func(more ...string) []string { return append(append([]string{}, update...), more...) }
	runSteps(t, dir, sandboxEnv(s), s.APIKey(), []cliStep{
		{name: "flags", args: with("--applicant", "1000002", "--applicant", "1000003,1000004", "--redirect-eligible=true"),
			stdout: `1000002\s+true\n1000003\s+true\n1000004\s+true`, stderr: "updated 3 applicants"},
		{name: "body file", args: with("--input", "body.json", "--output", "json"),
			stdout: `"applicant_cas_id": "1000002",\s+"redirect_eligible": true[\s\S]*"applicant_cas_id": "1000004"\s+\}`},
		{name: "list from stdin", args: with("--input", "-"), stdin: `[{"applicant_cas_id": "1000005", "redirect_eligible": false}]`, stdout: `1000005\s+false`},
		{name: "list file", args: with("--input", "list.json"), stdout: `1000003\s+false`},
		{name: "misspelt detail", args: with("--input", "typo.json"), code: exitUsage, stderr: `unknown field "redirect_elegible"`},
		{name: "none", args: with("--input", "empty.json"), code: exitUsage, stderr: "no applicants"},
		{name: "a number for a CAS ID", args: with("--input", "number.json"), code: exitUsage, stderr: "applicant_cas_id must be a string, not a number"},
		{name: "too many", args: with("--input", "many.json"), code: exitUsage, stderr: "at most 1000"},
		{name: "no value", args: with("--applicant", "1000002"), code: exitUsage, stderr: "--redirect-eligible"},
		{name: "nothing", args: update, code: exitUsage, stderr: "--applicant"},
		{name: "both", args: with("--applicant", "1000002", "--redirect-eligible=true", "--input", "list.json"), code: exitUsage, stderr: "not both"},
		{name: "unknown applicant", args: with("--applicant", "1000002,9999999", "--redirect-eligible=false"), code: exitError, stderr: `applicant "9999999" not found`},
		{name: "unknown identity", args: []string{"applicants", "update", "--identity", "999", "--applicant", "1000002", "--redirect-eligible=true"},
			code: exitError, stderr: `user identity "999" not found`},
	})
	if n := s.Recorder().Calls("updateApplicantDetails"); n != 6 {
		t.Errorf("%d calls of updateApplicantDetails, want 6: the refused ones must not be sent", n)
	}
}

func TestSSN(t *testing.T) {
	t.Parallel()
	s := demoSandbox(t)
	env := sandboxEnv(s)
	dir := t.TempDir()
	doc := webadmittest.DemoSocialSecurityNumbers
	body := strings.SplitN(doc, "\n", 4)[3] // the armoured bytes, without the header lines

	r := runCLI(t, dir, env, "ssn", "--identity", "42", "-o", "ssn.asc")
	if r.code != exitOK || !strings.Contains(r.stderr, "ssn.asc") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got, err := os.ReadFile(filepath.Join(dir, "ssn.asc"))
	if err != nil || string(got) != doc {
		t.Errorf("ssn.asc = %q, %v", got, err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "ssn.asc")); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	if strings.Contains(r.stdout+r.stderr, body) {
		t.Errorf("the document reached the terminal:\n%s%s", r.stdout, r.stderr)
	}
	assertNoSecrets(t, r, s.APIKey())

	runSteps(t, dir, env, s.APIKey(), []cliStep{
		{name: "exists", args: []string{"ssn", "--identity", "42", "-o", "ssn.asc"}, code: exitError, stderr: "--force"},
		{name: "--force", args: []string{"ssn", "--identity", "42", "-o", "ssn.asc", "--force", "--output", "json"},
			stdout: `"path": "ssn.asc",\s+"bytes": \d+,\s+"sha256": "` + sha([]byte(doc)) + `"`},
		{name: "alias", args: []string{"social-security-numbers", "--identity", "42", "-o", "other.asc"}, stderr: "other.asc"},
		{name: "no -o", args: []string{"ssn", "--identity", "42"}, code: exitUsage, stderr: "-o FILE"},
		{name: "-o a directory", args: []string{"ssn", "--identity", "42", "-o", "."}, code: exitUsage, stderr: "directory"},
		{name: "-o in a missing directory", args: []string{"ssn", "--identity", "42", "-o", "nope/ssn.asc"}, code: exitError, stderr: "nope"},
		{name: "stdout", args: []string{"ssn", "--identity", "42", "-o", "-"}, stdout: "^" + regexp.QuoteMeta(doc) + "$"},
		{name: "no organization", args: []string{"ssn", "--identity", "43", "-o", "x.asc"}, code: exitError, stderr: "No organization loaded."},
		{name: "unknown identity", args: []string{"ssn", "--identity", "999", "-o", "x.asc"}, code: exitError, stderr: `user identity "999" not found`},
	})
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "other.asc ssn.asc" {
		t.Errorf("files in the directory: %v, want other.asc ssn.asc", names)
	}
}

func TestSSNFeatureOff(t *testing.T) {
	t.Parallel()
	s := webadmittest.NewTest(t, webadmittest.WithIdentities(webadmittest.Identity{ID: 7, Organization: "Org"}))
	dir := t.TempDir()
	r := runCLI(t, dir, sandboxEnv(s), "ssn", "--identity", "7", "-o", "ssn.asc")
	if r.code != exitError || !strings.Contains(r.stderr, "Feature not available.") {
		t.Errorf("exit %d, stderr %s", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files written: %v", entries)
	}
}
