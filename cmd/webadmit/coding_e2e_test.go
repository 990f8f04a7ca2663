package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// TestStoredCodingIsSaidAloud: a file the object store keeps gzip-coded is
// saved as stored, compressed; the CLI says so, with --utf8 says that it
// could not convert it, and --output json carries the coding.
func TestStoredCodingIsSaidAloud(t *testing.T) {
	t.Parallel()
	plain := []byte("cas_id,last_name\n1000001,Garc\xeda\n")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(plain)
	_ = zw.Close()
	s := webadmittest.NewTest(t, webadmittest.WithExports(
		webadmittest.Export{ID: 500, IdentityID: 42, Name: "Coded", Content: gz.Bytes(), ContentEncoding: "gzip"},
		webadmittest.Export{ID: 501, IdentityID: 42, Name: "Latin", Content: plain},
	))
	tests := []struct {
		name   string
		args   []string
		file   []byte // what must be on disk
		warn   []string
		noWarn bool
	}{
		{name: "coded", args: []string{"run", "--identity", "42", "--export", "500", "-o", "out.csv"},
			file: gz.Bytes(), warn: []string{"Content-Encoding: gzip", "still compressed", "gzip -dc"}},
		{name: "coded with --utf8", args: []string{"run", "--identity", "42", "--export", "500", "-o", "out.csv", "--utf8"},
			file: gz.Bytes(), warn: []string{"Content-Encoding: gzip", "--utf8 could not convert it"}},
		{name: "plain with --utf8", args: []string{"run", "--identity", "42", "--export", "501", "-o", "out.csv", "--utf8"},
			file: []byte("cas_id,last_name\n1000001,García\n"), noWarn: true, warn: []string{"received, converted to UTF-8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			r := runCLI(t, dir, sandboxEnv(s), append([]string{"--output", "json"}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d:\n%s", r.code, r.stderr)
			}
			got, err := os.ReadFile(filepath.Join(dir, "out.csv"))
			if err != nil || !bytes.Equal(got, tt.file) {
				t.Errorf("file = %q (%v), want %q", got, err, tt.file)
			}
			for _, w := range tt.warn {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if tt.noWarn && strings.Contains(r.stderr, "warning") {
				t.Errorf("a plain file draws a warning:\n%s", r.stderr)
			}
			var j struct {
				Bytes           int64  `json:"bytes"`
				Received        int64  `json:"bytes_received"`
				ContentEncoding string `json:"content_encoding"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
			}
			if j.Bytes != int64(len(tt.file)) || (tt.noWarn == (j.ContentEncoding == "gzip")) {
				t.Errorf("json = %+v", j)
			}
			if tt.noWarn && j.Received != int64(len(plain)) {
				t.Errorf("bytes_received = %d, want %d", j.Received, len(plain))
			}
		})
	}
}
