package wrapper

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/wrapper/internal/ziptest"
)

func TestToDirDownloadsAndExtracts(t *testing.T) {
	t.Parallel()
	data := ziptest.Zip(t, ziptest.Entry{Name: "one.csv", Body: "1\n"}, ziptest.Entry{Name: "two.csv", Body: "2\n"})
	store := newFakeStore(data)
	store.ctype = "application/zip"
	c, _ := setupDownload(t, store)
	dir := filepath.Join(t.TempDir(), "new")
	res, err := c.ExportRun(7, 555).Download(context.Background(), ToDir(dir, ExtractOptions{}))
	if err != nil {
		t.Fatal(collect(err))
	}
	want := []string{filepath.Join(dir, "one.csv"), filepath.Join(dir, "two.csv")}
	if !slices.Equal(res.Paths, want) || res.SHA256 != sha(data) {
		t.Errorf("Paths %v SHA %s", res.Paths, res.SHA256)
	}
	if got := dirEntries(t, dir); !slices.Equal(got, []string{"one.csv", "two.csv"}) {
		t.Errorf("directory holds %v", got)
	}

	// An unsafe archive leaves nothing, not even the directory it created.
	bad := newFakeStore(ziptest.Zip(t, ziptest.Entry{Name: "../x", Body: "1"}))
	c2, _ := setupDownload(t, bad)
	parent := t.TempDir()
	_, err = c2.ExportRun(7, 555).Download(context.Background(), ToDir(filepath.Join(parent, "out"), ExtractOptions{}))
	if !errors.Is(collect(err), ErrUnsafeArchive) {
		t.Fatalf("err = %v", err)
	}
	if got := dirEntries(t, parent); len(got) != 0 {
		t.Errorf("left behind %v", got)
	}

	// Not a zip at all.
	notZip := newFakeStore([]byte("a,b\n"))
	c3, _ := setupDownload(t, notZip)
	dir3 := t.TempDir()
	_, err = c3.ExportRun(7, 555).Download(context.Background(), ToDir(dir3, ExtractOptions{}))
	if collect(err) == nil || !strings.Contains(err.Error(), "not a readable zip") {
		t.Fatalf("err = %v", err)
	}
	if got := dirEntries(t, dir3); len(got) != 0 {
		t.Errorf("left behind %v", got)
	}
}

// TestToDirRefusesLinkInTarget is the same attack end to end: a download
// with ToDir into a directory holding a link to elsewhere.
func TestToDirRefusesLinkInTarget(t *testing.T) {
	t.Parallel()
	store := newFakeStore(ziptest.Zip(t, ziptest.Entry{Name: "sub/evil.csv", Body: "evil"}))
	store.ctype = "application/zip"
	c, _ := setupDownload(t, store)
	parent := t.TempDir()
	dir, outside := filepath.Join(parent, "target"), filepath.Join(parent, "outside")
	for _, d := range []string{dir, outside} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join("..", "outside"), filepath.Join(dir, "sub")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	_, err := c.ExportRun(7, 555).Download(context.Background(), ToDir(dir, ExtractOptions{}))
	if !errors.Is(collect(err), ErrUnsafeArchive) {
		t.Errorf("err = %v, want ErrUnsafeArchive", err)
	}
	if got := dirEntries(t, outside); len(got) != 0 {
		t.Errorf("wrote outside the target: %v", got)
	}
	if got := dirEntries(t, dir); !slices.Equal(got, []string{"sub"}) {
		t.Errorf("target holds %v", got)
	}
}
