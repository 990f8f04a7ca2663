//go:build linux

package s3test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

func TestRemoveStale(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	done := exec.Command("true")
	if err := done.Run(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		leftovers string // "" for none
		wantKept  bool
	}{
		{"weed gone", strconv.Itoa(done.Process.Pid) + "\n/tmp/seaweedfs-s3-grpc-1.sock\n", false},
		{"weed running", strconv.Itoa(os.Getpid()) + "\n", true},
		{"still starting", "", true},
	}
	for i, tt := range tests {
		dir := filepath.Join(tmp, dirPattern+strconv.Itoa(i))
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if tt.leftovers != "" {
			if err := os.WriteFile(filepath.Join(dir, leftovers), []byte(tt.leftovers), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	removeStale()
	for i, tt := range tests {
		_, err := os.Stat(filepath.Join(tmp, dirPattern+strconv.Itoa(i)))
		if kept := err == nil; kept != tt.wantKept {
			t.Errorf("%s: kept %v, want %v", tt.name, kept, tt.wantKept)
		}
	}
}
