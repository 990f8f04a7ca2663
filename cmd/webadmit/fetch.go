package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/webadmit-go/webadmit/wrapper"
)

// fetchFlags are the flags run and download share.
type fetchFlags struct {
	output  string
	utf8    bool
	extract string
	force   bool
}

func (f *fetchFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output-file", "o", "", "file to write; '-' for stdout; a device or FIFO is written to as a stream; default: the server's file name in the current directory")
	fl.BoolVar(&f.utf8, "utf8", false, "convert the file from ISO-8859-1 to UTF-8 while downloading")
	fl.StringVar(&f.extract, "extract", "", "extract a zip export (CSV in multiple files) into this directory")
	fl.BoolVar(&f.force, "force", false, "replace the file named by -o if it exists (never a file named by the server)")
}

// fetchTarget is where run or download puts the file.
type fetchTarget struct {
	dst wrapper.Destination
	// where names a stream (stdout, a device or a FIFO) for messages; ""
	// when the file goes to a path the library reports.
	where  string
	closer io.Closer
}

// close closes a device or FIFO opened for the target.
func (t *fetchTarget) close() {
	if t.closer != nil {
		_ = t.closer.Close()
	}
}

// runOptions are the options --utf8 and the progress display make.
func (f *fetchFlags) runOptions(p *progress) []wrapper.RunOption {
	opts := []wrapper.RunOption{wrapper.OnProgress(p.handle)}
	if f.utf8 {
		opts = append(opts, wrapper.TranscodeToUTF8())
	}
	return opts
}

// target resolves -o / --extract. --force applies only to the path the
// user typed: a file the server names (no -o, or -o naming a directory) never
// replaces an existing one. A character device or FIFO is written to as a
// stream, as stdout is, and never replaced.
func (f *fetchFlags) target(a *app) (*fetchTarget, error) {
	switch {
	case f.extract != "" && f.output != "":
		return nil, usagef("give -o or --extract, not both")
	case f.extract != "":
		return &fetchTarget{dst: wrapper.ToDir(f.extract, wrapper.ExtractOptions{Overwrite: f.force})}, nil
	case f.output == "-":
		return streamTarget(a.stdout, "stdout", nil), nil
	case f.output == "":
		return &fetchTarget{dst: wrapper.ToFile("."+string(os.PathSeparator), wrapper.FileOptions{})}, nil
	}
	if strings.HasSuffix(f.output, "/") || strings.HasSuffix(f.output, string(os.PathSeparator)) {
		return &fetchTarget{dst: wrapper.ToFile(f.output, wrapper.FileOptions{})}, nil
	}
	fi, err := os.Stat(f.output)
	if err != nil { // absent, most often: ToFile creates it or says why not
		return &fetchTarget{dst: wrapper.ToFile(f.output, wrapper.FileOptions{Overwrite: f.force})}, nil
	}
	switch m := fi.Mode(); {
	case m.IsDir():
		return &fetchTarget{dst: wrapper.ToFile(f.output, wrapper.FileOptions{})}, nil
	case m.IsRegular():
		return &fetchTarget{dst: wrapper.ToFile(f.output, wrapper.FileOptions{Overwrite: f.force})}, nil
	case m&fs.ModeCharDevice != 0, m&fs.ModeNamedPipe != 0:
		// Opened as it is: no creation, no truncation, no rename over it.
		out, err := os.OpenFile(f.output, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("open %s for writing: %w", f.output, err)
		}
		return streamTarget(out, f.output, out), nil
	}
	return nil, usagef("-o %s is a %s: give a file, a directory, a character device, a FIFO or '-'", f.output, fileKind(fi.Mode()))
}

// streamTarget writes to w, named where in messages.
func streamTarget(w io.Writer, where string, closer io.Closer) *fetchTarget {
	return &fetchTarget{dst: wrapper.ToWriter(w), where: where, closer: closer}
}

// fileKind names a file type that -o refuses.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "block device"
	}
	return "special file"
}
