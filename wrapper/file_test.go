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

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
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
		if _, err := d.open(nil); collect(err) == nil {
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
	s, err := ToFile(filepath.Join(dir, "big.csv"), FileOptions{}).open(nil)
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

// TestToFileDirectoryExistingNameRefusedEarly downloads, into a directory,
// an export whose proposed name is taken: the refusal (fs.ErrExist) comes
// as soon as the store's answer names the file, before its bytes are
// copied, and leaves no temporary file; with Overwrite it is replaced.
func TestToFileDirectoryExistingNameRefusedEarly(t *testing.T) {
	t.Parallel()
	const size = 32 << 20
	srv := sandbox(t, webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: sandboxIdentity, Name: "Taken", Size: size}))
	c := sandboxClient(t, srv)
	dir := t.TempDir()
	existing := filepath.Join(dir, "Taken.csv")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	var copied int64
	res, err := c.RunExport(context.Background(), sandboxIdentity, 7, ToFile(dir, FileOptions{}), OnProgress(func(e Event) {
		if e.Kind == EventBytes {
			copied = e.Bytes
		}
	}))
	if !errors.Is(collect(err), fs.ErrExist) {
		t.Fatalf("err = %v, want fs.ErrExist", err)
	}
	if res == nil || res.Received != 0 || copied != 0 {
		t.Errorf("%d bytes copied before the refusal (result %+v)", copied, res)
	}
	if got := dirEntries(t, dir); !slices.Equal(got, []string{"Taken.csv"}) {
		t.Errorf("directory holds %v, want only the file that was there", got)
	}
	if string(readFile(t, existing)) != "keep me" {
		t.Error("the existing file was replaced")
	}
	runID := res.ExportFileID
	srv.Close() // waits for the store's handler: its count is final
	if served := srv.Recorder().BytesServed(runID); served > size/4 {
		t.Errorf("the store served %d of %d bytes for a download refused at its start", served, size)
	}
}

// TestZipFilesToDirExistingNameRefusedEarly: a zip file of a PDF Manager
// batch whose name is taken in the directory is refused before its bytes
// are copied.
func TestZipFilesToDirExistingNameRefusedEarly(t *testing.T) {
	t.Parallel()
	zips := [][]byte{randomBytes(t, 8<<20)}
	srv := sandbox(t, webadmittest.WithPDFTemplates(pdfTemplate(7, "Packets", generated.ExportFileStatusAvailable, zips...)))
	c := sandboxClient(t, srv)
	dir := t.TempDir()
	// Batches count from 42: the first zip of the first batch is Packets-42-1.zip.
	existing := filepath.Join(dir, "Packets-42-1.zip")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	var copied int64
	_, err := c.RunPDFBatch(context.Background(), sandboxIdentity, 7, ZipFilesToDir(dir, FileOptions{}), OnProgress(func(e Event) {
		if e.Kind == EventBytes {
			copied = e.Bytes
		}
	}))
	if !errors.Is(collect(err), fs.ErrExist) {
		t.Fatalf("err = %v, want fs.ErrExist", err)
	}
	if copied != 0 {
		t.Errorf("%d bytes copied before the refusal", copied)
	}
	if got := dirEntries(t, dir); !slices.Equal(got, []string{"Packets-42-1.zip"}) {
		t.Errorf("directory holds %v, want only the file that was there", got)
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
			s, err := ToFile(dir, FileOptions{Overwrite: true, UniqueName: tt.unique}).open(nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.abort()
			meta := &fileMeta{ExportID: 7, ExportFileID: 555, FileName: "Name.csv"}
			err = s.(namedSink).start(meta)
			if tt.wantStartErr {
				if !errors.Is(err, fs.ErrExist) {
					t.Fatalf("start: err = %v, want fs.ErrExist", err)
				}
				s.abort()
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
			paths, err := s.commit(meta)
			if tt.wantCommitErr {
				if !errors.Is(err, fs.ErrExist) {
					t.Fatalf("commit: err = %v, want fs.ErrExist", err)
				}
				s.abort()
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
