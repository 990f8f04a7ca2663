package wrapper

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestToFile(t *testing.T) {
	t.Parallel()
	content := pattern(70_000)
	tests := []struct {
		name      string
		existing  map[string]string // files before the download
		path      func(dir string) string
		overwrite bool
		disp      string
		wantFile  string // relative name of the result
		wantErr   error
		wantCalls int // status calls: 0 when refused before any call
	}{
		{name: "new file", path: func(d string) string { return filepath.Join(d, "out.csv") }, wantFile: "out.csv", wantCalls: 1},
		{name: "existing file refused before any call", existing: map[string]string{"out.csv": "old"},
			path: func(d string) string { return filepath.Join(d, "out.csv") }, wantErr: fs.ErrExist},
		{name: "existing file replaced on request", existing: map[string]string{"out.csv": "old"}, overwrite: true,
			path: func(d string) string { return filepath.Join(d, "out.csv") }, wantFile: "out.csv", wantCalls: 1},
		{name: "directory: the server's name", path: func(d string) string { return d },
			disp: `attachment; filename="Nightly Export.csv"`, wantFile: "Nightly Export.csv", wantCalls: 1},
		{name: "directory: hostile server name made safe", path: func(d string) string { return d + string(filepath.Separator) },
			disp: `attachment; filename="../../etc/passwd"`, wantFile: "passwd", wantCalls: 1},
		{name: "directory: no name, fallback", path: func(d string) string { return d },
			disp: "attachment", wantFile: "export-7-555.csv", wantCalls: 1},
		{name: "directory: server name exists", existing: map[string]string{"Same.csv": "old"}, path: func(d string) string { return d },
			disp: "attachment; filename=Same.csv", wantErr: fs.ErrExist, wantCalls: 1},
		{name: "missing directory", path: func(d string) string { return filepath.Join(d, "no", "such", "out.csv") }, wantErr: fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeStore(content)
			if tt.disp != "" {
				store.disp = tt.disp
			}
			c, api := setupDownload(t, store)
			dir := t.TempDir()
			for name, body := range tt.existing {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			res, err := c.Download(context.Background(), 7, 555, ToFile(tt.path(dir), FileOptions{Overwrite: tt.overwrite}))
			collect(err)
			if api.getCalls() != tt.wantCalls {
				t.Errorf("%d status calls, want %d", api.getCalls(), tt.wantCalls)
			}
			var want []string
			for name := range tt.existing {
				want = append(want, name)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				for name, body := range tt.existing {
					if got := readFile(t, filepath.Join(dir, name)); string(got) != body {
						t.Errorf("%s was changed", name)
					}
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				final := filepath.Join(dir, tt.wantFile)
				if !slices.Equal(res.Paths, []string{final}) {
					t.Errorf("Paths = %v, want %v", res.Paths, final)
				}
				if got := readFile(t, final); !bytes.Equal(got, content) {
					t.Errorf("file holds %d bytes, want the %d of the source", len(got), len(content))
				}
				mustMode(t, final, 0o600)
				if !slices.Contains(want, tt.wantFile) {
					want = append(want, tt.wantFile)
				}
			}
			got := dirEntries(t, dir)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("directory holds %v, want %v", got, want)
			}
		})
	}
}

func TestToWriterAndDestinationsValidate(t *testing.T) {
	t.Parallel()
	for _, d := range []Destination{ToWriter(nil), ToFile("", FileOptions{}), ToDir(" ", ExtractOptions{})} {
		if _, err := d.open(); collect(err) == nil {
			t.Errorf("%T accepted", d)
		}
	}
}

// TestFileSinkWritesBackAsItGoes writes a file larger than writebackEvery
// in odd-sized pieces: writeback is started for every whole stretch written
// (never past the bytes written), and the file is intact once committed.
func TestFileSinkWritesBackAsItGoes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := ToFile(filepath.Join(dir, "big.csv"), FileOptions{}).open()
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
	paths, err := s.commit(&fileMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, paths[0]); !bytes.Equal(got, content) {
		t.Errorf("file differs from what was written (%d bytes, want %d)", len(got), len(content))
	}
}
