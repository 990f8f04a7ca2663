package main

import (
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// privateNullDevice makes a character device like /dev/null (1, 3) in a
// temporary directory, so that a test of --force can never replace the
// system's own /dev/null should the CLI regress. Only root may make one;
// others get /dev/null itself, which they cannot replace anyway.
func privateNullDevice(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "null")
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		return os.DevNull
	}
	return path
}

// fifoReader makes a FIFO in a temporary directory and reads from it until
// want bytes arrived or the test's CLI run is over. It opens the FIFO for
// reading and writing, so that neither side blocks in open; the returned
// function waits for the bytes (at most a few seconds) and returns them.
func fifoReader(t *testing.T, want int) (path string, read func() []byte) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 1)
	go func() {
		buf := make([]byte, want)
		n, _ := io.ReadFull(f, buf)
		got <- buf[:n]
	}()
	return path, func() []byte {
		defer f.Close()
		select {
		case b := <-got:
			return b
		case <-time.After(5 * time.Second):
			_ = f.Close() // unblocks the reader
			return <-got
		}
	}
}

// TestOutputToDeviceFIFOOrSocket: -o naming a character device or a FIFO
// streams into it, with or without --force, and leaves it what it was; a
// socket is refused. --force never replaces anything but a regular file.
func TestOutputToDeviceFIFOOrSocket(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		target   func(t *testing.T) (path string, read func() []byte)
		force    bool
		wantCode int
		wantType fs.FileMode // the type bits the target keeps
	}{
		{"dev null", func(*testing.T) (string, func() []byte) { return os.DevNull, nil }, false, exitOK, fs.ModeDevice | fs.ModeCharDevice},
		{"null device with force", func(t *testing.T) (string, func() []byte) { return privateNullDevice(t), nil }, true, exitOK, fs.ModeDevice | fs.ModeCharDevice},
		{"fifo", func(t *testing.T) (string, func() []byte) { return fifoReader(t, len(latin1CSV)) }, false, exitOK, fs.ModeNamedPipe},
		{"fifo with force", func(t *testing.T) (string, func() []byte) { return fifoReader(t, len(latin1CSV)) }, true, exitOK, fs.ModeNamedPipe},
		{"socket with force", func(t *testing.T) (string, func() []byte) {
			path := filepath.Join(t.TempDir(), "sock")
			l, err := net.Listen("unix", path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = l.Close() })
			return path, nil
		}, true, exitUsage, fs.ModeSocket},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSandbox(t)
			path, read := tt.target(t)
			args := []string{"run", "--identity", "7", "--export", "100", "-o", path}
			if tt.force {
				args = append(args, "--force")
			}
			r := runCLI(t, t.TempDir(), sandboxEnv(s), args...)
			if read != nil {
				if got := read(); string(got) != latin1CSV {
					t.Errorf("the FIFO received %q, want the export", got)
				}
			}
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d: %s", r.code, tt.wantCode, r.stderr)
			}
			fi, err := os.Lstat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Type() != tt.wantType {
				t.Errorf("%s is now %v, want type %v", path, fi.Mode(), tt.wantType)
			}
			if path != os.DevNull {
				entries, _ := os.ReadDir(filepath.Dir(path))
				if len(entries) != 1 {
					t.Errorf("files beside %s: %v", path, entries)
				}
			}
			if tt.wantCode == exitOK && !strings.Contains(r.stderr, "to "+path) {
				t.Errorf("stderr does not say where the file went:\n%s", r.stderr)
			}
			assertNoSecrets(t, r, s.APIKey())
		})
	}
}

// TestForceKeepsServerNamedFiles: --force applies to the path typed after
// -o, never to a name the server chose: a file of the server's name in the
// target directory stays as it is (the download is refused or goes to
// another name).
func TestForceKeepsServerNamedFiles(t *testing.T) {
	t.Parallel()
	const mine = "module example.com/mine\n"
	tests := []struct {
		name string
		args []string // after run --identity 7 --export 100 --force
	}{
		{"no -o", nil},
		{"-o directory", []string{"-o", "."}},
		{"-o directory/", []string{"-o", "." + string(filepath.Separator)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSandbox(t)
			dir := t.TempDir()
			taken := filepath.Join(dir, "Nightly.csv") // the name the sandbox sends
			if err := os.WriteFile(taken, []byte(mine), 0o644); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"run", "--identity", "7", "--export", "100", "--force"}, tt.args...)
			r := runCLI(t, dir, sandboxEnv(s), args...)
			if got, err := os.ReadFile(taken); err != nil || string(got) != mine {
				t.Fatalf("--force replaced the file of the server's name: %q (%v); exit %d, stderr %s", got, err, r.code, r.stderr)
			}
			entries, _ := os.ReadDir(dir)
			switch r.code {
			case exitOK: // the library chose another name
				if len(entries) != 2 {
					t.Errorf("after exit 0: files %v, want the old one and a new one", entries)
				}
			case exitError:
				if !strings.Contains(r.stderr, "exist") || len(entries) != 1 {
					t.Errorf("refused: stderr %s, files %v", r.stderr, entries)
				}
			default:
				t.Errorf("exit %d: %s", r.code, r.stderr)
			}
		})
	}
}

// TestOutputToAFIFONobodyReads: -o naming a FIFO that no process reads
// fails at once with advice, for run and for api -o, rather than waiting
// for ever for a reader; the FIFO stays a FIFO.
func TestOutputToAFIFONobodyReads(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	for _, args := range [][]string{
		{"run", "--identity", "7", "--export", "100", "-o"},
		{"api", "/api/v1/user_identities", "-o"},
	} {
		t.Run(args[0], func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "fifo")
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Fatalf("mkfifo: %v", err)
			}
			r := runCLI(t, t.TempDir(), sandboxEnv(s), append(args, path)...)
			if r.code != exitError {
				t.Errorf("exit %d, want %d:\n%s", r.code, exitError, r.stderr)
			}
			for _, want := range []string{"no process is reading it", "start the reader first"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if fi, err := os.Lstat(path); err != nil || fi.Mode().Type() != fs.ModeNamedPipe {
				t.Errorf("the FIFO is now %v (%v)", fi.Mode(), err)
			}
		})
	}
}
