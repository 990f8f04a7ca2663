package wrapper

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/webadmit-go/webadmit/wrapper/internal/answer"
	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
	"github.com/webadmit-go/webadmit/wrapper/internal/transfer"
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
	if err := c.budget.Wait(req.Context(), c.clock, c.log); err != nil {
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
		c.log.Debug("webadmit: API call failed", "method", r.Method, "url", redact.ParsedURL(r.URL), "err", redact.Error(err).Error())
		return nil, err
	}
	now := c.clock.Now()
	c.budget.Observe(now, resp.StatusCode,
		answer.HeaderInt(resp.Header, "X-RateLimit-Limit"),
		answer.HeaderInt(resp.Header, "X-RateLimit-Remaining"),
		answer.RetryAfter(resp.Header.Get("Retry-After"), now), c.log)
	c.log.Debug("webadmit: API call", "method", r.Method, "url", redact.ParsedURL(r.URL),
		"status", resp.StatusCode, "elapsed", now.Sub(start),
		"ratelimit_remaining", answer.HeaderInt(resp.Header, "X-RateLimit-Remaining"))
	if err := transfer.CheckLocation(resp); err != nil {
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

// CloseIdleConnections reaches the base transport, which http.Client's own
// CloseIdleConnections cannot see through this wrapper.
func (t *apiTransport) CloseIdleConnections() { closeIdle(t.base) }

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

// redactingDoer is the generated clients' HTTP doer: its errors carry no
// URL query in their text (a redirect's target may hold a signature).
type redactingDoer struct{ hc *http.Client }

func (d redactingDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.hc.Do(req)
	return resp, redact.Error(err)
}
