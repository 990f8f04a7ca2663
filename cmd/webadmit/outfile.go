package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// outputFile is where 'webadmit api -o' and 'webadmit ssn' write a document:
// stdout ("-"), a character device or FIFO as a stream, or a regular file,
// written atomically with mode 0600 and never left half written.
type outputFile struct {
	path   string // as given; "-" for stdout
	force  bool
	stream *countingWriter // stdout, a device or a FIFO; nil for a file
	closer io.Closer
}

// openOutput checks -o before any call is made: an existing file is
// replaced only with --force (and only a regular file), a directory is
// refused, and a device or FIFO is opened to be written as a stream.
func (a *app) openOutput(path string, force bool) (*outputFile, error) {
	if isStdoutPath(path) {
		path = "-"
	}
	o := &outputFile{path: path, force: force}
	a.written = o.written
	switch path {
	case "":
		return nil, usagef("-o needs a file name, or '-' for stdout")
	case "-":
		o.stream = &countingWriter{w: a.stdout}
		return o, nil
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := checkOutputDir(filepath.Dir(path)); err != nil {
			return nil, err
		}
		return o, nil
	case err != nil:
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	case fi.IsDir():
		return nil, usagef("-o %s is a directory: give a file name", path)
	case fi.Mode()&fs.ModeCharDevice != 0, fi.Mode()&fs.ModeNamedPipe != 0:
		f, err := openStream(path, fi.Mode())
		if err != nil {
			return nil, err
		}
		o.stream, o.closer = &countingWriter{w: f}, f
		return o, nil
	case !fi.Mode().IsRegular():
		return nil, usagef("-o %s is a %s: give a file, a character device, a FIFO or '-'", path, fileKind(fi.Mode()))
	case !force:
		return nil, fmt.Errorf("%s already exists: --force replaces it", path)
	}
	if lfi, err := os.Lstat(path); err == nil && !lfi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is a symbolic link: refusing to replace it; give the file it points to", path)
	}
	return o, nil
}

// where names the output in messages.
func (o *outputFile) where() string {
	if o.path == "-" {
		return "stdout"
	}
	return o.path
}

// isStdout reports whether the output is stdout.
func (o *outputFile) isStdout() bool { return o.path == "-" }

// written says what an interrupted command had written.
func (o *outputFile) written() string {
	if o.stream == nil {
		return "nothing was written" // the file is all or nothing
	}
	if n := o.stream.n.Load(); n > 0 {
		return fmt.Sprintf("%s had already been written to %s", humanBytes(n), o.where())
	}
	return "nothing was written to " + o.where()
}

// close closes a device or FIFO opened for the output.
func (o *outputFile) close() {
	if o.closer != nil {
		_ = o.closer.Close()
	}
}

// write copies r to the output and returns the bytes written and their
// SHA-256. want is the length the source announced, or -1: a file that
// comes out shorter or longer is not kept.
func (o *outputFile) write(r io.Reader, want int64) (int64, string, error) {
	h := sha256.New()
	if o.stream != nil {
		n, err := io.Copy(io.MultiWriter(o.stream, h), r)
		if err == nil && want >= 0 && n != want {
			err = fmt.Errorf("got %d bytes of the %d announced", n, want)
		}
		return n, hex.EncodeToString(h.Sum(nil)), err
	}
	dir := filepath.Dir(o.path)
	tmp, err := os.CreateTemp(dir, ".webadmit-*.part") // mode 0600
	if err != nil {
		return 0, "", fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	keep := false
	defer func() {
		if !keep {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	if err != nil {
		return n, "", err
	}
	if want >= 0 && n != want {
		return n, "", fmt.Errorf("got %d bytes of the %d announced; nothing was written", n, want)
	}
	if err := tmp.Sync(); err != nil {
		return n, "", err
	}
	if err := tmp.Close(); err != nil {
		return n, "", err
	}
	if err := o.place(tmp.Name()); err != nil {
		return n, "", err
	}
	keep = true
	syncDir(dir)
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// place moves the complete temporary file to the output's path: over an
// existing regular file with --force, else only if the name is still free
// (a hard link cannot replace a file, so a file that appeared meanwhile is
// not lost).
func (o *outputFile) place(tmp string) error {
	if o.force {
		if fi, err := os.Lstat(o.path); err == nil && !fi.Mode().IsRegular() {
			return fmt.Errorf("%s is no longer a regular file: refusing to replace it", o.path)
		}
		return os.Rename(tmp, o.path)
	}
	err := os.Link(tmp, o.path)
	switch {
	case err == nil:
		return os.Remove(tmp)
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s already exists: --force replaces it", o.path)
	}
	// No hard links here (some file systems): check, then rename.
	if _, serr := os.Lstat(o.path); serr == nil {
		return fmt.Errorf("%s already exists: --force replaces it", o.path)
	}
	return os.Rename(tmp, o.path)
}

// syncDir makes a rename in dir durable, where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// maxInput bounds what --input and -F key=@FILE read: request bodies of the
// API are small (the sandbox takes 1 MiB).
const maxInput = 16 << 20

// readFileOrStdin reads a file named on the command line (-F key=@FILE,
// --input), or stdin for "-", up to maxInput bytes.
func readFileOrStdin(name string) ([]byte, error) {
	if name == "-" {
		return readAllLimited(os.Stdin, "stdin")
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAllLimited(f, name)
}

// readAllLimited reads r (named name in errors) up to maxInput bytes.
func readAllLimited(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > maxInput {
		return nil, fmt.Errorf("%s is larger than %s", name, humanBytes(maxInput))
	}
	return b, nil
}
