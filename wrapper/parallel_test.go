package wrapper

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// parallelSize is a file of three 16 MiB parts: large enough to be
// downloaded in parts.
const parallelSize = 48 << 20

// TestSandboxParallelDownload: a large file comes in parts over several
// connections into ToFile, intact whatever the store does to the parts,
// or fails with ErrChanged leaving nothing; streams and transcoding take
// one connection.
func TestSandboxParallelDownload(t *testing.T) {
	t.Parallel()
	obj, status := webadmittest.EndpointObject, webadmittest.EndpointGetExportFile
	tests := []struct {
		name        string
		faults      []webadmittest.Fault
		opts        []RunOption
		stream      bool  // ToWriter
		wantErr     error // nil: the file intact
		wantStore   int   // store requests (0: do not check)
		wantFresh   int   // status calls for fresh URLs (Wait's last one gave the first)
		wantResumes int
	}{
		{name: "three parts over three connections", wantStore: 3},
		{name: "two parts cut, each resumed from its own offset", wantStore: 5, wantResumes: 2, faults: []webadmittest.Fault{
			{Endpoint: obj, Attempt: 2, Kind: webadmittest.FaultCutConnection, Bytes: 1 << 20},
			{Endpoint: obj, Attempt: 3, Kind: webadmittest.FaultCutConnection, Bytes: 2 << 20}}},
		{name: "two parts refused as expired: one fresh URL for both", wantStore: 5, wantFresh: 1, faults: []webadmittest.Fault{
			{Endpoint: obj, Attempt: 2, Kind: webadmittest.FaultExpireURL},
			{Endpoint: obj, Attempt: 3, Kind: webadmittest.FaultExpireURL},
			{Endpoint: status, Attempt: 1, Kind: webadmittest.FaultDelay, Delay: 300 * time.Millisecond}}},
		{name: "another object in a part", wantErr: ErrChanged, faults: []webadmittest.Fault{
			{Endpoint: obj, Attempt: 3, Kind: webadmittest.FaultChangedContent}}},
		{name: "a store that ignores Range: one stream", wantResumes: 1, faults: []webadmittest.Fault{
			{Endpoint: obj, Kind: webadmittest.FaultIgnoreRange}}},
		{name: "one connection asked for", opts: []RunOption{Connections(1)}, wantStore: 1},
		{name: "a stream", stream: true, wantStore: 1},
		{name: "converted to UTF-8", opts: []RunOption{TranscodeToUTF8()}, wantStore: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := sandbox(t, webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: sandboxIdentity, Size: parallelSize,
				Timeline: quick(generated.ExportFileStatusAvailable)}))
			c := sandboxClient(t, srv)
			dir := t.TempDir()
			var dst Destination = ToFile(filepath.Join(dir, "dump.csv"), FileOptions{})
			var buf bytes.Buffer
			if tt.stream {
				dst = ToWriter(&buf)
			}
			run, err := c.StartExport(context.Background(), sandboxIdentity, 7)
			if err == nil {
				_, err = run.Wait(context.Background())
			}
			if err != nil {
				t.Fatal(collect(err))
			}
			for _, f := range tt.faults {
				srv.AddFault(f)
			}
			before := srv.Recorder().Calls(status)
			res, err := run.Download(context.Background(), dst, append([]RunOption{Connections(4)}, tt.opts...)...)
			collect(err)
			store, fresh := srv.Recorder().Calls(obj), srv.Recorder().Calls(status)-before
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if names := dirEntries(t, dir); len(names) != 0 {
					t.Fatalf("left behind %v", names)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want, size := sourceSHA(t, srv, 7)
			if tt.opts == nil && res.SHA256 != want {
				t.Errorf("sha %s, want %s", res.SHA256, want)
			}
			switch {
			case tt.stream && sha(buf.Bytes()) != want:
				t.Errorf("the stream got other bytes (%d)", buf.Len())
			case !tt.stream && fileSHA(t, filepath.Join(dir, "dump.csv")) != res.SHA256:
				t.Errorf("the file's sha differs from the result's %s", res.SHA256)
			case res.Received != size:
				t.Errorf("received %d bytes, want %d", res.Received, size)
			}
			if (tt.wantStore > 0 && store != tt.wantStore) || fresh != tt.wantFresh || res.Resumes != tt.wantResumes {
				t.Errorf("%d store requests, %d fresh URLs, %d resumes; want %d, %d, %d (%s)",
					store, fresh, res.Resumes, tt.wantStore, tt.wantFresh, tt.wantResumes, srv.Recorder())
			}
		})
	}
}

// TestSandboxParallelDownloadCancelled: a download cancelled while its
// parts run leaves nothing on disk (TestMain checks that no goroutine is
// left).
func TestSandboxParallelDownloadCancelled(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: sandboxIdentity, Size: parallelSize,
		Timeline: quick(generated.ExportFileStatusAvailable)}), webadmittest.WithStoreConnRate(20_000_000))
	c := sandboxClient(t, srv)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := c.RunExport(ctx, sandboxIdentity, 7, ToFile(filepath.Join(dir, "dump.csv"), FileOptions{}), Connections(4),
		OnProgress(func(e Event) {
			if e.Kind == EventBytes && e.Bytes > 8<<20 {
				cancel()
			}
		}))
	if !errors.Is(collect(err), context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Fatalf("left behind %v", names)
	}
}

// TestConnectionsOption: Connections takes 1 to 64.
func TestConnectionsOption(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1")
	for _, n := range []int{0, -1, 65} {
		_, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(io.Discard), Connections(n))
		if err == nil {
			t.Errorf("Connections(%d) accepted", n)
		}
	}
}
