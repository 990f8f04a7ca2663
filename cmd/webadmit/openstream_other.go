//go:build !unix

package main

import (
	"io/fs"
	"os"
)

// openNoWait opens path for writing.
func openNoWait(path string, _ fs.FileMode) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY, 0)
}
