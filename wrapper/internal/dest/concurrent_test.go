package dest

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// TestBatchFilesConcurrently: the files of one batch are opened, written
// in parts and committed concurrently, as a PDF batch's zip files are:
// every one lands whole under its own name, none disturbs another (a
// temporary file between its close and its rename included), and the
// names the server repeats are numbered.
func TestBatchFilesConcurrently(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pl, err := BatchDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	const files = 24
	var wg sync.WaitGroup
	errs := make([]error, files)
	for i := range files {
		wg.Go(func() {
			s, err := File(dir+string(filepath.Separator), FileOptions{}, pl)
			if err != nil {
				errs[i] = err
				return
			}
			meta := &Meta{FileName: fmt.Sprintf("zip-%d.zip", i%(files/2))} // every name twice
			if err = s.Start(meta); err == nil {
				body := bytes.Repeat([]byte{byte(i)}, 3000)
				ps := s.(PartSink)
				if _, err = ps.WriteAt(body[1000:], 1000); err == nil {
					_, err = ps.WriteAt(body[:1000], 0)
				}
			}
			if err == nil {
				_, err = s.Commit(meta)
			}
			if err != nil {
				s.Abort()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	pl.Commit()
	for i, err := range errs {
		if err != nil {
			t.Errorf("file %d: %v", i, err)
		}
	}
	names := dirEntries(t, dir)
	if len(names) != files {
		t.Fatalf("%d files in the directory, want %d: %v", len(names), files, names)
	}
	seen := map[byte]bool{}
	for _, n := range names {
		b := readFile(t, filepath.Join(dir, n))
		if len(b) != 3000 || !slices.Equal(b, bytes.Repeat(b[:1], 3000)) || seen[b[0]] {
			t.Errorf("%s: %d bytes, not one file's whole content", n, len(b))
		}
		seen[b[0]] = true
	}
}
