package wrapper

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// FileOptions configures ToFile.
type FileOptions struct {
	// Overwrite allows replacing an existing file. Without it an existing
	// file is an error matching fs.ErrExist, and nothing is downloaded.
	Overwrite bool
}

// ToFile writes the file to path, atomically: the bytes go to a temporary
// file (mode 0600) in the same directory, which is synced and renamed into
// place only once complete. On any failure or cancellation nothing is left
// behind. If path is an existing directory or ends in a separator, the file
// takes the name the server proposes (see SafeFileName), or
// export-EXPORTID-RUNID.EXT; a name already taken there is refused
// (fs.ErrExist, unless Overwrite is set) as soon as the server names the
// file, before its bytes are downloaded.
func ToFile(path string, opts FileOptions) Destination {
	return fileDest{path: path, opts: opts}
}

type fileDest struct {
	path string
	opts FileOptions
}

func (d fileDest) open() (sink, error) {
	if strings.TrimSpace(d.path) == "" {
		return nil, errors.New("webadmit: ToFile: empty path")
	}
	path := filepath.Clean(d.path)
	dirMode := strings.HasSuffix(d.path, string(filepath.Separator)) || strings.HasSuffix(d.path, "/")
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		dirMode = true
	}
	dir := filepath.Dir(path)
	if dirMode {
		dir = path
	} else if !d.opts.Overwrite {
		if _, err := os.Lstat(path); err == nil {
			return nil, existsError(path)
		}
	}
	tmp, err := os.CreateTemp(dir, ".webadmit-*.part")
	if err != nil {
		return nil, fmt.Errorf("webadmit: cannot write in %s: %w", dir, err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return nil, fmt.Errorf("webadmit: %w", err)
	}
	s := &fileSink{f: tmp, dir: dir, overwrite: d.opts.Overwrite}
	if !dirMode {
		s.path = path
	}
	return s, nil
}

func existsError(path string) error {
	return fmt.Errorf("webadmit: %s already exists: choose another path or allow overwriting: %w", path, fs.ErrExist)
}

// writebackEvery is how many bytes a fileSink writes before it asks the
// kernel to start writing them to disk: the disk works while the rest
// downloads, instead of during one long fsync at the end (a third of the
// time of a 1 GiB download to a file, measured in BENCHMARKS.md).
const writebackEvery = 8 << 20

// fileSink is a temporary file waiting to be renamed into place.
type fileSink struct {
	f         *os.File
	dir       string
	path      string // final path; "" means dir + the server's name
	overwrite bool
	done      bool
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

// finalPath is where the file goes: the path given, or dir + the name the
// server proposed (or one made of the ids).
func (s *fileSink) finalPath(meta *fileMeta) string {
	if s.path != "" {
		return s.path
	}
	name := meta.FileName
	if name == "" {
		name = fmt.Sprintf("export-%d-%d%s", meta.ExportID, meta.ExportFileID, extensionFor(meta.ContentType))
	}
	return filepath.Join(s.dir, name)
}

// start refuses, in directory mode, a name that is already taken, before
// any byte is downloaded (a path given was checked by open). commit checks
// again, for a file that appears during the download.
func (s *fileSink) start(meta *fileMeta) error {
	if s.path != "" || s.overwrite {
		return nil
	}
	if final := s.finalPath(meta); fileExists(final) {
		return existsError(final)
	}
	return nil
}

// fileExists reports whether something (a link included) has the name path.
func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func (s *fileSink) commit(meta *fileMeta) ([]string, error) {
	final := s.finalPath(meta)
	if err := s.f.Sync(); err != nil {
		return nil, fmt.Errorf("webadmit: syncing %s: %w", s.f.Name(), err)
	}
	if err := s.f.Close(); err != nil {
		return nil, fmt.Errorf("webadmit: closing %s: %w", s.f.Name(), err)
	}
	if err := place(s.f.Name(), final, s.overwrite); err != nil {
		return nil, err
	}
	s.done = true
	syncDir(filepath.Dir(final))
	return []string{final}, nil
}

func (s *fileSink) abort() {
	if s.done {
		return
	}
	_ = s.f.Close()
	_ = os.Remove(s.f.Name())
}

// place moves the complete temporary file tmp to final. Without overwrite it
// links then unlinks, so that an existing file is never replaced even if it
// appeared during the download.
func place(tmp, final string, overwrite bool) error {
	if overwrite {
		if err := os.Rename(tmp, final); err != nil {
			return fmt.Errorf("webadmit: %w", err)
		}
		return nil
	}
	err := os.Link(tmp, final)
	switch {
	case err == nil:
		_ = os.Remove(tmp)
		return nil
	case errors.Is(err, fs.ErrExist):
		return existsError(final)
	}
	// No hard links here (some file systems): check, then rename.
	if _, serr := os.Lstat(final); serr == nil {
		return existsError(final)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("webadmit: %w", err)
	}
	return nil
}

// syncDir makes a rename durable; best effort (not every system allows it).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
