package wrapper_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/wrapper"
)

// Run a PDF Manager template end to end and keep its zip files. The API
// answers each zip download with a redirect to the object store; the client
// follows it without the API key. A sandbox stands in for WebAdMIT.
func ExampleClient_RunPDFBatch() {
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

	dir, err := os.MkdirTemp("", "webadmit-pdf-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	res, err := c.RunPDFBatch(context.Background(), 42, 2, // user identity, template
		wrapper.ZipFilesToDir(dir, wrapper.FileOptions{}))
	switch {
	case errors.Is(err, wrapper.ErrEmptyList):
		fmt.Println("no applicants on the template's list tonight")
		return
	case err != nil:
		log.Fatal(err)
	}
	fmt.Println("batch", res.BatchID, res.State)
	for _, z := range res.ZipFiles {
		fmt.Println(z.FileName)
	}
	// Output:
	// batch 42 Available
	// Accepted-Offers-for-Review-42-1.zip
}

// Set decisions on many designations at once, then wait for the batch and
// read which were applied.
func ExampleClient_StartDesignationBatch() {
	srv, err := webadmittest.New(webadmittest.WithBatchTimeline(webadmittest.BatchTimeline{Queued: 20 * time.Millisecond}))
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
	batch, err := c.StartDesignationBatch(ctx, 42, webadmittest.DemoProgramEpidemiology,
		[]generated.DesignationBatchItem{
			{ApplicantCasId: "1000002", DecisionId: webadmittest.DemoDecisionMatriculated},
			{ApplicantCasId: "9999999", DecisionId: webadmittest.DemoDecisionMatriculated},
		})
	if err != nil {
		log.Fatal(err)
	}
	b, err := batch.Wait(ctx) // a *JobError if the batch Failed
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(b.Status, b.ItemErrors, "not applied")
	for _, r := range b.Results {
		if r.Errors != nil && r.Errors.Applicant != nil {
			fmt.Println(r.ApplicantCasId+":", *r.Errors.Applicant)
		}
	}
	// Output:
	// Success With Errors 1 not applied
	// 9999999: No applicant found for that applicant_cas_id
}
