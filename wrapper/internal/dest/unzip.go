package dest

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"unicode"
)

// ExtractOptions bounds a zip extraction by Dir.
type ExtractOptions struct {
	MaxBytes   int64 // total uncompressed bytes (default 8 GiB)
	MaxEntries int   // number of entries (default 10,000)
	Overwrite  bool  // replace existing files of the same names, all or nothing
}

const (
	defaultMaxExtractBytes   = 8 << 30
	defaultMaxExtractEntries = 10000
)

// Dir returns a sink that keeps a zip archive in a temporary file and, on
// Commit, extracts it safely into dir (created, mode 0700, if missing):
// entries that would land outside dir, go through a link, are links or
// devices, or exceed the limits are refused with ErrUnsafeArchive;
// control characters are dropped from names; files (mode 0600) are staged,
// then moved into place through an [os.Root] of dir, all or nothing. pl is
// the placement of a batch, or nil (the sink makes its own).
func Dir(dir string, opts ExtractOptions, pl *Placement) (Sink, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = defaultMaxExtractBytes
	}
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = defaultMaxExtractEntries
	}
	if strings.TrimSpace(dir) == "" {
		return nil, errors.New("empty directory")
	}
	dir = filepath.Clean(dir)
	s := &zipSink{opts: opts, pl: pl}
	if pl == nil {
		var err error
		if s.pl, err = NewPlacement(dir, true); err != nil {
			return nil, err
		}
		s.own = true
		removeStale(s.pl.dir) // a batch's, by BatchDir only (see File)
	}
	tmp, err := lockedTemp(s.pl.dir, ".webadmit-*.zip.part")
	if err != nil {
		s.release()
		return nil, fmt.Errorf("cannot write in %s: %w", s.pl.dir, err)
	}
	s.f = tmp
	return s, nil
}

// zipSink stores the archive in a temporary file, then extracts it.
type zipSink struct {
	f    *os.File
	opts ExtractOptions
	pl   *Placement
	own  bool // pl is this sink's: commit and abort end it
	mu   sync.Mutex
	n    int64 // the archive's size: the end of the furthest write
	done bool
}

// Start accepts any name: the archive's entries name the files.
func (s *zipSink) Start(*Meta) error { return nil }

func (s *zipSink) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	s.grow(int64(n))
	return n, err
}

// WriteAt writes a part of a parallel download at its offset.
func (s *zipSink) WriteAt(p []byte, off int64) (int, error) {
	n, err := s.f.WriteAt(p, off)
	s.mu.Lock()
	s.n = max(s.n, off+int64(n))
	s.mu.Unlock()
	return n, err
}

// grow counts n bytes written in order.
func (s *zipSink) grow(n int64) {
	s.mu.Lock()
	s.n += n
	s.mu.Unlock()
}

// ReadAt reads back what was written, for the download's hash.
func (s *zipSink) ReadAt(p []byte, off int64) (int, error) { return s.f.ReadAt(p, off) }

// Settled has nothing to do: the archive is read, not kept.
func (s *zipSink) Settled(int64) {}

func (s *zipSink) Commit(*Meta) ([]string, error) {
	defer s.removeArchive()
	s.pl.mu.Lock() // the zip files of a batch commit concurrently
	paths, err := extractZip(s.f, s.n, s.pl, s.opts)
	s.pl.mu.Unlock()
	if err != nil {
		return nil, err
	}
	s.done = true
	if s.own {
		s.pl.Commit()
	}
	return paths, nil
}

func (s *zipSink) removeArchive() {
	_ = s.f.Close()
	_ = os.Remove(s.f.Name())
}

func (s *zipSink) Abort() {
	s.removeArchive()
	s.release()
}

// release ends the sink's own placement: rolled back unless committed.
func (s *zipSink) release() {
	if s.own {
		s.pl.Rollback()
	}
}

