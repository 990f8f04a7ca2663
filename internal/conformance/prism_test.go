package conformance_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// envConformance turns TestPrismProxy on; make conformance sets it after
// installing the pinned tools. envPrism may name another prism command.
const (
	envConformance = "WEBADMIT_CONFORMANCE"
	envPrism       = "WEBADMIT_PRISM"
)

// prismViolations collects what Prism reports about the traffic it
// proxies: the sl-violations header (set on any answer whose request or
// response breaks the spec, warnings included) and the problem+json
// answers it makes itself (422 for a request, 500 for a response, with
// --errors).
type prismViolations struct {
	mu       sync.Mutex
	requests int
	found    []string
}

func (v *prismViolations) wrap(base http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		v.mu.Lock()
		defer v.mu.Unlock()
		v.requests++
		what := fmt.Sprintf("%s %s -> %d", req.Method, req.URL.RequestURI(), resp.StatusCode)
		if h := resp.Header.Get("sl-violations"); h != "" {
			v.found = append(v.found, what+": sl-violations: "+h)
		}
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
			v.found = append(v.found, what+": Prism answered: "+string(body))
		}
		return resp, nil
	})
}

// take returns the violations found so far and forgets them.
func (v *prismViolations) take() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	found := v.found
	v.found = nil
	return found
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// startPrism runs `prism proxy spec upstream --errors` on a free loopback
// port and returns its URL once it listens.
func startPrism(t *testing.T, root, upstream string) string {
	t.Helper()
	prism := os.Getenv(envPrism)
	if prism == "" {
		prism = filepath.Join(root, "tools", "node_modules", ".bin", "prism")
	}
	if _, err := os.Stat(prism); err != nil {
		t.Fatalf("%s: %v: run `make conformance`, which installs the pinned Prism with npm ci in tools/", prism, err)
	}
	port := freePort(t)
	// tools/prism-manual-redirects.cjs: Prism's proxy would follow the
	// zip download's 302 to the object store (stoplightio/prism#1977).
	env := []string{"NODE_OPTIONS=--require " + filepath.Join(root, "tools", "prism-manual-redirects.cjs")}
	p := startProcess(t, env, prism, "proxy", filepath.Join(root, "spec", "webadmit.yaml"), upstream,
		"--errors", "--host", "127.0.0.1", "--port", strconv.Itoa(port))
	if err := p.waitFor("Prism is listening", 2*time.Minute); err != nil {
		t.Fatalf("Prism did not start: %v\n%s", err, p.tail(40))
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("Prism's last lines:\n%s", p.tail(60))
		}
	})
	return "http://127.0.0.1:" + strconv.Itoa(port)
}

// response is what every generated ...WithResponse call returns.
type response interface{ StatusCode() int }

// reply is one call's results, to check with want.
type reply[R response] struct {
	r   R
	err error
}

func answer[R response](r R, err error) reply[R] { return reply[R]{r, err} }

// want reports a call that failed or answered another status, and returns
// the response (nil when the call failed).
func (a reply[R]) want(t *testing.T, status int, what string) R {
	t.Helper()
	if a.err != nil {
		t.Errorf("%s: %v", what, a.err)
		return a.r
	}
	if got := a.r.StatusCode(); got != status {
		t.Errorf("%s: status %d, want %d", what, got, status)
	}
	return a.r
}

