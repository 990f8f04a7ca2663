package wrapper

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
)

// TestSecretsNeverLeak drives failures whose messages would naturally carry
// a secret (a store that echoes its URL with the signature, a server that
// echoes the key, transport errors on pre-signed URLs) and scans every error
// and log line this test produced. TestMain repeats the scan over all tests.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	var lines []string
	errLine := func(err error) {
		if err != nil {
			collect(err)
			lines = append(lines, err.Error())
		}
	}
	var logged strings.Builder
	logger := func() Option { return WithLogger(slogTo(&logged)) }

	// 1. The store answers 403 with a body that repeats the URL and the key.
	echo := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "<Error><Message>Request has expired</Message><URL>"+r.URL.String()+"</URL><Key>"+testAPIKey+"</Key></Error>")
	}))
	api := &fakeAPI{statuses: []string{"Available"}, storeURL: func() string { return presigned(echo.URL) }}
	c := newTestClient(t, server(t, api).URL, logger())
	_, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(io.Discard), DownloadAttempts(2))
	errLine(err)

	// 2. The store is unreachable: the transport's error holds the URL.
	dead := server(t, http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	api2 := &fakeAPI{statuses: []string{"Available"}, storeURL: func() string { return presigned(deadURL) }}
	c2 := newTestClient(t, server(t, api2).URL, logger())
	_, err = c2.ExportRun(7, 555).Download(context.Background(), ToWriter(io.Discard), DownloadAttempts(2))
	errLine(err)

	// 3. The API answers 500 with the key in an HTML page.
	c3 := newTestClient(t, server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		_, _ = io.WriteString(w, "<pre>x-api-key: "+r.Header.Get("x-api-key")+"</pre>")
	})).URL, logger(), withClock(newFakeClock()))
	_, err = c3.ExportRun(7, 555).Poll(context.Background())
	errLine(err)
	_, err = c3.ExportRun(7, 555).Wait(context.Background(), MaxWait(time.Second))
	errLine(err)

	// 4. The API is unreachable.
	c4 := newTestClient(t, deadURL, logger(), withClock(newFakeClock()))
	_, err = c4.RunExport(context.Background(), 42, 7, ToWriter(io.Discard), MaxWait(time.Second))
	errLine(err)

	// 5. The sandbox: an expired URL, cut downloads, a wrong key.
	srv := sandbox(t, webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: sandboxIdentity, Size: 100_000}),
		webadmittest.WithFaults(webadmittest.Fault{Endpoint: webadmittest.EndpointObject, Kind: webadmittest.FaultCutConnection, Bytes: 10}))
	c5 := sandboxClient(t, srv, logger())
	_, err = c5.RunExport(context.Background(), sandboxIdentity, 7, ToFile(filepath.Join(t.TempDir(), "x"), FileOptions{}), DownloadAttempts(2))
	errLine(err)

	lines = append(lines, strings.Split(logged.String(), "\n")...)
	if len(lines) < 20 {
		t.Fatalf("only %d lines collected: the scan would prove nothing", len(lines))
	}
	var sawRedacted bool
	for _, l := range lines {
		sawRedacted = sawRedacted || strings.Contains(l, "?"+redact.Redacted)
	}
	if !sawRedacted {
		t.Error("no line shows a redact.Redacted URL: the scenarios did not reach the redaction")
	}
	if bad := leaks(lines); len(bad) > 0 {
		t.Errorf("%d lines hold a secret, e.g.\n%s", len(bad), bad[0])
	}
}
