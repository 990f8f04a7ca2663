package webadmittest_test

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// s3ErrorBody is the XML error body of the store.
type s3ErrorBody struct {
	Code, Message, Expires, ServerTime, RangeRequested, ActualObjectSize string
}

func parseS3Error(t *testing.T, body []byte) s3ErrorBody {
	t.Helper()
	var e s3ErrorBody
	if err := xml.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body is not S3 XML: %v\n%s", err, body)
	}
	return e
}

func TestDownload(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t)
	c := newClient(t, srv)
	hc := httpClient(t)
	tests := []struct {
		export      int
		contentType string
		fileName    string
	}{
		{webadmittest.DemoExportNightlyBanner, "text/csv;charset=iso-8859-1", "Nightly-Banner-Export.csv"},
		{webadmittest.DemoExportWithWarnings, "text/csv;charset=iso-8859-1", "Applicants-With-Warnings.csv"},
		{webadmittest.DemoExportProgramReports, "application/zip", "Program-Reports.zip"},
	}
	for _, tt := range tests {
		t.Run(tt.fileName, func(t *testing.T) {
			t.Parallel()
			run, u := readyURL(t, c, 42, tt.export)
			for _, p := range []string{"AWSAccessKeyId", "Expires", "Signature", "response-content-disposition", "response-content-type"} {
				if !strings.Contains(u, p+"=") {
					t.Errorf("download URL lacks %s", p)
				}
			}
			resp, body := get(t, hc, "GET", u)
			want := contentOf(t, srv, tt.export)
			if resp.StatusCode != 200 || sha(body) != sha(want) {
				t.Fatalf("got %d, %d bytes; want 200, %d bytes", resp.StatusCode, len(body), len(want))
			}
			h := resp.Header
			if h.Get("Content-Type") != tt.contentType || h.Get("Content-Disposition") != "attachment; filename="+tt.fileName ||
				h.Get("Content-Length") != itoa(len(want)) || h.Get("Accept-Ranges") != "bytes" ||
				!strings.HasPrefix(h.Get("ETag"), `"`) || h.Get("Last-Modified") == "" {
				t.Errorf("headers %v", h)
			}
			if got := srv.Recorder().BytesServed(run); got != int64(len(want)) {
				t.Errorf("recorder: %d bytes served, want %d", got, len(want))
			}
			if srv.Recorder().ObjectBytesServed(strings.TrimPrefix(redact(u), srv.StoreURL()+"/")) != int64(len(want)) {
				t.Errorf("recorder by key disagrees")
			}
		})
	}
	t.Run("Latin-1 bytes", func(t *testing.T) {
		body := contentOf(t, srv, webadmittest.DemoExportNightlyBanner)
		if utf8.Valid(body) || !bytes.Contains(body, []byte("Jos\xe9")) || !bytes.Contains(body, []byte("Z\xfcrich")) {
			t.Errorf("the demo CSV is not ISO-8859-1: %q", body)
		}
	})
	t.Run("fresh URL on every call", func(t *testing.T) {
		t.Parallel()
		run, first := readyURL(t, c, 42, webadmittest.DemoExportWithWarnings)
		time.Sleep(2 * time.Millisecond)
		second := waitFile(t, c, webadmittest.DemoExportWithWarnings, run).DownloadUrl
		if second == nil || *second == first {
			t.Errorf("the second status call did not issue a new URL")
		}
	})
}

