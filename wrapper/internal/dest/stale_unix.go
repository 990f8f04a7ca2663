//go:build unix

package dest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Temporary files and directories are locked (flock) by the process that
// writes them, for as long as it does. A later run into the same directory
// removes those of the package's prefix that nobody holds: what a killed
// process (SIGKILL, a power cut) left. Backup directories (files an
// extraction replaced) are never removed that way: they hold the only copy
// of a user's old file if the process died mid-replacement.

// tempPrefix starts the name of everything temporary the package makes.
const tempPrefix = ".webadmit-"

// tryLock takes f's lock without waiting; false when someone holds it.
func tryLock(f *os.File) bool {
	return unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil
}

// lockedTemp creates a temporary file in dir, as os.CreateTemp does, and
// locks it. It checks, once locked, that the name still leads to the file:
// another run's cleanup may have removed it between creation and lock.
func lockedTemp(dir, pattern string) (*os.File, error) {
	for range 10 {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		if tryLock(f) && samePath(f, f.Name()) {
			return f, nil
		}
		_ = f.Close()
	}
	return nil, fmt.Errorf("cannot create a locked temporary file in %s", dir)
}

// lockedTempDir creates a temporary directory in dir and locks it; unlock
// releases it.
func lockedTempDir(dir, pattern string) (string, func(), error) {
	for range 10 {
		d, err := os.MkdirTemp(dir, pattern)
		if err != nil {
			return "", nil, err
		}
		f, err := os.Open(d)
		if err != nil {
			return "", nil, err
		}
		if tryLock(f) && samePath(f, d) {
			return d, func() { _ = f.Close() }, nil
		}
		_ = f.Close()
	}
	return "", nil, fmt.Errorf("cannot create a locked temporary directory in %s", dir)
}

// samePath reports whether path still names the open file f.
func samePath(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Lstat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// removeStale removes, from dir, the package's temporary files and staging
// directories that no live process holds. Best effort: errors are ignored.
func removeStale(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, tempPrefix) {
			continue
		}
		stale := (e.Type().IsRegular() && (strings.HasSuffix(name, ".part") || strings.HasSuffix(name, ".probe"))) ||
			(e.IsDir() && strings.HasPrefix(name, tempPrefix+"extract-"))
		if stale {
			removeIfUnheld(filepath.Join(dir, name), e.IsDir())
		}
	}
}

// removeIfUnheld removes path when its lock can be taken.
func removeIfUnheld(path string, isDir bool) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	if !tryLock(f) {
		return
	}
	if isDir {
		_ = os.RemoveAll(path)
	} else {
		_ = os.Remove(path)
	}
}

// renameOpen: a locked temporary file is renamed while still open, so that no other
// process or sink sees it unlocked before it has its final name.
const renameOpen = true
