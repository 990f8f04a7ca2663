package webadmittest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// specRouter routes requests over the embedded spec, for response
// validation; built once, independently of the sandbox's own router.
var specRouter = sync.OnceValues(func() (routers.Router, error) {
	spec, err := generated.GetSpec()
	if err != nil {
		return nil, err
	}
	spec.Servers = nil
	return gorillamux.NewRouter(spec)
})

// validateResponse checks one API response against the spec, status
// included (a status the spec does not list is an error).
func validateResponse(req *http.Request, status int, header http.Header, body []byte) error {
	router, err := specRouter()
	if err != nil {
		return err
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		return err
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	in.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(req.Context(), in)
}

// validatingTransport checks every API response it carries against the
// spec and fails the test on a mismatch.
type validatingTransport struct {
	tb   testing.TB
	base http.RoundTripper
}

func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := v.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := validateResponse(req, resp.StatusCode, resp.Header, body); err != nil {
		v.tb.Errorf("%s %s: %d response does not match the spec: %v\nbody: %s", req.Method, req.URL.Path, resp.StatusCode, err, body)
	}
	return resp, nil
}

// httpClient returns a client with its own transport, closed when the test
// ends so no keep-alive goroutine outlives it.
func httpClient(tb testing.TB) *http.Client {
	tr := &http.Transport{Proxy: nil}
	tb.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 20 * time.Second}
}

// withKey sends the given API key.
func withKey(key string) generated.ClientOption {
	return generated.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
		req.Header.Set("x-api-key", key)
		return nil
	})
}

// newClient returns the generated client for srv, sending its key and
// validating every response against the spec.
func newClient(tb testing.TB, srv *webadmittest.Server) *generated.ClientWithResponses {
	tb.Helper()
	return newClientWith(tb, srv.URL(), true, withKey(srv.APIKey()))
}

// rawClient is newClient without response validation, for deliberately
// broken responses.
func rawClient(tb testing.TB, srv *webadmittest.Server) *generated.ClientWithResponses {
	tb.Helper()
	return newClientWith(tb, srv.URL(), false, withKey(srv.APIKey()))
}

func newClientWith(tb testing.TB, base string, validate bool, opts ...generated.ClientOption) *generated.ClientWithResponses {
	tb.Helper()
	hc := httpClient(tb)
	if validate {
		hc.Transport = &validatingTransport{tb: tb, base: hc.Transport}
	}
	c, err := generated.NewClientWithResponses(base, append([]generated.ClientOption{generated.WithHTTPClient(hc)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// startRun starts a run of the export and returns its id.
func startRun(tb testing.TB, c *generated.ClientWithResponses, identity, export int) int {
	tb.Helper()
	resp, err := c.InitiateExportFileWithResponse(context.Background(), identity, export, nil, generated.InitiateExportFileRequest{})
	if err != nil {
		tb.Fatal(err)
	}
	if resp.JSON201 == nil {
		tb.Fatalf("initiateExportFile: %d %s", resp.StatusCode(), resp.Body)
	}
	return resp.JSON201.ExportFiles.Id
}

// waitFile polls a run until it is terminal and returns its last state.
func waitFile(tb testing.TB, c *generated.ClientWithResponses, export, run int) generated.ExportFile {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := c.GetExportFileWithResponse(context.Background(), export, run)
		if err != nil {
			tb.Fatal(err)
		}
		if resp.JSON200 == nil {
			tb.Fatalf("getExportFile: %d %s", resp.StatusCode(), resp.Body)
		}
		ef := resp.JSON200.ExportFiles
		switch ef.Status {
		case generated.ExportFileStatusInitializing, generated.ExportFileStatusQueued, generated.ExportFileStatusInProgress,
			generated.ExportFileStatusInitializingSnake, generated.ExportFileStatusQueuedSnake, generated.ExportFileStatusInProgressSnake:
		default:
			return ef
		}
		if time.Now().After(deadline) {
			tb.Fatalf("run %d still %q after 10s", run, ef.Status)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// readyURL starts a run and returns its download URL once available.
func readyURL(tb testing.TB, c *generated.ClientWithResponses, identity, export int) (run int, url string) {
	tb.Helper()
	run = startRun(tb, c, identity, export)
	ef := waitFile(tb, c, export, run)
	if ef.DownloadUrl == nil {
		tb.Fatalf("run %d ended %q without a download URL", run, ef.Status)
	}
	return run, *ef.DownloadUrl
}

// get fetches url from the store with optional extra headers.
func get(tb testing.TB, hc *http.Client, method, url string, header ...string) (*http.Response, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := hc.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: reading body: %v", method, redact(url), err)
	}
	return resp, body
}

// redact drops a URL's query, which is a credential.
func redact(url string) string {
	base, _, _ := strings.Cut(url, "?")
	return base
}

// contentOf reads the exact bytes of an export.
func contentOf(tb testing.TB, srv *webadmittest.Server, export int) []byte {
	tb.Helper()
	b, err := io.ReadAll(srv.ExportContent(export))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func sha(b []byte) [32]byte { return sha256.Sum256(b) }

// tinyExport is an export of identity 42 with the given id and content that
// is ready at once.
func tinyExport(id int, content string) webadmittest.Export {
	return webadmittest.Export{ID: id, IdentityID: webadmittest.DemoIdentityID, Name: "Tiny", Content: []byte(content)}
}

// generatedExport is an export of identity 42 whose size bytes are
// generated, ready at once.
func generatedExport(id int, size int64) webadmittest.Export {
	return webadmittest.Export{ID: id, IdentityID: webadmittest.DemoIdentityID, Name: "Generated", Size: size}
}

func itoa(i int) string { return strconv.Itoa(i) }

// hasher is an io.ReaderFrom that keeps only the SHA-256 of what it reads.
type hasher struct{ h hash.Hash }

func newHasher() *hasher { return &hasher{h: sha256.New()} }

func (h *hasher) ReadFrom(r io.Reader) (int64, error) { return io.Copy(h.h, r) }

func (h *hasher) sum() string { return string(h.h.Sum(nil)) }

// fmtSscanf parses an href with a format such as ".../%d/download".
func fmtSscanf(s, format string, args ...any) (int, error) { return fmt.Sscanf(s, format, args...) }
