package sandboxflags

import (
	"context"
	"flag"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"go.uber.org/goleak"

	"github.com/webadmit-go/webadmit/webadmittest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// parseBoth parses name=value settings with package flag (-name=value) and
// with pflag (--name=value).
func parseBoth(t *testing.T, settings ...string) (std, posix Flags) {
	t.Helper()
	fs := flag.NewFlagSet("std", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	std.Register(fs)
	pfs := pflag.NewFlagSet("posix", pflag.ContinueOnError)
	pfs.SetOutput(io.Discard)
	posix.Register(pfs)
	var stdArgs, posixArgs []string
	for _, s := range settings {
		stdArgs, posixArgs = append(stdArgs, "-"+s), append(posixArgs, "--"+s)
	}
	if err := fs.Parse(stdArgs); err != nil {
		t.Fatalf("flag: %v", err)
	}
	if err := pfs.Parse(posixArgs); err != nil {
		t.Fatalf("pflag: %v", err)
	}
	return std, posix
}

func TestFlagAndPflagParseAlike(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		settings []string
		want     Flags
	}{
		{"defaults", nil, Flags{Listen: "127.0.0.1:8080", StoreListen: "127.0.0.1:0", URLLifetime: webadmittest.DefaultURLLifetime,
			RateLimit: webadmittest.DefaultRateLimit, RateWindow: webadmittest.DefaultRateWindow, DumpSize: webadmittest.DemoFullDumpSize}},
		{"every flag", []string{"listen=127.0.0.1:0", "store-listen=127.0.0.1:9", "key=k", "url-lifetime=2s",
			"snake-case=true", "rate-limit=7", "rate-window=1m", "dump-size=123"},
			Flags{Listen: "127.0.0.1:0", StoreListen: "127.0.0.1:9", Key: "k", URLLifetime: 2 * time.Second, SnakeCase: true,
				RateLimit: 7, RateWindow: time.Minute, DumpSize: 123}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			std, posix := parseBoth(t, tt.settings...)
			if std != tt.want || posix != tt.want {
				t.Errorf("flag parsed %+v, pflag %+v, want %+v", std, posix, tt.want)
			}
		})
	}
}

func TestOptionsServeWhatTheFlagsSay(t *testing.T) {
	t.Parallel()
	std, _ := parseBoth(t, "listen=127.0.0.1:0", "key=flag-key", "snake-case", "rate-limit=9", "dump-size=4321")
	opts, err := std.Options(nil)
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

func TestOptionsRejectNegativeDumpSize(t *testing.T) {
	t.Parallel()
	f, _ := parseBoth(t, "dump-size=-1")
	if _, err := f.Options(nil); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("Options with dump size -1: %v, want an error saying it is negative", err)
	}
}
