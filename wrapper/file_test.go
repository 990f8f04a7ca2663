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
			res, err := c.ExportRun(7, 555).Download(context.Background(), ToFile(tt.path(dir), FileOptions{Overwrite: tt.overwrite}))
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
