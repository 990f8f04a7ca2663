package webadmittest_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// TestParallelRanges: the parts of a parallel download, asked for at once
// over several connections, each come with their own Content-Range, the
// object's ETag and size; an If-Match with another ETag is 412, a range
// past the end 416, whatever runs beside them.
func TestParallelRanges(t *testing.T) {
	t.Parallel()
	const size, part = 1<<20 + 7, 64 << 10
	srv := webadmittest.NewTest(t, webadmittest.WithExports(generatedExport(1, size)))
	_, u := readyURL(t, newClient(t, srv), 42, 1)
	full := contentOf(t, srv, 1)
	hc := httpClient(t)
	head, _ := get(t, hc, "HEAD", u)
	etag := head.Header.Get("ETag")

	type answer struct {
		status             int
		contentRange, etag string
		body               []byte
	}
	var wg sync.WaitGroup
	got := make([]answer, (size+part-1)/part)
	for i := range got {
		wg.Go(func() {
			from := i * part
			to := min(from+part, size) - 1
			resp, body := get(t, hc, "GET", u, "Range", fmt.Sprintf("bytes=%d-%d", from, to), "If-Match", etag)
			got[i] = answer{resp.StatusCode, resp.Header.Get("Content-Range"), resp.Header.Get("ETag"), body}
		})
	}
	var stale, past *http.Response
	wg.Go(func() { stale, _ = get(t, hc, "GET", u, "Range", "bytes=0-99", "If-Match", `"another"`) })
	wg.Go(func() { past, _ = get(t, hc, "GET", u, "Range", fmt.Sprintf("bytes=%d-", size), "If-Match", etag) })
	wg.Wait()

	var assembled []byte
	for i, a := range got {
		from := i * part
		to := min(from+part, size) - 1
		if want := fmt.Sprintf("bytes %d-%d/%d", from, to, size); a.status != http.StatusPartialContent || a.contentRange != want || a.etag != etag {
			t.Errorf("part %d: %d, Content-Range %q, ETag %q; want 206, %q, %q", i, a.status, a.contentRange, a.etag, want, etag)
		}
		assembled = append(assembled, a.body...)
	}
	if sha(assembled) != sha(full) {
		t.Errorf("the parts put together (%d bytes) are not the object (%d bytes)", len(assembled), len(full))
	}
	if stale.StatusCode != http.StatusPreconditionFailed {
		t.Errorf("If-Match with another ETag: %d, want 412", stale.StatusCode)
	}
	if past.StatusCode != http.StatusRequestedRangeNotSatisfiable || past.Header.Get("Content-Range") != fmt.Sprintf("bytes */%d", size) {
		t.Errorf("a range past the end: %d, Content-Range %q; want 416, bytes */%d", past.StatusCode, past.Header.Get("Content-Range"), size)
	}
}

// TestStoreConnRate: WithStoreConnRate caps each connection on its own:
// one download takes as long as its size at the cap, two on two
// connections at once take about as long, not twice as long.
func TestStoreConnRate(t *testing.T) {
	t.Parallel()
	const size, perSec = 500_000, 1_000_000
	srv := webadmittest.NewTest(t, webadmittest.WithExports(generatedExport(1, size)), webadmittest.WithStoreConnRate(perSec))
	_, u := readyURL(t, newClient(t, srv), 42, 1)
	download := func() {
		hc := httpClient(t) // a connection of its own
		if resp, body := get(t, hc, "GET", u); resp.StatusCode != http.StatusOK || len(body) != size {
			t.Errorf("%d, %d bytes", resp.StatusCode, len(body))
		}
	}
	start := time.Now()
	download()
	alone := time.Since(start)
	start = time.Now()
	var wg sync.WaitGroup
	wg.Go(download)
	wg.Go(download)
	wg.Wait()
	both := time.Since(start)
	// 500 kB at 1 MB/s, less the first burst of 20 kB: at least 0.48 s.
	if alone < 450*time.Millisecond || both > 800*time.Millisecond {
		t.Errorf("one download took %v (want about 0.5 s), two at once %v (want about as long, not 1 s)", alone, both)
	}
}

func TestStoreConnRateMustNotBeNegative(t *testing.T) {
	t.Parallel()
	if srv, err := webadmittest.New(webadmittest.WithStoreConnRate(-1)); err == nil {
		srv.Close()
		t.Fatal("New accepted a negative rate")
	}
}
