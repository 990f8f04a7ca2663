package webadmittest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// operation calls one of the six API operations through the generated
// client and returns the HTTP response.
type operation struct {
	endpoint webadmittest.Endpoint
	call     func(ctx context.Context, c *generated.ClientWithResponses) (*http.Response, []byte, error)
}

// operations calls each operation with arguments that exist in the demo
// data; runID is a run of the Nightly Banner export.
func operations(runID int) []operation {
	return []operation{
		{webadmittest.EndpointListUserIdentities, func(ctx context.Context, c *generated.ClientWithResponses) (*http.Response, []byte, error) {
			r, err := c.ListUserIdentitiesWithResponse(ctx)
			return httpOf(r, err)
		}},
		{webadmittest.EndpointListExports, func(ctx context.Context, c *generated.ClientWithResponses) (*http.Response, []byte, error) {
			r, err := c.ListExportsWithResponse(ctx)
			return httpOf(r, err)
		}},
		{webadmittest.EndpointListUserIdentityExports, func(ctx context.Context, c *generated.ClientWithResponses) (*http.Response, []byte, error) {
			r, err := c.ListUserIdentityExportsWithResponse(ctx, 42)
			return httpOf(r, err)
		}},
		{webadmittest.EndpointInitiateExportFile, func(ctx context.Context, c *generated.ClientWithResponses) (*http.Response, []byte, error) {
			r, err := c.InitiateExportFileWithResponse(ctx, 42, 29897, nil, generated.InitiateExportFileRequest{})
			return httpOf(r, err)
		}},
		{webadmittest.EndpointGetExportFile, func(ctx context.Context, c *generated.ClientWithResponses) (*http.Response, []byte, error) {
			r, err := c.GetExportFileWithResponse(ctx, 29897, runID)
			return httpOf(r, err)
		}},
		{webadmittest.EndpointListUserIdentityExportFiles, func(ctx context.Context, c *generated.ClientWithResponses) (*http.Response, []byte, error) {
			r, err := c.ListUserIdentityExportFilesWithResponse(ctx, 42)
			return httpOf(r, err)
		}},
	}
}

// response is what every generated *Response type offers.
type response interface{ GetBody() []byte }

func httpOf[R response](r R, err error) (*http.Response, []byte, error) {
	if err != nil {
		return nil, nil, err
	}
	var hr *http.Response
	switch t := any(r).(type) {
	case *generated.ListUserIdentitiesResponse:
		hr = t.HTTPResponse
	case *generated.ListExportsResponse:
		hr = t.HTTPResponse
	case *generated.ListUserIdentityExportsResponse:
		hr = t.HTTPResponse
	case *generated.InitiateExportFileResponse:
		hr = t.HTTPResponse
	case *generated.GetExportFileResponse:
		hr = t.HTTPResponse
	case *generated.ListUserIdentityExportFilesResponse:
		hr = t.HTTPResponse
	}
	return hr, r.GetBody(), nil
}

