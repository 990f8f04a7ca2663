package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

const (
	identityID = 7
	latin1CSV  = "id,name,city\n1,Jos\xe9,S\xe3o Paulo\n2,Zo\xeb,Z\xfcrich\n"
)

// exports of the end-to-end sandbox, one per outcome.
const (
	exportOK = 100 + iota
	exportWarn
	exportEmpty
	exportFailed
	exportSlow
)

func newSandbox(t *testing.T, opts ...webadmittest.Option) *webadmittest.Server {
	t.Helper()
	quick := func(outcome generated.ExportFileStatus) webadmittest.Timeline {
		return webadmittest.Timeline{Initializing: 20 * time.Millisecond, InProgress: 30 * time.Millisecond, Outcome: outcome}
	}
	base := []webadmittest.Option{
		webadmittest.WithIdentities(webadmittest.Identity{ID: identityID, Association: "SOPHAS", Cycle: "2025 - 2026"}),
		webadmittest.WithExports(
			webadmittest.Export{ID: exportOK, IdentityID: identityID, Name: "Nightly", Content: []byte(latin1CSV), FileName: "Nightly.csv", Timeline: quick(generated.ExportFileStatusAvailable)},
			webadmittest.Export{ID: exportWarn, IdentityID: identityID, Name: "Warn", Content: []byte(latin1CSV), Timeline: quick(generated.ExportFileStatusSuccessWithErrors)},
			webadmittest.Export{ID: exportEmpty, IdentityID: identityID, Name: "Empty", Timeline: quick(generated.ExportFileStatusEmptyList)},
			webadmittest.Export{ID: exportFailed, IdentityID: identityID, Name: "Failed", Timeline: quick(generated.ExportFileStatusFailed)},
			webadmittest.Export{ID: exportSlow, IdentityID: identityID, Name: "Slow", Content: []byte(latin1CSV), Timeline: webadmittest.Timeline{InProgress: time.Hour}},
		),
	}
	return webadmittest.NewTest(t, append(base, opts...)...)
}

