package conformance_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// repoRoot is the module root, found from the test's working directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// inCI reports whether the test runs in CI, where a missing tool is an
// error rather than a reason to skip.
func inCI() bool { return os.Getenv("CI") != "" }

// skipOrFail skips the test with the reason, or fails it in CI.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if inCI() {
		t.Fatalf(format+" (CI is set: not skipping)", args...)
	}
	t.Skipf(format, args...)
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// loopbackClient is an HTTP client that never uses a proxy from the
// environment, never follows redirects (the zip download's 302 is the
// answer under test) and drops its connections when the test ends.
func loopbackClient(t *testing.T, wrap func(http.RoundTripper) http.RoundTripper) *http.Client {
	tr := &http.Transport{Proxy: nil}
	t.Cleanup(tr.CloseIdleConnections)
	var rt http.RoundTripper = tr
	if wrap != nil {
		rt = wrap(tr)
	}
	return &http.Client{
		Transport:     rt,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// generatedClient is the generated client at base, sending key.
func generatedClient(t *testing.T, base, key string, hc *http.Client) *generated.ClientWithResponses {
	t.Helper()
	c, err := generated.NewClientWithResponses(base, generated.WithHTTPClient(hc),
		generated.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("x-api-key", key)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// process is a child process whose output is kept for failure messages.
type process struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  []string
	seen chan string // every output line, for waiting on one
	done chan struct{}
}

// startProcess starts name with args and env added, stopping it when the
// test ends.
func startProcess(t *testing.T, env []string, name string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	r, w := io.Pipe()
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	p := &process{cmd: cmd, seen: make(chan string, 1024), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.out = append(p.out, line)
			p.mu.Unlock()
			select {
			case p.seen <- line:
			default:
			}
		}
		_, _ = io.Copy(io.Discard, r)
	}()
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = w.Close()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		<-p.done
	})
	return p
}

// waitFor waits until the process prints a line containing want.
func (p *process) waitFor(want string, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		select {
		case line := <-p.seen:
			if strings.Contains(line, want) {
				return nil
			}
		case <-p.done:
			return errors.New("the process ended")
		case <-deadline:
			return fmt.Errorf("no %q within %v", want, timeout)
		}
	}
}

// tail returns the last n lines the process printed.
func (p *process) tail(n int) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	lines := p.out
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
