package dest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// placement moves complete files into a target directory, all or nothing:
// until commit, rollback takes back every file it placed, puts back every
// file it replaced, and removes the directories it made. A replaced file
// is first hard-linked into a backup directory inside the target, then
// replaced by one atomic rename, so that its name always holds the old
// content or the new one, even if the process is killed. Names are
// slash-separated and relative to the target; every move goes through an
// [os.Root] of it, so that no link can lead a file elsewhere.
type Placement struct {
	// mu is held by a sink while it checks or places names: the files of
	// a batch download concurrently. Commit and Rollback come after them.
	mu      sync.Mutex
	dir     string
	root    *os.Root
	created []string               // directories made for this placement, the target first
	placed  []string               // names placed, new or replacing, in order
	ours    []string               // names placed that did not exist before
	info    map[string]os.FileInfo // what each name placed held when placed
	backups []backup               // files replaced, to put back on rollback
	made    []string               // directories made, parents first
	backDir string                 // backup directory (relative), "" until needed
	done    bool                   // committed or rolled back
	unlock  func()                 // releases the backup directory's lock
}

// backup is a replaced file and where its old content waits.
type backup struct{ name, saved string }

// newPlacement opens dir; when create is set it makes dir (mode 0700,
// parents included) if it is missing.
func NewPlacement(dir string, create bool) (*Placement, error) {
	p := &Placement{dir: dir, info: map[string]os.FileInfo{}}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) && create:
		// Note every directory made, to remove them all if nothing stays.
		for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
			if _, err := os.Lstat(d); err == nil || d == filepath.Dir(d) {
				break
			}
			p.created = append(p.created, d)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, fmt.Errorf("cannot write in %s: %w", dir, err)
	case !fi.IsDir():
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	if p.root, err = os.OpenRoot(dir); err != nil {
		p.removeCreated()
		return nil, err
	}
	return p, nil
}

// path returns the full path of a name in the target.
func (p *Placement) path(name string) string { return filepath.Join(p.dir, filepath.FromSlash(name)) }

// ownsName reports whether name was placed here by this placement (case
// folded: a batch's names must not collide on case-insensitive disks).
func (p *Placement) ownsName(name string) bool {
	return slices.ContainsFunc(p.ours, func(o string) bool { return strings.EqualFold(o, name) })
}

// exists reports whether something (a link included) has the name.
func (p *Placement) exists(name string) bool {
	_, err := p.root.Lstat(filepath.FromSlash(name))
	return err == nil
}

// placeNew moves staged (a path relative to the target) to name, which
// must not exist: an existing file is never replaced, even one that
// appeared a moment ago (the move links, then unlinks).
func (p *Placement) placeNew(staged, name string) error {
	if err := p.makeParents(name); err != nil {
		return err
	}
	if err := p.link(staged, name); err != nil {
		return err
	}
	p.noteNew(name)
	return nil
}

// placeUnique moves staged to name, or, when name is taken, to the first
// free one of name-2, name-3, … (before the extension). It returns the name
// used.
func (p *Placement) placeUnique(staged, name string) (string, error) {
	ext := path.Ext(name)
	if len(ext) == len(name) || len(ext) > 20 {
		ext = ""
	}
	stem := strings.TrimSuffix(name, ext)
	for i := 1; i <= maxUniqueTries; i++ {
		try := name
		if i > 1 {
			try = stem + "-" + strconv.Itoa(i) + ext
		}
		if p.ownsName(try) { // taken by this placement, whatever the case
			continue
		}
		err := p.placeNew(staged, try)
		if err == nil || !errors.Is(err, fs.ErrExist) {
			return try, err
		}
	}
	return "", fmt.Errorf("%s and %d other names like it are taken in %s: %w", name, maxUniqueTries-1, p.dir, fs.ErrExist)
}

// maxUniqueTries bounds the names placeUnique tries.
const maxUniqueTries = 1000

// placeReplace moves staged to name, replacing a regular file of that
// name; the old file is kept until commit and put back by rollback.
func (p *Placement) placeReplace(staged, name string) error {
	if err := p.makeParents(name); err != nil {
		return err
	}
	fi, err := p.root.Lstat(filepath.FromSlash(name))
	if errors.Is(err, fs.ErrNotExist) {
		return p.placeNew(staged, name)
	}
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file: refusing to replace it", p.path(name))
	}
	if slices.Contains(p.ours, name) { // placed by this placement: rollback removes it anyway
		if err := p.root.Rename(filepath.FromSlash(staged), filepath.FromSlash(name)); err != nil {
			return err
		}
		p.placed = append(p.placed, name)
		p.note(name)
		return nil
	}
	saved, err := p.save(name)
	if err != nil {
		return err
	}
	if err := p.root.Rename(filepath.FromSlash(staged), filepath.FromSlash(name)); err != nil {
		p.restore(backup{name, saved})
		return err
	}
	p.backups = append(p.backups, backup{name, saved})
	p.placed = append(p.placed, name)
	p.note(name)
	return nil
}