func TestOperations(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t)
	c := newClient(t, srv)
	ctx := context.Background()
	runID := startRun(t, c, 42, 29897)

	t.Run("listUserIdentities", func(t *testing.T) {
		r, err := c.ListUserIdentitiesWithResponse(ctx)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("%v %d %s", err, r.StatusCode(), r.Body)
		}
		var ids []int
		for _, id := range *r.JSON200.UserIdentities {
			ids = append(ids, *id.Id)
		}
		if !slices.Equal(ids, []int{42, 43}) || *r.JSON200.Href != "/api/v1/user_identities" {
			t.Errorf("identities %v href %q", ids, *r.JSON200.Href)
		}
		first := (*r.JSON200.UserIdentities)[0]
		if *first.Type != generated.UserIdentityTypeAdmissionsUser || *first.Cycle != "2014 - 2015" || *first.Institution != "Demo University" {
			t.Errorf("identity 42 = %+v", first)
		}
		if (*r.JSON200.UserIdentities)[1].Institution != nil {
			t.Errorf("identity 43 institution should be absent (null)")
		}
	})
	t.Run("listExports", func(t *testing.T) {
		r, err := c.ListExportsWithResponse(ctx)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("%v %d %s", err, r.StatusCode(), r.Body)
		}
		var ids []int
		for _, e := range *r.JSON200.Exports {
			ids = append(ids, e.Id)
			if e.Id == 29897 && (e.Name != "Nightly Banner Export" || e.MimeType != generated.ExportMimeTypeCSVLatin1 ||
				e.Format != generated.ExportFormatCSV || e.ListType == nil || *e.ListType != generated.ExportListTypeAll) {
				t.Errorf("export 29897 = %+v", e)
			}
			if e.Id == 29900 && e.ListType != nil {
				t.Errorf("export 29900 list type = %v, want null", *e.ListType)
			}
		}
		want := []int{29897, 29898, 29899, 29900, 29901, 29902, 29903, 29904, 31000, 31001}
		if !slices.Equal(ids, want) {
			t.Errorf("exports %v, want %v (all identities)", ids, want)
		}
		if !strings.Contains(string(r.Body), `"list_type":null`) {
			t.Errorf("a null list type must be sent as null: %s", r.Body)
		}
	})
	t.Run("listUserIdentityExports", func(t *testing.T) {
		r, err := c.ListUserIdentityExportsWithResponse(ctx, 43)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("%v %d %s", err, r.StatusCode(), r.Body)
		}
		if n := len(*r.JSON200.Exports); n != 2 || (*r.JSON200.Exports)[0].Id != 31000 {
			t.Errorf("identity 43 exports = %+v", *r.JSON200.Exports)
		}
		if *r.JSON200.Href != "/api/v1/user_identities/43/exports" {
			t.Errorf("href %q", *r.JSON200.Href)
		}
	})
	t.Run("initiateExportFile", func(t *testing.T) {
		r, err := c.InitiateExportFileWithResponse(ctx, 42, 29897, nil, generated.InitiateExportFileRequest{})
		if err != nil || r.JSON201 == nil {
			t.Fatalf("%v %d %s", err, r.StatusCode(), r.Body)
		}
		ef := r.JSON201.ExportFiles
		if ef.ExportId != 29897 || ef.Href != fmt.Sprintf("/api/v1/exports/29897/export_files/%d", ef.Id) || ef.DownloadUrl != nil {
			t.Errorf("run = %+v", ef)
		}
	})
	t.Run("getExportFile", func(t *testing.T) {
		ef := waitFile(t, c, 29897, runID)
		if ef.Id != runID || ef.Status != generated.ExportFileStatusAvailable || ef.DownloadUrl == nil ||
			!strings.HasPrefix(*ef.DownloadUrl, srv.StoreURL()+"/export_files/reports/") {
			t.Errorf("run = %+v", ef)
		}
	})
	t.Run("listUserIdentityExportFiles", func(t *testing.T) {
		r, err := c.ListUserIdentityExportFilesWithResponse(ctx, 42)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("%v %d %s", err, r.StatusCode(), r.Body)
		}
		if len(*r.JSON200.ExportFiles) == 0 || (*r.JSON200.ExportFiles)[0].Id != runID {
			t.Errorf("recent runs = %+v", *r.JSON200.ExportFiles)
		}
		if strings.Contains(string(r.Body), "download_url") {
			t.Errorf("the batch list must not carry download URLs: %s", r.Body)
		}
	})
}

