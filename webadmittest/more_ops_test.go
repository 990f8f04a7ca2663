package webadmittest_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// moreOperations calls each operation beyond the export workflow with
// arguments that exist in the demo data, returning the HTTP response.
func moreOperations() map[webadmittest.Endpoint]func(context.Context, *generated.Client) (*http.Response, error) {
	var in generated.CustomFieldAnswerInput
	_ = in.FromBooleanAnswerInput(generated.BooleanAnswerInput{Value: ptr(true)})
	return map[webadmittest.Endpoint]func(context.Context, *generated.Client) (*http.Response, error){
		webadmittest.EndpointListOrganizations: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.ListOrganizations(ctx, 42)
		},
		webadmittest.EndpointListPrograms: func(ctx context.Context, c *generated.Client) (*http.Response, error) { return c.ListPrograms(ctx, 42) },
		webadmittest.EndpointListDecisions: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.ListDecisions(ctx, 42)
		},
		webadmittest.EndpointListCustomFields: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.ListCustomFields(ctx, 42, epi)
		},
		webadmittest.EndpointGetCustomFieldAnswer: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.GetCustomFieldAnswer(ctx, 42, epi, "1000001", 1)
		},
		webadmittest.EndpointStoreCustomFieldAnswer: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.StoreCustomFieldAnswer(ctx, 42, epi, "1000001", 1, generated.StoreCustomFieldAnswerRequest{CustomFieldAnswer: in})
		},
		webadmittest.EndpointClearCustomFieldAnswer: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.ClearCustomFieldAnswer(ctx, 42, epi, "1000002", 1)
		},
		webadmittest.EndpointGetDesignation: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.GetDesignation(ctx, 42, epi, "1000001")
		},
		webadmittest.EndpointUpdateDesignation: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.UpdateDesignation(ctx, 42, epi, "1000002", generated.UpdateDesignationRequest{Designation: generated.DesignationUpdate{DecisionId: ptr(43)}})
		},
		webadmittest.EndpointListPdfManagerTemplates: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.ListPdfManagerTemplates(ctx, 42)
		},
		webadmittest.EndpointGetPdfManagerTemplate: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.GetPdfManagerTemplate(ctx, 42, webadmittest.DemoPDFTemplateAccepted)
		},
		webadmittest.EndpointListPdfManagerBatches: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.ListPdfManagerBatches(ctx, 42)
		},
		webadmittest.EndpointGetPdfManagerBatch: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.GetPdfManagerBatch(ctx, 42, 999)
		},
		webadmittest.EndpointInitiatePdfManagerBatch: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.InitiatePdfManagerBatch(ctx, 42, generated.InitiatePdfManagerBatchRequest{
				PdfManagerBatch: generated.PdfManagerBatchInput{PdfManagerTemplateId: webadmittest.DemoPDFTemplateAccepted}})
		},
		webadmittest.EndpointDownloadPdfManagerZipFile: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.DownloadPdfManagerZipFile(ctx, 42, 999)
		},
		webadmittest.EndpointUpdateApplicantDetails: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.UpdateApplicantDetails(ctx, 42, generated.UpdateApplicantDetailsRequest{
				Applicants: []generated.ApplicantDetailsUpdate{{ApplicantCasId: "1000001", RedirectEligible: ptr(false)}}})
		},
		webadmittest.EndpointGetSocialSecurityNumbers: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.GetSocialSecurityNumbers(ctx, 42)
		},
		webadmittest.EndpointCreateDesignationBatch: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.CreateDesignationBatch(ctx, 42, epi, generated.CreateDesignationBatchRequest{
				Designations: []generated.DesignationBatchItem{{ApplicantCasId: "1000002", DecisionId: 43}}})
		},
		webadmittest.EndpointGetDesignationBatch: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.GetDesignationBatch(ctx, 42, epi, 1)
		},
		webadmittest.EndpointCreateCustomFieldAnswerBatch: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.CreateCustomFieldAnswerBatch(ctx, 42, epi, generated.CreateCustomFieldAnswerBatchRequest{
				CustomFieldAnswers: []generated.CustomFieldAnswerBatchItem{}})
		},
		webadmittest.EndpointGetCustomFieldAnswerBatch: func(ctx context.Context, c *generated.Client) (*http.Response, error) {
			return c.GetCustomFieldAnswerBatch(ctx, 42, epi, 1)
		},
	}
}

