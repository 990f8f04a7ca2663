package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// TestRunManyExports: several --export flags (or a manifest) run at once
// into one directory; the exit code is that of the first export that did
// not deliver its file, the others are still delivered; the summary lists
// every export.
func TestRunManyExports(t *testing.T) {
	t.Parallel()
	same := func(id int) webadmittest.Export {
		return webadmittest.Export{ID: id, IdentityID: identityID, Name: "Same", FileName: "same.csv", Content: []byte(latin1CSV)}
	}
	s := newSandbox(t)
	collide := webadmittest.NewTest(t, webadmittest.WithIdentities(webadmittest.Identity{ID: identityID}), webadmittest.WithExports(same(700), same(701)))
	tests := []struct {
		srv      *webadmittest.Server
		name     string
		args     []string
		manifest string
		wantCode int
		files    []string // in out/, sorted
		stdout   []string
		stderr   []string
	}{
		{name: "all delivered", args: []string{"--export", "100", "--export", "101"}, wantCode: exitOK,
			files: []string{"Nightly.csv", "Warn.csv"}, stdout: []string{"EXPORT", "Nightly.csv"}, stderr: []string{"all 2 exports delivered"}},
		{name: "comma-separated", args: []string{"--export", "100,101"}, wantCode: exitOK, files: []string{"Nightly.csv", "Warn.csv"}},
		{srv: collide, name: "colliding names are numbered", args: []string{"--export", "700", "--export", "701"}, wantCode: exitOK,
			files: []string{"same-2.csv", "same.csv"}},
		{name: "a failing export among good ones", args: []string{"--export", "100", "--export", "103", "--export", "102"},
			wantCode: exitFailed, files: []string{"Nightly.csv"},
			stderr: []string{`export 103 run`, `"Failed"`, "2 of 3 exports did not deliver", "the first, export 103"}},
		{name: "the first failure sets the exit code", args: []string{"--export", "102", "--export", "103"},
			wantCode: exitEmptyList, stderr: []string{"the first, export 102"}},
		{name: "manifest with an unknown identity", manifest: "- {identity: 7, export: 100}\n- {identity: 999, export: 101}\n",
			wantCode: exitError, files: []string{"Nightly.csv"}, stderr: []string{"export 101", `user identity "999" not found`}},
		{name: "manifest in JSON, an output and utf8 of its own", manifest: `[{"identity": 7, "export": 100, "output": "own.csv", "utf8": true}, {"identity": 7, "export": 101}]`,
			wantCode: exitOK, files: []string{"Warn.csv"}},
		{name: "manifest with identity from the flag", args: []string{"--identity", "7"}, manifest: "- export: 100\n", wantCode: exitOK,
			files: []string{"Nightly.csv"}},
		{name: "manifest with an unknown field", manifest: "- {identity: 7, export: 100, ouput: x.csv}\n", wantCode: exitUsage,
			stderr: []string{"line 1", `unknown field "ouput"`}},
		{name: "manifest naming an export twice", manifest: "- {identity: 7, export: 100}\n- {identity: 7, export: 100}\n", wantCode: exitUsage,
			stderr: []string{"line 2", "export 100 is already on line 1"}},
		{name: "an export twice", args: []string{"--export", "100", "--export", "100"}, wantCode: exitUsage, stderr: []string{"--export 100 is given twice"}},
		{name: "--extract takes one", args: []string{"--export", "100", "--export", "101", "--extract", "x"}, wantCode: exitUsage,
			stderr: []string{"--extract takes one export"}},
		{name: "stdout takes one", args: []string{"--export", "100", "--export", "101", "-o", "-"}, wantCode: exitUsage,
			stderr: []string{"takes one export"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := []string{"run"}
			if tt.manifest != "" {
				if err := os.WriteFile(filepath.Join(dir, "m.yaml"), []byte(tt.manifest), 0o600); err != nil {
					t.Fatal(err)
				}
				args = append(args, "--manifest", "m.yaml")
			} else {
				args = append(args, "--identity", "7")
			}
			args = append(args, tt.args...)
			if !strings.Contains(strings.Join(tt.args, " "), "-o") {
				args = append(args, "-o", "out")
			}
			srv := s
			if tt.srv != nil {
				srv = tt.srv
			}
			r := runCLI(t, dir, sandboxEnv(srv), args...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d:\n%s", r.code, tt.wantCode, r.stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if tt.files != nil {
				if got := strings.Join(dirEntryNames(t, filepath.Join(dir, "out")), " "); got != strings.Join(tt.files, " ") {
					t.Errorf("files in out/: %s, want %s", got, strings.Join(tt.files, " "))
				}
			}
			assertNoSecrets(t, r, srv.APIKey())
		})
	}
}

// TestRunManyExportsJSON: --output json is one object per export, in the
// order given, with the error of those that failed.
func TestRunManyExportsJSON(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	dir := t.TempDir()
	r := runCLI(t, dir, sandboxEnv(s), "--output", "json", "run", "--identity", "7", "--export", "100,102", "-o", ".")
	if r.code != exitEmptyList {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	var rows []struct {
		ExportID int      `json:"export_id"`
		Status   string   `json:"status"`
		Paths    []string `json:"paths"`
		Error    string   `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if len(rows) != 2 || rows[0].ExportID != 100 || rows[0].Status != "Available" || len(rows[0].Paths) != 1 ||
		rows[1].ExportID != 102 || rows[1].Status != "Empty List" || rows[1].Error == "" || len(rows[1].Paths) != 0 {
		t.Errorf("rows %+v", rows)
	}
}

// dirEntryNames lists a directory's names, sorted; none if it is missing.
func dirEntryNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
