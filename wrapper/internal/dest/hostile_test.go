package dest

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/webadmit-go/webadmit/wrapper/internal/ziptest"
)

// TestOverwriteReplacesOnlyARegularFile: Overwrite may replace the file the
// caller named, never a FIFO, a socket, a device or a directory.
func TestOverwriteReplacesOnlyARegularFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, sock} {
		_, err := File(p, FileOptions{Overwrite: true}, nil)
		if collect(err) == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("ToFile(%s, Overwrite) = %v; want a refusal", filepath.Base(p), err)
		}
	}
	for _, p := range []string{fifo, sock} {
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode().IsRegular() {
			t.Errorf("%s was replaced", p)
		}
	}
	// A regular file is replaced.
	reg := filepath.Join(dir, "reg.csv")
	if err := os.WriteFile(reg, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := File(reg, FileOptions{Overwrite: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = s.Write([]byte("new"))
	if _, err := s.Commit(&Meta{}); err != nil {
		t.Fatal(err)
	}
	if string(readFile(t, reg)) != "new" {
		t.Error("the regular file was not replaced")
	}
}

// TestStaleTemporaryFilesAreRemoved: temporary files a killed run left are
// removed by the next run into the directory, unless a live process holds
// them.
func TestStaleTemporaryFilesAreRemoved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stale := filepath.Join(dir, ".webadmit-1041244141.part")
	staleDir := filepath.Join(dir, ".webadmit-extract-99")
	other := filepath.Join(dir, ".other-tool.part")
	for _, p := range []string{stale, other} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(staleDir, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	// A live download's file: held locked by its process (this one).
	live := filepath.Join(dir, ".webadmit-2.part")
	f, err := os.Create(live)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	s, err := File(filepath.Join(dir, "out.csv"), FileOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Abort()
	for _, p := range []string{stale, staleDir} {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s was not removed", filepath.Base(p))
		}
	}
	for _, p := range []string{live, other} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was removed", filepath.Base(p))
		}
	}
}

// TestExtractedNamesLoseControlCharacters: entry names with escape
// sequences or bidi overrides are extracted without them.
func TestExtractedNamesLoseControlCharacters(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	z := ziptest.Zip(t, ziptest.Entry{Name: "a\x1b]0;pwned\x07b.csv", Body: "1"}, ziptest.Entry{Name: "rep\u202eoc.csv", Body: "2"}, ziptest.Entry{Name: "d\x1b[31m/e.csv", Body: "3"})
	s, err := Dir(dir, ExtractOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = s.Write(z)
	paths, err := s.Commit(&Meta{})
	if err != nil {
		t.Fatal(collect(err))
	}
	for _, p := range paths {
		for _, r := range p {
			if r < 0x20 || r == 0x7f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				t.Errorf("extracted name %q holds %U", p, r)
			}
		}
	}
	want := []string{filepath.Join(dir, "a]0;pwnedb.csv"), filepath.Join(dir, "d[31m", "e.csv"), filepath.Join(dir, "repoc.csv")}
	if !slices.Equal(paths, want) {
		t.Errorf("paths %q, want %q", paths, want)
	}
}

// TestExtractOverwriteIsAllOrNothing: with Overwrite, an extraction that
// fails after replacing a file puts the old file back.
func TestExtractOverwriteIsAllOrNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.csv")
	if err := os.WriteFile(a, []byte("old a"), 0o600); err != nil {
		t.Fatal(err)
	}
	// b.csv is a non-empty directory: its move fails after a.csv's.
	if err := os.MkdirAll(filepath.Join(dir, "b.csv", "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := Dir(dir, ExtractOptions{Overwrite: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = s.Write(ziptest.Zip(t, ziptest.Entry{Name: "a.csv", Body: "new a"}, ziptest.Entry{Name: "b.csv", Body: "new b"}))
	if _, err := s.Commit(&Meta{}); collect(err) == nil {
		t.Fatal("extraction succeeded")
	}
	s.Abort()
	if got := string(readFile(t, a)); got != "old a" {
		t.Errorf("a.csv holds %q after a failed extraction", got)
	}
	if got := dirEntries(t, dir); !slices.Equal(got, []string{"a.csv", "b.csv"}) {
		t.Errorf("directory holds %v", got)
	}
}
