package wrapper

import (
	"errors"
	"io"
	"path/filepath"

	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
)

// Destination says where a downloaded file goes: ToWriter, ToFile or
// ToDir. The set is closed: only the package's own destinations can promise
// atomic files and never a partial one.
type Destination interface {
	// open prepares the destination before anything is downloaded (and
	// before a run starts), so that a path that cannot be written fails at
	// once. pl is the placement of the batch the file is part of, or nil.
	open(pl *dest.Placement) (dest.Sink, error)
}

// ToWriter streams the file to w. On error w may hold part of the file; use
// ToFile when the file must be all or nothing.
func ToWriter(w io.Writer) Destination { return writerDest{w} }

type writerDest struct{ w io.Writer }

func (d writerDest) open(*dest.Placement) (dest.Sink, error) {
	if d.w == nil {
		return nil, errors.New("ToWriter: nil writer")
	}
	return dest.Writer(d.w), nil
}

// FileOptions configures ToFile and ZipFilesToDir.
type FileOptions struct {
	// Overwrite allows replacing the file at the path given to ToFile, if
	// it is a regular file (never a device, FIFO, socket, directory or
	// link). Without it an existing file is an error matching fs.ErrExist,
	// and nothing is downloaded. It never applies to a name the server
	// chose (ToFile into a directory, ZipFilesToDir).
	Overwrite bool
	// UniqueName gives a name the server chose, when it is already taken in
	// the directory, a number (Name-2.csv, Name-3.csv, …) instead of
	// refusing it with fs.ErrExist.
	UniqueName bool
}

// ToFile writes the file to path atomically: a temporary file (mode 0600,
// locked while written) in the same directory, synced and moved into place
// once complete; nothing is left on failure, and a killed run's temporary
// files are removed by the next one there. If path is a directory (or ends
// in a separator), the file takes the server's name (see SafeFileName), or
// export-EXPORTID-RUNID.EXT; a taken name is refused (fs.ErrExist) before
// any byte is downloaded, unless opts.UniqueName. ToFile creates no
// directory.
func ToFile(path string, opts FileOptions) Destination { return fileDest{path, opts} }

type fileDest struct {
	path string
	opts FileOptions
}

func (d fileDest) open(pl *dest.Placement) (dest.Sink, error) {
	return dest.File(d.path, dest.FileOptions(d.opts), pl)
}

// ExtractOptions bounds a zip extraction by ToDir.
type ExtractOptions struct {
	MaxBytes   int64 // total uncompressed bytes (default 8 GiB)
	MaxEntries int   // number of entries (default 10,000)
	Overwrite  bool  // replace existing files of the same names (all or nothing)
}

// ToDir extracts a zip export ("Comma-Separated Values in Multiple Files")
// into dir (created, mode 0700, if missing), safely: entries that would
// land outside dir or go through a link, links, devices and archives over
// the limits are ErrUnsafeArchive; control characters are dropped from
// names; files (mode 0600) are staged, then moved into place through an
// [os.Root] of dir. An existing file is replaced only with Overwrite, and
// then all or nothing: it is put back if a later entry fails.
func ToDir(dir string, opts ExtractOptions) Destination { return dirDest{dir, opts} }

type dirDest struct {
	dir  string
	opts ExtractOptions
}

func (d dirDest) open(pl *dest.Placement) (dest.Sink, error) {
	return dest.Dir(d.dir, dest.ExtractOptions(d.opts), pl)
}

// BatchDestination says where the zip files of a PDF Manager batch go:
// ZipFilesToDir keeps them as zip files, ExtractZipFilesTo unpacks them.
type BatchDestination interface {
	// prepare checks (and if needed creates) the directory before the batch
	// starts; every zip file then goes to each, in the placement.
	prepare() (pl *dest.Placement, each Destination, err error)
}

// ZipFilesToDir writes each zip file of a batch into dir (created, mode
// 0700, if missing) as ToFile does, under the server's name or
// pdf-manager-batch-BATCH-zip-ZIP.zip. Two zip files of the batch never
// share a name (a later one is numbered: Name-2.zip); a name an existing
// file has is refused, unless opts.UniqueName; opts.Overwrite does not
// apply. A batch is all or nothing: on failure or cancellation what was
// placed is removed, and dir if the call created it.
func ZipFilesToDir(dir string, opts FileOptions) BatchDestination {
	return batchDir{dir, ToFile(dir+string(filepath.Separator), FileOptions{UniqueName: opts.UniqueName})}
}

