package transfer

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/webadmit-go/webadmit/internal/secureurl"
	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
)

// ErrRedirectRefused: a redirect the client would not follow (to plain
// http off loopback, another scheme, a Location that does not parse, too
// many). Retrying cannot help.
var ErrRedirectRefused = errors.New("redirect refused")

// apiKeyHeader carries the API key; it never goes to the object store.
const apiKeyHeader = "x-api-key"

// MaxConnections bounds the connections of one file's parallel download.
const MaxConnections = 64

// NewStoreClient copies hc (nil: a client whose transport gives up on an
// answer's headers after a minute, keeps up to MaxConnections idle
// connections to the store for the parts of a download, and has no overall
// timeout) for the object store: it never sends x-api-key or a Referer,
// follows redirects only to https (http on loopback), and asks for objects
// as stored.
func NewStoreClient(hc *http.Client, userAgent string) *http.Client {
	var cp http.Client
	if hc != nil {
		cp = *hc
	} else {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = time.Minute
		t.MaxIdleConnsPerHost = MaxConnections
		cp.Transport = t
	}
	base := cp.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cp.Transport = &storeTransport{base: base, ua: userAgent}
	userCheck := cp.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		req.Header.Del(apiKeyHeader)
		req.Header.Del("Referer") // the pre-signed URL redirected from
		if err := secureurl.Check(req.URL); err != nil {
			return fmt.Errorf("%w: %w", ErrRedirectRefused, err)
		}
		if userCheck != nil {
			return userCheck(req, via)
		}
		if len(via) >= 10 {
			return fmt.Errorf("%w: stopped after 10 redirects", ErrRedirectRefused)
		}
		return nil
	}
	return &cp
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
	if err := CheckLocation(resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// CloseIdleConnections reaches the base transport, which http.Client's own
// CloseIdleConnections cannot see through this one.
func (t *storeTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// CheckLocation refuses a redirect whose Location does not parse: Go's
// client would fail on it with an error quoting the whole Location, a
// pre-signed URL's signature included. The error is redacted and final.
func CheckLocation(resp *http.Response) error {
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
	if i := strings.IndexAny(loc, "?#"); i >= 0 { // relative or not, the query goes
		loc = loc[:i] + "?" + redact.Redacted
	}
	return fmt.Errorf("%w: the %s answer's Location header is not a URL: %s", ErrRedirectRefused, redact.Snippet([]byte(resp.Status), 80), redact.Text(loc))
}