func sandboxEnv(s *webadmittest.Server) []string {
	return []string{"WEBADMIT_BASE_URL=" + s.URL(), "WEBADMIT_API_KEY=" + s.APIKey()}
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// assertNoSecrets fails if the output holds the key or a URL signature.
func assertNoSecrets(t *testing.T, r cliResult, secrets ...string) {
	t.Helper()
	for _, out := range []string{r.stdout, r.stderr} {
		for _, s := range append(secrets, "Signature=", "X-Amz-Signature") {
			if s != "" && strings.Contains(out, s) {
				t.Errorf("output contains secret %q:\n%s", s, out)
			}
		}
	}
}

func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		spelling   webadmittest.Spelling
		args       []string
		wantCode   int
		wantFile   bool
		wantStderr string
	}{
		{"available title case", webadmittest.SpellingTitleCase, []string{"run", "--identity", "7", "--export", "100", "-o", "out.csv"}, exitOK, true, "wrote"},
		{"available snake case", webadmittest.SpellingSnakeCase, []string{"run", "--identity", "7", "--export", "100", "-o", "out.csv"}, exitOK, true, "wrote"},
		{"success with errors", webadmittest.SpellingTitleCase, []string{"run", "--identity", "7", "--export", "101", "-o", "out.csv"}, exitOK, true, "warning"},
		{"success with errors snake", webadmittest.SpellingSnakeCase, []string{"run", "--identity", "7", "--export", "101", "-o", "out.csv"}, exitOK, true, "warning"},
		{"empty list", webadmittest.SpellingTitleCase, []string{"run", "--identity", "7", "--export", "102", "-o", "out.csv"}, exitEmptyList, false, "Empty List"},
		{"empty list snake", webadmittest.SpellingSnakeCase, []string{"run", "--identity", "7", "--export", "102", "-o", "out.csv"}, exitEmptyList, false, "Empty List"},
		{"failed", webadmittest.SpellingTitleCase, []string{"run", "--identity", "7", "--export", "103", "-o", "out.csv"}, exitFailed, false, "Failed"},
		{"failed snake", webadmittest.SpellingSnakeCase, []string{"run", "--identity", "7", "--export", "103", "-o", "out.csv"}, exitFailed, false, "Failed"},
		{"timeout", webadmittest.SpellingTitleCase, []string{"run", "--identity", "7", "--export", "104", "-o", "out.csv", "--timeout", "1500ms"}, exitTimeout, false, "--timeout"},
		{"unknown identity", webadmittest.SpellingTitleCase, []string{"run", "--identity", "999", "--export", "100", "-o", "out.csv"}, exitError, false, `user identity "999" not found`},
		{"missing flag", webadmittest.SpellingTitleCase, []string{"run", "--export", "100"}, exitUsage, false, `"identity" not set`},
		{"bad flag value", webadmittest.SpellingTitleCase, []string{"run", "--identity", "x", "--export", "100"}, exitUsage, false, `--identity takes a whole number, not "x"`},
		{"unknown command", webadmittest.SpellingTitleCase, []string{"frobnicate"}, exitUsage, false, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSandbox(t, webadmittest.WithSpelling(tt.spelling))
			dir := t.TempDir()
			r := runCLI(t, dir, sandboxEnv(s), tt.args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit code %d, want %d\nstderr: %s", r.code, tt.wantCode, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, r.stderr)
			}
			assertNoSecrets(t, r, s.APIKey())
			got, err := os.ReadFile(filepath.Join(dir, "out.csv"))
			if !tt.wantFile {
				if err == nil {
					t.Errorf("out.csv exists after a run that should write nothing")
				}
				entries, _ := os.ReadDir(dir)
				if len(entries) != 0 {
					t.Errorf("files left behind: %v", entries)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sha(got) != sha([]byte(latin1CSV)) {
				t.Errorf("file differs from the export:\n%q", got)
			}
			fi, _ := os.Stat(filepath.Join(dir, "out.csv"))
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", fi.Mode().Perm())
			}
		})
	}
}

func TestRunToStdoutAndUTF8(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	utf8, err := io.ReadAll(charmap.ISO8859_1.NewDecoder().Reader(strings.NewReader(latin1CSV)))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []byte
	}{
		{"raw", []string{"run", "--identity", "7", "--export", "100", "-o", "-"}, []byte(latin1CSV)},
		{"utf8", []string{"run", "--identity", "7", "--export", "100", "-o", "-", "--utf8"}, utf8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, t.TempDir(), sandboxEnv(s), tt.args...)
			if r.code != exitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if !bytes.Equal([]byte(r.stdout), tt.want) {
				t.Errorf("stdout = %q, want %q", r.stdout, tt.want)
			}
			assertNoSecrets(t, r, s.APIKey())
		})
	}
}

func TestRunNamesFileFromServer(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	dir := t.TempDir()
	r := runCLI(t, dir, sandboxEnv(s), "run", "--identity", "7", "--export", "100")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got, err := os.ReadFile(filepath.Join(dir, "Nightly.csv"))
	if err != nil {
		t.Fatalf("file named from Content-Disposition: %v", err)
	}
	if string(got) != latin1CSV {
		t.Errorf("content %q", got)
	}
	// A second run must not replace it without --force.
	r = runCLI(t, dir, sandboxEnv(s), "run", "--identity", "7", "--export", "100", "-o", "Nightly.csv")
	if r.code != exitError || !strings.Contains(r.stderr, "exist") {
		t.Errorf("overwrite without --force: exit %d, stderr %s", r.code, r.stderr)
	}
	r = runCLI(t, dir, sandboxEnv(s), "run", "--identity", "7", "--export", "100", "-o", "Nightly.csv", "--force")
	if r.code != exitOK {
		t.Errorf("overwrite with --force: exit %d, stderr %s", r.code, r.stderr)
	}
}

