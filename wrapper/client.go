package wrapper

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/wrapper/internal/ratelimit"
	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
	"github.com/webadmit-go/webadmit/wrapper/internal/transfer"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// apiKeyHeader carries the key. It goes to the API host only.
const apiKeyHeader = "x-api-key"

// userAgent is the package's own product token.
const userAgent = "webadmit-go"

// Client runs WebAdMIT's long jobs (exports, PDF Manager batches, v2
// batches) through handles that poll, wait with backoff and download at
// once, and maps every error answer to a typed error. It is safe for
// concurrent use. API returns the generated client for every other
// operation.
type Client struct {
	base   *url.URL
	key    string
	raw    *generated.Client
	api    *generated.ClientWithResponses
	hc     *http.Client // API calls
	dl     *http.Client // object-store downloads
	log    *slog.Logger
	poll   PollPolicy
	budget *ratelimit.Budget
	clock  wait.Clock
	hub    *wait.Hub // waiters of jobs, woken by callbacks

	unknownSeen  sync.Map     // unknownKey -> struct{}: unknown statuses already logged
	unknownCount atomic.Int32 // entries in unknownSeen, at most maxUnknownLogged
	mismatchSeen sync.Map     // export id pairs already logged
}

// New returns a Client that authenticates with apiKey. It makes no call.
func New(apiKey string, opts ...Option) (*Client, error) {
	c, err := newClient(apiKey, opts)
	return c, prefixed(err)
}

func newClient(apiKey string, opts []Option) (*Client, error) {
	key := strings.TrimSpace(apiKey)
	if key == "" {
		return nil, errors.New("empty API key: the key of a user with API access is needed (WebAdMIT > My Profile > API Key)")
	}
	for _, r := range key {
		if r < 0x21 || r > 0x7e {
			return nil, errors.New("the API key contains spaces or characters outside printable ASCII")
		}
	}
	cfg := config{baseURL: DefaultBaseURL, poll: DefaultPollPolicy()}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	base, err := parseBaseURL(cfg.baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:   base,
		key:    key,
		log:    cfg.logger,
		poll:   cfg.poll,
		budget: cfg.budget,
		clock:  cfg.clock,
		hub:    wait.NewHub(),
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.clock == nil {
		c.clock = wait.System
	}
	if c.budget == nil {
		c.budget = ratelimit.ForKey(key)
	}
	ua := userAgent
	if cfg.userAgent != "" {
		ua = cfg.userAgent + " " + userAgent
	}
	c.hc = c.newAPIHTTPClient(cfg.httpClient, ua)
	c.dl = transfer.NewStoreClient(cfg.downloadClient, ua)
	raw, err := generated.NewClient(base.String(), generated.WithHTTPClient(redactingDoer{c.hc}))
	if err != nil {
		return nil, err
	}
	c.raw = raw
	c.api = &generated.ClientWithResponses{ClientInterface: raw}
	return c, nil
}

// API returns the generated client, configured like c (the key for the API
// host only, user agent, rate budget, bounded bodies, redacted errors), for
// the operations the wrapper does not cover; map its answers to errors with
// Client.CheckResponse. It follows redirects on the API host with the key
// and to other hosts without it; under a context from WithoutRedirects it
// returns them instead (the PDF Manager zip download answers one, whose
// Location is a pre-signed URL to fetch without the key). Its request doer
// (the Client field of the underlying *generated.Client) sends any request
// to the API the same way.
func (c *Client) API() generated.ClientWithResponsesInterface { return c.api }

// CloseIdleConnections closes the idle connections of both HTTP clients.
func (c *Client) CloseIdleConnections() {
	c.hc.CloseIdleConnections()
	c.dl.CloseIdleConnections()
}

// parseBaseURL accepts https URLs, and http only to a loopback host.
func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("base URL %q is not an absolute URL such as %s", redact.URL(raw), DefaultBaseURL)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %s must have no user info, query or fragment", redact.ParsedURL(u))
	}
	if err := transfer.CheckScheme(u); err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// noRedirectsKey marks a context under which the API client returns
// redirects instead of following them.
type noRedirectsKey struct{}

// WithoutRedirects returns a context under which calls through Client.API
// (and its request doer) return a redirect's answer instead of following
// it: to read the Location of the PDF Manager zip download, or of any
// redirect, without the API client going there.
func WithoutRedirects(ctx context.Context) context.Context {
	return context.WithValue(ctx, noRedirectsKey{}, true)
}

// sameOrigin reports whether u is on the API's scheme, host and port.
func (c *Client) sameOrigin(u *url.URL) bool {
	return u != nil && strings.EqualFold(u.Scheme, c.base.Scheme) && strings.EqualFold(u.Host, c.base.Host)
}

// newAPIHTTPClient copies hc (or makes a default), wrapping its transport and
// redirect policy.
func (c *Client) newAPIHTTPClient(hc *http.Client, ua string) *http.Client {
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
	cp.Transport = &apiTransport{c: c, base: base, ua: ua}
	userCheck := cp.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		req.Header.Del("Referer") // the URL redirected from
		if v, _ := req.Context().Value(noRedirectsKey{}).(bool); v {
			return http.ErrUseLastResponse
		}
		if !c.sameOrigin(req.URL) {
			req.Header.Del(apiKeyHeader)
		}
		if err := transfer.CheckScheme(req.URL); err != nil { // no answer over plain http
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