func TestRange(t *testing.T) {
	t.Parallel()
	const size = 1000
	srv := webadmittest.NewTest(t, webadmittest.WithExports(generatedExport(1, size)))
	c := newClient(t, srv)
	hc := httpClient(t)
	_, u := readyURL(t, c, 42, 1)
	full := contentOf(t, srv, 1)
	if len(full) != size {
		t.Fatalf("content is %d bytes", len(full))
	}
	head, _ := get(t, hc, "HEAD", u)
	etag, lastModified := head.Header.Get("ETag"), head.Header.Get("Last-Modified")

	tests := []struct {
		name         string
		header       []string
		wantStatus   int
		wantFrom     int // first byte of the body
		wantTo       int // last byte of the body
		contentRange string
	}{
		{"no range", nil, 200, 0, size - 1, ""},
		{"first ten", []string{"Range", "bytes=0-9"}, 206, 0, 9, "bytes 0-9/1000"},
		{"middle", []string{"Range", "bytes=100-199"}, 206, 100, 199, "bytes 100-199/1000"},
		{"open end", []string{"Range", "bytes=990-"}, 206, 990, 999, "bytes 990-999/1000"},
		{"suffix", []string{"Range", "bytes=-10"}, 206, 990, 999, "bytes 990-999/1000"},
		{"suffix longer than the object", []string{"Range", "bytes=-5000"}, 206, 0, 999, "bytes 0-999/1000"},
		{"end past the object", []string{"Range", "bytes=995-2000"}, 206, 995, 999, "bytes 995-999/1000"},
		{"last byte", []string{"Range", "bytes=999-999"}, 206, 999, 999, "bytes 999-999/1000"},
		{"start at the end", []string{"Range", "bytes=1000-"}, 416, 0, -1, "bytes */1000"},
		{"start past the end", []string{"Range", "bytes=5000-6000"}, 416, 0, -1, "bytes */1000"},
		{"empty suffix", []string{"Range", "bytes=-0"}, 416, 0, -1, "bytes */1000"},
		{"several ranges are ignored", []string{"Range", "bytes=0-1,5-6"}, 200, 0, size - 1, ""},
		{"other unit is ignored", []string{"Range", "items=0-1"}, 200, 0, size - 1, ""},
		{"reversed range is ignored", []string{"Range", "bytes=9-2"}, 200, 0, size - 1, ""},
		{"garbage is ignored", []string{"Range", "bytes=a-b"}, 200, 0, size - 1, ""},
		{"If-Range with the ETag", []string{"Range", "bytes=10-19", "If-Range", etag}, 206, 10, 19, "bytes 10-19/1000"},
		{"If-Range with Last-Modified", []string{"Range", "bytes=10-19", "If-Range", lastModified}, 206, 10, 19, "bytes 10-19/1000"},
		{"If-Range with another ETag", []string{"Range", "bytes=10-19", "If-Range", `"stale"`}, 200, 0, size - 1, ""},
		{"If-None-Match hit", []string{"If-None-Match", etag}, 304, 0, -1, ""},
		{"If-Match miss", []string{"If-Match", `"stale"`}, 412, 0, -1, ""},
		{"If-Match hit", []string{"If-Match", etag, "Range", "bytes=0-0"}, 206, 0, 0, "bytes 0-0/1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, hc, "GET", u, tt.header...)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tt.wantStatus, body)
			}
			if got := resp.Header.Get("Content-Range"); got != tt.contentRange {
				t.Errorf("Content-Range %q, want %q", got, tt.contentRange)
			}
			switch tt.wantStatus {
			case 200, 206:
				want := full[tt.wantFrom : tt.wantTo+1]
				if !bytes.Equal(body, want) || resp.Header.Get("Content-Length") != itoa(len(want)) {
					t.Errorf("body %d bytes (Content-Length %s), want bytes %d-%d", len(body), resp.Header.Get("Content-Length"), tt.wantFrom, tt.wantTo)
				}
			case 416:
				e := parseS3Error(t, body)
				if e.Code != "InvalidRange" || e.ActualObjectSize != "1000" || e.RangeRequested != tt.header[1] {
					t.Errorf("416 body %+v", e)
				}
			case 412:
				if e := parseS3Error(t, body); e.Code != "PreconditionFailed" {
					t.Errorf("412 body %+v", e)
				}
			}
		})
	}
	t.Run("HEAD", func(t *testing.T) {
		resp, body := get(t, hc, "HEAD", u, "Range", "bytes=10-")
		if resp.StatusCode != 206 || len(body) != 0 || resp.Header.Get("Content-Length") != "990" ||
			resp.Header.Get("Content-Range") != "bytes 10-999/1000" || resp.Header.Get("ETag") != etag {
			t.Errorf("HEAD: %d %v", resp.StatusCode, resp.Header)
		}
	})
	t.Run("ETag is stable", func(t *testing.T) {
		_, u2 := readyURL(t, c, 42, 1)
		if resp, _ := get(t, hc, "HEAD", u2); resp.Header.Get("ETag") != etag {
			t.Errorf("ETag changed between URLs of the same content")
		}
	})
}

