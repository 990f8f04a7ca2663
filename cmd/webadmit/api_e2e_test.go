package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// demoSandbox starts a sandbox with the demo data, for the commands that
// read and change programs, answers and designations.
func demoSandbox(t *testing.T) *webadmittest.Server {
	t.Helper()
	return webadmittest.NewTest(t, webadmittest.DemoData())
}

// runCLIStdin is runCLI with stdin.
func runCLIStdin(t *testing.T, dir string, env []string, stdin string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running webadmit %v: %v", args, err)
	}
	return cliResult{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

const (
	demoProgram  = "42023191739237"
	demoAnswers  = "/api/v1/user_identities/42/programs/" + demoProgram + "/applicants_by_cas_id/"
	demoZipPath  = "/api/v1/user_identities/42/pdf_manager_zip_files/901/download"
	answerCampus = demoAnswers + "1000002/custom_field_answers/5"
)

// TestAPIMethods calls the sandbox with each method the API uses, in order
// in one sandbox: each step sees what the one before it changed.
func TestAPIMethods(t *testing.T) {
	t.Parallel()
	s := demoSandbox(t)
	env := sandboxEnv(s)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "answer.json"), []byte(`{"custom_field_answer": {"field_type": "select", "value": "Denver"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  []string // in stdout
	}{
		{"GET", "", []string{"api", "/api/v1/user_identities"}, exitOK, []string{`"id":42`, `"id":43`}},
		{"GET without the slash", "", []string{"api", "api/v1/user_identities/42/decisions"}, exitOK, []string{`"Offer Accepted"`}},
		{"POST by default with fields", "", []string{"api", "/api/v1/user_identities/42/pdf_manager_batches", "-F", "pdf_manager_batch[pdf_manager_template_id]=2"},
			exitOK, []string{`"pdf_manager_batch"`}},
		{"PATCH", "", []string{"api", "-X", "patch", demoAnswers + "1000002/designation", "-F", "designation[decision_id]=43"},
			exitOK, []string{`"decision":{"id":43,"name":"Matriculated"}`}},
		{"GET sees the PATCH", "", []string{"api", demoAnswers + "1000002/designation"}, exitOK, []string{`"Matriculated"`}},
		{"PUT from a file", "", []string{"api", "-X", "PUT", answerCampus, "--input", "answer.json"}, exitOK, []string{`"value":"Denver"`}},
		{"PUT from stdin", `{"custom_field_answer": {"field_type": "select", "value": "Remote"}}`,
			[]string{"api", "-X", "PUT", answerCampus, "--input", "-"}, exitOK, []string{`"value":"Remote"`}},
		{"PUT an array of objects", "", []string{"api", "-X", "PUT", "/api/v1/user_identities/42/applicant_details",
			"-f", "applicants[][applicant_cas_id]=1000002", "-F", "applicants[][redirect_eligible]=true"}, exitOK, []string{"{}"}},
		{"DELETE", "", []string{"api", "-X", "DELETE", answerCampus}, exitOK, []string{`"value":null`}},
		{"GET sees the DELETE", "", []string{"api", answerCampus}, exitOK, []string{`"value":null`}},
		{"a method the path lacks", "", []string{"api", "-X", "DELETE", "/api/v1/user_identities"}, exitError, []string{`"message":"Not Found"`}},
		{"not found, body on stdout", "", []string{"api", "/api/v1/user_identities/999/programs"}, exitError, []string{`"message":"User identity '999' not found."`}},
		{"refused, body on stdout", "", []string{"api", "-X", "PUT", answerCampus, "-f", "custom_field_answer[field_type]=select", "-f", "custom_field_answer[value]=Mars"},
			exitError, []string{`"errors"`, `is not a valid option`}},
	}
	for _, st := range steps {
		r := runCLIStdin(t, dir, env, st.stdin, st.args...)
		if r.code != st.code {
			t.Errorf("%s: exit %d, want %d\n%s%s", st.name, r.code, st.code, r.stdout, r.stderr)
			continue
		}
		for _, w := range st.want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%s: stdout lacks %s:\n%s", st.name, w, r.stdout)
			}
		}
		if st.code != exitOK && !strings.HasPrefix(r.stderr, "webadmit: ") {
			t.Errorf("%s: stderr is not the error line: %s", st.name, r.stderr)
		}
		assertNoSecrets(t, r, s.APIKey())
	}
	for _, e := range []webadmittest.Endpoint{"updateDesignation", "storeCustomFieldAnswer", "clearCustomFieldAnswer", "initiatePdfManagerBatch", "updateApplicantDetails"} {
		if s.Recorder().Calls(e) == 0 {
			t.Errorf("the sandbox saw no call of %s", e)
		}
	}
}

func TestAPIRedirect(t *testing.T) {
	t.Parallel()
	s := demoSandbox(t)
	env := sandboxEnv(s)
	want := sha(demoZip(t, s, webadmittest.DemoPDFZipFileAccepted1))
	s.Recorder().Reset()

	t.Run("Location redacted", func(t *testing.T) {
		r := runCLI(t, t.TempDir(), env, "api", demoZipPath)
		if r.code != exitOK || !strings.HasPrefix(r.stdout, s.StoreURL()+"/") || !strings.HasSuffix(r.stdout, "?REDACTED\n") {
			t.Errorf("exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
		}
		if !strings.Contains(r.stderr, "302 Found") || !strings.Contains(r.stderr, "--show-url") {
			t.Errorf("stderr does not explain the redirect: %s", r.stderr)
		}
		assertNoSecrets(t, r, s.APIKey())
	})
	t.Run("with -i", func(t *testing.T) {
		r := runCLI(t, t.TempDir(), env, "api", "-i", demoZipPath)
		if r.code != exitOK || !strings.HasPrefix(r.stdout, "HTTP/1.1 302 Found\n") || !strings.Contains(r.stdout, "Location: "+s.StoreURL()) {
			t.Errorf("exit %d, stdout %q", r.code, r.stdout)
		}
		assertNoSecrets(t, r, s.APIKey())
	})
	t.Run("JSON", func(t *testing.T) {
		r := runCLI(t, t.TempDir(), env, "api", demoZipPath, "--output", "json")
		var v struct {
			Status   int    `json:"status"`
			Location string `json:"location"`
		}
		if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &v) != nil || v.Status != http.StatusFound || !strings.HasSuffix(v.Location, "?REDACTED") {
			t.Errorf("exit %d, stdout %s", r.code, r.stdout)
		}
	})
	t.Run("--show-url", func(t *testing.T) {
		r := runCLI(t, t.TempDir(), env, "api", demoZipPath, "--show-url")
		if r.code != exitOK || !strings.Contains(r.stdout, "Signature=") || strings.Contains(r.stdout, s.APIKey()) {
			t.Errorf("exit %d, stdout %q", r.code, r.stdout)
		}
	})
	t.Run("--download", func(t *testing.T) {
		dir := t.TempDir()
		r := runCLI(t, dir, env, "api", demoZipPath, "--download", "-o", "batch.zip")
		if r.code != exitOK {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		got, err := os.ReadFile(filepath.Join(dir, "batch.zip"))
		if err != nil || sha(got) != want {
			t.Errorf("batch.zip: %v, SHA-256 %s, want %s", err, sha(got), want)
		}
		if fi, err := os.Stat(filepath.Join(dir, "batch.zip")); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("batch.zip mode: %v %v", fi, err)
		}
		assertNoSecrets(t, r, s.APIKey())
		// Again: refused without --force, replaced with it.
		if r := runCLI(t, dir, env, "api", demoZipPath, "--download", "-o", "batch.zip"); r.code != exitError || !strings.Contains(r.stderr, "--force") {
			t.Errorf("existing file without --force: exit %d, %s", r.code, r.stderr)
		}
		if r := runCLI(t, dir, env, "api", demoZipPath, "--download", "-o", "batch.zip", "--force"); r.code != exitOK {
			t.Errorf("--force: exit %d, %s", r.code, r.stderr)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("files left behind: %v", entries)
		}
	})
	t.Run("--download to stdout", func(t *testing.T) {
		r := runCLI(t, t.TempDir(), env, "api", demoZipPath, "--download", "-o", "-")
		if r.code != exitOK || sha([]byte(r.stdout)) != want {
			t.Errorf("exit %d, %d bytes on stdout: %s", r.code, len(r.stdout), r.stderr)
		}
	})
	t.Run("-o without --download", func(t *testing.T) {
		dir := t.TempDir()
		r := runCLI(t, dir, env, "api", demoZipPath, "-o", "batch.zip")
		if r.code != exitError || !strings.Contains(r.stderr, "--download") {
			t.Errorf("exit %d, stderr %s", r.code, r.stderr)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("files written: %v", entries)
		}
		assertNoSecrets(t, r, s.APIKey())
	})
	t.Run("--download without -o", func(t *testing.T) {
		if r := runCLI(t, t.TempDir(), env, "api", demoZipPath, "--download"); r.code != exitUsage {
			t.Errorf("exit %d, stderr %s", r.code, r.stderr)
		}
	})
	if leaks := s.Recorder().Leaks(); len(leaks) != 0 {
		t.Errorf("the API key reached the object store: %+v", leaks)
	}
}

func TestAPIRefusals(t *testing.T) {
	t.Parallel()
	s := demoSandbox(t)
	env := sandboxEnv(s)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		env    []string
		args   []string
		code   int
		stderr string
	}{
		{"another host", env, []string{"api", "https://example.org/api/v1/user_identities"}, exitUsage, "API's host only"},
		{"the API's host on another port", env, []string{"api", "http://127.0.0.1:1/api/v1/user_identities"}, exitUsage, "not on the API's host"},
		{"scheme-relative host", env, []string{"api", "//example.org/api/v1/user_identities"}, exitUsage, "not on the API's host"},
		{"no PATH", env, []string{"api"}, exitUsage, "give one PATH"},
		{"two PATHs", env, []string{"api", "/a", "/b"}, exitUsage, "give one PATH"},
		{"bad method", env, []string{"api", "-X", "GE T", "/api/v1/user_identities"}, exitUsage, "not an HTTP method"},
		{"bad field", env, []string{"api", "-f", "novalue", "/api/v1/user_identities"}, exitUsage, "key=value"},
		{"input not JSON", env, []string{"api", "-X", "PUT", answerCampus, "--input", "bad.json"}, exitUsage, "not JSON"},
		{"input missing", env, []string{"api", "-X", "PUT", answerCampus, "--input", "nope.json"}, exitUsage, "nope.json"},
		{"wrong key", []string{"WEBADMIT_BASE_URL=" + s.URL(), "WEBADMIT_API_KEY=wrong-key-0123456789"}, []string{"api", "/api/v1/user_identities"}, exitUnauthorized, "WEBADMIT_API_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, dir, tt.env, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, want %d; stderr lacks %q:\n%s", r.code, tt.code, tt.stderr, r.stderr)
			}
			if tt.code == exitUnauthorized && r.stdout != "" {
				t.Errorf("stdout after a 401 with an empty body: %q", r.stdout)
			}
			assertNoSecrets(t, r, s.APIKey(), "wrong-key-0123456789")
		})
	}
	t.Cleanup(func() { // after the parallel subtests
		if n := s.Recorder().Calls("listUserIdentities"); n != 1 {
			t.Errorf("the sandbox saw %d calls of listUserIdentities, want 1 (the wrong key's): a refused call was sent", n)
		}
	})
}

// TestAPIDownloadRefusesPlainHTTP: a redirect to plain http on another
// host is not fetched, and no connection is tried.
func TestAPIDownloadRefusesPlainHTTP(t *testing.T) {
	t.Parallel()
	srv := fakeAPI(t, map[string]http.HandlerFunc{
		"GET /api/v1/user_identities/42/pdf_manager_zip_files/1/download": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://store.invalid/k.zip?Signature=secret", http.StatusFound)
		},
	})
	dir := t.TempDir()
	r := runCLI(t, dir, fakeEnv(srv), "api", "/api/v1/user_identities/42/pdf_manager_zip_files/1/download", "--download", "-o", "k.zip")
	if r.code != exitError || !strings.Contains(r.stderr, "plain http") {
		t.Errorf("exit %d, stderr %s", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files written: %v", entries)
	}
	assertNoSecrets(t, r, fakeAPIKey, "secret")
}

// TestAPIStoreError: the store's refusal is told as the store's, exit 1
// (not 6: the store never gets the key), with nothing written.
func TestAPIStoreError(t *testing.T) {
	t.Parallel()
	store := fakeStore(t, map[string]http.HandlerFunc{
		"GET /k.zip": func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("x-api-key") != "" {
				t.Errorf("the store got the API key")
			}
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"))
		},
	})
	srv := fakeAPI(t, map[string]http.HandlerFunc{
		"GET /api/v1/x": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, store.URL+"/k.zip?Signature=secret", http.StatusFound)
		},
	})
	dir := t.TempDir()
	r := runCLI(t, dir, fakeEnv(srv), "api", "/api/v1/x", "--download", "-o", "k.zip")
	if r.code != exitError || !strings.Contains(r.stderr, "object store") || !strings.Contains(r.stderr, "403") {
		t.Errorf("exit %d, stderr %s", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files written: %v", entries)
	}
	assertNoSecrets(t, r, fakeAPIKey, "secret")
}
