package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// The tests below run the CLI with --sandbox: every invocation starts its
// own demo sandbox, so they work only on what the demo data holds from the
// start.

func TestSandboxFinishedRuns(t *testing.T) {
	t.Parallel()
	demo := webadmittest.NewTest(t) // for the expected content only
	dir := t.TempDir()
	id := strconv.Itoa

	r := runCLI(t, dir, nil, "--sandbox", "files", "--identity", "42", "--output", "json")
	var files []struct {
		ID       int    `json:"id"`
		ExportID int    `json:"export_id"`
		Status   string `json:"status"`
	}
	if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &files) != nil {
		t.Fatalf("files: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if len(files) != 2 || files[0].ID != webadmittest.DemoRunWithWarnings || files[0].Status != "Success With Errors" ||
		files[1].ID != webadmittest.DemoRunNightlyBanner || files[1].ExportID != webadmittest.DemoExportNightlyBanner || files[1].Status != "Available" {
		t.Errorf("files --identity 42 = %+v, want the finished runs 74701 and 74700", files)
	}

	r = runCLI(t, dir, nil, "--sandbox", "status", "--export", "29897", "--file", id(webadmittest.DemoRunNightlyBanner))
	if r.code != exitOK || !regexp.MustCompile(`74700\s+29897\s+Available\s+true`).MatchString(r.stdout) {
		t.Errorf("status: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	tests := []struct {
		export, file int
		out          string
		warning      bool
	}{
		{webadmittest.DemoExportNightlyBanner, webadmittest.DemoRunNightlyBanner, "x.csv", false},
		{webadmittest.DemoExportWithWarnings, webadmittest.DemoRunWithWarnings, "w.csv", true},
	}
	for _, tt := range tests {
		r := runCLI(t, dir, nil, "--sandbox", "download", "--export", id(tt.export), "--file", id(tt.file), "-o", tt.out)
		if r.code != exitOK || strings.Contains(r.stderr, "warning") != tt.warning {
			t.Errorf("download of run %d: exit %d, stderr %s", tt.file, r.code, r.stderr)
			continue
		}
		got, err := os.ReadFile(filepath.Join(dir, tt.out))
		want, _ := io.ReadAll(demo.ExportContent(tt.export))
		if err != nil || len(want) == 0 || sha(got) != sha(want) {
			t.Errorf("run %d: %s has SHA-256 %s (%v), want %s", tt.file, tt.out, sha(got), err, sha(want))
		}
		assertNoSecrets(t, r)
	}
}

// demoZip returns the bytes of a demo PDF Manager zip file, read from an
// in-process demo sandbox without following the redirect with the key.
func demoZip(t *testing.T, srv *webadmittest.Server, zipID int) []byte {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/api/v1/user_identities/42/pdf_manager_zip_files/"+strconv.Itoa(zipID)+"/download", nil)
	req.Header.Set("x-api-key", srv.APIKey())
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("zip %d: %d, want 302", zipID, resp.StatusCode)
	}
	resp, err = hc.Get(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("zip %d from the store: %d %v", zipID, resp.StatusCode, err)
	}
	return body
}

func TestSandboxFinishedPDFBatch(t *testing.T) {
	t.Parallel()
	demo := webadmittest.NewTest(t)
	dir := t.TempDir()
	batch := strconv.Itoa(webadmittest.DemoPDFBatchAccepted)

	r := runCLI(t, dir, nil, "--sandbox", "pdf", "batches", "--identity", "42", "--output", "json")
	var batches []struct {
		ID    int    `json:"id"`
		State string `json:"state"`
	}
	if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &batches) != nil ||
		len(batches) != 1 || batches[0].ID != webadmittest.DemoPDFBatchAccepted || batches[0].State != "available" {
		t.Errorf("pdf batches: exit %d, %+v\n%s%s", r.code, batches, r.stdout, r.stderr)
	}

	r = runCLI(t, dir, nil, "--sandbox", "pdf", "status", "--identity", "42", "--batch", batch)
	if r.code != exitOK || !strings.Contains(r.stdout, "Available") ||
		!strings.Contains(r.stdout, strconv.Itoa(webadmittest.DemoPDFZipFileAccepted1)) || !strings.Contains(r.stdout, strconv.Itoa(webadmittest.DemoPDFZipFileAccepted2)) {
		t.Errorf("pdf status: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	r = runCLI(t, dir, nil, "--sandbox", "pdf", "download", "--identity", "42", "--batch", batch, "-o", "zips", "--output", "json")
	var res pdfResult
	if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &res) != nil {
		t.Fatalf("pdf download: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	zipIDs := []int{webadmittest.DemoPDFZipFileAccepted1, webadmittest.DemoPDFZipFileAccepted2}
	if res.BatchID != webadmittest.DemoPDFBatchAccepted || len(res.ZipFiles) != len(zipIDs) || len(res.Paths) != len(zipIDs) {
		t.Fatalf("pdf download result %+v", res)
	}
	for i, zipID := range zipIDs {
		want := sha(demoZip(t, demo, zipID))
		got, err := os.ReadFile(filepath.Join(dir, "zips", "Accepted-Offers-for-Review-41-"+strconv.Itoa(i+1)+".zip"))
		if err != nil || sha(got) != want || res.ZipFiles[i].ZipFileID != zipID || res.ZipFiles[i].SHA256 != want {
			t.Errorf("zip file %d: %v, SHA-256 %s, result %+v, want %s", zipID, err, sha(got), res.ZipFiles[i], want)
		}
	}

	r = runCLI(t, dir, nil, "--sandbox", "pdf", "download", "--identity", "42", "--batch", batch, "-o", "pdfs", "--extract")
	if r.code != exitOK {
		t.Fatalf("pdf download --extract: exit %d: %s", r.code, r.stderr)
	}
	for _, name := range []string{"1000001.pdf", "1000002.pdf", "1000003.pdf", "1000004.pdf"} {
		if b, err := os.ReadFile(filepath.Join(dir, "pdfs", name)); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
			t.Errorf("extracted %s: %v %q", name, err, b)
		}
	}
	assertNoSecrets(t, r)
}

// TestReadmeCommandsWorkInSandbox runs every command of the README's
// command line section with --sandbox, in order and in one directory, as a
// newcomer would, after writing the files its heredocs (cat > FILE <<'EOF')
// write.
func TestReadmeCommandsWorkInSandbox(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## The command line")
	if !ok {
		t.Fatal("README has no command line section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var (
		commands [][]string
		files    = map[string]string{} // what the section's heredocs write
		heredoc  string
	)
	dir := t.TempDir()
	for _, line := range strings.Split(section, "\n") {
		if heredoc != "" {
			if line == "EOF" {
				heredoc = ""
			} else {
				files[heredoc] += line + "\n"
			}
			continue
		}
		if name, ok := strings.CutPrefix(line, "cat > "); ok {
			heredoc, _, _ = strings.Cut(name, " <<'EOF'")
			files[heredoc] = ""
			continue
		}
		rest, ok := strings.CutPrefix(line, "bin/webadmit ")
		if !ok {
			continue
		}
		rest, _, _ = strings.Cut(rest, "#")
		commands = append(commands, shellFields(rest))
	}
	if len(commands) < 10 {
		t.Fatalf("found %d commands in the README's command line section: %q", len(commands), commands)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range commands {
		r := runCLI(t, dir, nil, append([]string{"--sandbox", "--quiet"}, args...)...)
		if r.code != exitOK {
			t.Errorf("webadmit --sandbox %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
	}
}