func TestAuth(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t, webadmittest.WithAPIKey("right-key"))
	runID := startRun(t, newClient(t, srv), 42, 29897)
	for _, key := range []struct{ name, key string }{{"missing", ""}, {"wrong", "wrong-key"}, {"prefix", "right"}} {
		for _, op := range operations(runID) {
			t.Run(key.name+"/"+string(op.endpoint), func(t *testing.T) {
				var opts []generated.ClientOption
				if key.key != "" {
					opts = append(opts, withKey(key.key))
				}
				c := newClientWith(t, srv.URL(), true, opts...)
				before := srv.Recorder().Calls(op.endpoint)
				resp, body, err := op.call(context.Background(), c)
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != http.StatusUnauthorized || len(body) != 0 {
					t.Errorf("got %d with %q, want 401 with an empty body", resp.StatusCode, body)
				}
				if resp.Header.Get("X-RateLimit-Limit") == "" || resp.Header.Get("X-RateLimit-Remaining") == "" {
					t.Errorf("401 without rate-limit headers: %v", resp.Header)
				}
				if got := srv.Recorder().Calls(op.endpoint); got != before+1 {
					t.Errorf("recorder counted %d calls, want %d", got, before+1)
				}
			})
		}
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t)
	c := newClient(t, srv)
	ctx := context.Background()
	runID := startRun(t, c, 42, 29897)
	identity999 := "User identity '999' not found."
	tests := []struct {
		name string
		call func() (*http.Response, []byte, error)
		want string
	}{
		{"identity exports", func() (*http.Response, []byte, error) {
			return httpOf(c.ListUserIdentityExportsWithResponse(ctx, 999))
		}, identity999},
		{"identity export files", func() (*http.Response, []byte, error) {
			return httpOf(c.ListUserIdentityExportFilesWithResponse(ctx, 999))
		}, identity999},
		{"initiate, unknown identity", func() (*http.Response, []byte, error) {
			return httpOf(c.InitiateExportFileWithResponse(ctx, 999, 29897, nil, generated.InitiateExportFileRequest{}))
		}, identity999},
		{"initiate, unknown export", func() (*http.Response, []byte, error) {
			return httpOf(c.InitiateExportFileWithResponse(ctx, 42, 1, nil, generated.InitiateExportFileRequest{}))
		}, "Not Found"},
		{"initiate, export of another identity", func() (*http.Response, []byte, error) {
			return httpOf(c.InitiateExportFileWithResponse(ctx, 42, 31000, nil, generated.InitiateExportFileRequest{}))
		}, "Not Found"},
		{"unknown run", func() (*http.Response, []byte, error) {
			return httpOf(c.GetExportFileWithResponse(ctx, 29897, 1))
		}, "Not Found"},
		{"run of another export", func() (*http.Response, []byte, error) {
			return httpOf(c.GetExportFileWithResponse(ctx, 29898, runID))
		}, "Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body, err := tt.call()
			if err != nil {
				t.Fatal(err)
			}
			var msg generated.ErrorMessage
			if resp.StatusCode != http.StatusNotFound || json.Unmarshal(body, &msg) != nil || msg.Message != tt.want {
				t.Errorf("got %d %s, want 404 {%q}", resp.StatusCode, body, tt.want)
			}
		})
	}

	// Routes the spec does not have answer the legacy message.
	hc := httpClient(t)
	for _, route := range []struct{ method, path string }{
		{"GET", "/api/v1/nope"},
		{"GET", "/api/v1/programs/99999999999"},
		{"DELETE", "/api/v1/user_identities"},
		{"GET", "/api/v1/user_identities/42/exports/29897/export_files"},
	} {
		t.Run("route "+route.method+" "+route.path, func(t *testing.T) {
			resp, body := get(t, hc, route.method, srv.URL()+route.path, "x-api-key", srv.APIKey())
			if resp.StatusCode != http.StatusNotFound || strings.TrimSpace(string(body)) != `{"message":"Not Found"}` {
				t.Errorf("got %d %s", resp.StatusCode, body)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	t.Run("budget spent", func(t *testing.T) {
		t.Parallel()
		srv := webadmittest.NewTest(t, webadmittest.WithRateLimit(3, time.Hour))
		c := newClient(t, srv)
		ctx := context.Background()
		for want := 2; want >= 0; want-- {
			r, err := c.ListUserIdentitiesWithResponse(ctx)
			if err != nil || r.StatusCode() != 200 {
				t.Fatalf("%v %d", err, r.StatusCode())
			}
			if got := r.HTTPResponse.Header.Get("X-RateLimit-Remaining"); got != strconv.Itoa(want) {
				t.Errorf("remaining %s, want %d", got, want)
			}
			if got := r.HTTPResponse.Header.Get("X-RateLimit-Limit"); got != "3" {
				t.Errorf("limit %s, want 3", got)
			}
		}
		// A call with a wrong key is refused before it costs anything.
		if r, _ := newClientWith(t, srv.URL(), true).ListExportsWithResponse(ctx); r.StatusCode() != 401 {
			t.Errorf("no key: %d", r.StatusCode())
		}
		for _, op := range operations(74780) {
			resp, body, err := op.call(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			if resp.StatusCode != 429 || retry < 3590 || retry > 3600 || !strings.Contains(string(body), "Rate limit exceeded") {
				t.Errorf("%s: got %d Retry-After %q %s", op.endpoint, resp.StatusCode, resp.Header.Get("Retry-After"), body)
			}
			if resp.Header.Get("X-RateLimit-Remaining") != "0" {
				t.Errorf("%s: remaining %q on 429", op.endpoint, resp.Header.Get("X-RateLimit-Remaining"))
			}
		}
	})
	t.Run("window ends", func(t *testing.T) {
		t.Parallel()
		srv := webadmittest.NewTest(t, webadmittest.WithRateLimit(1, 150*time.Millisecond))
		c := newClient(t, srv)
		ctx := context.Background()
		codes := func() int {
			r, err := c.ListExportsWithResponse(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode()
		}
		if a, b := codes(), codes(); a != 200 || b != 429 {
			t.Fatalf("first two calls: %d %d", a, b)
		}
		time.Sleep(200 * time.Millisecond)
		if got := codes(); got != 200 {
			t.Errorf("after the window: %d", got)
		}
	})
}

// TestRequestValidation: a request the spec refuses gets what the spec
// declares: the legacy 404 for a malformed path parameter (no resource has
// that path), the operation's 422 for a body or query that does not match.
// Callbacks off loopback are accepted (the docs' examples use them) and
// recorded, never sent. Every answer is checked against the spec.
func TestRequestValidation(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t)
	hc := httpClient(t)
	post := "/api/v1/user_identities/42/exports/29897/export_files"
	designation := "/api/v1/user_identities/42/programs/42023191739237/applicants_by_cas_id/"
	tests := []struct {
		name, method, path, contentType, body string
		wantStatus                            int
		wantInMessage                         string
	}{
		{"non-numeric identity", "GET", "/api/v1/user_identities/abc/exports", "", "", 404, "Not Found"},
		{"non-numeric run", "GET", "/api/v1/exports/29897/export_files/x", "", "", 404, "Not Found"},
		{"non-numeric identity, with a body", "POST", "/api/v1/user_identities/abc/exports/29897/export_files", "application/json", `{}`, 404, "Not Found"},
		{"CAS ID not digits, GET", "GET", designation + "x1/designation", "", "", 404, "Not Found"},
		{"CAS ID not digits, PATCH", "PATCH", designation + "x1/designation", "application/json", `{"designation": {"decision_id": 43}}`, 404, "Not Found"},
		{"callback of the wrong type", "POST", post, "application/json", `{"callback": 5}`, 422, "callback"},
		{"body that is not JSON", "POST", post, "application/json", `{"callback": `, 422, "body"},
		{"body of another media type", "POST", post, "text/plain", `callback`, 422, "Content-Type"},
		{"callback that is not http", "POST", post + "?callback=ftp://127.0.0.1/cb", "", "", 422, "not an absolute http"},
		{"callback without a host", "POST", post, "application/json", `{"callback": "http:///cb"}`, 422, "not an absolute http"},
		{"the docs' callback, off loopback (body)", "POST", post, "application/json", `{"callback": "http://someurl.com/your_callback.cgi"}`, 201, ""},
		{"callback off loopback (query)", "POST", post + "?callback=http://10.0.0.1/cb", "", "", 201, ""},
		{"no body at all", "POST", post, "", "", 201, ""},
		{"empty JSON object", "POST", post, "application/json", `{}`, 201, ""},
		{"no applicants", "PUT", "/api/v1/user_identities/42/applicant_details", "application/json", `{"applicants": []}`, 422, "applicants"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL()+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("x-api-key", srv.APIKey())
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			var answer struct {
				Message string              `json:"message"`
				Errors  map[string][]string `json:"errors"`
			}
			_ = json.Unmarshal(body, &answer)
			msg := answer.Message
			if len(answer.Errors["schema"]) > 0 {
				msg = answer.Errors["schema"][0]
			}
			if resp.StatusCode != tt.wantStatus || !strings.Contains(msg, tt.wantInMessage) {
				t.Errorf("got %d %s, want %d containing %q", resp.StatusCode, body, tt.wantStatus, tt.wantInMessage)
			}
			if err := validateResponse(req, resp.StatusCode, resp.Header, body); err != nil {
				t.Errorf("the answer does not match the spec: %v", err)
			}
		})
	}
}
