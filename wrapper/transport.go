package wrapper

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// maxAPIBody bounds every API response body the client reads; the API's
// answers are a few kilobytes.
const maxAPIBody = 8 << 20

// errBodyTooLarge is returned when an API body exceeds maxAPIBody.
var errBodyTooLarge = fmt.Errorf("webadmit: API response body larger than %d bytes", maxAPIBody)

// apiTransport adds the key (to the API origin only) and the user agent,
// draws each call from the rate budget, feeds the rate-limit headers back
// into it, and bounds the body.
type apiTransport struct {
	c    *Client
	base http.RoundTripper
	ua   string
}

func (t *apiTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.c
	if err := c.budget.wait(req.Context(), c.clock, c.log); err != nil {
		closeRequestBody(req)
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Header.Set("User-Agent", t.ua)
	r.Header.Del("Referer") // Go would send the URL a redirect came from
	if c.sameOrigin(r.URL) {
		r.Header.Set(apiKeyHeader, c.key)
	} else {
		r.Header.Del(apiKeyHeader)
	}
	start := c.clock.Now()
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		c.log.Debug("webadmit: API call failed", "method", r.Method, "url", redactParsedURL(r.URL), "err", redactError(err).Error())
		return nil, err
	}
	now := c.clock.Now()
	c.budget.observe(now, resp.StatusCode,
		headerInt(resp.Header, "X-RateLimit-Limit"),
		headerInt(resp.Header, "X-RateLimit-Remaining"),
		parseRetryAfter(resp.Header.Get("Retry-After"), now), c.log)
	c.log.Debug("webadmit: API call", "method", r.Method, "url", redactParsedURL(r.URL),
		"status", resp.StatusCode, "elapsed", now.Sub(start),
		"ratelimit_remaining", headerInt(resp.Header, "X-RateLimit-Remaining"))
	if err := checkLocation(resp); err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{rc: resp.Body, left: maxAPIBody}
	return resp, nil
}

func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// storeTransport is the object store's transport: it removes any x-api-key
// and Referer, sets the user agent, and asks for the object as stored
// (Accept-Encoding: identity), so that Go's transport neither asks for nor
// decodes a content coding: the bytes written are the bytes stored, whether
// or not the request has a Range.
type storeTransport struct {
	base http.RoundTripper
	ua   string
}

func (t *storeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Del(apiKeyHeader)
	r.Header.Del("Referer")
	r.Header.Set("User-Agent", t.ua)
	r.Header.Set("Accept-Encoding", "identity")
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	if err := checkLocation(resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// checkLocation refuses a redirect whose Location does not parse: Go's
// client would fail on it with an error quoting the whole Location, a
// pre-signed URL's signature included. The error is redacted and final.
func checkLocation(resp *http.Response) error {
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return nil
	}
	loc := resp.Header.Get("Location")
	if loc == "" || resp.Request == nil {
		return nil
	}
	if _, err := resp.Request.URL.Parse(loc); err == nil {
		return nil
	}
	_ = resp.Body.Close()
	return &refusedRedirect{fmt.Errorf("the %s answer's Location header is not a URL: %s", resp.Status, redactText(loc))}
}

// CloseIdleConnections reaches the base transport, which http.Client's own
// CloseIdleConnections cannot see through this wrapper.
func (t *apiTransport) CloseIdleConnections() { closeIdle(t.base) }

// CloseIdleConnections reaches the base transport.
func (t *storeTransport) CloseIdleConnections() { closeIdle(t.base) }

func closeIdle(rt http.RoundTripper) {
	if c, ok := rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// limitedBody fails with errBodyTooLarge once more than left bytes are read.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, errBodyTooLarge
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// readBody reads an API response body (bounded by the transport) and closes it.
func readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if errors.Is(err, errBodyTooLarge) {
		return nil, err
	}
	return b, err
}
