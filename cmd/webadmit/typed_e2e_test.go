package main

import (
	"regexp"
	"strings"
	"testing"
)

// cliStep is one run of the CLI in a sequence against one sandbox, and
// what it must print.
type cliStep struct {
	name   string
	args   []string
	stdin  string
	code   int
	stdout string // a regular expression stdout must match; "" for none
	stderr string // a substring of stderr; "" for none
}

// runSteps runs steps in order in dir against env.
func runSteps(t *testing.T, dir string, env []string, key string, steps []cliStep) {
	t.Helper()
	for _, st := range steps {
		r := runCLIStdin(t, dir, env, st.stdin, st.args...)
		if r.code != st.code {
			t.Errorf("%s: exit %d, want %d\n%s%s", st.name, r.code, st.code, r.stdout, r.stderr)
			continue
		}
		if st.stdout != "" && !regexp.MustCompile(st.stdout).MatchString(r.stdout) {
			t.Errorf("%s: stdout does not match %s:\n%s", st.name, st.stdout, r.stdout)
		}
		if !strings.Contains(r.stderr, st.stderr) {
			t.Errorf("%s: stderr lacks %q:\n%s", st.name, st.stderr, r.stderr)
		}
		assertNoSecrets(t, r, key)
	}
}

// withIDs is the identity, program and applicant flags of the demo data,
// followed by more.
func withIDs(cmd []string, applicant string, more ...string) []string {
	return append(append(cmd, "--identity", "42", "--program", demoProgram, "--applicant", applicant), more...)
}

func TestDesignationsCommands(t *testing.T) {
	t.Parallel()
	s := demoSandbox(t)
	get, set := []string{"designations", "get"}, []string{"designations", "set"}
	runSteps(t, t.TempDir(), sandboxEnv(s), s.APIKey(), []cliStep{
		{name: "get", args: withIDs(get, "1000001"), stdout: `1000001\s+42\s+Offer Accepted\s+-\s+-`},
		{name: "get with a local status", args: withIDs(get, "1000003", "--output", "json"),
			stdout: `"local_status": \{\s+"id": 123456,\s+"title": "Deposit Made"`},
		{name: "set", args: withIDs(set, "1000002", "--decision", "43"), stdout: `1000002\s+43\s+Matriculated`},
		{name: "get sees it", args: withIDs(get, "1000002"), stdout: `1000002\s+43\s+Matriculated`},
		{name: "clear", args: withIDs(set, "1000002", "--clear", "--output", "json"), stdout: `"decision": null`},
		{name: "the alias", args: withIDs([]string{"designation", "get"}, "1000002"), stdout: `1000002\s+-\s+-`},
		{name: "neither --decision nor --clear", args: withIDs(set, "1000002"), code: exitUsage, stderr: "--clear"},
		{name: "both", args: withIDs(set, "1000002", "--decision", "43", "--clear"), code: exitUsage, stderr: "not both"},
		{name: "bad decision id", args: withIDs(set, "1000002", "--decision", "x"), code: exitUsage, stderr: `--decision takes a whole number, not "x"`},
		{name: "unknown decision", args: withIDs(set, "1000002", "--decision", "99"), code: exitError, stderr: "Decision '99' not found."},
		{name: "refused: local status", args: withIDs(set, "1000003", "--decision", "43"), code: exitError,
			stderr: "the API refused the change: decision_id: Can't set the decision_id when the local_status is not null"},
		{name: "refused: received", args: withIDs(set, "1000006", "--decision", "43"), code: exitError, stderr: "application status"},
		{name: "applicant not found", args: withIDs(get, "9999999"), code: exitError, stderr: `applicant "9999999" not found`},
		{name: "program not found", args: []string{"designations", "get", "--identity", "42", "--program", "1", "--applicant", "1000001"},
			code: exitError, stderr: `program "1" not found`},
		{name: "missing flag", args: []string{"designations", "get", "--identity", "42", "--program", demoProgram}, code: exitUsage, stderr: `"applicant" not set`},
	})
}

