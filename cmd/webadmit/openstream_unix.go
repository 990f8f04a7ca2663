//go:build unix

package main

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// openNoWait opens path for writing; a FIFO with O_NONBLOCK, which fails
// with ENXIO when no reader has it open instead of blocking. Go's runtime
// poller then makes the writes wait as blocking ones would.
func openNoWait(path string, mode fs.FileMode) (*os.File, error) {
	flags := os.O_WRONLY
	if mode&fs.ModeNamedPipe != 0 {
		flags |= syscall.O_NONBLOCK
	}
	f, err := os.OpenFile(path, flags, 0)
	if errors.Is(err, syscall.ENXIO) {
		return nil, errNoReader
	}
	return f, err
}
