package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/spf13/cobra"

	"github.com/webadmit-go/webadmit/wrapper"
)

// fetchFlags are the flags run and download share.
type fetchFlags struct {
	output  string
	utf8    bool
	extract string
	force   bool
	conns   int
	// label names the output in messages: "" for -o, "output" for a
	// --manifest entry's.
	label string
}

// outLabel names the output in messages: -o, or a manifest's output.
func (f *fetchFlags) outLabel() string {
	if f.label != "" {
		return f.label
	}
	return "-o"
}

func (f *fetchFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output-file", "o", "", "file to write; '-' for stdout; a device or FIFO is written to as a stream; default: the server's file name in the current directory")
	fl.BoolVar(&f.utf8, "utf8", false, "convert the file from ISO-8859-1 to UTF-8 while downloading")
	fl.StringVar(&f.extract, "extract", "", "extract a zip export (CSV in multiple files) into this directory")
	fl.BoolVar(&f.force, "force", false, "replace the file named by -o if it exists; a name the server chose is never replaced, but numbered (Name-2.csv); with --extract, replace existing files (all or nothing)")
	connectionsFlag(cmd, &f.conns)
}

// connectionsFlag adds --connections: how many connections a large file is
// downloaded over.
func connectionsFlag(cmd *cobra.Command, n *int) {
	cmd.Flags().IntVar(n, "connections", wrapper.DefaultConnections,
		"download a file over 32 MiB in 16 MiB parts over this many connections (1: one stream; -o -, a device, a FIFO and --utf8 always take one)")
}

// checkConnections refuses a --connections the library would.
func checkConnections(n int) error {
	if n < 1 || n > 64 {
		return usagef("--connections takes 1 to 64 (default %d)", wrapper.DefaultConnections)
	}
	return nil
}

// fetchTarget is where run or download puts the file.
type fetchTarget struct {
	dst wrapper.Destination
	// stream, when the bytes go straight to stdout, a device or a FIFO,
	// counts them: such a target is not all or nothing.
	stream *countingWriter
	// where names the stream for messages; "" when the file goes to a path
	// the library reports.
	where  string
	closer io.Closer
}

// close closes a device or FIFO opened for the target.
func (t *fetchTarget) close() {
	if t.closer != nil {
		_ = t.closer.Close()
	}
}

// written says what an interrupted run or download has written so far.
func (t *fetchTarget) written() string {
	if t.stream == nil {
		return "nothing was written" // ToFile and ToDir leave nothing behind
	}
	n := t.stream.n.Load()
	if n == 0 {
		return "nothing was written to " + t.where
	}
	return fmt.Sprintf("%s had already been written to %s", humanBytes(n), t.where)
}

// runOptions are the options --utf8, --connections (checked by target)
// and the progress display make.
func (f *fetchFlags) runOptions(p *progress) []wrapper.RunOption {
	opts := []wrapper.RunOption{wrapper.OnProgress(p.handle), wrapper.Connections(f.conns)}
	if f.utf8 {
		opts = append(opts, wrapper.TranscodeToUTF8())
	}
	return opts
}

// target resolves -o / --extract. --force replaces only the path the user
// typed: a file the server names (no -o, or -o naming a directory) never
// replaces an existing one; with --force it is written beside it under a
// numbered name (Name-2.csv), without it the run is refused. A character
// device or FIFO is written to as a stream, as stdout is, and never
// replaced.
func (f *fetchFlags) target(a *app) (*fetchTarget, error) {
	if err := checkConnections(f.conns); err != nil {
		return nil, err
	}
	if isStdoutPath(f.output) {
		f.output = "-"
	}
	switch {
	case f.extract == "" && a.flagSet("extract"):
		return nil, usagef("--extract needs a directory (it is created if missing)")
	case f.output == "" && a.flagSet("output-file"):
		return nil, usagef("-o needs a file name, a directory, or '-' for stdout")
	case f.extract != "" && f.output != "":
		return nil, usagef("give -o or --extract, not both")
	case strings.HasPrefix(f.output, "s3://"):
		return s3Target(f.outLabel(), f.output, f.force)
	case f.extract != "":
		return &fetchTarget{dst: wrapper.ToDir(f.extract, wrapper.ExtractOptions{Overwrite: f.force})}, nil
	case f.output == "-":
		return streamTarget(a.stdout, "stdout", nil), nil
	case f.output == "":
		return &fetchTarget{dst: wrapper.ToFile("."+string(os.PathSeparator), f.serverNamed())}, nil
	}
	if strings.HasSuffix(f.output, "/") || strings.HasSuffix(f.output, string(os.PathSeparator)) {
		if err := checkOutputDir(filepath.Clean(f.output)); err != nil {
			return nil, err
		}
		return &fetchTarget{dst: wrapper.ToFile(f.output, f.serverNamed())}, nil
	}
	fi, err := os.Stat(f.output)
	if err != nil { // absent, most often: ToFile creates it or says why not
		if err := checkOutputDir(filepath.Dir(f.output)); err != nil {
			return nil, err
		}
		return &fetchTarget{dst: wrapper.ToFile(f.output, wrapper.FileOptions{Overwrite: f.force})}, nil
	}
	switch m := fi.Mode(); {
	case m.IsDir():
		return &fetchTarget{dst: wrapper.ToFile(f.output, f.serverNamed())}, nil
	case m.IsRegular():
		return &fetchTarget{dst: wrapper.ToFile(f.output, wrapper.FileOptions{Overwrite: f.force})}, nil
	case m&fs.ModeCharDevice != 0, m&fs.ModeNamedPipe != 0:
		// Opened as it is: no creation, no truncation, no rename over it.
		out, err := openStream(f.output, m)
		if err != nil {
			return nil, err
		}
		return streamTarget(out, f.output, out), nil
	}
	return nil, usagef("%s %s is a %s: give a file, a directory, a character device, a FIFO or '-'", f.outLabel(), f.output, fileKind(fi.Mode()))
}

// serverNamed are the options of a file the server names: never replaced;
// with --force, numbered when its name is taken.
func (f *fetchFlags) serverNamed() wrapper.FileOptions {
	return wrapper.FileOptions{UniqueName: f.force}
}

// streamTarget writes to w, named where in messages, counting the bytes.
func streamTarget(w io.Writer, where string, closer io.Closer) *fetchTarget {
	cw := &countingWriter{w: w}
	return &fetchTarget{dst: wrapper.ToWriter(cw), stream: cw, where: where, closer: closer}
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

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// isStdoutPath reports whether path names this process's standard output:
// written to as '-' is, rather than as a file to replace.
func isStdoutPath(path string) bool {
	switch path {
	case "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1":
		return true
	}
	return false
}
