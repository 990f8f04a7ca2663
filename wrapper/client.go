package wrapper

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// apiKeyHeader carries the key. It goes to the API host only.
const apiKeyHeader = "x-api-key"

// userAgent is the package's own product token.
const userAgent = "webadmit-go"

// Client runs exports against the WebAdMIT API: it initiates runs, waits for
// them with backoff, maps every error answer to a typed error and downloads
// the file at once. It is safe for concurrent use. API returns the generated
// client for every other operation.
type Client struct {
	base   *url.URL
	key    string
	raw    *generated.Client
	zipAPI *generated.Client // like raw, but reads redirects instead of following them
	pdfHub *callbackHub      // waiters of PDF Manager batches (hub: of export runs)
	api    *generated.ClientWithResponses
	hc     *http.Client // API calls
	dl     *http.Client // object-store downloads
	log    *slog.Logger
	poll   PollPolicy
	budget *RateBudget
	clock  Clock

	hub          *callbackHub
	unknownSeen  sync.Map     // unknownKey -> struct{}: unknown statuses already logged
	unknownCount atomic.Int32 // entries in unknownSeen, at most maxUnknownLogged
	mismatchSeen sync.Map     // export id pairs already logged
}

// New returns a Client that authenticates with apiKey. It makes no call.
func New(apiKey string, opts ...Option) (*Client, error) {
	key := strings.TrimSpace(apiKey)
	if key == "" {
		return nil, errors.New("webadmit: empty API key: pass the key of a user with API access (WebAdMIT > My Profile > API Key)")
	}
	for _, r := range key {
		if r < 0x21 || r > 0x7e {
			return nil, errors.New("webadmit: the API key contains spaces or characters outside printable ASCII: check how it was copied")
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
		hub:    newCallbackHub(),
		pdfHub: newCallbackHub(),
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.clock == nil {
		c.clock = SystemClock()
	}
	if c.budget == nil {
		c.budget = budgetForKey(key)
	}
	ua := userAgent
	if cfg.userAgent != "" {
		ua = cfg.userAgent + " " + userAgent
	}
	c.hc = c.newAPIHTTPClient(cfg.httpClient, ua)
	c.dl = c.newDownloadHTTPClient(cfg.downloadClient, ua)
	raw, err := generated.NewClient(base.String(), generated.WithHTTPClient(c.hc))
	if err != nil {
		return nil, fmt.Errorf("webadmit: %w", err)
	}
	c.raw = raw
	if c.zipAPI, err = newRedirectReader(base.String(), c.hc); err != nil {
		return nil, fmt.Errorf("webadmit: %w", err)
	}
	c.api = &generated.ClientWithResponses{ClientInterface: raw}
	return c, nil
}

// API returns the generated client, configured like c (key, user agent, rate
// budget, redirect policy), for the operations the wrapper does not cover.
// Map its answers to errors with Client.CheckResponse.
func (c *Client) API() generated.ClientWithResponsesInterface { return c.api }

// BaseURL returns the API base URL in use.
func (c *Client) BaseURL() string { return c.base.String() }

// RateBudget returns the budget the client draws on.
func (c *Client) RateBudget() *RateBudget { return c.budget }

// CloseIdleConnections closes the idle connections of both HTTP clients.
func (c *Client) CloseIdleConnections() {
	c.hc.CloseIdleConnections()
	c.dl.CloseIdleConnections()
}

// parseBaseURL accepts https URLs, and http only to a loopback host.
func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("webadmit: base URL %q is not an absolute URL such as %s", redactURL(raw), DefaultBaseURL)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("webadmit: base URL %s must have no user info, query or fragment", redactParsedURL(u))
	}
	if err := checkScheme(u); err != nil {
		return nil, fmt.Errorf("webadmit: base URL: %w", err)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// checkScheme refuses anything but https, and http to a loopback host.
func checkScheme(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if isLoopbackHost(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("plain http to %s refused: the key and the files would travel unencrypted; use https", u.Hostname())
	}
	return fmt.Errorf("scheme %q refused: use https", u.Scheme)
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
		if !c.sameOrigin(req.URL) {
			req.Header.Del(apiKeyHeader)
		}
		if userCheck != nil {
			return userCheck(req, via)
		}
		if len(via) >= 10 {
			return &refusedRedirect{errors.New("stopped after 10 redirects")}
		}
		return nil
	}
	return &cp
}

// newDownloadHTTPClient copies hc (or makes a default) for the object store.
func (c *Client) newDownloadHTTPClient(hc *http.Client, ua string) *http.Client {
	var cp http.Client
	if hc != nil {
		cp = *hc
	} else {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = time.Minute
		cp.Transport = t
	}
	base := cp.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cp.Transport = &storeTransport{base: base, ua: ua}
	userCheck := cp.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		req.Header.Del(apiKeyHeader)
		req.Header.Del("Referer") // the pre-signed URL redirected from
		if err := checkScheme(req.URL); err != nil {
			return &refusedRedirect{fmt.Errorf("redirect refused: %w", err)}
		}
		if userCheck != nil {
			return userCheck(req, via)
		}
		if len(via) >= 10 {
			return &refusedRedirect{errors.New("stopped after 10 redirects")}
		}
		return nil
	}
	return &cp
}
