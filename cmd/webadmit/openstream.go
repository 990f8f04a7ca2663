package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// errNoReader is the error of a FIFO that no process has open for reading.
var errNoReader = errors.New("no process is reading it")

// openStream opens a character device or FIFO named by -o for writing, as
// it is: no creation, no truncation. A FIFO is opened without waiting for
// a reader: with none, opening would block for ever, so it fails at once
// with errNoReader and advice.
func openStream(path string, mode fs.FileMode) (*os.File, error) {
	f, err := openNoWait(path, mode)
	if errors.Is(err, errNoReader) {
		return nil, fmt.Errorf("-o %s is a FIFO and %w: start the reader first (say, 'cat %s > copy &'), then run this command", path, errNoReader, path)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s for writing: %w", path, err)
	}
	return f, nil
}
