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