// ExtractZipFilesTo extracts each zip file of a batch into dir with ToDir's
// safe extraction. All or nothing, as for ZipFilesToDir: with Overwrite,
// replaced files are kept until the whole batch is in place, and put back
// if it fails.
func ExtractZipFilesTo(dir string, opts ExtractOptions) BatchDestination {
	return batchDir{dir, ToDir(dir, opts)}
}

type batchDir struct {
	dir  string
	each Destination
}

func (d batchDir) prepare() (*dest.Placement, Destination, error) {
	pl, err := dest.BatchDir(d.dir)
	return pl, d.each, err
}

// SafeFileName returns the file name a Content-Disposition header proposes,
// made safe to create in a directory: the last path element only (slashes
// and backslashes both count), no control characters, no leading dots, no
// reserved characters, at most 200 bytes. It returns "" when the header
// proposes no usable name.
func SafeFileName(contentDisposition string) string { return dest.SafeFileName(contentDisposition) }

// errNilDestination is the error of a nil Destination or BatchDestination.
var errNilDestination = errors.New("no destination: give ToFile, ToDir, ToWriter or the like")

// openDestination opens dst for one file.
func openDestination(dst Destination) (dest.Sink, error) {
	if dst == nil {
		return nil, errNilDestination
	}
	return dst.open(nil)
}

// prepareBatch prepares dst for a batch's files.
func prepareBatch(dst BatchDestination) (*dest.Placement, Destination, error) {
	if dst == nil {
		return nil, nil, errNilDestination
	}
	return dst.prepare()
}

// Sink is a destination of the caller's making, for ToSink: package
// s3dest's upload to a bucket, say. It receives the bytes of one file in
// order, once: a resumed download continues where it stopped, and a
// converted one (TranscodeToUTF8) arrives converted. The package calls
// Open when the destination is opened (before a run starts, so that a
// destination that cannot be written fails at once), Begin before the
// first byte, Commit once every byte was written and the end of the file
// confirmed, and Abort on any failure, a failed Commit included; only what
// Commit makes visible may be seen by others.
type Sink interface {
	io.Writer
	Open() error
	Begin(f FileInfo) error
	Commit(f FileInfo) (where []string, err error)
	Abort()
}

// FileInfo describes the file a Sink receives, as the object store's
// answer does.
type FileInfo struct {
	ExportID, ExportFileID int
	FileName               string // the name the server proposed, made safe; may be ""
	ContentType            string
	ContentEncoding        string // the stored content coding; the bytes are as stored
}

// ToSink sends the file to s. The package's guarantees end at s: it sees
// only complete, confirmed files committed, but whether what it does with
// them is atomic is its own promise.
func ToSink(s Sink) Destination { return sinkDest{s} }

type sinkDest struct{ s Sink }

func (d sinkDest) open(*dest.Placement) (dest.Sink, error) {
	if d.s == nil {
		return nil, errors.New("ToSink: nil sink")
	}
	if err := d.s.Open(); err != nil {
		return nil, err
	}
	return sinkAdapter(d), nil
}

// sinkAdapter is a Sink as the transfer sees it.
type sinkAdapter struct{ s Sink }

func (a sinkAdapter) Write(p []byte) (int, error)           { return a.s.Write(p) }
func (a sinkAdapter) Start(m *dest.Meta) error              { return a.s.Begin(fileInfo(m)) }
func (a sinkAdapter) Commit(m *dest.Meta) ([]string, error) { return a.s.Commit(fileInfo(m)) }
func (a sinkAdapter) Abort()                                { a.s.Abort() }

func fileInfo(m *dest.Meta) FileInfo {
	return FileInfo{ExportID: m.ExportID, ExportFileID: m.ExportFileID, FileName: m.FileName,
		ContentType: m.ContentType, ContentEncoding: m.ContentEncoding}
}
