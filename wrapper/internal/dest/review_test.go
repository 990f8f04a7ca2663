package dest

// Regression tests for the review of issue 10's fixes: what a placement
// may remove or put back, and the directories it made.

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// stage writes a staged file in dir, as an extraction would, and returns
// its name relative to dir.
func stage(t *testing.T, dir, name, body string) string {
	t.Helper()
	f, err := os.CreateTemp(dir, ".stage-*")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(body); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	return filepath.Base(f.Name())
}

// TestReplaceKeepsTheUsersFileWhateverTheCase: a batch that placed A.pdf
// and then replaces the user's own a.pdf keeps a backup of a.pdf (the two
// names differ on this file system), and puts it back on rollback.
func TestReplaceKeepsTheUsersFileWhateverTheCase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.pdf"), []byte("USER ORIGINAL"), 0o600); err != nil {
		t.Fatal(err)
	}
	pl, err := NewPlacement(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := pl.placeReplace(stage(t, dir, "A.pdf", "zip1"), "A.pdf"); err != nil {
		t.Fatal(err)
	}
	if err := pl.placeReplace(stage(t, dir, "a.pdf", "zip2"), "a.pdf"); err != nil {
		t.Fatal(err)
	}
	pl.Rollback()
	if got := string(readFile(t, filepath.Join(dir, "a.pdf"))); got != "USER ORIGINAL" {
		t.Errorf("a.pdf holds %q after the rollback", got)
	}
	if got := dirEntries(t, dir); !slices.Equal(got, []string{"a.pdf"}) {
		t.Errorf("directory holds %v", got)
	}
}

// TestRollbackLeavesAnotherRunsFile: run A places and replaces files, run B
// then replaces them and commits; A's rollback leaves B's files alone.
func TestRollbackLeavesAnotherRunsFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.pdf"), []byte("ORIGINAL"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := NewPlacement(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.placeReplace(stage(t, dir, "x.pdf", "from A"), "x.pdf"); err != nil {
		t.Fatal(err)
	}
	if err := a.placeNew(stage(t, dir, "y.pdf", "from A"), "y.pdf"); err != nil {
		t.Fatal(err)
	}
	b, err := NewPlacement(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"x.pdf", "y.pdf"} {
		if err := b.placeReplace(stage(t, dir, name, "from B"), name); err != nil {
			t.Fatal(err)
		}
	}
	b.Commit()
	a.Rollback()
	for _, name := range []string{"x.pdf", "y.pdf"} {
		if got := string(readFile(t, filepath.Join(dir, name))); got != "from B" {
			t.Errorf("%s holds %q: A's rollback undid B's committed file", name, got)
		}
	}
}

// TestRollbackRemovesEveryDirectoryItMade: a target several levels deep
// that did not exist is removed whole by a rollback.
func TestRollbackRemovesEveryDirectoryItMade(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	pl, err := NewPlacement(filepath.Join(parent, "x", "y", "z"), true)
	if err != nil {
		t.Fatal(err)
	}
	pl.Rollback()
	if got := dirEntries(t, parent); len(got) != 0 {
		t.Errorf("left behind %v", got)
	}
}
