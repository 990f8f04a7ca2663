package s3test_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// exchange is one request to the store and what it answered.
type exchange struct {
	url             string // the pre-signed URL: a credential, never printed
	rangeHeader     string
	ifMatch         string
	status          int
	etag            string
	contentEncoding string
	errorBody       string // the body of a 4xx, read whole
}

// String describes x without its URL's query, a credential.
func (x exchange) String() string {
	path, _, _ := strings.Cut(x.url, "?")
	return fmt.Sprintf("{GET %s Range %q If-Match %s: %d ETag %s Content-Encoding %q %s}",
		path, x.rangeHeader, x.ifMatch, x.status, x.etag, x.contentEncoding, x.errorBody)
}

// storeTransport sits under the wrapper's download client: it records
// every request and answer, cuts answers short, and can hold a request
// until its URL has expired, so that SeaweedFS itself refuses it.
type storeTransport struct {
	t    *testing.T
	base *http.Transport

	mu        sync.Mutex
	exchanges []exchange
	// cutAfter cuts the body of the nth successful answer (from 1) after
	// that many bytes; answers not listed are whole.
	cutAfter map[int]int64
	// holdUntilExpired holds the nth request (from 1) until its URL's
	// X-Amz-Date + X-Amz-Expires has passed.
	holdUntilExpired map[int]bool
	// afterCut runs once a cut body has been read to the cut.
	afterCut func()
	ok       int // successful answers so far
}

func newStoreTransport(t *testing.T) *storeTransport {
	tr := &storeTransport{t: t, base: &http.Transport{DisableCompression: true}, cutAfter: map[int]int64{}, holdUntilExpired: map[int]bool{}}
	t.Cleanup(tr.base.CloseIdleConnections)
	return tr
}

// client is the download client to give wrapper.WithDownloadHTTPClient.
func (s *storeTransport) client() *http.Client {
	return &http.Client{Transport: s, Timeout: time.Minute}
}

func (s *storeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	n := len(s.exchanges) + 1
	hold := s.holdUntilExpired[n]
	s.exchanges = append(s.exchanges, exchange{url: req.URL.String(), rangeHeader: req.Header.Get("Range"), ifMatch: req.Header.Get("If-Match")})
	s.mu.Unlock()
	if hold {
		if err := sleepUntilExpired(req); err != nil {
			return nil, err
		}
	}
	resp, err := s.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x := &s.exchanges[n-1]
	x.status, x.etag, x.contentEncoding = resp.StatusCode, resp.Header.Get("ETag"), resp.Header.Get("Content-Encoding")
	switch {
	case resp.StatusCode >= 400:
		body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		if err != nil {
			return nil, err
		}
		x.errorBody = string(body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
	case resp.StatusCode < 300:
		s.ok++
		if at, ok := s.cutAfter[s.ok]; ok {
			resp.Body = &cutBody{rc: resp.Body, left: at, after: s.afterCut}
		}
	}
	return resp, nil
}

// CloseIdleConnections lets the wrapper close the base transport's.
func (s *storeTransport) CloseIdleConnections() { s.base.CloseIdleConnections() }

func (s *storeTransport) log() []exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]exchange(nil), s.exchanges...)
}

// sleepUntilExpired waits until a SigV4 pre-signed URL has expired, and a
// little more: S3 compares whole seconds.
func sleepUntilExpired(req *http.Request) error {
	q := req.URL.Query()
	signed, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil {
		return errors.New("storeTransport: the URL has no X-Amz-Date")
	}
	secs, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil {
		return errors.New("storeTransport: the URL has no X-Amz-Expires")
	}
	wait := time.Until(signed.Add(time.Duration(secs)*time.Second)) + 1100*time.Millisecond
	select {
	case <-time.After(wait):
		return nil
	case <-req.Context().Done():
		return req.Context().Err()
	}
}

// errCut is what a cut body returns: what reading a connection that the
// peer reset mid-body returns.
var errCut error = &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}

// cutBody ends with errCut after left bytes, then runs after once.
type cutBody struct {
	rc    io.ReadCloser
	left  int64
	after func()
	done  bool
}

func (b *cutBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		if !b.done && b.after != nil {
			b.done = true
			b.after()
		}
		return 0, errCut
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *cutBody) Close() error { return b.rc.Close() }
