// Package ziptest builds zip archives for tests: the exports and PDF
// Manager zip files of the sandbox-free tests, and hostile archives
// (links, devices, bombs) for the extraction tests.
package ziptest

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"testing"
)

// Entry is one member of an archive.
type Entry struct {
	Name string
	Body string
	Mode fs.FileMode // 0: regular 0644
	Size int         // when > 0, the body is Size zero bytes
}

// Zip builds a zip archive (deflated) of the entries, in order.
func Zip(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate}
		if e.Mode != 0 {
			h.SetMode(e.Mode)
		} else {
			h.SetMode(0o644)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		body := []byte(e.Body)
		if e.Size > 0 {
			body = make([]byte, e.Size)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
