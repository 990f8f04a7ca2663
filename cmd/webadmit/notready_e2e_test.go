package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// TestNotReadyGivesTheNextCommand: downloading a run or batch that has not
// finished says so and gives the exact command, with its ids, that checks
// it or waits for it; exit 1.
func TestNotReadyGivesTheNextCommand(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, webadmittest.WithPDFTemplates(webadmittest.PDFTemplate{
		ID: templateSlow, IdentityID: identityID, Name: "Slow", Timeline: webadmittest.Timeline{InProgress: time.Hour}}))
	env := sandboxEnv(s)
	dir := t.TempDir()
	// Start a run and a batch that take an hour, and stop waiting at once.
	if r := runCLI(t, dir, env, "run", "--identity", "7", "--export", strconv.Itoa(exportSlow), "--timeout", "10ms"); r.code != exitTimeout {
		t.Fatalf("run: exit %d: %s", r.code, r.stderr)
	}
	if r := runCLI(t, dir, env, "pdf", "run", "--identity", "7", "--template", strconv.Itoa(templateSlow), "--timeout", "10ms"); r.code != exitTimeout {
		t.Fatalf("pdf run: exit %d: %s", r.code, r.stderr)
	}
	const run, batch = "74780", "42" // the sandbox's first ids
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"download", []string{"download", "--export", strconv.Itoa(exportSlow), "--file", run, "-o", "x.csv"},
			[]string{"has not finished", "'webadmit status --export 104 --file " + run + "'", "'webadmit download --export 104 --file " + run + " -o x.csv'"}},
		{"pdf download", []string{"pdf", "download", "--identity", "7", "--batch", batch, "-o", "out"},
			[]string{"has not finished", "'webadmit pdf download --identity 7 --batch " + batch + " -o out --wait'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, dir, env, tt.args...)
			if r.code != exitError {
				t.Errorf("exit %d, want %d", r.code, exitError)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "not finished yet:") {
				t.Errorf("stderr has the library's bare sentinel:\n%s", r.stderr)
			}
		})
	}
}
