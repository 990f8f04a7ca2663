package dest

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/webadmit-go/webadmit/wrapper/internal/ziptest"
)

func FuzzSafeFileName(f *testing.F) {
	for _, s := range []string{
		"attachment; filename=Test-API-Export.csv", `attachment; filename="../../x"`,
		`attachment; filename*=UTF-8''%2e%2e%2f%2e%2e%2fetc%2fpasswd`, `inline; filename="a\\b"`, "attachment; filename=\".\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cd string) {
		name := SafeFileName(cd)
		if name == "" {
			return
		}
		switch {
		case !utf8.ValidString(name), len(name) > maxFileNameBytes, strings.ContainsAny(name, `/\:*?"<>|`),
			strings.HasPrefix(name, "."), name == "..", !filepath.IsLocal(name):
			t.Fatalf("SafeFileName(%q) = %q: unsafe", cd, name)
		}
		for _, r := range name {
			if unicode.IsControl(r) {
				t.Fatalf("SafeFileName(%q) = %q: control character", cd, name)
			}
		}
	})
}

// FuzzExtractZip extracts arbitrary archives: nothing may appear outside
// the target directory, and nothing but regular files inside it.
func FuzzExtractZip(f *testing.F) {
	f.Add(ziptest.Zip(f, ziptest.Entry{Name: "a.csv", Body: "1"}))
	f.Add(ziptest.Zip(f, ziptest.Entry{Name: "../a.csv", Body: "1"}))
	f.Add(ziptest.Zip(f, ziptest.Entry{Name: "d/", Mode: fs.ModeDir | 0o755}, ziptest.Entry{Name: "d/x", Body: "2"}))
	f.Add(ziptest.Zip(f, ziptest.Entry{Name: "l", Body: "/etc", Mode: fs.ModeSymlink | 0o777}))
	f.Add(ziptest.Zip(f, ziptest.Entry{Name: "ln/x.csv", Body: "1"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		extractAndCheck(t, data)
		extractThroughLinkAndCheck(t, data)
	})
}

// FuzzZipEntryNames extracts valid archives of two entries with arbitrary
// names, which random archive bytes rarely reach: a name is accepted only
// as a clean local path, and nothing lands outside the target.
func FuzzZipEntryNames(f *testing.F) {
	for _, names := range [][2]string{
		{"a.csv", "b.csv"}, {"../x.csv", "y.csv"}, {"d/x.csv", "D/X.csv"}, {"/etc/passwd", "a"}, {`..\..\x`, "a"},
		{"C:/x", "a"}, {"a/../../b", "c"}, {"d", "d/x"}, {"./a", "a"}, {"a\x00b", "c"}, {"d/", "d/e"}, {"", "."},
		{"ln/x.csv", "a"}, {"ln/", "ln/d/x"}, {"ln", "b"},
	} {
		f.Add(names[0], names[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		var entries []ziptest.Entry
		for _, name := range []string{a, b} {
			zf := &zip.File{FileHeader: zip.FileHeader{Name: name}}
			zf.SetMode(0o644)
			if got, err := entryName(zf); err == nil {
				if !filepath.IsLocal(filepath.FromSlash(got)) || path.Clean(got) != got || strings.ContainsAny(got, "\\:\x00") {
					t.Fatalf("entryName(%q) = %q: not a clean local path", name, got)
				}
			} else if !errors.Is(err, ErrUnsafeArchive) {
				t.Fatalf("entryName(%q): %v does not match ErrUnsafeArchive", name, err)
			}
			e := ziptest.Entry{Name: name, Body: "data"}
			if strings.HasSuffix(name, "/") {
				e.Body = "" // a directory entry has no data
			}
			if len(name) > 0xffff {
				return
			}
			entries = append(entries, e)
		}
		data := ziptest.Zip(t, entries...)
		extractAndCheck(t, data)
		extractThroughLinkAndCheck(t, data)
	})
}

// extractAndCheck extracts data into a fresh directory and fails if
// anything lands beside it, if a link appears, or if a failure leaves
// files behind.
func extractAndCheck(t *testing.T, data []byte) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "target")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	paths, err := extractTo(t, bytes.NewReader(data), int64(len(data)), dir, ExtractOptions{MaxBytes: 1 << 20, MaxEntries: 50})
	if names := dirEntries(t, parent); len(names) != 1 {
		t.Fatalf("wrote beside the target: %v", names)
	}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, werr error) error {
		if werr == nil && d.Type()&fs.ModeSymlink != 0 {
			t.Fatalf("symlink %s", p)
		}
		return nil
	})
	if err != nil {
		if names := dirEntries(t, dir); len(names) != 0 {
			t.Fatalf("failed (%v) but left %v", err, names)
		}
		return
	}
	for _, p := range paths {
		if rel, rerr := filepath.Rel(dir, p); rerr != nil || !filepath.IsLocal(rel) {
			t.Fatalf("extracted %s outside %s", p, dir)
		}
	}
}

// extractThroughLinkAndCheck extracts data into a directory that already
// holds a symbolic link, ln, to a directory beside it: nothing may be
// written through the link, the link stays, and a failure leaves only it.
func extractThroughLinkAndCheck(t *testing.T, data []byte) {
	parent := t.TempDir()
	dir, outside := filepath.Join(parent, "target"), filepath.Join(parent, "outside")
	for _, d := range []string{dir, outside} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join("..", "outside"), filepath.Join(dir, "ln")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	paths, err := extractTo(t, bytes.NewReader(data), int64(len(data)), dir, ExtractOptions{MaxBytes: 1 << 20, MaxEntries: 50})
	if names := dirEntries(t, outside); len(names) != 0 {
		t.Fatalf("wrote through the link (err %v): %v", err, names)
	}
	if names := dirEntries(t, parent); len(names) != 2 {
		t.Fatalf("wrote beside the target: %v", names)
	}
	if fi, lerr := os.Lstat(filepath.Join(dir, "ln")); lerr != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the link was replaced or removed (err %v)", err)
	}
	if err != nil {
		if names := dirEntries(t, dir); !slices.Equal(names, []string{"ln"}) {
			t.Fatalf("failed (%v) but left %v", err, names)
		}
		return
	}
	for _, p := range paths {
		rel, rerr := filepath.Rel(dir, p)
		if rerr != nil || !filepath.IsLocal(rel) || rel == "ln" || strings.HasPrefix(filepath.ToSlash(rel), "ln/") {
			t.Fatalf("extracted %s outside %s or through its link", p, dir)
		}
	}
}
