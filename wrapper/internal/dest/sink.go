// Package dest writes downloaded files: atomic files, safe zip
// extraction, and placements that put a batch's files in place all or
// nothing. It knows nothing of the API.
package dest

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"strings"
)

// ErrUnsafeArchive: a zip entry would escape the target directory, is a
// link or a device, or the archive exceeds the extraction limits.
var ErrUnsafeArchive = errors.New("unsafe zip archive")

// Meta describes the file being written.
type Meta struct {
	ExportID     int
	ExportFileID int
	ContentType  string
	// ContentEncoding is the content coding the object is stored with
	// (gzip, say), "" for none: the file is written as stored.
	ContentEncoding string
	FileName        string // from Content-Disposition, made safe; may be ""
}

// Sink receives the bytes of one file.
type Sink interface {
	io.Writer
	// Start is called once, when the store's first answer names the file,
	// before any byte: a name the sink cannot take fails the download at
	// once instead of after all of it was received.
	Start(meta *Meta) error
	// Commit puts the file in place once all of it was written, and
	// returns the paths it created (none for a writer).
	Commit(meta *Meta) ([]string, error)
	// Abort removes everything the sink created; safe after Commit.
	Abort()
}

// PartSink is a Sink that also takes the file's bytes out of order: a
// temporary file. A parallel download writes each part at its offset, from
// several goroutines at once, reads the complete prefix back to hash it,
// and tells the sink how far that prefix reaches. A stream (Writer) is no
// PartSink: it is written in order only.
type PartSink interface {
	Sink
	io.WriterAt // safe for concurrent use on distinct ranges
	io.ReaderAt // reads back what WriteAt wrote
	// Settled says that the first n bytes are complete (n only grows): a
	// file starts writing them to disk while the rest arrives.
	Settled(n int64)
}

// Writer is a Sink that streams into w: it creates nothing, so Commit and
// Abort have nothing to do.
func Writer(w io.Writer) Sink { return writerSink{w} }

type writerSink struct{ w io.Writer }

func (s writerSink) Write(p []byte) (int, error)    { return s.w.Write(p) }
func (s writerSink) Start(*Meta) error              { return nil }
func (s writerSink) Commit(*Meta) ([]string, error) { return nil, nil }
func (s writerSink) Abort()                         {}

// extensionFor names a file whose server gave no name.
func extensionFor(contentType string) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch strings.ToLower(mt) {
	case "text/csv":
		return ".csv"
	case "application/zip", "application/x-zip-compressed":
		return ".zip"
	case "application/vnd.ms-excel":
		return ".xls"
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		return ".xlsx"
	case "text/html":
		return ".html"
	case "text/plain":
		return ".txt"
	}
	return ".dat"
}

// BatchDir prepares dir for the files of a batch: created (mode 0700) if
// missing, stale temporary files removed, and checked writable now, before
// the batch starts. The placement it returns takes every file of the
// batch; commit or roll it back at the end.
func BatchDir(dir string) (*Placement, error) {
	if strings.TrimSpace(dir) == "" {
		return nil, errors.New("empty directory for the zip files")
	}
	pl, err := NewPlacement(dir, true)
	if err != nil {
		return nil, err
	}
	removeStale(pl.dir)
	probe, err := lockedTemp(pl.dir, ".webadmit-*.probe")
	if err != nil {
		pl.Rollback()
		return nil, fmt.Errorf("cannot write in %s: %w", pl.dir, err)
	}
	_ = probe.Close()
	_ = os.Remove(probe.Name())
	return pl, nil
}
