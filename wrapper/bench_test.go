package wrapper_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/wrapper"
)

// BenchmarkDownload1GiB downloads a 1 GiB generated export from the sandbox:
// through the wrapper (to io.Discard, and to a file: temp file, fsync,
// rename) and, as the baseline, with a plain http.Get and io.Copy of the
// same URL. MB/s comes from b.SetBytes; allocations from -benchmem.
//
//	go test -run '^$' -bench Download1GiB -benchtime 3x ./wrapper
func BenchmarkDownload1GiB(b *testing.B) {
	const size = 1 << 30
	const exportID = 1
	srv, err := webadmittest.New(webadmittest.WithExports(webadmittest.Export{
		ID: exportID, IdentityID: webadmittest.DemoIdentityID, Name: "Big", Size: size,
	}))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c, err := wrapper.New(srv.APIKey(), wrapper.WithBaseURL(srv.URL()),
		wrapper.WithRateBudget(wrapper.NewRateBudget(1_000_000, time.Second, 1000)))
	if err != nil {
		b.Fatal(err)
	}
	defer c.CloseIdleConnections()
	ctx := context.Background()
	run, err := c.StartExport(ctx, webadmittest.DemoIdentityID, exportID)
	if err != nil {
		b.Fatal(err)
	}

	b.Run("wrapper-to-discard", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			res, err := c.ExportRun(exportID, run.ID()).Download(ctx, wrapper.ToWriter(io.Discard))
			if err != nil || res.Bytes != size {
				b.Fatalf("Download: %v", err)
			}
		}
	})
	for _, conns := range []int{1, wrapper.DefaultConnections} {
		b.Run(fmt.Sprintf("wrapper-to-file/connections-%d", conns), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "big.csv")
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				res, err := c.ExportRun(exportID, run.ID()).Download(ctx, wrapper.ToFile(path, wrapper.FileOptions{Overwrite: true}), wrapper.Connections(conns))
				if err != nil || res.Bytes != size {
					b.Fatalf("Download: %v", err)
				}
			}
		})
	}
	b.Run("plain-io.Copy", func(b *testing.B) {
		hc := &http.Client{}
		defer hc.CloseIdleConnections()
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			r, err := c.API().GetExportFileWithResponse(ctx, exportID, run.ID())
			if err != nil || r.JSON200 == nil || r.JSON200.ExportFiles.DownloadUrl == nil {
				b.Fatalf("getExportFile: %v", err)
			}
			resp, err := hc.Get(*r.JSON200.ExportFiles.DownloadUrl)
			if err != nil {
				b.Fatal(err)
			}
			n, err := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || n != size {
				b.Fatalf("io.Copy: %d bytes, %v", n, err)
			}
		}
	})
}