func TestURLExpiry(t *testing.T) {
	t.Parallel()
	lifetime := 80 * time.Millisecond
	srv := webadmittest.NewTest(t, webadmittest.WithURLLifetime(lifetime), webadmittest.WithExports(tinyExport(1, "a,b\n1,2\n")))
	c := newClient(t, srv)
	hc := httpClient(t)
	run, u := readyURL(t, c, 42, 1)
	if resp, _ := get(t, hc, "GET", u); resp.StatusCode != 200 {
		t.Fatalf("fresh URL: %d", resp.StatusCode)
	}
	time.Sleep(lifetime + 40*time.Millisecond)
	for _, method := range []string{"GET", "HEAD"} {
		resp, body := get(t, hc, method, u)
		if resp.StatusCode != 403 || resp.Header.Get("Content-Type") != "application/xml" {
			t.Fatalf("%s expired URL: %d %q", method, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if method == "GET" {
			e := parseS3Error(t, body)
			if e.Code != "AccessDenied" || e.Message != "Request has expired" || e.Expires == "" || e.ServerTime == "" {
				t.Errorf("expired body %+v", e)
			}
		}
	}
	// A new status call issues a new URL that works.
	ef := waitFile(t, c, 1, run)
	if resp, body := get(t, hc, "GET", *ef.DownloadUrl); resp.StatusCode != 200 || string(body) != "a,b\n1,2\n" {
		t.Errorf("renewed URL: %d %q", resp.StatusCode, body)
	}
}

func TestSignature(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t, webadmittest.WithExports(tinyExport(1, "x"), tinyExport(2, "y")))
	c := newClient(t, srv)
	hc := httpClient(t)
	_, u := readyURL(t, c, 42, 1)
	_, other := readyURL(t, c, 42, 2)
	edit := func(f func(q url.Values)) string {
		p, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		q := p.Query()
		f(q)
		p.RawQuery = q.Encode()
		return p.String()
	}
	otherURL, _ := url.Parse(other)
	tests := []struct {
		name, url  string
		header     []string
		wantStatus int
		wantCode   string
	}{
		{"signature changed", edit(func(q url.Values) { q.Set("Signature", "AAAA"+q.Get("Signature")[4:]) }), nil, 403, "SignatureDoesNotMatch"},
		{"expiry pushed back", edit(func(q url.Values) { q.Set("Expires", "99999999999999") }), nil, 403, "SignatureDoesNotMatch"},
		{"file name changed", edit(func(q url.Values) { q.Set("response-content-disposition", "attachment; filename=x.exe") }), nil, 403, "SignatureDoesNotMatch"},
		{"signature missing", edit(func(q url.Values) { q.Del("Signature") }), nil, 403, "AccessDenied"},
		{"no query at all", redact(u), nil, 403, "AccessDenied"},
		{"unknown access key", edit(func(q url.Values) { q.Set("AWSAccessKeyId", "AKIAOTHER") }), nil, 403, "InvalidAccessKeyId"},
		{"signature of another object", edit(func(q url.Values) {
			for k, v := range otherURL.Query() {
				q[k] = v
			}
		}), nil, 403, "SignatureDoesNotMatch"},
		{"Authorization header as well", u, []string{"Authorization", "Bearer x"}, 400, "InvalidArgument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, hc, "GET", tt.url, tt.header...)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.wantStatus, body)
			}
			if e := parseS3Error(t, body); e.Code != tt.wantCode {
				t.Errorf("code %q, want %q", e.Code, tt.wantCode)
			}
		})
	}
	t.Run("method not allowed", func(t *testing.T) {
		resp, body := get(t, hc, "PUT", u)
		if resp.StatusCode != 405 || parseS3Error(t, body).Code != "MethodNotAllowed" {
			t.Errorf("PUT: %d %s", resp.StatusCode, body)
		}
	})
}

func TestLeak(t *testing.T) {
	t.Parallel()
	srv := webadmittest.NewTest(t, webadmittest.WithExports(tinyExport(1, "x")))
	c := newClient(t, srv)
	hc := httpClient(t)
	_, u := readyURL(t, c, 42, 1)
	if resp, _ := get(t, hc, "GET", u); resp.StatusCode != 200 || len(srv.Recorder().Leaks()) != 0 {
		t.Fatalf("a clean download: %d, leaks %v", resp.StatusCode, srv.Recorder().Leaks())
	}
	tests := []struct {
		name, key string
		matches   bool
	}{
		{"the API key", srv.APIKey(), true},
		{"another key", "someone-else", false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, hc, "GET", u, "x-api-key", tt.key)
			if resp.StatusCode != 200 || string(body) != "x" {
				t.Errorf("a leaking request is still served as S3 would: %d", resp.StatusCode)
			}
			leaks := srv.Recorder().Leaks()
			if len(leaks) != i+1 {
				t.Fatalf("leaks %v", leaks)
			}
			l := leaks[i]
			if l.Method != "GET" || l.Path != redact(strings.TrimPrefix(u, srv.StoreURL())) || l.MatchesAPIKey != tt.matches || l.Time.IsZero() {
				t.Errorf("leak %+v", l)
			}
			if strings.Contains(l.Path, "Signature") {
				t.Errorf("leak records the URL's query")
			}
		})
	}
	t.Run("reset", func(t *testing.T) {
		srv.Recorder().Reset()
		if len(srv.Recorder().Leaks()) != 0 || srv.Recorder().Calls(webadmittest.EndpointObject) != 0 {
			t.Errorf("Reset kept %v", srv.Recorder())
		}
	})
}

func TestLargeGeneratedDownload(t *testing.T) {
	t.Parallel()
	size := int64(32 << 20)
	if testing.Short() {
		size = 1 << 20
	}
	srv := webadmittest.NewTest(t, webadmittest.WithExports(generatedExport(1, size)))
	c := newClient(t, srv)
	hc := httpClient(t)
	run, u := readyURL(t, c, 42, 1)
	resp, err := hc.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, want := newHasher(), newHasher()
	n, err := got.ReadFrom(resp.Body)
	if err != nil || n != size {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	if _, err := want.ReadFrom(srv.ExportContent(1)); err != nil {
		t.Fatal(err)
	}
	if got.sum() != want.sum() {
		t.Errorf("download differs from ExportContent")
	}
	if srv.Recorder().BytesServed(run) != size {
		t.Errorf("recorder %d bytes, want %d", srv.Recorder().BytesServed(run), size)
	}
}
