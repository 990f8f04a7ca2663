package dest

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestFileSinkWritesBackAsItGoes writes a file larger than writebackEvery
// in odd-sized pieces: writeback is started for every whole stretch written
// (never past the bytes written), and the file is intact once committed.
func TestFileSinkWritesBackAsItGoes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := File(filepath.Join(dir, "big.csv"), FileOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fsink := s.(*fileSink)
	content := pattern(2*writebackEvery + 12345)
	var marks []int64
	for rest := content; len(rest) > 0; {
		n := min(len(rest), 1<<20+7)
		if _, err := s.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
		if len(marks) == 0 || marks[len(marks)-1] != fsink.flushed {
			marks = append(marks, fsink.flushed)
		}
		if fsink.flushed > fsink.written || fsink.written-fsink.flushed >= writebackEvery {
			t.Fatalf("after %d bytes writeback covers %d", fsink.written, fsink.flushed)
		}
	}
	if len(marks) != 3 || marks[2] < 2*writebackEvery {
		t.Errorf("writeback marks %v, want 0 and two more stretches of at least %d bytes", marks, writebackEvery)
	}
	paths, err := s.Commit(&Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, paths[0]); !bytes.Equal(got, content) {
		t.Errorf("file differs from what was written (%d bytes, want %d)", len(got), len(content))
	}
}

// TestFileSinkDirectoryNameChecks drives a directory-mode sink by hand: a
// taken name is refused at start, unless Overwrite is set; a file that
// appears after start is still refused at commit, and nothing is left.
func TestFileSinkDirectoryNameChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		before, during bool // the name is taken before start, or appears after it
		unique         bool
		wantStartErr   bool
		wantCommitErr  bool
	}{
		{name: "free name"},
		{name: "taken before", before: true, wantStartErr: true},
		{name: "taken before, unique name", before: true, unique: true},
		{name: "appears during the download", during: true, wantCommitErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			final := filepath.Join(dir, "Name.csv")
			if tt.before {
				if err := os.WriteFile(final, []byte("old"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			s, err := File(dir, FileOptions{Overwrite: true, UniqueName: tt.unique}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Abort()
			meta := &Meta{ExportID: 7, ExportFileID: 555, FileName: "Name.csv"}
			err = s.Start(meta)
			if tt.wantStartErr {
				if !errors.Is(err, fs.ErrExist) {
					t.Fatalf("start: err = %v, want fs.ErrExist", err)
				}
				s.Abort()
				if got := dirEntries(t, dir); !slices.Equal(got, []string{"Name.csv"}) {
					t.Errorf("directory holds %v", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("start: %v", err)
			}
			if tt.during {
				if err := os.WriteFile(final, []byte("raced"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.Write([]byte("new")); err != nil {
				t.Fatal(err)
			}
			paths, err := s.Commit(meta)
			if tt.wantCommitErr {
				if !errors.Is(err, fs.ErrExist) {
					t.Fatalf("commit: err = %v, want fs.ErrExist", err)
				}
				s.Abort()
				if string(readFile(t, final)) != "raced" || !slices.Equal(dirEntries(t, dir), []string{"Name.csv"}) {
					t.Errorf("the file that appeared was touched, or a temporary file is left: %v", dirEntries(t, dir))
				}
				return
			}
			if err != nil {
				t.Fatalf("commit: %v", err)
			}
			if tt.unique {
				if want := filepath.Join(dir, "Name-2.csv"); !slices.Equal(paths, []string{want}) || string(readFile(t, final)) != "old" {
					t.Errorf("paths %v, want %s beside the old file", paths, want)
				}
				final = paths[0]
			}
			if string(readFile(t, final)) != "new" {
				t.Error("the file was not written")
			}
		})
	}
}