func TestAnswersCommands(t *testing.T) {
	t.Parallel()
	s := demoSandbox(t)
	get, set, clear := []string{"answers", "get"}, []string{"answers", "set"}, []string{"answers", "clear"}
	field := func(cmd []string, applicant, id string, more ...string) []string {
		return withIDs(cmd, applicant, append([]string{"--field", id}, more...)...)
	}
	runSteps(t, t.TempDir(), sandboxEnv(s), s.APIKey(), []cliStep{
		{name: "get", args: field(get, "1000001", "5"), stdout: `1000001\s+5\s+Preferred campus\s+select\s+Boston`},
		{name: "get none", args: field(get, "1000002", "5"), stdout: `1000002\s+5\s+Preferred campus\s+select\s+-\n`},
		{name: "get JSON", args: field(get, "1000001", "2", "--output", "json"), stdout: `"field_type": "number",[\s\S]*"value": 27`},
		// Each type, good values.
		{name: "boolean", args: field(set, "1000002", "1", "--value", "false"), stdout: `boolean\s+false`},
		{name: "boolean yes", args: field(set, "1000002", "1", "--value", "YES", "--output", "json"), stdout: `"value": true`},
		{name: "number", args: field(set, "1000002", "2", "--value", "31.5"), stdout: `number\s+31.5`},
		{name: "number exponent", args: field(set, "1000002", "2", "--value", "1e2", "--output", "json"), stdout: `"value": 100`},
		{name: "date", args: field(set, "1000002", "3", "--value", "2016-02-29"), stdout: `date\s+2016-02-29`},
		{name: "string", args: field(set, "1000002", "4", "--value", "000-0-0768"), stdout: `string\s+000-0-0768`},
		{name: "string of digits stays a string", args: field(set, "1000002", "4", "--value", "42", "--output", "json"), stdout: `"value": "42"`},
		{name: "select", args: field(set, "1000002", "5", "--value", "Remote"), stdout: `select\s+Remote`},
		{name: "get sees it", args: field(get, "1000002", "5"), stdout: `select\s+Remote`},
		// Bad values: refused before anything is stored.
		{name: "boolean maybe", args: field(set, "1000002", "1", "--value", "maybe"), code: exitUsage, stderr: "give true or false"},
		{name: "number hex", args: field(set, "1000002", "2", "--value", "0x10"), code: exitUsage, stderr: "decimal number"},
		{name: "number NaN", args: field(set, "1000002", "2", "--value", "NaN"), code: exitUsage, stderr: "decimal number"},
		{name: "date not a day", args: field(set, "1000002", "3", "--value", "2015-02-29"), code: exitUsage, stderr: "YYYY-MM-DD"},
		{name: "date US", args: field(set, "1000002", "3", "--value", "01/31/2016"), code: exitUsage, stderr: "YYYY-MM-DD"},
		{name: "select not an option", args: field(set, "1000002", "5", "--value", "Mars"), code: exitUsage, stderr: `"Boston", "Denver", "Remote"`},
		{name: "select case", args: field(set, "1000002", "5", "--value", "remote"), code: exitUsage, stderr: `did you mean "Remote"?`},
		{name: "no --value", args: field(set, "1000002", "5"), code: exitUsage, stderr: `"value" not set`},
		{name: "still Remote", args: field(get, "1000002", "5"), stdout: `select\s+Remote`},
		// Clear, and not found.
		{name: "clear", args: field(clear, "1000002", "5"), stdout: `select\s+-\n`},
		{name: "get cleared", args: field(get, "1000002", "5", "--output", "json"), stdout: `"value": null`},
		{name: "unknown field, set", args: field(set, "1000002", "9", "--value", "x"), code: exitError, stderr: "webadmit custom-fields --identity 42 --program " + demoProgram},
		{name: "unknown field, get", args: field(get, "1000002", "9"), code: exitError, stderr: `custom field "9" not found`},
		{name: "unknown applicant, set", args: field(set, "9999999", "5", "--value", "Boston"), code: exitError, stderr: `applicant "9999999" not found`},
		{name: "unknown applicant, clear", args: field(clear, "9999999", "5"), code: exitError, stderr: `applicant "9999999" not found`},
		{name: "unknown program", args: []string{"answers", "set", "--identity", "42", "--program", "1", "--applicant", "1000001", "--field", "5", "--value", "Boston"},
			code: exitError, stderr: `program "1" not found`},
	})
}
