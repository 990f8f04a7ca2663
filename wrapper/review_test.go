package wrapper

// Regression tests for the findings of the review of issue 10's fixes
// (a hostile server and a new user, played by another engineer).

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestResumeWithoutAStrongETag: a first answer with no ETag (or a weak one)
// cannot hold the store to the same object: the resume asks for the whole
// file again and checks the bytes already written, so another object is
// never spliced on (review F2).
func TestResumeWithoutAStrongETag(t *testing.T) {
	t.Parallel()
	v1 := pattern(100_000)
	v2 := bytes.Clone(v1)
	for i := 30_000; i < len(v2); i++ { // the first 30000 bytes alike
		v2[i] ^= 0x33
	}
	tests := []struct {
		name, etag string
		resumed    []byte // what the store holds when the download resumes
		wantErr    error
	}{
		{name: "no ETag, same object", resumed: v1},
		{name: "no ETag, another object", resumed: v2, wantErr: ErrChanged},
		{name: "weak ETag, another object", etag: `W/"x"`, resumed: v2, wantErr: ErrChanged},
		{name: "huge ETag, another object", etag: `"` + strings.Repeat("e", 4000) + `"`, resumed: v2, wantErr: ErrChanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeStore(v1)
			store.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
				body := v1
				if n > 1 {
					body = tt.resumed
				}
				start := rangeStart(r)
				if tt.etag != "" {
					w.Header().Set("ETag", tt.etag)
				}
				if r.Header.Get("Range") != "" {
					w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(body)-1, len(body)))
					w.Header().Set("Content-Length", strconv.Itoa(len(body)-start))
					w.WriteHeader(http.StatusPartialContent)
				} else {
					w.Header().Set("Content-Length", strconv.Itoa(len(body)))
					w.WriteHeader(http.StatusOK)
				}
				if n == 1 {
					_, _ = w.Write(body[:40_000])
					http.NewResponseController(w).Flush()
					hijackClose(w)
					return true
				}
				_, _ = w.Write(body[start:])
				return true
			}
			c, _ := setupDownload(t, store)
			var buf bytes.Buffer
			res, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(&buf))
			collect(err)
			if _, ranges, _, _ := store.stats(); len(ranges) < 2 || ranges[1] != "" {
				t.Errorf("ranges %q: a resume without a strong ETag asked for a part", ranges)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || !bytes.Equal(buf.Bytes(), v1) || res.SHA256 != sha(v1) {
				t.Fatalf("err %v, %d bytes", err, buf.Len())
			}
		})
	}
}

// TestDownloadTimeIsNotWaiting: the time spent receiving bytes does not
// spend the wait budget: a cut after it has passed is still resumed
// (review F4).
func TestDownloadTimeIsNotWaiting(t *testing.T) {
	t.Parallel()
	content := pattern(60_000)
	store := newFakeStore(content)
	store.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
		if n != 1 {
			return false
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		w.Header().Set("ETag", store.etag)
		w.WriteHeader(http.StatusOK)
		for i := 0; i < 30_000; i += 10_000 { // 30 KB over 1.5 s
			_, _ = w.Write(content[i : i+10_000])
			http.NewResponseController(w).Flush()
			time.Sleep(500 * time.Millisecond)
		}
		hijackClose(w)
		return true
	}
	c, _ := setupDownload(t, store)
	var buf bytes.Buffer
	_, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(&buf), MaxWait(time.Second))
	if err != nil || !bytes.Equal(buf.Bytes(), content) {
		t.Fatalf("err = %v, %d bytes: a download longer than the wait budget was not resumed", collect(err), buf.Len())
	}
}

// TestStoreErrorHidesTheURLsOwnSecrets: an error page that echoes the
// download URL's signature shows none of it (review F8).
func TestStoreErrorHidesTheURLsOwnSecrets(t *testing.T) {
	t.Parallel()
	const sig = "s3cr3tSIG+x" // presigned()'s Signature, decoded
	store := newFakeStore(pattern(100))
	store.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "<Error><Code>SignatureDoesNotMatch</Code><SignatureProvided>"+sig+"</SignatureProvided></Error>")
		return true
	}
	c, _ := setupDownload(t, store)
	_, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(io.Discard), DownloadAttempts(1))
	if collect(err) == nil || strings.Contains(err.Error(), sig) || strings.Contains(err.Error(), "s3cr3tSIG") {
		t.Fatalf("err = %v", err)
	}
}