// plainClient is the generated low-level client with the given key, not
// following redirects.
func plainClient(t *testing.T, srv *webadmittest.Server, key string) *generated.Client {
	t.Helper()
	hc := httpClient(t)
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c, err := generated.NewClient(srv.URL(), generated.WithHTTPClient(hc), withKey(key))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMoreOperationsCoverEveryEndpoint(t *testing.T) {
	t.Parallel()
	ops := moreOperations()
	for _, e := range webadmittest.Endpoints() {
		if _, ok := ops[e]; !ok && !slices.Contains([]webadmittest.Endpoint{
			webadmittest.EndpointListUserIdentities, webadmittest.EndpointListExports, webadmittest.EndpointListUserIdentityExports,
			webadmittest.EndpointInitiateExportFile, webadmittest.EndpointGetExportFile, webadmittest.EndpointListUserIdentityExportFiles,
			webadmittest.EndpointObject}, e) {
			t.Errorf("no test call for endpoint %s", e)
		}
	}
}

// TestMoreOperationsAuthAndFaults: the new operations answer 401 with an
// empty body to a wrong key, are counted per endpoint, and take faults.
func TestMoreOperationsAuthAndFaults(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t)
	good := plainClient(t, srv, srv.APIKey())
	bad := plainClient(t, srv, "wrong")
	ctx := context.Background()
	for e, call := range moreOperations() {
		t.Run(string(e), func(t *testing.T) {
			resp, err := call(ctx, bad)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, resp)
			if resp.StatusCode != 401 || len(body) != 0 || resp.Header.Get("X-RateLimit-Limit") == "" {
				t.Errorf("wrong key: %d %q limit %q", resp.StatusCode, body, resp.Header.Get("X-RateLimit-Limit"))
			}
			resp, err = call(ctx, good)
			if err != nil {
				t.Fatal(err)
			}
			body = readAll(t, resp)
			if err := validateResponse(resp.Request, resp.StatusCode, resp.Header, body); err != nil {
				t.Errorf("%d answer does not match the spec: %v\n%s", resp.StatusCode, err, body)
			}
		})
	}
	for e, call := range moreOperations() {
		if n := srv.Recorder().Calls(e); n != 2 {
			t.Errorf("%s counted %d calls, want 2", e, n)
		}
		srv.AddFault(webadmittest.Fault{Endpoint: e, Attempt: 1, Kind: webadmittest.FaultHTMLError, StatusCode: 503})
		resp, err := call(ctx, good)
		if err != nil {
			t.Fatal(err)
		}
		if body := readAll(t, resp); resp.StatusCode != 503 || !strings.Contains(string(body), "<html>") {
			t.Errorf("%s under an HTML fault: %d %s", e, resp.StatusCode, body)
		}
	}
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPDFStateUnknownFault(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t, webadmittest.WithPDFTemplates(pdfTemplate(7, generated.ExportFileStatusAvailable)))
	c := noRedirects(t, srv)
	id := initiate(t, c, 7, nil).Id
	srv.AddFault(webadmittest.Fault{Endpoint: webadmittest.EndpointGetPdfManagerBatch, Attempt: 1, Kind: webadmittest.FaultUnknownStatus})
	r, err := rawClient(t, srv).GetPdfManagerBatchWithResponse(context.Background(), 42, id)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("%v %s", err, r.Body)
	}
	if s := r.JSON200.PdfManagerBatch.State; s != "Archived" || s.Valid() {
		t.Errorf("state = %q (valid %v), want the unknown Archived", s, s.Valid())
	}
}

func TestDirectoryConfigErrors(t *testing.T) {
	t.Parallel()
	org := webadmittest.Organization{ID: 1, Name: "Org"}
	tests := []struct {
		name string
		opts []webadmittest.Option
		want string
	}{
		{"program of an unknown identity", []webadmittest.Option{webadmittest.WithPrograms(webadmittest.Program{ID: 1, IdentityID: 7, Organization: org})},
			"identity 7, which is not configured"},
		{"program without organization", []webadmittest.Option{webadmittest.WithPrograms(webadmittest.Program{ID: 1, IdentityID: 42})},
			"needs a positive id"},
		{"select without options", []webadmittest.Option{webadmittest.WithPrograms(webadmittest.Program{ID: 1, IdentityID: 42, Organization: org,
			CustomFields: []webadmittest.CustomField{{ID: 1, Type: generated.CustomFieldTypeSelect}}})},
			"select fields, and only they, have options"},
		{"CAS ID with letters", []webadmittest.Option{webadmittest.WithPrograms(webadmittest.Program{ID: 1, IdentityID: 42, Organization: org,
			Applicants: []webadmittest.Applicant{{CasID: "A1"}}})},
			`CAS ID "A1" must be digits`},
		{"answer of the wrong type", []webadmittest.Option{webadmittest.WithPrograms(webadmittest.Program{ID: 1, IdentityID: 42, Organization: org,
			CustomFields: []webadmittest.CustomField{{ID: 1, Type: generated.CustomFieldTypeDate}},
			Applicants:   []webadmittest.Applicant{{CasID: "1", Answers: map[int]any{1: "tomorrow"}}}})},
			"is not an ISO 8601 date"},
		{"unknown decision", []webadmittest.Option{webadmittest.WithPrograms(webadmittest.Program{ID: 1, IdentityID: 42, Organization: org,
			Applicants: []webadmittest.Applicant{{CasID: "1", DecisionID: 7}}})},
			"decision 7 is not configured"},
		{"template outcome not final", []webadmittest.Option{webadmittest.WithPDFTemplates(webadmittest.PDFTemplate{ID: 1, IdentityID: 42,
			Timeline: webadmittest.Timeline{Outcome: generated.ExportFileStatusQueued}})},
			"is not a terminal status"},
		{"ssn of an unknown identity", []webadmittest.Option{webadmittest.WithSocialSecurityNumbers(7, "x")},
			"identity 7, which is not configured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := webadmittest.New(tt.opts...)
			if err == nil {
				srv.Close()
				t.Fatal("New succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
		})
	}
}
