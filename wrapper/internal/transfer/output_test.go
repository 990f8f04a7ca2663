package transfer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"testing"

	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
)

// BenchmarkOutput measures the write side of a download without the
// network: SHA-256 alone, the raw path (hash and count) and the UTF-8 path
// (Windows-1252 decoding, then hash and count), over 16 MiB of the
// sandbox's generated Latin-1 CSV.
func BenchmarkOutput(b *testing.B) {
	srv := webadmittest.NewTest(b, webadmittest.WithExports(webadmittest.Export{ID: 1, IdentityID: webadmittest.DemoIdentityID, Size: 16 << 20}))
	data, err := io.ReadAll(srv.ExportContent(1))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("sha256", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			h := sha256.New()
			h.Write(data)
			h.Sum(nil)
		}
	})
	for _, utf8 := range []bool{false, true} {
		name := "raw"
		if utf8 {
			name = "utf8"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				o := newOutput(dest.Writer(io.Discard), nil)
				if utf8 && !o.transcode("text/csv;charset=iso-8859-1") {
					b.Fatal("no converter")
				}
				if err := o.copyFrom(ctx, bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
				if err := o.finish(); err != nil {
					b.Fatal(err)
				}
				_ = o.sum()
			}
		})
	}
}
