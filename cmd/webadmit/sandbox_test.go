package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestSandboxCommandServesWithFlags(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(binary, "sandbox", "--listen", "127.0.0.1:0", "--key", "cli-sandbox-key", "--snake-case", "--rate-limit", "5")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	lines := bufio.NewScanner(stdout)
	var base, key string
	for (base == "" || key == "") && lines.Scan() {
		if v, ok := strings.CutPrefix(lines.Text(), "WEBADMIT_BASE_URL="); ok {
			base = v
		}
		if v, ok := strings.CutPrefix(lines.Text(), "WEBADMIT_API_KEY="); ok {
			key = v
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stdout); exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("webadmit sandbox after interrupt: %v, want exit 0", err)
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("webadmit sandbox still running 10s after interrupt")
		}
	}()
	if key != "cli-sandbox-key" || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("printed base %q key %q", base, key)
	}

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/exports/29897/export_files/74700", nil)
	req.Header.Set("x-api-key", key)
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"status":"available"`) || resp.Header.Get("X-RateLimit-Limit") != "5" {
		t.Errorf("finished demo run: %d %s, X-RateLimit-Limit %q; want snake_case and limit 5", resp.StatusCode, body, resp.Header.Get("X-RateLimit-Limit"))
	}
}

func TestSandboxCommandRejectsBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"sandbox", "--dump-size", "-1"},
		{"sandbox", "--url-lifetime", "x"},
		{"sandbox", "--nope"},
	} {
		if r := runCLI(t, t.TempDir(), nil, args...); r.code != exitUsage {
			t.Errorf("webadmit %s: exit %d, want %d: %s", strings.Join(args, " "), r.code, exitUsage, r.stderr)
		}
	}
}

// TestSandboxFlagsInTheirWords: impossible sandbox settings (a rate limit
// or window below 1, a URL lifetime of 0, a listen address that is not
// HOST:PORT, or not on loopback) are usage errors naming the flag, before
// anything is served, never in the test server's words.
func TestSandboxFlagsInTheirWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--rate-limit", "-1"}, "--rate-limit -1: give at least 1 call per --rate-window"},
		{[]string{"--rate-limit", "0"}, "--rate-limit 0: give at least 1"},
		{[]string{"--rate-window", "0s"}, "--rate-window 0s: give a positive duration"},
		{[]string{"--url-lifetime", "0s"}, "--url-lifetime 0s: give a positive duration"},
		{[]string{"--url-lifetime", "-5s"}, "--url-lifetime -5s: give a positive duration"},
		{[]string{"--listen", "nonsense"}, `--listen "nonsense" is not HOST:PORT`},
		{[]string{"--listen", "127.0.0.1:99999"}, `--listen "127.0.0.1:99999": the port must be a number from 0 to 65535`},
		{[]string{"--listen", "0.0.0.0:0"}, `--listen "0.0.0.0:0" is not a loopback address`},
		{[]string{"--listen", ":0"}, `--listen ":0" is not a loopback address`},
		{[]string{"--store-listen", "nonsense"}, `--store-listen "nonsense" is not HOST:PORT`},
		{[]string{"--store-listen", "192.0.2.1:0"}, `--store-listen "192.0.2.1:0" is not a loopback address`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, t.TempDir(), nil, append([]string{"sandbox", "--listen", "127.0.0.1:0"}, tt.args...)...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d:\n%s", r.code, exitUsage, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, r.stderr)
			}
			for _, w := range []string{"webadmittest", "listen tcp", "start the sandbox", "WEBADMIT_API_KEY"} {
				if strings.Contains(r.stderr+r.stdout, w) {
					t.Errorf("output holds %q:\n%s%s", w, r.stdout, r.stderr)
				}
			}
		})
	}
}
