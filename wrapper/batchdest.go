package wrapper

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// BatchDestination says where the zip files of a PDF Manager batch go:
// ZipFilesToDir keeps them as zip files, ExtractZipFilesTo unpacks them.
type BatchDestination interface {
	// prepare checks (and if needed creates) the directory before the batch
	// starts, so that a directory that cannot be written fails at once.
	prepare() (*batchSinks, error)
}

// ZipFilesToDir writes each zip file of a batch into dir (created, mode
// 0700, if missing), under the name the server proposes (made safe, see
// SafeFileName) or pdf-manager-batch-BATCH-zip-ZIP.zip. Each file is
// written like ToFile does: atomically, mode 0600, never replacing an
// existing file unless opts.Overwrite is set.
//
// A batch is all or nothing: when a later zip file fails, or the call is
// cancelled, the files already placed are removed again, as is dir if the
// call created it; with Overwrite, placed files stay (they may have
// replaced older ones, which are gone).
func ZipFilesToDir(dir string, opts FileOptions) BatchDestination {
	return batchDir{dir: dir, overwrite: opts.Overwrite, each: func(dir string) Destination {
		return ToFile(dir+string(filepath.Separator), opts)
	}}
}

// ExtractZipFilesTo extracts each zip file of a batch into dir (created,
// mode 0700, if missing) with ToDir's safe extraction: no entry outside
// dir, no links or devices, limits on size and entries, files of mode
// 0600, and no existing file replaced unless opts.Overwrite is set (two zip
// files of a batch holding the same name are then an error). All or
// nothing, as for ZipFilesToDir.
func ExtractZipFilesTo(dir string, opts ExtractOptions) BatchDestination {
	return batchDir{dir: dir, overwrite: opts.Overwrite, each: func(dir string) Destination {
		return ToDir(dir, opts)
	}}
}

type batchDir struct {
	dir       string
	overwrite bool
	each      func(dir string) Destination
}

func (d batchDir) prepare() (*batchSinks, error) {
	if strings.TrimSpace(d.dir) == "" {
		return nil, errors.New("webadmit: empty directory for the zip files")
	}
	dir := filepath.Clean(d.dir)
	b := &batchSinks{dir: dir, overwrite: d.overwrite, dst: d.each(dir)}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("webadmit: %w", err)
		}
		b.created = true
	case err != nil:
		return nil, fmt.Errorf("webadmit: %w", err)
	case !fi.IsDir():
		return nil, fmt.Errorf("webadmit: %s is not a directory: the zip files of a batch go into a directory", dir)
	}
	// Check now that the directory can be written, before the batch starts.
	probe, err := os.CreateTemp(dir, ".webadmit-*.probe")
	if err != nil {
		b.rollback()
		return nil, fmt.Errorf("webadmit: cannot write in %s: %w", dir, err)
	}
	_ = probe.Close()
	_ = os.Remove(probe.Name())
	return b, nil
}

// batchSinks hands out one sink per zip file and remembers what was placed,
// to take it back if the batch fails.
type batchSinks struct {
	dir       string
	created   bool // dir was made by this call
	overwrite bool
	dst       Destination
	placed    []string
}

func (b *batchSinks) open() (sink, error) { return b.dst.open() }

func (b *batchSinks) keep(paths []string) { b.placed = append(b.placed, paths...) }

// rollback removes what the batch placed (unless it may have replaced older
// files) and the directory if the call created it and it is empty.
func (b *batchSinks) rollback() {
	if !b.overwrite {
		for _, p := range b.placed {
			_ = os.Remove(p)
			// Directories a zip's entries needed, if now empty.
			for d := filepath.Dir(p); d != b.dir && strings.HasPrefix(d, b.dir); d = filepath.Dir(d) {
				if os.Remove(d) != nil {
					break
				}
			}
		}
		b.placed = nil
	}
	if b.created {
		_ = os.Remove(b.dir) // only if empty
	}
}
