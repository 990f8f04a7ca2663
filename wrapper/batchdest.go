package wrapper

import (
	"errors"
	"fmt"
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
	return batchDir{dir: dir, each: func(dir string) Destination {
		return ToFile(dir+string(filepath.Separator), FileOptions{UniqueName: opts.UniqueName})
	}}
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
	return batchDir{dir: dir, each: func(dir string) Destination {
		return ToDir(dir, opts)
	}}
}

type batchDir struct {
	dir  string
	each func(dir string) Destination
}

func (d batchDir) prepare() (*batchSinks, error) {
	if strings.TrimSpace(d.dir) == "" {
		return nil, errors.New("webadmit: empty directory for the zip files")
	}
	dir := filepath.Clean(d.dir)
	pl, err := newPlacement(dir, true)
	if err != nil {
		return nil, err
	}
	removeStale(dir)
	// Check now that the directory can be written, before the batch starts.
	probe, err := lockedTemp(dir, ".webadmit-*.probe")
	if err != nil {
		pl.rollback()
		return nil, fmt.Errorf("webadmit: cannot write in %s: %w", dir, err)
	}
	_ = probe.Close()
	_ = os.Remove(probe.Name())
	return &batchSinks{pl: pl, dst: d.each(dir)}, nil
}

// batchSinks hands out one sink per zip file, all placing into one
// placement, committed once the whole batch is in place.
type batchSinks struct {
	pl  *placement
	dst Destination
}

func (b *batchSinks) open() (sink, error) { return b.dst.open(b.pl) }

// commit makes the batch's files final.
func (b *batchSinks) commit() { b.pl.commit() }

// rollback takes back everything the batch placed or replaced, and the
// directory if the call created it and it is empty again.
func (b *batchSinks) rollback() { b.pl.rollback() }
