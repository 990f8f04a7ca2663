package dest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// FileOptions configures File.
type FileOptions struct {
	// Overwrite allows replacing the file at the path given, if it is a
	// regular file. It never applies to a name the server chose.
	Overwrite bool
	// UniqueName numbers a name the server chose that is already taken
	// (Name-2.csv) instead of refusing it.
	UniqueName bool
}

// File returns a sink that writes atomically to path: a temporary file
// (mode 0600, locked while written) in the same directory, synced and moved
// into place by Commit. If path is an existing directory or ends in a
// separator, the file takes the name the server proposes (Meta.FileName)
// or one made of the ids. pl is the placement of a batch the file is part
// of, or nil: the sink then makes its own (creating no directory) and
// commits it.
func File(given string, opts FileOptions, pl *Placement) (Sink, error) {
	if strings.TrimSpace(given) == "" {
		return nil, errors.New("empty path")
	}
	path := filepath.Clean(given)
	dirMode := strings.HasSuffix(given, string(filepath.Separator)) || strings.HasSuffix(given, "/")
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		dirMode = true
	}
	dir := filepath.Dir(path)
	if dirMode {
		dir = path
	} else if fi, err := os.Lstat(path); err == nil {
		switch {
		case !opts.Overwrite:
			return nil, existsError(path)
		case !fi.Mode().IsRegular():
			return nil, fmt.Errorf("%s is not a regular file (%s): refusing to replace it; write into it as a stream instead", path, fileKind(fi.Mode()))
		}
	}
	s := &fileSink{dir: dir, overwrite: opts.Overwrite, unique: opts.UniqueName, pl: pl}
	if !dirMode {
		s.name = filepath.Base(path)
	}
	if pl == nil {
		var err error
		if s.pl, err = NewPlacement(dir, false); err != nil {
			return nil, err
		}
		s.own = true
		// A batch's directory was cleaned once by BatchDir: cleaning it
		// again here could take a file of the batch that is between its
		// close and its rename.
		removeStale(dir)
	}
	tmp, err := lockedTemp(dir, ".webadmit-*.part")
	if err != nil {
		s.release()
		return nil, fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		s.release()
		return nil, fmt.Errorf("%w", err)
	}
	s.f = tmp
	return s, nil
}

// fileKind names what a non-regular file is, for errors.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// existsError is the error of a name that is taken: it matches fs.ErrExist.
func existsError(path string) error { return &existsErr{path} }

// existsErr is a file the destination would not replace.
type existsErr struct{ path string }

func (e *existsErr) Error() string        { return e.path + " already exists" }
func (e *existsErr) Is(target error) bool { return target == fs.ErrExist }

// writebackEvery is how many bytes a fileSink writes before it asks the
// kernel to start writing them to disk: the disk works while the rest
// downloads, instead of during one long fsync at the end (a third of the
// time of a 1 GiB download to a file, measured in BENCHMARKS.md).
const writebackEvery = 8 << 20

// fileSink is a temporary file waiting to be moved into place.
type fileSink struct {
	f         *os.File
	dir       string
	name      string // final name given; "" means the server's name
	overwrite bool
	unique    bool
	pl        *Placement
	own       bool  // pl is this sink's: commit and abort end it
	done      bool  // placed
	written   int64 // bytes written
	flushed   int64 // bytes handed to startWriteback
}

func (s *fileSink) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	s.written += int64(n)
	if s.written-s.flushed >= writebackEvery {
		startWriteback(s.f, s.flushed, s.written-s.flushed)
		s.flushed = s.written
	}
	return n, err
}

// WriteAt writes a part of a parallel download at its offset (pwrite: safe
// for concurrent use on distinct ranges).
func (s *fileSink) WriteAt(p []byte, off int64) (int, error) { return s.f.WriteAt(p, off) }

// ReadAt reads back what was written, for the download's hash.
func (s *fileSink) ReadAt(p []byte, off int64) (int, error) { return s.f.ReadAt(p, off) }

// Settled starts writing the complete prefix to disk every writebackEvery
// bytes, as Write does for a stream.
func (s *fileSink) Settled(n int64) {
	if n-s.flushed >= writebackEvery {
		startWriteback(s.f, s.flushed, n-s.flushed)
		s.flushed = n
	}
}

// finalName is the name the file goes to: the one given, or the name the
// server proposed (or one made of the ids).
func (s *fileSink) finalName(meta *Meta) string {
	if s.name != "" {
		return s.name
	}
	if meta.FileName != "" {
		return meta.FileName
	}
	return fmt.Sprintf("export-%d-%d%s", meta.ExportID, meta.ExportFileID, extensionFor(meta.ContentType))
}

// start refuses, in directory mode, a name that is already taken (but not
// by a file of the same batch), before any byte is downloaded (a path given
// was checked by open). commit checks again, for a file that appears during
// the download.
func (s *fileSink) Start(meta *Meta) error {
	if s.name != "" || s.unique {
		return nil
	}
	s.pl.mu.Lock() // the zip files of a batch start and commit concurrently
	defer s.pl.mu.Unlock()
	if final := s.finalName(meta); s.pl.exists(final) && !s.pl.ownsName(final) {
		return existsError(s.pl.path(final))
	}
	return nil
}

func (s *fileSink) Commit(meta *Meta) ([]string, error) {
	if err := s.f.Sync(); err != nil {
		return nil, fmt.Errorf("syncing %s: %w", s.f.Name(), err)
	}
	// Where temporary files are locked, the file stays open (and locked)
	// until it has its final name: another sink's stale cleaning in the
	// same directory could otherwise take it between close and rename.
	if !renameOpen {
		if err := s.f.Close(); err != nil {
			return nil, fmt.Errorf("closing %s: %w", s.f.Name(), err)
		}
	}
	tmp, name := filepath.Base(s.f.Name()), s.finalName(meta)
	var err error
	s.pl.mu.Lock()
	switch {
	case s.name != "" && s.overwrite:
		err = s.pl.placeReplace(tmp, name)
	case s.name != "":
		err = s.pl.placeNew(tmp, name)
	case s.pl.ownsName(name): // another file of the batch has it
		name, err = s.pl.placeUnique(tmp, name)
	default: // the server's name: never replaces anything
		err = s.pl.placeNew(tmp, name)
		if errors.Is(err, fs.ErrExist) && s.unique {
			name, err = s.pl.placeUnique(tmp, name)
		}
	}
	s.pl.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if renameOpen {
		_ = s.f.Close() // synced: the bytes are on disk under the final name
	}
	s.done = true
	if s.own {
		s.pl.Commit()
	}
	return []string{s.pl.path(name)}, nil
}

func (s *fileSink) Abort() {
	if !s.done {
		_ = s.f.Close()
		_ = os.Remove(s.f.Name())
	}
	s.release()
}

// release ends the sink's own placement: rolled back unless committed.
func (s *fileSink) release() {
	if s.own {
		s.pl.Rollback()
	}
}

// syncDir makes a rename durable; best effort (not every system allows it).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