func TestHelpAndCompletionNeedNoKey(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"help", "run"}, {"run", "--help"}, {"completion", "bash"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := runCLI(t, t.TempDir(), nil, args...)
			if r.code != exitOK || r.stdout == "" {
				t.Errorf("exit %d, stdout %d bytes, stderr: %s", r.code, len(r.stdout), r.stderr)
			}
		})
	}
}

func TestWrongKey(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	const wrong = "wrong-key-0123456789abcdef"
	for _, args := range [][]string{
		{"identities"},
		{"run", "--identity", "7", "--export", "100", "-o", "out.csv"},
		{"status", "--export", "100", "--file", "1"},
	} {
		t.Run(args[0], func(t *testing.T) {
			dir := t.TempDir()
			r := runCLI(t, dir, []string{"WEBADMIT_BASE_URL=" + s.URL(), "WEBADMIT_API_KEY=" + wrong}, args...)
			if r.code != exitUnauthorized {
				t.Fatalf("exit %d, want %d: %s", r.code, exitUnauthorized, r.stderr)
			}
			assertNoSecrets(t, r, wrong, s.APIKey())
			if !strings.Contains(r.stderr, "WEBADMIT_API_KEY") {
				t.Errorf("error does not say what to do: %s", r.stderr)
			}
		})
	}
}

func TestListCommandsJSON(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	env := sandboxEnv(s)
	dir := t.TempDir()
	// Start a run so the batch list has one.
	if r := runCLI(t, dir, env, "run", "--identity", "7", "--export", "100", "-o", "x.csv"); r.code != 0 {
		t.Fatalf("run: %s", r.stderr)
	}
	tests := []struct {
		args []string
		want int // entries in the JSON array
	}{
		{[]string{"identities", "--output", "json"}, 1},
		{[]string{"exports", "--output", "json"}, 5},
		{[]string{"exports", "--identity", "7", "--output", "json"}, 5},
		{[]string{"files", "--identity", "7", "--output", "json"}, 1},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCLI(t, dir, env, tt.args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var list []map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
				t.Fatalf("stdout is not a JSON array: %v\n%s", err, r.stdout)
			}
			if len(list) != tt.want {
				t.Errorf("%d entries, want %d: %s", len(list), tt.want, r.stdout)
			}
		})
	}
}

func TestStatusAndDownload(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	env := sandboxEnv(s)
	dir := t.TempDir()
	r := runCLI(t, dir, env, "run", "--identity", "7", "--export", "100", "-o", "first.csv", "--output", "json")
	if r.code != 0 {
		t.Fatalf("run: %s", r.stderr)
	}
	var res runResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("run --output json: %v\n%s", err, r.stdout)
	}
	if res.SHA256 != sha([]byte(latin1CSV)) || res.ExportFileID == 0 {
		t.Errorf("result %+v", res)
	}
	file := res.ExportFileID
	id := strconv.Itoa

	r = runCLI(t, dir, env, "status", "--export", "100", "--file", id(file), "--output", "json")
	if r.code != 0 || strings.Contains(r.stdout, "download_url") {
		t.Errorf("status without --show-url: exit %d, stdout %s", r.code, r.stdout)
	}
	r = runCLI(t, dir, env, "status", "--export", "100", "--file", id(file), "--show-url")
	if r.code != 0 || !strings.Contains(r.stdout, s.StoreURL()) {
		t.Errorf("status --show-url: exit %d, stdout %s", r.code, r.stdout)
	}
	r = runCLI(t, dir, env, "download", "--export", "100", "--file", id(file), "-o", "second.csv")
	if r.code != 0 {
		t.Fatalf("download: %s", r.stderr)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "second.csv"))
	if string(got) != latin1CSV {
		t.Errorf("downloaded %q", got)
	}
	assertNoSecrets(t, r, s.APIKey())
}