// save keeps the current content of name in the backup directory: a hard
// link, so that name stays in place until it is replaced.
func (p *Placement) save(name string) (string, error) {
	if p.backDir == "" {
		d, unlock, err := lockedTempDir(p.dir, ".webadmit-backup-*")
		if err != nil {
			return "", err
		}
		p.backDir, p.unlock = filepath.Base(d), unlock
	}
	saved := filepath.Join(p.backDir, strconv.Itoa(len(p.backups)))
	if err := p.root.Link(filepath.FromSlash(name), saved); err != nil {
		// No hard links here: move it aside; its name is briefly empty.
		if err := p.root.Rename(filepath.FromSlash(name), saved); err != nil {
			return "", err
		}
	}
	return saved, nil
}

// restore puts a replaced file back.
func (p *Placement) restore(b backup) {
	_ = p.root.Rename(b.saved, filepath.FromSlash(b.name))
}

// note records what name holds now that it was placed.
func (p *Placement) note(name string) {
	if fi, err := p.root.Lstat(filepath.FromSlash(name)); err == nil {
		p.info[name] = fi
	}
}

// stillOurs reports whether name still holds the file this placement put
// there: another run may have replaced it since, and its file is not ours
// to remove or to put an old one over.
func (p *Placement) stillOurs(name string) bool {
	fi, err := p.root.Lstat(filepath.FromSlash(name))
	return err == nil && p.info[name] != nil && os.SameFile(fi, p.info[name])
}

// link moves staged to name without replacing anything: link, then unlink
// (or, where there are no hard links, check then rename).
func (p *Placement) link(staged, name string) error {
	from, to := filepath.FromSlash(staged), filepath.FromSlash(name)
	err := p.root.Link(from, to)
	switch {
	case err == nil:
		_ = p.root.Remove(from)
		return nil
	case errors.Is(err, fs.ErrExist):
		return existsError(p.path(name))
	}
	if p.exists(name) {
		return existsError(p.path(name))
	}
	return p.root.Rename(from, to)
}

func (p *Placement) noteNew(name string) {
	p.placed = append(p.placed, name)
	p.ours = append(p.ours, name)
	p.note(name)
}

// makeParents creates, in the target, the missing directories of name
// (mode 0700), one at a time and without following a link: a symbolic link
// where a directory should be is refused.
func (p *Placement) makeParents(name string) error {
	for _, d := range parentDirs(name) {
		err := p.root.Mkdir(filepath.FromSlash(d), 0o700)
		if err == nil {
			p.made = append(p.made, d)
			continue
		}
		if !errors.Is(err, fs.ErrExist) {
			return err
		}
		fi, lerr := p.root.Lstat(filepath.FromSlash(d))
		if lerr != nil {
			return lerr
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return linkError(name, d)
		}
	}
	return nil
}

// commit makes the placement final: the replaced files' old content goes.
func (p *Placement) Commit() {
	if p.done {
		return
	}
	p.done = true
	p.dropBackups()
	syncDir(p.dir)
	p.close()
}

// rollback takes back everything the placement did.
func (p *Placement) Rollback() {
	if p.done {
		return
	}
	p.done = true
	for _, name := range slices.Backward(p.ours) {
		if p.stillOurs(name) {
			_ = p.root.Remove(filepath.FromSlash(name))
		}
	}
	for _, b := range slices.Backward(p.backups) {
		if p.stillOurs(b.name) {
			p.restore(b)
		}
	}
	p.dropBackups()
	for _, d := range slices.Backward(p.made) {
		_ = p.root.Remove(filepath.FromSlash(d)) // only if empty
	}
	p.close()
	p.removeCreated()
}

func (p *Placement) dropBackups() {
	if p.backDir != "" {
		_ = p.root.RemoveAll(p.backDir)
		p.unlock()
	}
}

func (p *Placement) close() { _ = p.root.Close() }

// removeCreated removes the directories this placement made for the
// target, the target first, as long as they are empty.
func (p *Placement) removeCreated() {
	for _, d := range p.created {
		if os.Remove(d) != nil {
			return
		}
	}
}

// paths returns the full paths of the names placed, sorted.
func (p *Placement) paths(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p.path(n)
	}
	slices.Sort(out)
	return out
}