// extractZip extracts the archive in ra into the placement's directory
// (see ToDir) and returns the paths of the files placed. On error, what it
// placed stays recorded in pl, for pl's rollback.
func extractZip(ra io.ReaderAt, size int64, pl *Placement, opts ExtractOptions) ([]string, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, fmt.Errorf("the export file is not a readable zip archive: %w", err)
	}
	if len(zr.File) > opts.MaxEntries {
		return nil, fmt.Errorf("%w: %d entries, more than the limit of %d", ErrUnsafeArchive, len(zr.File), opts.MaxEntries)
	}
	// Check every name before writing anything.
	names := make([]string, 0, len(zr.File))
	seen := make(map[string]bool, len(zr.File))
	var declared uint64
	for _, f := range zr.File {
		name, err := entryName(f)
		if err != nil {
			return nil, err
		}
		if f.FileInfo().IsDir() {
			names = append(names, "")
			continue
		}
		if seen[strings.ToLower(name)] {
			return nil, fmt.Errorf("%w: entry %q appears twice", ErrUnsafeArchive, name)
		}
		seen[strings.ToLower(name)] = true
		declared += f.UncompressedSize64
		if declared > uint64(opts.MaxBytes) {
			return nil, fmt.Errorf("%w: more than %d bytes uncompressed", ErrUnsafeArchive, opts.MaxBytes)
		}
		names = append(names, name)
	}
	for _, name := range names {
		if name == "" {
			continue
		}
		for p := path.Dir(name); p != "."; p = path.Dir(p) {
			if seen[strings.ToLower(p)] {
				return nil, fmt.Errorf("%w: entry %q is both a file and a directory", ErrUnsafeArchive, p)
			}
		}
		if err := refuseLinkedParents(pl.root, name); err != nil {
			return nil, err
		}
		if !opts.Overwrite && pl.exists(name) {
			return nil, existsError(pl.path(name))
		}
	}

	stage, unlock, err := lockedTempDir(pl.dir, ".webadmit-extract-*")
	if err != nil {
		return nil, fmt.Errorf("%w", err)
	}
	defer unlock()
	defer os.RemoveAll(stage)
	root, err := os.OpenRoot(stage)
	if err != nil {
		return nil, fmt.Errorf("%w", err)
	}
	defer root.Close()

	left := opts.MaxBytes
	var files []string
	for i, f := range zr.File {
		name := names[i]
		if name == "" {
			continue
		}
		n, err := extractEntry(root, f, name, left)
		if err != nil {
			return nil, err
		}
		left -= n
		files = append(files, name)
	}
	// Everything is extracted: move it into place. Should a move fail, the
	// placement's rollback takes back what was moved.
	stageName := filepath.Base(stage)
	for _, name := range files {
		staged := path.Join(filepath.ToSlash(stageName), name)
		if opts.Overwrite {
			err = pl.placeReplace(staged, name)
		} else {
			err = pl.placeNew(staged, name)
		}
		if err != nil {
			return nil, fmt.Errorf("moving extracted files into %s: %w", pl.dir, err)
		}
	}
	return pl.paths(files), nil
}

// parentDirs returns the directories of a slash-separated entry name, from
// the top: "a/b/c.csv" gives "a", "a/b".
func parentDirs(name string) []string {
	var dirs []string
	for i, c := range name {
		if c == '/' {
			dirs = append(dirs, name[:i])
		}
	}
	return dirs
}

// linkError refuses entry name, whose directory p in the target is a
// symbolic link.
func linkError(name, p string) error {
	return fmt.Errorf("%w: entry %q would be written through %s, a symbolic link in the target directory: remove the link or extract elsewhere", ErrUnsafeArchive, name, p)
}

// refuseLinkedParents refuses name when one of its directories that
// already exist in root is a symbolic link. A directory missing, or a file
// where a directory should be, is left for the move to report.
func refuseLinkedParents(root *os.Root, name string) error {
	for _, p := range parentDirs(name) {
		fi, err := root.Lstat(filepath.FromSlash(p))
		if err != nil {
			return nil
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return linkError(name, p)
		}
	}
	return nil
}

// entryName validates an entry's name and type and returns it in slash
// form, without control or formatting characters (escape sequences, bidi
// overrides), which a terminal listing the files would obey.
func entryName(f *zip.File) (string, error) {
	raw := f.Name
	name := strings.ReplaceAll(raw, "\\", "/")
	if !strings.ContainsRune(name, 0) {
		name = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				return -1
			}
			return r
		}, name)
	}
	mode := f.Mode()
	switch {
	case mode&fs.ModeSymlink != 0:
		return "", fmt.Errorf("%w: entry %q is a symbolic link", ErrUnsafeArchive, raw)
	case !mode.IsRegular() && !mode.IsDir():
		return "", fmt.Errorf("%w: entry %q is not a regular file", ErrUnsafeArchive, raw)
	case strings.ContainsRune(name, 0), strings.Contains(name, ":"):
		return "", fmt.Errorf("%w: entry %q has a forbidden character", ErrUnsafeArchive, raw)
	}
	trimmed := strings.TrimSuffix(name, "/")
	if trimmed == "" || path.IsAbs(name) || !filepath.IsLocal(filepath.FromSlash(trimmed)) || path.Clean(trimmed) != trimmed {
		return "", fmt.Errorf("%w: entry %q would land outside the target directory", ErrUnsafeArchive, raw)
	}
	return trimmed, nil
}

// extractEntry writes one file inside root, copying at most left bytes.
func extractEntry(root *os.Root, f *zip.File, name string, left int64) (int64, error) {
	if dir := path.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, 0o700); err != nil {
			return 0, fmt.Errorf("%w: %s: %w", ErrUnsafeArchive, name, err)
		}
	}
	rc, err := f.Open()
	if err != nil {
		return 0, fmt.Errorf("zip entry %q: %w", name, err)
	}
	defer rc.Close()
	out, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, fmt.Errorf("%w: %s: %w", ErrUnsafeArchive, name, err)
	}
	n, err := io.Copy(out, io.LimitReader(rc, left+1))
	if err == nil && n > left {
		err = fmt.Errorf("%w: more than the limit of uncompressed bytes", ErrUnsafeArchive)
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("zip entry %q: %w", name, err)
	}
	return n, nil
}
