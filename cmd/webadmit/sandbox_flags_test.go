package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// parseFlags parses name=value settings as 'webadmit sandbox' does
// (--name=value).
func parseFlags(t *testing.T, settings ...string) sandboxFlags {
	t.Helper()
	var f sandboxFlags
	pfs := pflag.NewFlagSet("sandbox", pflag.ContinueOnError)
	pfs.SetOutput(io.Discard)
	f.register(pfs)
	var args []string
	for _, s := range settings {
		args = append(args, "--"+s)
	}
	if err := pfs.Parse(args); err != nil {
		t.Fatalf("pflag: %v", err)
	}
	return f
}

func TestSandboxFlagsParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		settings []string
		want     sandboxFlags
	}{
		{"defaults", nil, sandboxFlags{Listen: "127.0.0.1:8080", StoreListen: "127.0.0.1:0", URLLifetime: webadmittest.DefaultURLLifetime,
			RateLimit: webadmittest.DefaultRateLimit, RateWindow: webadmittest.DefaultRateWindow, DumpSize: webadmittest.DemoFullDumpSize}},
		{"every flag", []string{"listen=127.0.0.1:0", "store-listen=127.0.0.1:9", "key=k", "url-lifetime=2s",
			"snake-case=true", "rate-limit=7", "rate-window=1m", "dump-size=123", "store-conn-rate=50MB"},
			sandboxFlags{Listen: "127.0.0.1:0", StoreListen: "127.0.0.1:9", Key: "k", URLLifetime: 2 * time.Second, SnakeCase: true,
				RateLimit: 7, RateWindow: time.Minute, DumpSize: 123, ConnRate: 50_000_000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := parseFlags(t, tt.settings...); got != tt.want {
				t.Errorf("parsed %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSandboxOptionsServeWhatTheFlagsSay(t *testing.T) {
	t.Parallel()
	std := parseFlags(t, "listen=127.0.0.1:0", "key=flag-key", "snake-case", "rate-limit=9", "dump-size=4321")
	opts, err := std.options(nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := webadmittest.NewTest(t, opts...)
	if srv.APIKey() != "flag-key" {
		t.Errorf("key %q, want flag-key", srv.APIKey())
	}
	if n, err := io.Copy(io.Discard, srv.ExportContent(webadmittest.DemoExportFullDump)); err != nil || n != 4321 {
		t.Errorf("full dump: %d bytes (%v), want 4321", n, err)
	}

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL()+"/api/v1/exports/29897/export_files/74700", nil)
	req.Header.Set("x-api-key", "flag-key")
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"status":"available"`) || resp.Header.Get("X-RateLimit-Limit") != "9" {
		t.Errorf("demo run: %d %s, X-RateLimit-Limit %q; want the snake_case status and limit 9",
			resp.StatusCode, body, resp.Header.Get("X-RateLimit-Limit"))
	}
}

func TestSandboxOptionsRejectNegativeDumpSize(t *testing.T) {
	t.Parallel()
	f := parseFlags(t, "dump-size=-1")
	if _, err := f.options(nil); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("Options with dump size -1: %v, want an error saying it is negative", err)
	}
}

func TestParseByteRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "0", want: 0}, {in: "65536", want: 65536}, {in: "50MB", want: 50_000_000}, {in: "50mb/s", want: 50_000_000},
		{in: "48MiB", want: 48 << 20}, {in: "1.5GB", want: 1_500_000_000}, {in: "800k", want: 800_000}, {in: "2 KiB", want: 2048},
		{in: "100B", want: 100}, {in: "", bad: true}, {in: "fast", bad: true}, {in: "-1MB", bad: true}, {in: "1e30GB", bad: true},
	}
	for _, tt := range tests {
		got, err := parseByteRate(tt.in)
		if tt.bad != (err != nil) || got != tt.want {
			t.Errorf("parseByteRate(%q) = %d, %v; want %d (error: %v)", tt.in, got, err, tt.want, tt.bad)
		}
	}
}

func TestStoreConnRateNeedsTheBuiltInStore(t *testing.T) {
	t.Parallel()
	f := parseFlags(t, "store-conn-rate=1MB", "s3-endpoint=http://127.0.0.1:1")
	if _, err := f.options(nil); err == nil || !strings.Contains(err.Error(), "--store-conn-rate") {
		t.Fatalf("options: %v, want an error naming --store-conn-rate", err)
	}
}