// TestPrismProxy drives every operation of the spec, with the generated
// client, through Prism's validating proxy in front of the sandbox with
// its demo data: successes, the documented refusals (401, 403, 404, 422,
// 429) and jobs polled through every status. Any violation Prism reports
// fails the test, each printed.
func TestPrismProxy(t *testing.T) {
	if os.Getenv(envConformance) == "" {
		t.Skipf("set %s=1 to run it (make conformance does, after installing the pinned Prism in tools/)", envConformance)
	}
	root := repoRoot(t)
	srv := webadmittest.NewTest(t, webadmittest.DemoData())
	base := startPrism(t, root, srv.URL())
	v := &prismViolations{}
	hc := loopbackClient(t, v.wrap)
	c := generatedClient(t, base, srv.APIKey(), hc)
	ctx := context.Background()

	const (
		id      = webadmittest.DemoIdentityID
		program = webadmittest.DemoProgramEpidemiology
	)

	// User identities and exports.
	answer(c.ListUserIdentitiesWithResponse(ctx)).want(t, 200, "listUserIdentities")
	answer(c.ListUserIdentitiesWithResponse(ctx,
		func(_ context.Context, req *http.Request) error { req.Header.Set("x-api-key", "wrong"); return nil })).want(t, 401, "listUserIdentities, wrong key")
	answer(c.ListExportsWithResponse(ctx)).want(t, 200, "listExports")
	answer(c.ListUserIdentityExportsWithResponse(ctx, id)).want(t, 200, "listUserIdentityExports")
	answer(c.ListUserIdentityExportsWithResponse(ctx, 999)).want(t, 404, "listUserIdentityExports, unknown identity")
	docsCallback := "http://someurl.com/your_callback.cgi" // recorded by the sandbox, not sent
	started := answer(c.InitiateExportFileWithResponse(ctx, id, webadmittest.DemoExportNightlyBanner,
		nil, generated.InitiateExportFileRequest{Callback: &docsCallback})).want(t, 201, "initiateExportFile")
	answer(c.InitiateExportFileWithResponse(ctx, id, webadmittest.DemoExportWithWarnings,
		&generated.InitiateExportFileParams{Callback: &docsCallback}, generated.InitiateExportFileRequest{})).want(t, 201, "initiateExportFile, callback in the query")
	answer(c.InitiateExportFileWithResponse(ctx, id, webadmittest.DemoExportEmptySearch,
		nil, generated.InitiateExportFileRequest{Callback: ptr("ftp://127.0.0.1/cb")})).want(t, 422, "initiateExportFile, callback not http")
	answer(c.InitiateExportFileWithResponse(ctx, id, 1, nil, generated.InitiateExportFileRequest{})).want(t, 404, "initiateExportFile, unknown export")
	if started != nil && started.JSON201 != nil {
		run := started.JSON201.ExportFiles
		poll(t, "getExportFile (new run)", func() (string, bool) {
			r := answer(c.GetExportFileWithResponse(ctx, run.ExportId, run.Id)).want(t, 200, "getExportFile")
			if r == nil || r.JSON200 == nil {
				return "", true
			}
			s := r.JSON200.ExportFiles.Status
			return string(s), s != generated.ExportFileStatusInitializing && s != generated.ExportFileStatusQueued && s != generated.ExportFileStatusInProgress
		})
	}
	answer(c.GetExportFileWithResponse(ctx, webadmittest.DemoExportNightlyBanner, webadmittest.DemoRunNightlyBanner)).want(t, 200, "getExportFile (finished run)")
	answer(c.GetExportFileWithResponse(ctx, webadmittest.DemoExportNightlyBanner, 1)).want(t, 404, "getExportFile, unknown run")
	answer(c.ListUserIdentityExportFilesWithResponse(ctx, id)).want(t, 200, "listUserIdentityExportFiles")

	// Organizations, programs, decisions.
	answer(c.ListOrganizationsWithResponse(ctx, id)).want(t, 200, "listOrganizations")
	answer(c.ListProgramsWithResponse(ctx, id)).want(t, 200, "listPrograms")
	answer(c.ListDecisionsWithResponse(ctx, id)).want(t, 200, "listDecisions")
	srv.AddFault(webadmittest.Fault{Endpoint: webadmittest.EndpointListDecisions, Attempt: 1, Kind: webadmittest.FaultRateLimited})
	answer(c.ListDecisionsWithResponse(ctx, id)).want(t, 429, "listDecisions, rate limited")

	// Custom fields and answers: one of each type, then cleared.
	answer(c.ListCustomFieldsWithResponse(ctx, id, program)).want(t, 200, "listCustomFields")
	inputs := map[int]func(*generated.CustomFieldAnswerInput) error{
		webadmittest.DemoFieldScholarship: func(in *generated.CustomFieldAnswerInput) error {
			return in.FromBooleanAnswerInput(generated.BooleanAnswerInput{Value: ptr(false)})
		},
		webadmittest.DemoFieldAgeAtAdmittance: func(in *generated.CustomFieldAnswerInput) error {
			return in.FromNumberAnswerInput(generated.NumberAnswerInput{Value: ptr(11.0)})
		},
		webadmittest.DemoFieldLetterMailedOn: func(in *generated.CustomFieldAnswerInput) error {
			return in.FromDateAnswerInput(generated.DateAnswerInput{Value: ptr("2016-01-31")})
		},
		webadmittest.DemoFieldUniversityID: func(in *generated.CustomFieldAnswerInput) error {
			return in.FromStringAnswerInput(generated.StringAnswerInput{Value: ptr("000-0-0768")})
		},
		webadmittest.DemoFieldCampus: func(in *generated.CustomFieldAnswerInput) error {
			return in.FromSelectAnswerInput(generated.SelectAnswerInput{Value: ptr("Denver")})
		},
	}
	for _, field := range slices.Sorted(maps.Keys(inputs)) {
		name := fmt.Sprintf(" (field %d)", field)
		answer(c.GetCustomFieldAnswerWithResponse(ctx, id, program, "1000002", field)).want(t, 200, "getCustomFieldAnswer, unanswered"+name)
		answer(c.GetCustomFieldAnswerWithResponse(ctx, id, program, "1000001", field)).want(t, 200, "getCustomFieldAnswer, answered"+name)
		var in generated.CustomFieldAnswerInput
		if err := inputs[field](&in); err != nil {
			t.Fatal(err)
		}
		answer(c.StoreCustomFieldAnswerWithResponse(ctx, id, program, "1000002", field,
			generated.StoreCustomFieldAnswerRequest{CustomFieldAnswer: in})).want(t, 200, "storeCustomFieldAnswer"+name)
		answer(c.ClearCustomFieldAnswerWithResponse(ctx, id, program, "1000002", field)).want(t, 200, "clearCustomFieldAnswer"+name)
	}
	var notAnOption generated.CustomFieldAnswerInput
	if err := notAnOption.FromSelectAnswerInput(generated.SelectAnswerInput{Value: ptr("Gryffindor")}); err != nil {
		t.Fatal(err)
	}
	answer(c.StoreCustomFieldAnswerWithResponse(ctx, id, program, "1000002",
		webadmittest.DemoFieldCampus, generated.StoreCustomFieldAnswerRequest{CustomFieldAnswer: notAnOption})).want(t, 422, "storeCustomFieldAnswer, not an option")
	var cleared generated.CustomFieldAnswerInput
	if err := cleared.FromSelectAnswerInput(generated.SelectAnswerInput{}); err != nil { // value null
		t.Fatal(err)
	}
	answer(c.StoreCustomFieldAnswerWithResponse(ctx, id, program, "1000005",
		webadmittest.DemoFieldCampus, generated.StoreCustomFieldAnswerRequest{CustomFieldAnswer: cleared})).want(t, 200, "storeCustomFieldAnswer, null")
	answer(c.GetCustomFieldAnswerWithResponse(ctx, id, program, "1000001", 99)).want(t, 404, "getCustomFieldAnswer, unknown field")

	// Designations: with and without decision and local status, refusals.
	answer(c.GetDesignationWithResponse(ctx, id, program, "1000003")).want(t, 200, "getDesignation, local status")
	answer(c.GetDesignationWithResponse(ctx, id, program, "1000002")).want(t, 200, "getDesignation, nulls")
	answer(c.GetDesignationWithResponse(ctx, id, program, "9999999")).want(t, 404, "getDesignation, unknown applicant")
	decide := func(what string, want int, cas string, decision *int) {
		t.Helper()
		answer(c.UpdateDesignationWithResponse(ctx, id, program, cas,
			generated.UpdateDesignationRequest{Designation: generated.DesignationUpdate{DecisionId: decision}})).want(t, want, what)
	}
	decide("updateDesignation", 200, "1000002", ptr(webadmittest.DemoDecisionMatriculated))
	decide("updateDesignation, clear", 200, "1000002", nil)
	decide("updateDesignation, local status", 422, "1000003", ptr(webadmittest.DemoDecisionMatriculated))
	decide("updateDesignation, received", 422, "1000006", ptr(webadmittest.DemoDecisionMatriculated))
	decide("updateDesignation, unknown decision", 422, "1000002", ptr(99))

	// PDF Manager: templates, a new batch polled to the end, the finished
	// batch and its zip file (the 302 itself: redirects are not followed).
	answer(c.ListPdfManagerTemplatesWithResponse(ctx, id)).want(t, 200, "listPdfManagerTemplates")
	answer(c.GetPdfManagerTemplateWithResponse(ctx, id, webadmittest.DemoPDFTemplateAccepted)).want(t, 200, "getPdfManagerTemplate")
	answer(c.GetPdfManagerTemplateWithResponse(ctx, id, 99)).want(t, 404, "getPdfManagerTemplate, unknown")
	batch := answer(c.InitiatePdfManagerBatchWithResponse(ctx, id, generated.InitiatePdfManagerBatchRequest{
		PdfManagerBatch: generated.PdfManagerBatchInput{PdfManagerTemplateId: webadmittest.DemoPDFTemplateWaitlist, Callback: ptr("https://example.com/my_callback")}})).want(t, 201, "initiatePdfManagerBatch")
	if batch != nil && batch.JSON201 != nil {
		poll(t, "getPdfManagerBatch (new batch)", func() (string, bool) {
			r := answer(c.GetPdfManagerBatchWithResponse(ctx, id, batch.JSON201.PdfManagerBatch.Id)).want(t, 200, "getPdfManagerBatch")
			if r == nil || r.JSON200 == nil {
				return "", true
			}
			s := r.JSON200.PdfManagerBatch.State
			return string(s), s != generated.PdfManagerBatchStateInitializing && s != generated.PdfManagerBatchStateQueued && s != generated.PdfManagerBatchStateInProgress
		})
	}
	answer(c.ListPdfManagerBatchesWithResponse(ctx, id)).want(t, 200, "listPdfManagerBatches")
	answer(c.GetPdfManagerBatchWithResponse(ctx, id, webadmittest.DemoPDFBatchAccepted)).want(t, 200, "getPdfManagerBatch (finished)")
	answer(c.DownloadPdfManagerZipFileWithResponse(ctx, id, webadmittest.DemoPDFZipFileAccepted1)).want(t, 302, "downloadPdfManagerZipFile")
	answer(c.DownloadPdfManagerZipFileWithResponse(ctx, id, 999)).want(t, 404, "downloadPdfManagerZipFile, unknown")

	// Applicants.
	answer(c.UpdateApplicantDetailsWithResponse(ctx, id, generated.UpdateApplicantDetailsRequest{
		Applicants: []generated.ApplicantDetailsUpdate{{ApplicantCasId: "1000001", RedirectEligible: ptr(true)}}})).want(t, 200, "updateApplicantDetails")
	answer(c.GetSocialSecurityNumbersWithResponse(ctx, id)).want(t, 200, "getSocialSecurityNumbers")
	answer(c.GetSocialSecurityNumbersWithResponse(ctx, webadmittest.DemoAssociationIdentityID)).want(t, 403, "getSocialSecurityNumbers, no organization")

	// v2 batches, polled until they have results.
	designations := answer(c.CreateDesignationBatchWithResponse(ctx, id, program, generated.CreateDesignationBatchRequest{
		Designations: []generated.DesignationBatchItem{
			{ApplicantCasId: "1000002", DecisionId: webadmittest.DemoDecisionMatriculated},
			{ApplicantCasId: "1000003", DecisionId: webadmittest.DemoDecisionDenied}, // refused: local status
			{ApplicantCasId: "9999999", DecisionId: 99},
		}})).want(t, 201, "createDesignationBatch")
	if designations != nil && designations.JSON201 != nil {
		poll(t, "getDesignationBatch", func() (string, bool) {
			r := answer(c.GetDesignationBatchWithResponse(ctx, id, program, designations.JSON201.Batch.Id)).want(t, 200, "getDesignationBatch")
			if r == nil || r.JSON200 == nil {
				return "", true
			}
			s := r.JSON200.Batch.Status
			return string(s), s != generated.BatchStatusQueued && s != generated.BatchStatusInProgress
		})
	}
	value := func(set func(*generated.CustomFieldAnswerValue) error) *generated.CustomFieldAnswerValue {
		var v generated.CustomFieldAnswerValue
		if err := set(&v); err != nil {
			t.Fatal(err)
		}
		return &v
	}
	answers := answer(c.CreateCustomFieldAnswerBatchWithResponse(ctx, id, program, generated.CreateCustomFieldAnswerBatchRequest{
		CustomFieldAnswers: []generated.CustomFieldAnswerBatchItem{
			{ApplicantCasId: "1000002", CustomFieldId: webadmittest.DemoFieldScholarship, FieldType: generated.CustomFieldTypeBoolean,
				Value: value(func(v *generated.CustomFieldAnswerValue) error { return v.FromBooleanAnswerValue(true) })},
			{ApplicantCasId: "1000002", CustomFieldId: webadmittest.DemoFieldAgeAtAdmittance, FieldType: generated.CustomFieldTypeNumber,
				Value: value(func(v *generated.CustomFieldAnswerValue) error { return v.FromNumberAnswerValue(31) })},
			{ApplicantCasId: "1000002", CustomFieldId: webadmittest.DemoFieldCampus, FieldType: generated.CustomFieldTypeSelect,
				Value: value(func(v *generated.CustomFieldAnswerValue) error { return v.FromStringAnswerValue("Remote") })},
			{ApplicantCasId: "1000001", CustomFieldId: webadmittest.DemoFieldUniversityID, FieldType: generated.CustomFieldTypeString}, // null: clears
			{ApplicantCasId: "9999999", CustomFieldId: webadmittest.DemoFieldCampus, FieldType: generated.CustomFieldTypeSelect,
				Value: value(func(v *generated.CustomFieldAnswerValue) error { return v.FromStringAnswerValue("Boston") })},
		}})).want(t, 201, "createCustomFieldAnswerBatch")
	if answers != nil && answers.JSON201 != nil {
		poll(t, "getCustomFieldAnswerBatch", func() (string, bool) {
			r := answer(c.GetCustomFieldAnswerBatchWithResponse(ctx, id, program, answers.JSON201.Batch.Id)).want(t, 200, "getCustomFieldAnswerBatch")
			if r == nil || r.JSON200 == nil {
				return "", true
			}
			s := r.JSON200.Batch.Status
			return string(s), s != generated.BatchStatusQueued && s != generated.BatchStatusInProgress
		})
	}
	answer(c.GetCustomFieldAnswerBatchWithResponse(ctx, id, program, 1)).want(t, 404, "getCustomFieldAnswerBatch, unknown")

	// Every operation of the spec went through Prism.
	spec, err := generated.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range spec.Paths.Map() {
		for _, op := range item.Operations() {
			if srv.Recorder().Calls(webadmittest.Endpoint(op.OperationID)) == 0 {
				t.Errorf("%s was not driven through Prism", op.OperationID)
			}
		}
	}

	found := v.take()
	for _, f := range found {
		t.Errorf("Prism: %s", f)
	}
	t.Logf("%d requests through Prism, %d violations", v.requests, len(found))

	// The check itself: a status outside the spec's enum must be reported.
	srv.AddFault(webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Attempt: 1, Kind: webadmittest.FaultUnknownStatus})
	_, _ = c.GetExportFileWithResponse(ctx, webadmittest.DemoExportNightlyBanner, webadmittest.DemoRunNightlyBanner)
	if got := v.take(); len(got) == 0 {
		t.Error(`Prism did not report a status the spec does not list ("Archived"): is it validating?`)
	}
}

// poll calls step until it reports done (at most 30 s), and logs the
// states it saw.
func poll(t *testing.T, what string, step func() (state string, done bool)) {
	t.Helper()
	var seen []string
	deadline := time.Now().Add(30 * time.Second)
	for {
		state, done := step()
		if len(seen) == 0 || seen[len(seen)-1] != state {
			seen = append(seen, state)
		}
		if done {
			t.Logf("%s: %s", what, strings.Join(seen, " -> "))
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%s: not final after 30 s: %s", what, strings.Join(seen, " -> "))
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func ptr[T any](v T) *T { return &v }
