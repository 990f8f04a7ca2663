//go:build !unix

package dest

import "os"

// Without flock, temporary files are not locked, and stale ones are left
// for the user to remove: a guess by age could remove a live download's.

func lockedTemp(dir, pattern string) (*os.File, error) { return os.CreateTemp(dir, pattern) }

func lockedTempDir(dir, pattern string) (string, func(), error) {
	d, err := os.MkdirTemp(dir, pattern)
	return d, func() {}, err
}

func removeStale(string) {}

// renameOpen: the temporary file is closed before it is renamed (not every system
// renames an open file); nothing cleans stale files here.
const renameOpen = false