// TestTransportErrorsOfAPIAreRedacted: the generated client's errors carry
// no query of the URL they name, a redirect's target included (review F5);
// a redirect to plain http off loopback or to another scheme is refused
// (review F12).
func TestTransportErrorsOfAPIAreRedacted(t *testing.T) {
	t.Parallel()
	addSecret("LEAKSIG123")
	for _, to := range []string{"ftp://127.0.0.1:1/x?X-Amz-Signature=LEAKSIG123", "http://files.example.test/x?token=LEAKSIG123"} {
		api := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, to, http.StatusFound)
		}))
		var dials atomic.Int32
		tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}
		c := newTestClient(t, api.URL, WithHTTPClient(&http.Client{Transport: tr}))
		_, err := c.API().ListUserIdentitiesWithResponse(context.Background())
		if collect(err) == nil || strings.Contains(err.Error(), "LEAKSIG123") || !strings.Contains(err.Error(), "refused") {
			t.Errorf("redirect to %s: err = %v", to, err)
		}
		if n := dials.Load(); n != 1 {
			t.Errorf("redirect to %s: %d connections, want only the API's", to, n)
		}
	}
}

// TestUnparseableRelativeLocationIsRedacted: a Location that does not
// parse, relative or scheme-relative, shows none of its query (review F6).
func TestUnparseableRelativeLocationIsRedacted(t *testing.T) {
	t.Parallel()
	addSecret("AZURESIGSECRET")
	for _, loc := range []string{"/x%zz?sv=2020&sig=AZURESIGSECRET", "//127.0.0.1:1/x%zz?AWSAccessKeyId=A&token2=AZURESIGSECRET"} {
		store := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", loc)
			w.WriteHeader(http.StatusFound)
		}))
		api := &fakeAPI{statuses: []string{"Available"}, storeURL: func() string { return presigned(store.URL) }}
		c := newTestClient(t, server(t, api).URL)
		_, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(io.Discard))
		if collect(err) == nil || strings.Contains(err.Error(), "AZURESIGSECRET") {
			t.Errorf("Location %s: err = %v", loc, err)
		}
	}
}

// TestReasonPhraseIsScrubbed: a reason phrase that echoes the key shows
// none of it (review F7).
func TestReasonPhraseIsScrubbed(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				_, _ = http.ReadRequest(bufio.NewReader(conn))
				_, _ = io.WriteString(conn, "HTTP/1.1 503 upstream said x-api-key "+testAPIKey+"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			}()
		}
	}()
	c := newTestClient(t, "http://"+l.Addr().String())
	_, err = c.ExportRun(7, 555).Poll(context.Background())
	if collect(err) == nil || keyPrefixIn(err.Error(), testAPIKey) != "" {
		t.Fatalf("err = %v", err)
	}
	r, err := c.API().ListExportsWithResponse(context.Background())
	if err != nil {
		t.Fatal(collect(err))
	}
	if err := c.CheckResponse(r.HTTPResponse, r.Body); collect(err) == nil || keyPrefixIn(err.Error(), testAPIKey) != "" {
		t.Fatalf("CheckResponse = %v", err)
	}
}

// TestDownloadsFirstStatusCallIsBoundedAndRetried: Download's status call
// ends with the wait budget (review F9) and is retried after a 429 or a
// 502 (review F10).
func TestDownloadsFirstStatusCallIsBoundedAndRetried(t *testing.T) {
	t.Parallel()
	t.Run("hanging", func(t *testing.T) {
		t.Parallel()
		api := &fakeAPI{statuses: []string{"Available"}}
		api.onGet = func(w http.ResponseWriter, call int) bool {
			time.Sleep(3 * time.Second)
			return false
		}
		c := newTestClient(t, server(t, api).URL)
		start := time.Now()
		_, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(io.Discard), MaxWait(300*time.Millisecond))
		if !errors.Is(collect(err), ErrTimeout) || time.Since(start) > 2500*time.Millisecond {
			t.Fatalf("err = %v after %v", err, time.Since(start))
		}
	})
	for _, code := range []int{http.StatusTooManyRequests, http.StatusBadGateway} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			t.Parallel()
			content := pattern(1000)
			st := server(t, newFakeStore(content))
			api := &fakeAPI{statuses: []string{"Available"}, storeURL: func() string { return presigned(st.URL) }}
			api.onGet = func(w http.ResponseWriter, call int) bool {
				if call > 1 {
					return false
				}
				w.Header().Set("Retry-After", "1")
				writeJSON(w, code, map[string]string{"message": "busy"})
				return true
			}
			c := newTestClient(t, server(t, api).URL, withClock(newFakeClock()))
			var buf bytes.Buffer
			if _, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(&buf)); err != nil || !bytes.Equal(buf.Bytes(), content) {
				t.Fatalf("err = %v, %d bytes", collect(err), buf.Len())
			}
		})
	}
}
