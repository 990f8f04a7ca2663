package wrapper_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/wrapper"
)

// Run an export end to end and save its file. A sandbox stands in for
// https://api.webadmit.org; against the real API, create the client with
// wrapper.New(os.Getenv("WEBADMIT_API_KEY")) and nothing else.
func ExampleClient_RunExport() {
	srv, err := webadmittest.New(webadmittest.WithExports(webadmittest.Export{
		ID: 86446, IdentityID: 42, Name: "Nightly Banner",
		Content:  []byte("cas_id,last_name\n1000001,Garc\xeda\n"), // ISO-8859-1
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

	dir, err := os.MkdirTemp("", "webadmit-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	res, err := c.RunExport(context.Background(), 42, 86446,
		wrapper.ToFile(filepath.Join(dir, "nightly.csv"), wrapper.FileOptions{}),
		wrapper.TranscodeToUTF8())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Status, res.FileName, res.Bytes, "bytes")
	b, err := os.ReadFile(res.Paths[0])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(b))
	// Output:
	// Available Nightly-Banner.csv 33 bytes
	// cas_id,last_name
	// 1000001,García
}

// Match errors by kind with errors.Is and errors.As.
func Example_errorMatching() {
	srv, err := webadmittest.New() // the demo data set: identity 42, exports 29897…
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	fast := wrapper.WithPollPolicy(wrapper.PollPolicy{MinDelay: 50 * time.Millisecond, MaxWait: time.Minute})

	wrong, _ := wrapper.New("not-the-key", wrapper.WithBaseURL(srv.URL()))
	defer wrong.CloseIdleConnections()
	_, err = wrong.StartExport(ctx, webadmittest.DemoIdentityID, webadmittest.DemoExportNightlyBanner)
	if errors.Is(err, wrapper.ErrUnauthorized) {
		fmt.Println("401: check the API key")
	}

	c, _ := wrapper.New(srv.APIKey(), wrapper.WithBaseURL(srv.URL()), fast)
	defer c.CloseIdleConnections()
	_, err = c.StartExport(ctx, 999, webadmittest.DemoExportNightlyBanner)
	var nf *wrapper.NotFoundError
	if errors.As(err, &nf) {
		fmt.Printf("404: %s %s\n", nf.Kind, nf.ID)
	}

	_, err = c.RunExport(ctx, webadmittest.DemoIdentityID, webadmittest.DemoExportEmptySearch, wrapper.ToWriter(io.Discard))
	switch {
	case errors.Is(err, wrapper.ErrEmptyList):
		fmt.Println("empty list: nothing to import tonight")
	case errors.Is(err, wrapper.ErrExportFailed):
		fmt.Println("the export failed in WebAdMIT")
	case errors.Is(err, wrapper.ErrTimeout):
		fmt.Println("still running: pick it up later with c.ExportRun")
	}
	// Output:
	// 401: check the API key
	// 404: user identity 999
	// empty list: nothing to import tonight
}

// Wake waiting runs as soon as WebAdMIT calls back; polling goes on as a
// fallback. (Not run: it needs a public URL.)
func ExampleClient_CallbackHandler() {
	c, err := wrapper.New(os.Getenv("WEBADMIT_API_KEY"))
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webadmit/callback", c.CallbackHandler())
	go func() { log.Fatal(http.ListenAndServe(":8443", mux)) }()

	res, err := c.RunExport(context.Background(), 42, 86446,
		wrapper.ToFile("/srv/exports/", wrapper.FileOptions{}),
		wrapper.CallbackURL("https://exports.example.edu/webadmit/callback"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Paths)
}
