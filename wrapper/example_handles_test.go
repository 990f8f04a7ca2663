package wrapper_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/wrapper"
)

// Start an export run, wait for it, and stream its file, step by step: the
// handle style that RunExport wraps in one call. Between the steps a
// program may log, report or hand the run's ids to another process.
func ExampleClient_StartExport() {
	srv, err := webadmittest.New(webadmittest.WithExports(webadmittest.Export{
		ID: 86446, IdentityID: 42, Name: "Nightly Banner",
		Content:  []byte("cas_id,last_name\n1000001,Smith\n"),
		Timeline: webadmittest.Timeline{Queued: 20 * time.Millisecond, InProgress: 20 * time.Millisecond},
	}))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := wrapper.New(srv.APIKey(), wrapper.WithBaseURL(srv.URL()),
		wrapper.WithPollPolicy(wrapper.PollPolicy{MinDelay: 10 * time.Millisecond, MaxWait: time.Minute}))
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseIdleConnections()

	ctx := context.Background()
	run, err := c.StartExport(ctx, 42, 86446)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("started run", run.ID(), "of export", run.ExportID())
	f, err := run.Wait(ctx) // a *JobError if it ended Failed or Empty List
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("status", f.Status)
	// Download URLs live under 30 seconds: Download uses the one Wait just
	// received, or asks for a fresh one, and streams it at once, here to
	// standard output.
	res, err := run.Download(ctx, wrapper.ToWriter(os.Stdout))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Bytes, "bytes")
	// Output:
	// started run 74780 of export 86446
	// status Available
	// cas_id,last_name
	// 1000001,Smith
	// 31 bytes
}

// Pick up a run started elsewhere (another process, a cron job, the
// WebAdMIT screens) by its ids, and ask once where it stands.
func ExampleClient_ExportRun() {
	srv, err := webadmittest.New(webadmittest.WithExports(webadmittest.Export{
		ID: 86446, IdentityID: 42, Name: "Nightly Banner", Content: []byte("cas_id\n1000001\n"),
		Timeline: webadmittest.Timeline{Queued: time.Hour},
	}))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := wrapper.New(srv.APIKey(), wrapper.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseIdleConnections()
	ctx := context.Background()
	started, err := c.StartExport(ctx, 42, 86446) // say, yesterday, by another program
	if err != nil {
		log.Fatal(err)
	}

	run := c.ExportRun(86446, started.ID()) // no call yet
	f, err := run.Poll(ctx)                 // one status call
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("run", f.ID, "is", f.Status, "- the server spelled it", f.RawStatus)
	// Output:
	// run 74780 is Queued - the server spelled it Queued
}

// Start a PDF Manager batch, wait for it, then fetch its zip files one at a
// time into files of your own naming.
func ExampleClient_StartPDFBatch() {
	srv, err := webadmittest.New(webadmittest.WithPDFTemplates(webadmittest.PDFTemplate{
		ID: 2, IdentityID: 42, Name: "Accepted Offers for Review",
		Timeline: webadmittest.Timeline{Queued: 20 * time.Millisecond, InProgress: 20 * time.Millisecond},
	}))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := wrapper.New(srv.APIKey(), wrapper.WithBaseURL(srv.URL()),
		wrapper.WithPollPolicy(wrapper.PollPolicy{MinDelay: 10 * time.Millisecond, MaxWait: time.Minute}))
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseIdleConnections()
	dir, err := os.MkdirTemp("", "webadmit-pdf-handle")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	batch, err := c.StartPDFBatch(ctx, 42, 2) // user identity, template
	if err != nil {
		log.Fatal(err)
	}
	b, err := batch.Wait(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("batch", batch.ID(), b.State, len(b.ZipFiles), "zip file(s)")
	for i, z := range b.ZipFiles {
		path := fmt.Sprintf("%s/offers-%d.zip", dir, i+1)
		res, err := batch.DownloadZipFile(ctx, z.ID, wrapper.ToFile(path, wrapper.FileOptions{}))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("saved", res.FileName, res.SHA256 != "")
	}
	// Output:
	// batch 42 Available 1 zip file(s)
	// saved offers-1.zip true
}
