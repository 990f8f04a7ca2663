package main

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// syncBuffer is a bytes.Buffer a running command writes while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// liveCLI is the binary running in the background.
type liveCLI struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	exited         chan struct{} // closed when the command ended
	err            error         // what Wait returned, once exited
}

// startCLI starts the binary as runCLI runs it, without waiting for it.
func startCLI(t *testing.T, dir string, env []string, args ...string) *liveCLI {
	t.Helper()
	l := &liveCLI{cmd: exec.Command(binary, args...), exited: make(chan struct{})}
	l.cmd.Dir = dir
	l.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	l.cmd.Stdout, l.cmd.Stderr = &l.stdout, &l.stderr
	if err := l.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		l.err = l.cmd.Wait()
		close(l.exited)
	}()
	t.Cleanup(func() {
		_ = l.cmd.Process.Kill()
		<-l.exited
	})
	return l
}

// waitUntil polls cond until it holds, failing the test after 30 s or if
// the command ends first.
func (l *liveCLI) waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for !cond() {
		select {
		case <-l.exited:
			t.Fatalf("ended before %s\nstdout %q\nstderr %s", what, l.stdout.String(), l.stderr.String())
		case <-deadline:
			t.Fatalf("gave up waiting until %s\nstdout %q\nstderr %s", what, l.stdout.String(), l.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// result waits (30 s at most) for the command to end.
func (l *liveCLI) result(t *testing.T) cliResult {
	t.Helper()
	select {
	case <-l.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("still running after 30 s\nstderr %s", l.stderr.String())
	}
	code := 0
	if ee, ok := l.err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if l.err != nil {
		t.Fatal(l.err)
	}
	return cliResult{stdout: l.stdout.String(), stderr: l.stderr.String(), code: code}
}

// TestSignalExitCodes: SIGINT exits 130 and SIGTERM 143; the message says
// that nothing was written only when that is true, and no temporary file
// is left behind.
func TestSignalExitCodes(t *testing.T) {
	t.Parallel()
	// Cut the download after 10 bytes, then stall its resumption: bytes
	// have gone to stdout when the signal comes.
	midDownload := webadmittest.WithFaults(
		webadmittest.Fault{Endpoint: webadmittest.EndpointObject, Attempt: 1, Kind: webadmittest.FaultCutConnection, Bytes: 10},
		webadmittest.Fault{Endpoint: webadmittest.EndpointObject, Attempt: 2, Kind: webadmittest.FaultDelay, Delay: time.Minute},
	)
	started := func(l *liveCLI, _ *webadmittest.Server) bool { return strings.Contains(l.stderr.String(), "started") }
	run := func(args ...string) []string { return append([]string{"run", "--identity", "7"}, args...) }
	tests := []struct {
		name     string
		sig      syscall.Signal
		args     []string
		opts     []webadmittest.Option
		ready    func(*liveCLI, *webadmittest.Server) bool
		wantCode int
		want     string // in stderr
		wantNot  string // not in stderr
	}{
		{"SIGINT while waiting, to a file", syscall.SIGINT, run("--export", "104", "-o", "out.csv"), nil, started, 130, "nothing was written", ""},
		{"SIGTERM while waiting, to a file", syscall.SIGTERM, run("--export", "104"), nil, started, 143, "nothing was written", ""},
		{"SIGINT while waiting, to stdout", syscall.SIGINT, run("--export", "104", "-o", "-"), nil, started, 130, "nothing was written to stdout", ""},
		{"SIGINT mid-download, to stdout", syscall.SIGINT, run("--export", "100", "-o", "-"), []webadmittest.Option{midDownload},
			func(l *liveCLI, _ *webadmittest.Server) bool { return len(l.stdout.String()) >= 10 }, 130, "10 B had already been written to stdout", "nothing was written"},
		{"SIGTERM mid-download, to a file", syscall.SIGTERM, run("--export", "100", "-o", "out.csv"), []webadmittest.Option{midDownload},
			func(l *liveCLI, _ *webadmittest.Server) bool { return strings.Contains(l.stderr.String(), "resuming") }, 143, "nothing was written", ""},
		{"SIGTERM while a PDF batch runs", syscall.SIGTERM, []string{"pdf", "run", "--identity", "7", "--template", strconv.Itoa(templateSlow)},
			[]webadmittest.Option{webadmittest.WithPDFTemplates(webadmittest.PDFTemplate{ID: templateSlow, IdentityID: identityID, Name: "Slow",
				Timeline: webadmittest.Timeline{InProgress: time.Hour}})}, started, 143, "nothing was written", ""},
		{"SIGINT while listing", syscall.SIGINT, []string{"identities"},
			[]webadmittest.Option{webadmittest.WithFaults(webadmittest.Fault{Endpoint: webadmittest.EndpointListUserIdentities, Kind: webadmittest.FaultDelay, Delay: time.Minute})},
			func(_ *liveCLI, s *webadmittest.Server) bool {
				return s.Recorder().Calls(webadmittest.EndpointListUserIdentities) > 0
			}, 130, "interrupted by SIGINT", "written"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSandbox(t, tt.opts...)
			dir := t.TempDir()
			l := startCLI(t, dir, sandboxEnv(s), tt.args...)
			l.waitUntil(t, "ready for the signal", func() bool { return tt.ready(l, s) })
			if err := l.cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			r := l.result(t)
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d", r.code, tt.wantCode)
			}
			if !strings.Contains(r.stderr, "interrupted") || !strings.Contains(r.stderr, tt.want) ||
				(tt.wantNot != "" && strings.Contains(r.stderr, tt.wantNot)) {
				t.Errorf("stderr should say %q (and not %q):\n%s", tt.want, tt.wantNot, r.stderr)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("left behind: %v", entries)
			}
			assertNoSecrets(t, r, s.APIKey())
		})
	}
}
