package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serve runs the sandbox with args until stop is called; it returns the
// base URL and key from the banner.
func serve(t *testing.T, args ...string) (base, key string, stdout *syncBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout = &syncBuffer{}
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-listen", "127.0.0.1:0"}, args...), stdout, &stderr)
	}()
	stop = func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("run did not return after cancel")
		}
	}

	banner := regexp.MustCompile(`base URL:\s+(http://127\.0\.0\.1:\d+)\n\s+API key:\s+(\S+)\n`)
	var m []string
	for deadline := time.Now().Add(5 * time.Second); m == nil; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("no banner within 5s; stdout %q stderr %q", stdout.String(), stderr.String())
		}
		m = banner.FindStringSubmatch(stdout.String())
	}
	return m[1], m[2], stdout, stop
}

// call makes one API request and returns the status and body.
func call(t *testing.T, hc *http.Client, method, url, key string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if key != "" {
		req.Header.Set("x-api-key", key)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestRunServesUntilCancelled(t *testing.T) {
	base, key, stdout, stop := serve(t, "-key", "demo-key", "-snake-case")
	if key != "demo-key" || !strings.Contains(stdout.String(), "curl -H 'x-api-key: demo-key' "+base+"/api/v1/user_identities") {
		t.Errorf("banner:\n%s", stdout.String())
	}

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	code, body := call(t, hc, "POST", base+"/api/v1/user_identities/42/exports/29897/export_files", key)
	if code != 201 || !strings.Contains(body, `"status":"initializing"`) {
		t.Errorf("POST: %d %s", code, body)
	}

	stop()
	if _, err := hc.Get(base + "/api/v1/exports"); err == nil {
		t.Errorf("the sandbox still answers after stopping")
	}
}

func TestDumpSize(t *testing.T) {
	const size = 12345
	base, key, _, stop := serve(t, "-dump-size", strconv.Itoa(size))
	defer stop()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}

	code, body := call(t, hc, "POST", base+"/api/v1/user_identities/42/exports/29902/export_files", key)
	var started struct {
		ExportFiles struct{ ID int } `json:"export_files"`
	}
	if err := json.Unmarshal([]byte(body), &started); code != 201 || err != nil {
		t.Fatalf("POST: %d %s", code, body)
	}
	var status struct {
		ExportFiles struct {
			Status      string `json:"status"`
			DownloadURL string `json:"download_url"`
		} `json:"export_files"`
	}
	for deadline := time.Now().Add(10 * time.Second); status.ExportFiles.DownloadURL == ""; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no download URL after 10s: %+v", status)
		}
		_, body := call(t, hc, "GET", fmt.Sprintf("%s/api/v1/exports/29902/export_files/%d", base, started.ExportFiles.ID), key)
		if err := json.Unmarshal([]byte(body), &status); err != nil {
			t.Fatalf("status: %v: %s", err, body)
		}
	}
	if code, body := call(t, hc, "GET", status.ExportFiles.DownloadURL, ""); code != 200 || len(body) != size {
		t.Errorf("download: %d, %d bytes, want %d", code, len(body), size)
	}
}

func TestRunRejectsBadArguments(t *testing.T) {
	tests := [][]string{
		{"-nope"},
		{"extra"},
		{"-url-lifetime", "0s"},
		{"-rate-limit", "0"},
		{"-listen", "not-an-address"},
		{"-dump-size", "-1"},
	}
	for _, args := range tests {
		var stdout, stderr syncBuffer
		if err := run(context.Background(), args, &stdout, &stderr); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}

func TestHelpExitsZero(t *testing.T) {
	for _, arg := range []string{"-h", "-help", "--help"} {
		var stdout, stderr syncBuffer
		err := run(context.Background(), []string{arg}, &stdout, &stderr)
		var exitOut syncBuffer
		if code := exitCode(err, &exitOut); code != 0 {
			t.Errorf("%s: exit %d (%v), want 0", arg, code, err)
		}
		if strings.Contains(exitOut.String(), "help requested") {
			t.Errorf("%s printed %q", arg, exitOut.String())
		}
		for _, flag := range []string{"-listen", "-key", "-snake-case", "-url-lifetime", "-rate-limit", "-rate-window", "-dump-size", "-v"} {
			if !strings.Contains(stderr.String(), flag) {
				t.Errorf("%s: usage lacks %s:\n%s", arg, flag, stderr.String())
			}
		}
	}
}

func TestExitCode(t *testing.T) {
	var stderr syncBuffer
	if code := exitCode(nil, &stderr); code != 0 || stderr.String() != "" {
		t.Errorf("no error: exit %d, stderr %q", code, stderr.String())
	}
	err := run(context.Background(), []string{"-nope"}, &syncBuffer{}, &syncBuffer{})
	if code := exitCode(err, &stderr); code != 2 || !strings.Contains(stderr.String(), "webadmit-sandbox: flag provided but not defined") {
		t.Errorf("bad flag: exit %d, stderr %q", code, stderr.String())
	}
}

func TestBannerNamesTheFinishedRun(t *testing.T) {
	base, key, stdout, stop := serve(t)
	defer stop()
	if !strings.Contains(stdout.String(), base+"/api/v1/exports/29897/export_files/74700") {
		t.Errorf("banner lacks the finished demo run:\n%s", stdout.String())
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	if code, body := call(t, &http.Client{Transport: tr}, "GET", base+"/api/v1/exports/29897/export_files/74700", key); code != 200 || !strings.Contains(body, "download_url") {
		t.Errorf("finished run: %d %s", code, body)
	}
}
