package webadmittest_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// Example starts a sandbox with the demo data and lists its identities
// through the generated client.
func Example() {
	srv, err := webadmittest.New()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	client, err := generated.NewClientWithResponses(srv.URL(),
		generated.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("x-api-key", srv.APIKey())
			return nil
		}))
	if err != nil {
		log.Fatal(err)
	}
	resp, err := client.ListUserIdentitiesWithResponse(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, id := range *resp.JSON200.UserIdentities {
		fmt.Println(*id.Id, *id.Type)
	}
	fmt.Println("calls left this hour:", resp.HTTPResponse.Header.Get("X-RateLimit-Remaining"))
	// Output:
	// 42 Admissions User
	// 43 Association User
	// calls left this hour: 4999
}

// Example_exportRun configures an export's timeline, a fault and the URL
// lifetime, then runs the export as a client should: start it, poll it
// (retrying the proxy's 503), and download the file at once.
func Example_exportRun() {
	srv, err := webadmittest.New(
		webadmittest.WithExports(webadmittest.Export{
			ID: 7, IdentityID: webadmittest.DemoIdentityID, Name: "Tiny",
			Content:  []byte("id,name\n1,Zo\xeb\n"), // ISO-8859-1
			Timeline: webadmittest.Timeline{Queued: 50 * time.Millisecond, InProgress: 50 * time.Millisecond},
		}),
		webadmittest.WithURLLifetime(5*time.Second),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.AddFault(webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Attempt: 1,
		Kind: webadmittest.FaultHTMLError, StatusCode: 503})

	ctx := context.Background()
	client, err := generated.NewClientWithResponses(srv.URL(),
		generated.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("x-api-key", srv.APIKey())
			return nil
		}))
	if err != nil {
		log.Fatal(err)
	}
	started, err := client.InitiateExportFileWithResponse(ctx, webadmittest.DemoIdentityID, 7, nil, generated.InitiateExportFileRequest{})
	if err != nil {
		log.Fatal(err)
	}
	run := started.JSON201.ExportFiles
	fmt.Printf("run %d: %s\n", run.Id, run.Status)

	for {
		resp, err := client.GetExportFileWithResponse(ctx, 7, run.Id)
		if err != nil {
			log.Fatal(err)
		}
		if resp.JSON200 == nil {
			fmt.Printf("status check: %s (retrying)\n", resp.Status())
			continue
		}
		run = resp.JSON200.ExportFiles
		if run.DownloadUrl != nil { // Available (or Success With Errors)
			fmt.Printf("run %d: %s\n", run.Id, run.Status)
			break
		}
		if run.Status == generated.ExportFileStatusFailed || run.Status == generated.ExportFileStatusEmptyList {
			log.Fatalf("run %d ended %s: nothing to download", run.Id, run.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// The store gets no API key: the URL carries its own signature.
	dl, err := http.Get(*run.DownloadUrl)
	if err != nil {
		log.Fatal(err)
	}
	body, err := io.ReadAll(dl.Body)
	dl.Body.Close()
	if err != nil {
		log.Fatal(err)
	}
	want, _ := io.ReadAll(srv.ExportContent(7))
	fmt.Println(dl.Header.Get("Content-Type"), len(body), "bytes, as expected:", bytes.Equal(body, want))
	fmt.Println("leaks:", len(srv.Recorder().Leaks()))
	// Output:
	// run 74780: Queued
	// status check: 503 Service Unavailable (retrying)
	// run 74780: Available
	// text/csv;charset=iso-8859-1 14 bytes, as expected: true
	// leaks: 0
}

// ExampleNewTest shows the shape of a test against the sandbox: NewTest
// fails the test if the server cannot start and closes it when the test
// ends.
func ExampleNewTest() {
	testListExports := func(t *testing.T) { // func TestListExports(t *testing.T) in a _test.go file
		srv := webadmittest.NewTest(t, webadmittest.WithRateLimit(10, time.Minute))
		client, err := generated.NewClientWithResponses(srv.URL(),
			generated.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
				req.Header.Set("x-api-key", srv.APIKey())
				return nil
			}))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.ListExportsWithResponse(context.Background())
		if err != nil || resp.JSON200 == nil {
			t.Fatalf("listExports: %v %d", err, resp.StatusCode())
		}
		if got := len(*resp.JSON200.Exports); got != 7 {
			t.Errorf("%d demo exports, want 7", got)
		}
		if got := srv.Recorder().Calls(webadmittest.EndpointListExports); got != 1 {
			t.Errorf("%d calls recorded, want 1", got)
		}
	}
	_ = testListExports
}
