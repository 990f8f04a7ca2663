package dest

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/wrapper/internal/ziptest"
)

func TestExtractZip(t *testing.T) {
	t.Parallel()
	good := []ziptest.Entry{{Name: "programs/mph.csv", Body: "a,b\n"}, {Name: "programs/", Mode: fs.ModeDir | 0o755}, {Name: "drph.csv", Body: "c,d\n"}}
	tests := []struct {
		name     string
		entries  []ziptest.Entry
		opts     ExtractOptions
		existing string
		wantErr  error
		contains string
		want     []string
	}{
		{name: "safe archive", entries: good, want: []string{"drph.csv", "programs/mph.csv"}},
		{name: "dot-dot", entries: []ziptest.Entry{{Name: "ok.csv", Body: "x"}, {Name: "../evil.csv", Body: "x"}}, wantErr: ErrUnsafeArchive, contains: "outside"},
		{name: "dot-dot inside", entries: []ziptest.Entry{{Name: "a/../../evil.csv", Body: "x"}}, wantErr: ErrUnsafeArchive},
		{name: "backslashes", entries: []ziptest.Entry{{Name: `a\..\..\evil.csv`, Body: "x"}}, wantErr: ErrUnsafeArchive},
		{name: "absolute", entries: []ziptest.Entry{{Name: "/etc/evil.csv", Body: "x"}}, wantErr: ErrUnsafeArchive},
		{name: "drive letter", entries: []ziptest.Entry{{Name: "C:/evil.csv", Body: "x"}}, wantErr: ErrUnsafeArchive},
		{name: "symlink", entries: []ziptest.Entry{{Name: "link", Body: "/etc/passwd", Mode: fs.ModeSymlink | 0o777}}, wantErr: ErrUnsafeArchive, contains: "symbolic link"},
		{name: "device", entries: []ziptest.Entry{{Name: "dev", Mode: fs.ModeDevice | 0o644}}, wantErr: ErrUnsafeArchive},
		{name: "too many entries", entries: []ziptest.Entry{{Name: "a", Body: "1"}, {Name: "b", Body: "2"}, {Name: "c", Body: "3"}},
			opts: ExtractOptions{MaxEntries: 2}, wantErr: ErrUnsafeArchive, contains: "entries"},
		{name: "too big", entries: []ziptest.Entry{{Name: "zeros.csv", Size: 2 << 20}}, opts: ExtractOptions{MaxBytes: 1 << 20}, wantErr: ErrUnsafeArchive},
		{name: "duplicate", entries: []ziptest.Entry{{Name: "a.csv", Body: "1"}, {Name: "A.csv", Body: "2"}}, wantErr: ErrUnsafeArchive, contains: "twice"},
		{name: "file and directory", entries: []ziptest.Entry{{Name: "a", Body: "1"}, {Name: "a/b", Body: "2"}}, wantErr: ErrUnsafeArchive},
		{name: "existing file kept", entries: good, existing: "drph.csv", wantErr: fs.ErrExist},
		{name: "existing file replaced", entries: good, existing: "drph.csv", opts: ExtractOptions{Overwrite: true}, want: []string{"drph.csv", "programs/mph.csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := ziptest.Zip(t, tt.entries...)
			dir := t.TempDir()
			if tt.existing != "" {
				if err := os.WriteFile(filepath.Join(dir, tt.existing), []byte("old"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			opts := withDefaults(tt.opts)
			paths, err := extractTo(t, bytes.NewReader(data), int64(len(data)), dir, opts)
			collect(err)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if tt.contains != "" && !strings.Contains(err.Error(), tt.contains) {
					t.Errorf("err %q lacks %q", err, tt.contains)
				}
				want := []string{}
				if tt.existing != "" {
					want = []string{tt.existing}
				}
				if got := dirEntries(t, dir); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
					t.Errorf("directory holds %v after a refusal, want %v", got, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var rel []string
			for _, p := range paths {
				r, _ := filepath.Rel(dir, p)
				rel = append(rel, filepath.ToSlash(r))
				mustMode(t, p, 0o600)
			}
			if !slices.Equal(rel, tt.want) {
				t.Errorf("extracted %v, want %v", rel, tt.want)
			}
			if got := string(readFile(t, filepath.Join(dir, "programs", "mph.csv"))); got != "a,b\n" {
				t.Errorf("content %q", got)
			}
			for _, e := range dirEntries(t, dir) {
				if strings.HasPrefix(e, ".webadmit") {
					t.Errorf("staging left behind: %s", e)
				}
			}
		})
	}
}

// TestExtractZipRefusesLinksInTarget plants symbolic links inside the target
// directory: an entry whose path goes through one is refused, and nothing
// is written through it, whether the link leads outside the target or not.
func TestExtractZipRefusesLinksInTarget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		link      string // link name inside the target
		to        string // link target, relative to the link's directory
		entry     string
		overwrite bool
	}{
		{name: "directory link leading outside", link: "sub", to: "../outside", entry: "sub/evil.csv"},
		{name: "directory link leading outside, overwrite", link: "sub", to: "../outside", entry: "sub/evil.csv", overwrite: true},
		{name: "deeper entry through the link", link: "sub", to: "../outside", entry: "sub/a/b/evil.csv"},
		{name: "link below a real directory", link: "real/sub", to: "../../outside", entry: "real/sub/evil.csv"},
		{name: "link staying inside the target", link: "sub", to: "inside", entry: "sub/evil.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			parent := t.TempDir()
			dir, outside := filepath.Join(parent, "target"), filepath.Join(parent, "outside")
			for _, d := range []string{outside, filepath.Join(dir, "real"), filepath.Join(dir, "inside")} {
				if err := os.MkdirAll(d, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Symlink(tt.to, filepath.Join(dir, filepath.FromSlash(tt.link))); err != nil {
				t.Skipf("no symbolic links here: %v", err)
			}
			data := ziptest.Zip(t, ziptest.Entry{Name: "fine.csv", Body: "ok"}, ziptest.Entry{Name: tt.entry, Body: "evil"})
			opts := withDefaults(ExtractOptions{Overwrite: tt.overwrite})
			paths, err := extractTo(t, bytes.NewReader(data), int64(len(data)), dir, opts)
			collect(err)
			if !errors.Is(err, ErrUnsafeArchive) {
				t.Errorf("err = %v, want ErrUnsafeArchive (paths %v)", err, paths)
			}
			if got := dirEntries(t, outside); len(got) != 0 {
				t.Errorf("wrote outside the target through the link: %v", got)
			}
			if got := dirEntries(t, filepath.Join(dir, "inside")); len(got) != 0 {
				t.Errorf("wrote through the link: %v", got)
			}
			if got := dirEntries(t, dir); !slices.Equal(got, []string{"inside", "real", "sub"}) && !slices.Equal(got, []string{"inside", "real"}) {
				t.Errorf("target holds %v after a refusal", got)
			}
		})
	}
}

// TestExtractZipFailureRemovesDirectoriesItMade makes the move of a later
// entry fail (a file stands where its directory should be): the files
// already placed and the directories made for them are removed again,
// while directories that existed before stay.
func TestExtractZipFailureRemovesDirectoriesItMade(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		entries []ziptest.Entry
		want    []string // what the target holds afterwards (walked, slash form)
	}{
		{name: "new nested directories", entries: []ziptest.Entry{{Name: "n1/n2/x.csv", Body: "1"}, {Name: "n1/n3/y.csv", Body: "2"}, {Name: "blocker/z.csv", Body: "3"}},
			want: []string{"blocker", "old"}},
		{name: "inside an existing directory", entries: []ziptest.Entry{{Name: "old/new/x.csv", Body: "1"}, {Name: "blocker/z.csv", Body: "3"}},
			want: []string{"blocker", "old"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "old"), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "blocker"), []byte("a file, not a directory"), 0o600); err != nil {
				t.Fatal(err)
			}
			data := ziptest.Zip(t, tt.entries...)
			_, err := extractTo(t, bytes.NewReader(data), int64(len(data)), dir, ExtractOptions{MaxBytes: defaultMaxExtractBytes, MaxEntries: defaultMaxExtractEntries})
			if collect(err) == nil {
				t.Fatal("extraction succeeded with a file in the way")
			}
			var got []string
			_ = filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
				if rel, _ := filepath.Rel(dir, p); err == nil && rel != "." {
					got = append(got, filepath.ToSlash(rel))
				}
				return nil
			})
			if !slices.Equal(got, tt.want) {
				t.Errorf("target holds %v after the failure, want %v", got, tt.want)
			}
		})
	}
}

// extractTo extracts an archive into dir as ToDir does: through a
// placement, committed on success and rolled back on failure.
func extractTo(t testing.TB, ra io.ReaderAt, size int64, dir string, opts ExtractOptions) ([]string, error) {
	t.Helper()
	pl, err := NewPlacement(dir, true)
	if err != nil {
		return nil, err
	}
	paths, err := extractZip(ra, size, pl, opts)
	if err != nil {
		pl.Rollback()
		return nil, err
	}
	pl.Commit()
	return paths, nil
}

// withDefaults fills in the limits Dir would.
func withDefaults(o ExtractOptions) ExtractOptions {
	if o.MaxBytes <= 0 {
		o.MaxBytes = defaultMaxExtractBytes
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = defaultMaxExtractEntries
	}
	return o
}
