package webadmittest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// faultResult is what one getExportFile call under a fault produced.
type faultResult struct {
	resp    *generated.GetExportFileResponse
	err     error
	elapsed time.Duration
	url     string // the download URL, if any
}

func TestAPIFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault webadmittest.Fault
		check func(t *testing.T, srv *webadmittest.Server, r faultResult)
	}{
		{"cut connection", webadmittest.Fault{Kind: webadmittest.FaultCutConnection, Bytes: 10}, func(t *testing.T, _ *webadmittest.Server, r faultResult) {
			if r.err == nil || !errors.Is(r.err, io.ErrUnexpectedEOF) {
				t.Errorf("err = %v, want an unexpected EOF", r.err)
			}
		}},
		{"delay", webadmittest.Fault{Kind: webadmittest.FaultDelay, Delay: 150 * time.Millisecond}, func(t *testing.T, _ *webadmittest.Server, r faultResult) {
			if r.err != nil || r.resp.JSON200 == nil || r.elapsed < 150*time.Millisecond {
				t.Errorf("err %v, status %d after %v", r.err, r.resp.StatusCode(), r.elapsed)
			}
			if err := validateResponse(r.resp.HTTPResponse.Request, r.resp.StatusCode(), r.resp.HTTPResponse.Header, r.resp.Body); err != nil {
				t.Errorf("a delayed answer must still match the spec: %v", err)
			}
		}},
		{"HTML 500", webadmittest.Fault{Kind: webadmittest.FaultHTMLError, StatusCode: 500}, htmlCheck(500)},
		{"HTML 502", webadmittest.Fault{Kind: webadmittest.FaultHTMLError, StatusCode: 502}, htmlCheck(502)},
		{"HTML 503", webadmittest.Fault{Kind: webadmittest.FaultHTMLError, StatusCode: 503}, htmlCheck(503)},
		{"HTML default 502", webadmittest.Fault{Kind: webadmittest.FaultHTMLError}, htmlCheck(502)},
		{"malformed JSON", webadmittest.Fault{Kind: webadmittest.FaultMalformedJSON}, func(t *testing.T, _ *webadmittest.Server, r faultResult) {
			var syn *json.SyntaxError
			if !errors.As(r.err, &syn) {
				t.Errorf("err = %v, want a JSON syntax error", r.err)
			}
		}},
		{"truncated JSON", webadmittest.Fault{Kind: webadmittest.FaultTruncatedJSON}, func(t *testing.T, _ *webadmittest.Server, r faultResult) {
			if r.err == nil || !strings.Contains(r.err.Error(), "unexpected end of JSON") {
				t.Errorf("err = %v, want unexpected end of JSON", r.err)
			}
		}},
		{"extra fields", webadmittest.Fault{Kind: webadmittest.FaultExtraFields}, func(t *testing.T, _ *webadmittest.Server, r faultResult) {
			if r.err != nil || r.resp.JSON200 == nil || r.resp.JSON200.ExportFiles.Status != generated.ExportFileStatusAvailable {
				t.Fatalf("err %v body %s", r.err, r.resp.Body)
			}
			if strings.Count(string(r.resp.Body), "sandbox_added_field") != 2 {
				t.Errorf("want an unknown field at both levels: %s", r.resp.Body)
			}
			if err := validateResponse(r.resp.HTTPResponse.Request, 200, r.resp.HTTPResponse.Header, r.resp.Body); err != nil {
				t.Errorf("unknown fields are allowed by the spec: %v", err)
			}
		}},
		{"unknown status", webadmittest.Fault{Kind: webadmittest.FaultUnknownStatus}, unknownStatusCheck(webadmittest.DefaultUnknownStatus)},
		{"unknown status, chosen", webadmittest.Fault{Kind: webadmittest.FaultUnknownStatus, Status: "Processing"}, unknownStatusCheck("Processing")},
		{"rate limited", webadmittest.Fault{Kind: webadmittest.FaultRateLimited, RetryAfter: 1500 * time.Millisecond}, rateLimitedCheck("2")},
		{"rate limited, default Retry-After", webadmittest.Fault{Kind: webadmittest.FaultRateLimited}, rateLimitedCheck("1")},
		{"expire URL", webadmittest.Fault{Kind: webadmittest.FaultExpireURL}, func(t *testing.T, _ *webadmittest.Server, r faultResult) {
			if r.err != nil || r.url == "" {
				t.Fatalf("err %v, no URL", r.err)
			}
			resp, body := get(t, httpClient(t), "GET", r.url)
			if resp.StatusCode != 403 || parseS3Error(t, body).Message != "Request has expired" {
				t.Errorf("URL issued expired answered %d %s", resp.StatusCode, body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := webadmittest.NewTest(t, webadmittest.WithExports(tinyExport(1, "a,b\n")))
			run := startRun(t, newClient(t, srv), 42, 1)
			f := tt.fault
			f.Endpoint, f.Attempt = webadmittest.EndpointGetExportFile, 1
			srv.AddFault(f)
			c := rawClient(t, srv)
			start := time.Now()
			resp, err := c.GetExportFileWithResponse(context.Background(), 1, run)
			r := faultResult{resp: resp, err: err, elapsed: time.Since(start)}
			if err == nil && resp.JSON200 != nil && resp.JSON200.ExportFiles.DownloadUrl != nil {
				r.url = *resp.JSON200.ExportFiles.DownloadUrl
			}
			tt.check(t, srv, r)

			// The fault was for attempt 1 only: the next call is clean.
			if ef := waitFile(t, newClient(t, srv), 1, run); ef.DownloadUrl == nil {
				t.Errorf("second call: %+v", ef)
			}
			if got := srv.Recorder().Calls(webadmittest.EndpointGetExportFile); got != 2 {
				t.Errorf("recorded %d getExportFile calls, want 2", got)
			}
		})
	}
}

func htmlCheck(code int) func(*testing.T, *webadmittest.Server, faultResult) {
	return func(t *testing.T, _ *webadmittest.Server, r faultResult) {
		if r.err != nil {
			t.Fatal(r.err)
		}
		if r.resp.StatusCode() != code || r.resp.JSON200 != nil ||
			!strings.HasPrefix(r.resp.HTTPResponse.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(string(r.resp.Body), "<h1>"+itoa(code)+" "+http.StatusText(code)+"</h1>") {
			t.Errorf("got %d %q %s", r.resp.StatusCode(), r.resp.HTTPResponse.Header.Get("Content-Type"), r.resp.Body)
		}
	}
}

func rateLimitedCheck(retryAfter string) func(*testing.T, *webadmittest.Server, faultResult) {
	return func(t *testing.T, _ *webadmittest.Server, r faultResult) {
		if r.err != nil {
			t.Fatal(r.err)
		}
		h := r.resp.HTTPResponse.Header
		if r.resp.StatusCode() != http.StatusTooManyRequests || h.Get("Retry-After") != retryAfter ||
			h.Get("X-RateLimit-Remaining") != "0" || h.Get("X-RateLimit-Limit") != itoa(webadmittest.DefaultRateLimit) {
			t.Errorf("got %d, Retry-After %q, headers %v", r.resp.StatusCode(), h.Get("Retry-After"), h)
		}
		if r.resp.JSON429 == nil || r.resp.JSON429.Message != "Rate limit exceeded" {
			t.Errorf("body %s", r.resp.Body)
		}
		if err := validateResponse(r.resp.HTTPResponse.Request, 429, h, r.resp.Body); err != nil {
			t.Errorf("an injected 429 must match the spec: %v", err)
		}
	}
}

func unknownStatusCheck(want generated.ExportFileStatus) func(*testing.T, *webadmittest.Server, faultResult) {
	return func(t *testing.T, _ *webadmittest.Server, r faultResult) {
		if r.err != nil || r.resp.JSON200 == nil {
			t.Fatalf("err %v", r.err)
		}
		got := r.resp.JSON200.ExportFiles.Status
		if got != want || got.Valid() {
			t.Errorf("status %q (valid %v), want unknown %q", got, got.Valid(), want)
		}
		if err := validateResponse(r.resp.HTTPResponse.Request, 200, r.resp.HTTPResponse.Header, r.resp.Body); err == nil {
			t.Errorf("a status outside the enum should fail spec validation")
		}
	}
}

func TestFaultAttempts(t *testing.T) {
	t.Parallel()
	html := func(attempt int) webadmittest.Fault {
		return webadmittest.Fault{Endpoint: webadmittest.EndpointListExports, Attempt: attempt, Kind: webadmittest.FaultHTMLError}
	}
	tests := []struct {
		name   string
		before int // clean calls made before the fault is added
		faults []webadmittest.Fault
		want   []int
	}{
		{"first attempt", 0, []webadmittest.Fault{html(1)}, []int{502, 200, 200}},
		{"second attempt", 0, []webadmittest.Fault{html(2)}, []int{200, 502, 200}},
		{"every attempt", 0, []webadmittest.Fault{html(0)}, []int{502, 502, 502}},
		{"counted from when it is added", 2, []webadmittest.Fault{html(1)}, []int{502, 200}},
		{"two attempts", 0, []webadmittest.Fault{html(1), html(3)}, []int{502, 200, 502, 200}},
		{"other endpoint untouched", 0, []webadmittest.Fault{{Endpoint: webadmittest.EndpointListUserIdentities, Kind: webadmittest.FaultHTMLError}}, []int{200, 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := webadmittest.NewTest(t)
			c := rawClient(t, srv)
			call := func() int {
				r, err := c.ListExportsWithResponse(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				return r.StatusCode()
			}
			for range tt.before {
				if code := call(); code != 200 {
					t.Fatalf("clean call: %d", code)
				}
			}
			for _, f := range tt.faults {
				srv.AddFault(f)
			}
			var got []int
			for range tt.want {
				got = append(got, call())
			}
			if !equalInts(got, tt.want) {
				t.Errorf("statuses %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("clear", func(t *testing.T) {
		t.Parallel()
		srv := webadmittest.NewTest(t, webadmittest.WithFaults(html(0)))
		c := rawClient(t, srv)
		if r, _ := c.ListExportsWithResponse(context.Background()); r.StatusCode() != 502 {
			t.Fatalf("WithFaults fault not applied: %d", r.StatusCode())
		}
		srv.ClearFaults()
		if r, _ := c.ListExportsWithResponse(context.Background()); r.StatusCode() != 200 {
			t.Errorf("after ClearFaults: %d", r.StatusCode())
		}
	})
	t.Run("every endpoint", func(t *testing.T) {
		t.Parallel()
		srv := webadmittest.NewTest(t, webadmittest.WithExports(tinyExport(29897, "x")))
		runID := startRun(t, newClient(t, srv), 42, 29897)
		c := rawClient(t, srv)
		for _, op := range operations(runID) {
			srv.AddFault(webadmittest.Fault{Endpoint: op.endpoint, Attempt: 1, Kind: webadmittest.FaultHTMLError, StatusCode: 503})
			resp, _, err := op.call(context.Background(), c)
			if err != nil || resp.StatusCode != 503 {
				t.Errorf("%s: %v %v", op.endpoint, err, resp)
			}
		}
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestObjectFaults(t *testing.T) {
	t.Parallel()
	const size = 1000
	setup := func(t *testing.T, f webadmittest.Fault) (*webadmittest.Server, int, string, []byte) {
		srv := webadmittest.NewTest(t, webadmittest.WithExports(generatedExport(1, size)))
		run, u := readyURL(t, newClient(t, srv), 42, 1)
		f.Endpoint = webadmittest.EndpointObject
		srv.AddFault(f)
		return srv, run, u, contentOf(t, srv, 1)
	}
	t.Run("cut mid-body, then resume with Range", func(t *testing.T) {
		t.Parallel()
		srv, run, u, want := setup(t, webadmittest.Fault{Attempt: 1, Kind: webadmittest.FaultCutConnection, Bytes: 100})
		hc := httpClient(t)
		resp, err := hc.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || resp.Header.Get("Content-Length") != "1000" {
			t.Errorf("cut response announced %d, Content-Length %s", resp.StatusCode, resp.Header.Get("Content-Length"))
		}
		part, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !errors.Is(err, io.ErrUnexpectedEOF) || len(part) != 100 {
			t.Fatalf("read %d bytes, err %v; want 100 and an unexpected EOF", len(part), err)
		}
		if got := srv.Recorder().BytesServed(run); got != 100 {
			t.Errorf("recorder: %d bytes after the cut, want 100", got)
		}
		resp2, rest := get(t, hc, "GET", u, "Range", "bytes=100-")
		if resp2.StatusCode != 206 || sha(append(part, rest...)) != sha(want) {
			t.Errorf("resume: %d, %d bytes", resp2.StatusCode, len(rest))
		}
		if got := srv.Recorder().BytesServed(run); got != size {
			t.Errorf("recorder: %d bytes in all, want %d", got, size)
		}
	})
	t.Run("cut before the body", func(t *testing.T) {
		t.Parallel()
		_, _, u, _ := setup(t, webadmittest.Fault{Attempt: 1, Kind: webadmittest.FaultCutConnection})
		resp, err := httpClient(t).Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !errors.Is(err, io.ErrUnexpectedEOF) || len(body) != 0 {
			t.Errorf("read %d bytes, err %v", len(body), err)
		}
	})
	t.Run("cut after the end does nothing", func(t *testing.T) {
		t.Parallel()
		_, _, u, want := setup(t, webadmittest.Fault{Attempt: 1, Kind: webadmittest.FaultCutConnection, Bytes: size})
		if resp, body := get(t, httpClient(t), "GET", u); resp.StatusCode != 200 || sha(body) != sha(want) {
			t.Errorf("%d, %d bytes", resp.StatusCode, len(body))
		}
	})
	t.Run("cut a ranged request", func(t *testing.T) {
		t.Parallel()
		_, _, u, want := setup(t, webadmittest.Fault{Attempt: 1, Kind: webadmittest.FaultCutConnection, Bytes: 50})
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("Range", "bytes=500-")
		resp, err := httpClient(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 206 || !errors.Is(err, io.ErrUnexpectedEOF) || string(body) != string(want[500:550]) {
			t.Errorf("%d, %d bytes, %v", resp.StatusCode, len(body), err)
		}
	})
	t.Run("delay", func(t *testing.T) {
		t.Parallel()
		_, _, u, want := setup(t, webadmittest.Fault{Attempt: 1, Kind: webadmittest.FaultDelay, Delay: 100 * time.Millisecond})
		start := time.Now()
		resp, body := get(t, httpClient(t), "GET", u)
		if resp.StatusCode != 200 || sha(body) != sha(want) || time.Since(start) < 100*time.Millisecond {
			t.Errorf("%d after %v", resp.StatusCode, time.Since(start))
		}
	})
	t.Run("HTML 503", func(t *testing.T) {
		t.Parallel()
		_, _, u, _ := setup(t, webadmittest.Fault{Attempt: 1, Kind: webadmittest.FaultHTMLError, StatusCode: 503})
		resp, body := get(t, httpClient(t), "GET", u)
		if resp.StatusCode != 503 || !strings.Contains(string(body), "<html>") {
			t.Errorf("%d %s", resp.StatusCode, body)
		}
	})
	t.Run("expire URL", func(t *testing.T) {
		t.Parallel()
		_, _, u, want := setup(t, webadmittest.Fault{Attempt: 1, Kind: webadmittest.FaultExpireURL})
		hc := httpClient(t)
		resp, body := get(t, hc, "GET", u)
		if resp.StatusCode != 403 || parseS3Error(t, body).Message != "Request has expired" {
			t.Errorf("%d %s", resp.StatusCode, body)
		}
		if resp, body := get(t, hc, "GET", u); resp.StatusCode != 200 || sha(body) != sha(want) {
			t.Errorf("second attempt: %d", resp.StatusCode)
		}
	})
}

// TestHostileStoreFaults: the store faults of a misbehaving S3 or proxy,
// seen with a plain HTTP client (no content decoding).
func TestHostileStoreFaults(t *testing.T) {
	t.Parallel()
	const size = 1000
	setup := func(t *testing.T, faults ...webadmittest.Fault) (string, []byte, *http.Client) {
		srv := webadmittest.NewTest(t, webadmittest.WithExports(generatedExport(1, size)))
		_, u := readyURL(t, newClient(t, srv), 42, 1)
		for _, f := range faults {
			f.Endpoint = webadmittest.EndpointObject
			srv.AddFault(f)
		}
		return u, contentOf(t, srv, 1), &http.Client{Transport: &http.Transport{DisableCompression: true}}
	}
	t.Run("no Content-Length, cut: a clean end", func(t *testing.T) {
		t.Parallel()
		u, want, hc := setup(t, webadmittest.Fault{Attempt: 1, Kind: webadmittest.FaultNoContentLength},
			webadmittest.Fault{Attempt: 1, Kind: webadmittest.FaultCutConnection, Bytes: 300})
		resp, body := get(t, hc, "GET", u)
		if resp.StatusCode != 200 || resp.ContentLength != -1 || len(resp.TransferEncoding) != 0 || string(body) != string(want[:300]) {
			t.Errorf("%d, length %d, TE %v, %d bytes", resp.StatusCode, resp.ContentLength, resp.TransferEncoding, len(body))
		}
	})
	t.Run("no Content-Length on a range: no total", func(t *testing.T) {
		t.Parallel()
		u, want, hc := setup(t, webadmittest.Fault{Attempt: 1, Kind: webadmittest.FaultNoContentLength})
		resp, body := get(t, hc, "GET", u, "Range", "bytes=100-")
		if resp.StatusCode != 206 || resp.Header.Get("Content-Range") != "bytes 100-999/*" || string(body) != string(want[100:]) {
			t.Errorf("%d, Content-Range %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Range"), len(body))
		}
	})
	t.Run("ETag dropped", func(t *testing.T) {
		t.Parallel()
		u, want, hc := setup(t, webadmittest.Fault{Attempt: 1, Kind: webadmittest.FaultDropETag})
		resp, body := get(t, hc, "GET", u)
		if resp.StatusCode != 200 || resp.Header.Get("ETag") != "" || string(body) != string(want) {
			t.Errorf("%d, ETag %q", resp.StatusCode, resp.Header.Get("ETag"))
		}
	})
	t.Run("changed content ignores If-Match", func(t *testing.T) {
		t.Parallel()
		u, want, hc := setup(t, webadmittest.Fault{Attempt: 2, Kind: webadmittest.FaultChangedContent})
		first, _ := get(t, hc, "GET", u)
		resp, body := get(t, hc, "GET", u, "Range", "bytes=10-", "If-Match", first.Header.Get("ETag"))
		if resp.StatusCode != 206 || len(body) != size-10 || string(body) == string(want[10:]) || resp.Header.Get("ETag") == first.Header.Get("ETag") {
			t.Errorf("%d, %d bytes, ETag %q then %q", resp.StatusCode, len(body), first.Header.Get("ETag"), resp.Header.Get("ETag"))
		}
	})
	t.Run("Range ignored", func(t *testing.T) {
		t.Parallel()
		u, want, hc := setup(t, webadmittest.Fault{Attempt: 1, Kind: webadmittest.FaultIgnoreRange})
		resp, body := get(t, hc, "GET", u, "Range", "bytes=100-199")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Range") != "" || string(body) != string(want) {
			t.Errorf("%d, Content-Range %q, %d bytes; want the whole object", resp.StatusCode, resp.Header.Get("Content-Range"), len(body))
		}
		if resp, body := get(t, hc, "GET", u, "Range", "bytes=100-199"); resp.StatusCode != 206 || string(body) != string(want[100:200]) {
			t.Errorf("the next request: %d, %d bytes; want 206, 100 bytes", resp.StatusCode, len(body))
		}
	})
	t.Run("trickle", func(t *testing.T) {
		t.Parallel()
		u, want, hc := setup(t, webadmittest.Fault{Attempt: 1, Kind: webadmittest.FaultTrickle, Bytes: 250, Delay: 30 * time.Millisecond})
		start := time.Now()
		resp, body := get(t, hc, "GET", u)
		if resp.StatusCode != 200 || string(body) != string(want) || time.Since(start) < 90*time.Millisecond {
			t.Errorf("%d, %d bytes in %v", resp.StatusCode, len(body), time.Since(start))
		}
	})
}

// TestStoredContentEncoding: an export stored with a content coding is
// served with it, as S3 does, to Range requests too.
func TestStoredContentEncoding(t *testing.T) {
	t.Parallel()
	e := tinyExport(1, "\x1f\x8bnot really gzip, served as stored")
	e.ContentEncoding = "gzip"
	srv := webadmittest.NewTest(t, webadmittest.WithExports(e))
	_, u := readyURL(t, newClient(t, srv), 42, 1)
	hc := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, rg := range []string{"", "bytes=5-"} {
		var resp *http.Response
		var body []byte
		if rg == "" {
			resp, body = get(t, hc, "GET", u)
		} else {
			resp, body = get(t, hc, "GET", u, "Range", rg)
		}
		if resp.Header.Get("Content-Encoding") != "gzip" || !strings.HasSuffix(string(e.Content), string(body)) || len(body) == 0 {
			t.Errorf("Range %q: Content-Encoding %q, body %q", rg, resp.Header.Get("Content-Encoding"), body)
		}
	}
}

// TestRemainingZeroFault: an otherwise normal answer says no call is left.
func TestRemainingZeroFault(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t, webadmittest.WithFaults(webadmittest.Fault{Endpoint: webadmittest.EndpointListExports, Attempt: 1, Kind: webadmittest.FaultRemainingZero}))
	r, err := newClient(t, srv).ListExportsWithResponse(context.Background())
	if err != nil || r.JSON200 == nil || r.HTTPResponse.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("err %v, status %d, remaining %q", err, r.StatusCode(), r.HTTPResponse.Header.Get("X-RateLimit-Remaining"))
	}
}

func TestInvalidFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault webadmittest.Fault
	}{
		{"unknown endpoint", webadmittest.Fault{Endpoint: "deleteEverything", Kind: webadmittest.FaultDelay}},
		{"no kind", webadmittest.Fault{Endpoint: webadmittest.EndpointListExports}},
		{"negative attempt", webadmittest.Fault{Endpoint: webadmittest.EndpointListExports, Attempt: -1, Kind: webadmittest.FaultDelay}},
		{"JSON fault on the store", webadmittest.Fault{Endpoint: webadmittest.EndpointObject, Kind: webadmittest.FaultMalformedJSON}},
		{"expiry on a list", webadmittest.Fault{Endpoint: webadmittest.EndpointListExports, Kind: webadmittest.FaultExpireURL}},
		{"HTML 404", webadmittest.Fault{Endpoint: webadmittest.EndpointListExports, Kind: webadmittest.FaultHTMLError, StatusCode: 404}},
		{"429 on the store", webadmittest.Fault{Endpoint: webadmittest.EndpointObject, Kind: webadmittest.FaultRateLimited}},
		{"negative Retry-After", webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Kind: webadmittest.FaultRateLimited, RetryAfter: -time.Second}},
		{"negative bytes", webadmittest.Fault{Endpoint: webadmittest.EndpointObject, Kind: webadmittest.FaultCutConnection, Bytes: -1}},
		{"trickle on the API", webadmittest.Fault{Endpoint: webadmittest.EndpointListExports, Kind: webadmittest.FaultTrickle}},
		{"no length on the API", webadmittest.Fault{Endpoint: webadmittest.EndpointListExports, Kind: webadmittest.FaultNoContentLength}},
		{"remaining 0 on the store", webadmittest.Fault{Endpoint: webadmittest.EndpointObject, Kind: webadmittest.FaultRemainingZero}},
		{"ignore Range on the API", webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Kind: webadmittest.FaultIgnoreRange}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if srv, err := webadmittest.New(webadmittest.WithFaults(tt.fault)); err == nil {
				srv.Close()
				t.Errorf("New accepted %+v", tt.fault)
			}
			srv := webadmittest.NewTest(t)
			defer func() {
				if recover() == nil {
					t.Errorf("AddFault accepted %+v", tt.fault)
				}
			}()
			srv.AddFault(tt.fault)
		})
	}
}
