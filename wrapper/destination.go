package wrapper

import (
	"errors"
	"io"
	"mime"
	"strings"
)

// Destination says where a downloaded file goes: ToWriter, ToFile or
// ToDir (zip extraction).
type Destination interface {
	// open prepares the destination before anything is downloaded (and, in
	// RunExport, before the run is started), so that a path that cannot be
	// written fails at once. pl is the placement of the batch the file is
	// part of, or nil: the sink then makes its own and commits it.
	open(pl *placement) (sink, error)
}

// sink receives the bytes of one file.
type sink interface {
	io.Writer
	// commit puts the file in place once all of it was written, and returns
	// the paths it created (none for a writer).
	commit(meta *fileMeta) ([]string, error)
	// abort removes everything the sink created; safe after commit.
	abort()
}

// namedSink is a sink that checks the file's name as soon as the download
// begins, before any byte is written: a name it cannot take fails the
// download at once instead of after all of it was received.
type namedSink interface {
	sink
	// start is called once, when the store's first answer names the file.
	start(meta *fileMeta) error
}

// fileMeta describes the downloaded file.
type fileMeta struct {
	ExportID     int
	ExportFileID int
	ContentType  string
	// ContentEncoding is the content coding the object is stored with
	// (gzip, say), "" for none: the file is written as stored.
	ContentEncoding string
	FileName        string // from Content-Disposition, made safe; may be ""
}

// ToWriter streams the file to w. On error w may hold part of the file; use
// ToFile when the file must be all or nothing.
func ToWriter(w io.Writer) Destination { return writerDest{w} }

type writerDest struct{ w io.Writer }

func (d writerDest) open(*placement) (sink, error) {
	if d.w == nil {
		return nil, errors.New("webadmit: ToWriter: nil writer")
	}
	return writerSink(d), nil
}

type writerSink struct{ w io.Writer }

func (s writerSink) Write(p []byte) (int, error)        { return s.w.Write(p) }
func (s writerSink) commit(*fileMeta) ([]string, error) { return nil, nil }
func (s writerSink) abort()                             {}

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
