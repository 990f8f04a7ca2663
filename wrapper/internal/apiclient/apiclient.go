// Package apiclient makes the HTTP client of the WebAdMIT API: the key goes
// to the API's origin only, never across a redirect to another host; every
// call draws on the key's rate budget and feeds it what the answer says;
// bodies are bounded; redirects to plain http are refused. It knows nothing
// of the wrapper's Client.
package apiclient

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/webadmit-go/webadmit/internal/secureurl"
	"github.com/webadmit-go/webadmit/wrapper/internal/answer"
	"github.com/webadmit-go/webadmit/wrapper/internal/ratelimit"
	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
	"github.com/webadmit-go/webadmit/wrapper/internal/transfer"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// KeyHeader carries the API key.
const KeyHeader = "x-api-key"

// MaxBody bounds every API response body; the API's answers are a few
// kilobytes.
const MaxBody = 8 << 20

// Config is what the API client needs.
type Config struct {
	Base      *url.URL // the API's origin
	Key       string
	UserAgent string
	Budget    *ratelimit.Budget
	Clock     wait.Clock
	Log       *slog.Logger
}

// New copies hc (nil: a client with a two-minute timeout) into the API's
// client: its transport adds the key (to the API's origin only), the user
// agent and the rate budget; its redirect policy strips the key from a
// redirect to another host, refuses plain http, and under a context from
// WithoutRedirects returns redirects instead of following them.
func New(hc *http.Client, cfg Config) *http.Client {
	var cp http.Client
	if hc != nil {
		cp = *hc
	} else {
		cp.Timeout = 2 * time.Minute
	}
	base := cp.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cp.Transport = &transport{cfg: cfg, base: base}
	userCheck := cp.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		req.Header.Del("Referer") // the URL redirected from
		if v, _ := req.Context().Value(noRedirectsKey{}).(bool); v {
			return http.ErrUseLastResponse
		}
		if !cfg.sameOrigin(req.URL) {
			req.Header.Del(KeyHeader)
		}
		if err := secureurl.Check(req.URL); err != nil { // no answer over plain http
			return fmt.Errorf("%w: %w", transfer.ErrRedirectRefused, err)
		}
		if userCheck != nil {
			return userCheck(req, via)
		}
		if len(via) >= 10 {
			return fmt.Errorf("%w: stopped after 10 redirects", transfer.ErrRedirectRefused)
		}
		return nil
	}
	return &cp
}

// noRedirectsKey marks a context under which redirects are returned.
type noRedirectsKey struct{}

// WithoutRedirects returns a context under which the client returns a
// redirect's answer instead of following it.
func WithoutRedirects(ctx context.Context) context.Context {
	return context.WithValue(ctx, noRedirectsKey{}, true)
}

// sameOrigin reports whether u is on the API's scheme, host and port.
func (cfg Config) sameOrigin(u *url.URL) bool {
	return u != nil && strings.EqualFold(u.Scheme, cfg.Base.Scheme) && strings.EqualFold(u.Host, cfg.Base.Host)
}

// transport adds the key (to the API origin only) and the user agent,
// draws each call from the rate budget, feeds the rate-limit headers back
// into it, and bounds the body.
type transport struct {
	cfg  Config
	base http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	cfg := t.cfg
	if err := cfg.Budget.Wait(req.Context(), cfg.Clock, cfg.Log); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Header.Set("User-Agent", cfg.UserAgent)
	r.Header.Del("Referer") // Go would send the URL a redirect came from
	if cfg.sameOrigin(r.URL) {
		r.Header.Set(KeyHeader, cfg.Key)
	} else {
		r.Header.Del(KeyHeader)
	}
	start := cfg.Clock.Now()
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		cfg.Log.Debug("webadmit: API call failed", "method", r.Method, "url", redact.ParsedURL(r.URL), "err", redact.Error(err).Error())
		return nil, err
	}
	now := cfg.Clock.Now()
	remaining := answer.HeaderInt(resp.Header, "X-RateLimit-Remaining")
	cfg.Budget.Observe(now, resp.StatusCode, answer.HeaderInt(resp.Header, "X-RateLimit-Limit"), remaining,
		answer.RetryAfter(resp.Header.Get("Retry-After"), now), cfg.Log)
	cfg.Log.Debug("webadmit: API call", "method", r.Method, "url", redact.ParsedURL(r.URL),
		"status", resp.StatusCode, "elapsed", now.Sub(start), "ratelimit_remaining", remaining)
	if err := transfer.CheckLocation(resp); err != nil {
		return nil, err
	}
	resp.Body = answer.LimitBody(resp.Body, MaxBody)
	return resp, nil
}

// CloseIdleConnections reaches the base transport, which http.Client's own
// CloseIdleConnections cannot see through this one.
func (t *transport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// Doer is the generated client's request doer: its errors carry no URL
// query in their text (a redirect's target may hold a signature).
type Doer struct{ HC *http.Client }

// Do sends req.
func (d Doer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.HC.Do(req)
	return resp, redact.Error(err)
}

// ParseBase checks a base URL: absolute, https (http to loopback only), no
// user info, query or fragment. A trailing "/api/v1" or "/api/v2" (the
// paths of the API's operations, which the generated client adds) is
// dropped, as is a trailing slash.
func ParseBase(raw, example string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("base URL %q is not an absolute URL such as %s", redact.URL(raw), example)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %s must have no user info, query or fragment", redact.ParsedURL(u))
	}
	if err := secureurl.Check(u); err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	for _, api := range []string{"/api/v1", "/api/v2"} {
		u.Path = strings.TrimSuffix(u.Path, api)
	}
	u.RawPath = ""
	return u, nil
}

// CheckKey returns the API key trimmed, or why it cannot be one.
func CheckKey(key string) (string, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return "", errors.New("empty API key: the key of a user with API access is needed (WebAdMIT > My Profile > API Key)")
	}
	for _, r := range key {
		if r < 0x21 || r > 0x7e {
			return "", errors.New("the API key contains spaces or characters outside printable ASCII")
		}
	}
	return key, nil
}
