package wrapper

import (
	"errors"
	"io"
	"path/filepath"

	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
)

// Destination says where a downloaded file goes: ToWriter, ToFile or ToDir
// (zip extraction). The set is closed: the package writes files
// atomically and never leaves a partial one, which only its own
// destinations can promise.
type Destination interface {
	// open prepares the destination before anything is downloaded (and, in
	// RunExport, before the run is started), so that a path that cannot be
	// written fails at once. pl is the placement of the batch the file is
	// part of, or nil.
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

// ToFile writes the file to path, atomically: the bytes go to a temporary
// file (mode 0600) in the same directory, which is synced and moved into
// place only once complete. On any failure or cancellation nothing is left
// behind. If path is an existing directory or ends in a separator, the file
// takes the name the server proposes (see SafeFileName), or
// export-EXPORTID-RUNID.EXT; a name already taken there is refused
// (fs.ErrExist) as soon as the server names the file, before its bytes are
// downloaded, unless opts.UniqueName is set. A missing directory is an
// error: ToFile creates none.
//
// Temporary files are locked while written; one that a killed process
// left in the directory is removed by the next ToFile there (on systems
// with flock).
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

// ToDir downloads a zip export ("Comma-Separated Values in Multiple Files")
// and extracts it into dir (created, mode 0700, if missing). Extraction is
// safe: entries that would land outside dir (absolute, "..", through a
// link), entries whose path goes through a symbolic link already in dir,
// links, devices and archives over the limits are refused with
// ErrUnsafeArchive; control characters are dropped from entry names; dir is
// only written through an [os.Root], so nothing can escape it even if links
// appear during the extraction. Files (mode 0600) are extracted into a
// staging directory inside dir and moved into place only once all were
// extracted. An existing file is not replaced unless Overwrite is set, and
// then all or nothing: a replaced file is kept until every entry is in
// place, and put back if one fails. On failure nothing is left behind.
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
// 0700, if missing), under the name the server proposes (made safe, see
// SafeFileName) or pdf-manager-batch-BATCH-zip-ZIP.zip. Each file is
// written like ToFile does: atomically, mode 0600. Two zip files of the
// batch never share a name: a later one gets a number (Name-2.zip). A name
// an existing file has is refused (fs.ErrExist), unless opts.UniqueName
// gives it a number too; opts.Overwrite does not apply (the server chose
// the names).
//
// A batch is all or nothing: when a later zip file fails, or the call is
// cancelled, the files already placed are removed again, as is dir if the
// call created it.
func ZipFilesToDir(dir string, opts FileOptions) BatchDestination {
	return batchDir{dir, ToFile(dir+string(filepath.Separator), FileOptions{UniqueName: opts.UniqueName})}
}

// ExtractZipFilesTo extracts each zip file of a batch into dir (created,
// mode 0700, if missing) with ToDir's safe extraction: no entry outside
// dir, no links or devices, limits on size and entries, files of mode
// 0600, and no existing file replaced unless opts.Overwrite is set (two zip
// files of a batch holding the same name are then an error; with Overwrite
// the later one wins). All or nothing, as for ZipFilesToDir: with
// Overwrite, the files replaced are kept until the whole batch is in place
// and put back if it fails.
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
