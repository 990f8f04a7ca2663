package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// TestConnectionsFlag: --connections reaches the download (a file over 32
// MiB comes in 16 MiB parts over that many connections; 1 is one stream)
// and refuses what the library would, as a usage error, before anything
// is asked of the API.
func TestConnectionsFlag(t *testing.T) {
	t.Parallel()
	const bigExport, size = 110, 40 << 20 // three parts
	tests := []struct {
		name      string
		args      []string
		wantCode  int
		wantStore int // requests to the object store
	}{
		{"run in parts", []string{"run", "--identity", "7", "--export", "110", "-o", "big.csv", "--connections", "4"}, exitOK, 3},
		{"run as one stream", []string{"run", "--identity", "7", "--export", "110", "-o", "big.csv", "--connections", "1"}, exitOK, 1},
		{"run: 0 connections", []string{"run", "--identity", "7", "--export", "110", "--connections", "0"}, exitUsage, 0},
		{"download: 65 connections", []string{"download", "--export", "110", "--file", "1", "--connections", "65"}, exitUsage, 0},
		{"pdf run: 0 connections", []string{"pdf", "run", "--identity", "7", "--template", "2", "--connections", "0"}, exitUsage, 0},
		{"pdf download: -1 connections", []string{"pdf", "download", "--identity", "7", "--batch", "9", "--connections", "-1"}, exitUsage, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSandbox(t, webadmittest.WithExports(webadmittest.Export{ID: bigExport, IdentityID: identityID, Name: "Big", Size: size,
				Timeline: webadmittest.Timeline{Outcome: generated.ExportFileStatusAvailable}}))
			dir := t.TempDir()
			r := runCLI(t, dir, sandboxEnv(s), tt.args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstderr: %s", r.code, tt.wantCode, r.stderr)
			}
			if tt.wantCode == exitUsage {
				if !strings.Contains(r.stderr, "--connections takes 1 to 64") {
					t.Errorf("stderr lacks the usage error:\n%s", r.stderr)
				}
				if n := s.Recorder().Calls(webadmittest.EndpointInitiateExportFile) + s.Recorder().Calls(webadmittest.EndpointGetExportFile); n != 0 {
					t.Errorf("%d API calls before the usage error", n)
				}
				return
			}
			if n := s.Recorder().Calls(webadmittest.EndpointObject); n != tt.wantStore {
				t.Errorf("%d store requests, want %d", n, tt.wantStore)
			}
			got, err := os.ReadFile(filepath.Join(dir, "big.csv"))
			if err != nil {
				t.Fatal(err)
			}
			want, _ := io.ReadAll(s.ExportContent(bigExport))
			if sha(got) != sha(want) {
				t.Errorf("big.csv differs from the export (%d bytes, want %d)", len(got), len(want))
			}
		})
	}
}
