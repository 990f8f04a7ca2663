package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// checkOutputDir checks, before any call, that dir, the directory -o
// writes into, exists. It never creates it: a mistyped path must not
// become a new directory. The errors name the directory and what to do,
// without the system's wording of the failed stat.
func checkOutputDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && fi.IsDir():
		return nil
	case err == nil, errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("cannot write in %s: it is not a directory", dir)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the directory %s does not exist: -o never creates one; '%s' makes it", dir, mkdirCommand(dir))
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("cannot write in %s: permission denied", dir)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot write in %s: %v", dir, err)
}

// mkdirCommand is the shell command that makes dir.
func mkdirCommand(dir string) string {
	if strings.HasPrefix(dir, "-") {
		return "mkdir -p -- " + shellQuote(dir)
	}
	return "mkdir -p " + shellQuote(dir)
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and the punctuation paths are made of.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./+,:@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
