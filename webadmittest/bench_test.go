package webadmittest_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// BenchmarkExportContent measures how fast generated content is produced
// (the ceiling of any download from the sandbox).
func BenchmarkExportContent(b *testing.B) {
	srv := webadmittest.NewTest(b, webadmittest.WithExports(generatedExport(1, 1<<30)))
	buf := make([]byte, 64<<10)
	b.SetBytes(int64(len(buf)))
	r := srv.ExportContent(1)
	b.ResetTimer()
	for b.Loop() {
		if _, err := io.ReadFull(r, buf); err != nil {
			r = srv.ExportContent(1)
		}
	}
}

// BenchmarkDownload measures a whole 16 MiB download from the store over
// loopback.
func BenchmarkDownload(b *testing.B) {
	const size = 16 << 20
	srv := webadmittest.NewTest(b, webadmittest.WithExports(generatedExport(1, size)))
	c := newClient(b, srv)
	hc := httpClient(b)
	run := startRun(b, c, 42, 1)
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		u := waitFile(b, c, 1, run).DownloadUrl // a fresh URL each time, as a client would
		b.StartTimer()
		resp, err := hc.Get(*u)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != size {
			b.Fatalf("%d bytes, %v", n, err)
		}
	}
}

// BenchmarkStatusCall measures one getExportFile round trip through the
// generated client: auth, rate limit, request validation, signing.
func BenchmarkStatusCall(b *testing.B) {
	srv := webadmittest.NewTest(b, webadmittest.WithExports(tinyExport(1, "x")), webadmittest.WithRateLimit(1<<30, time.Hour))
	c := rawClient(b, srv)
	run := startRun(b, c, 42, 1)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		r, err := c.GetExportFileWithResponse(ctx, 1, run)
		if err != nil || r.JSON200 == nil {
			b.Fatal(err)
		}
	}
}
