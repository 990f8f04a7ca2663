//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/wrapper"
)

// binaries are the programs the driver runs as separate processes.
type binaries struct{ cli, sandbox string }

func build(ctx context.Context, dir string) (binaries, error) {
	b := binaries{cli: filepath.Join(dir, "webadmit")}
	b.sandbox = b.cli // 'webadmit sandbox'
	for bin, pkg := range map[string]string{b.cli: "./cmd/webadmit"} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, pkg)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return b, fmt.Errorf("go build %s: %w", pkg, err)
		}
	}
	return b, nil
}

// exportID is the sandbox's generated export, sized with -dump-size.
const exportID = webadmittest.DemoExportFullDump

// sandbox is the standalone sandbox running as its own process, with one
// finished run of the generated export.
type sandbox struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once the process has exited
	base   string
	key    string
	client *wrapper.Client
	runID  int
}

// banner watches the sandbox's stdout for its base URL and key.
type banner struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	found chan struct{}
	once  sync.Once
	m     []string
}

var bannerRE = regexp.MustCompile(`WEBADMIT_BASE_URL=(\S+)\nWEBADMIT_API_KEY=(\S+)\n`)

func (b *banner) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if m := bannerRE.FindStringSubmatch(b.buf.String()); m != nil {
		b.once.Do(func() { b.m = m; close(b.found) })
	}
	return len(p), nil
}

// startSandbox runs the sandbox binary with a generated export of size
// bytes (and the extra sandbox flags) and waits for a run of it to be
// Available.
func startSandbox(ctx context.Context, bin string, size int64, extra ...string) (*sandbox, error) {
	cmd := exec.Command(bin, append([]string{"sandbox", "--listen", "127.0.0.1:0", "--dump-size", strconv.FormatInt(size, 10)}, extra...)...)
	out := &banner{found: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = out, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the sandbox: %w", err)
	}
	s := &sandbox{cmd: cmd, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.exited) }()
	select {
	case <-out.found:
	case <-s.exited:
		return nil, errors.New("the sandbox exited before printing its address")
	case <-time.After(10 * time.Second):
		s.stop()
		return nil, errors.New("the sandbox printed no address within 10 s")
	}
	s.base, s.key = out.m[1], out.m[2]
	c, err := wrapper.New(s.key, wrapper.WithBaseURL(s.base),
		wrapper.WithRateBudget(wrapper.NewRateBudget(1_000_000, time.Hour, 1000)))
	if err != nil {
		s.stop()
		return nil, err
	}
	s.client = c
	run, err := c.StartExport(ctx, webadmittest.DemoIdentityID, exportID)
	if err == nil {
		_, err = run.Wait(ctx, wrapper.UsePollPolicy(wrapper.PollPolicy{
			MinDelay: 100 * time.Millisecond, MaxDelay: 200 * time.Millisecond, MaxWait: 30 * time.Second}))
	}
	if err != nil {
		s.stop()
		return nil, fmt.Errorf("starting a run on the sandbox: %w", err)
	}
	s.runID = run.ID()
	return s, nil
}

// freshURL asks the sandbox for a new download URL of the run.
func (s *sandbox) freshURL(ctx context.Context) (string, error) {
	r, err := s.client.API().GetExportFileWithResponse(ctx, exportID, s.runID)
	if err != nil {
		return "", err
	}
	if err := wrapper.CheckResponse(r.HTTPResponse, r.Body); err != nil {
		return "", err
	}
	if r.JSON200 == nil || r.JSON200.ExportFiles.DownloadUrl == nil {
		return "", errors.New("the status answer carries no download URL")
	}
	return *r.JSON200.ExportFiles.DownloadUrl, nil
}

// stop interrupts the sandbox and waits for it to exit (killing it after 5 s).
func (s *sandbox) stop() {
	if s.client != nil {
		s.client.CloseIdleConnections()
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}
