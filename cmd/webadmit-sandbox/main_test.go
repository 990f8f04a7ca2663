package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
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

func TestRunServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-key", "demo-key", "-snake-case"}, &stdout, &stderr)
	}()

	banner := regexp.MustCompile(`base URL:\s+(http://127\.0\.0\.1:\d+)\n\s+API key:\s+(\S+)\n`)
	var m []string
	for deadline := time.Now().Add(5 * time.Second); m == nil; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no banner within 5s; stdout %q stderr %q", stdout.String(), stderr.String())
		}
		m = banner.FindStringSubmatch(stdout.String())
	}
	base, key := m[1], m[2]
	if key != "demo-key" || !strings.Contains(stdout.String(), "curl -H 'x-api-key: demo-key' "+base+"/api/v1/user_identities") {
		t.Errorf("banner:\n%s", stdout.String())
	}

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	req, _ := http.NewRequest("POST", base+"/api/v1/user_identities/42/exports/29897/export_files", nil)
	req.Header.Set("x-api-key", key)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || !strings.Contains(string(body), `"status":"initializing"`) {
		t.Errorf("POST: %d %s", resp.StatusCode, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	if _, err := hc.Get(base + "/api/v1/exports"); err == nil {
		t.Errorf("the sandbox still answers after stopping")
	}
}

func TestRunRejectsBadArguments(t *testing.T) {
	tests := [][]string{
		{"-nope"},
		{"extra"},
		{"-url-lifetime", "0s"},
		{"-rate-limit", "0"},
		{"-listen", "not-an-address"},
	}
	for _, args := range tests {
		var stdout, stderr syncBuffer
		if err := run(context.Background(), args, &stdout, &stderr); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}
