package wrapper

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/wrapper/internal/answer"
	"github.com/webadmit-go/webadmit/wrapper/internal/apiclient"
	"github.com/webadmit-go/webadmit/wrapper/internal/ratelimit"
	"github.com/webadmit-go/webadmit/wrapper/internal/transfer"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// userAgent is the package's own product token.
const userAgent = "webadmit-go"

// Client makes handles on WebAdMIT's long jobs (export runs, PDF Manager
// batches, v2 batches) and maps error answers to typed errors; API is the
// generated client for every other call. It is safe for concurrent use.
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
	hub    *wait.Hub   // waiters of jobs, woken by callbacks
	board  *wait.Board // status lists shared by the runs of StartExports

	unknownSeen  answer.Seen // unknown statuses already logged
	mismatchSeen answer.Seen // export id pairs already logged
}

// New returns a Client that authenticates with apiKey. It makes no call.
func New(apiKey string, opts ...Option) (*Client, error) {
	c, err := newClient(apiKey, opts)
	return c, prefixed(err)
}

func newClient(apiKey string, opts []Option) (*Client, error) {
	key, err := apiclient.CheckKey(apiKey)
	if err != nil {
		return nil, err
	}
	cfg := config{baseURL: DefaultBaseURL, poll: DefaultPollPolicy()}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	base, err := apiclient.ParseBase(cfg.baseURL, DefaultBaseURL)
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
	c.board = &wait.Board{List: c.listRuns, Policy: c.poll.policy(), Clock: c.clock}
	c.unknownSeen.Max, c.mismatchSeen.Max = 64, 64
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
	c.hc = apiclient.New(cfg.httpClient, apiclient.Config{Base: base, Key: key, UserAgent: ua, Budget: c.budget, Clock: c.clock, Log: c.log})
	c.dl = transfer.NewStoreClient(cfg.downloadClient, ua)
	raw, err := generated.NewClient(base.String(), generated.WithHTTPClient(apiclient.Doer{HC: c.hc}))
	if err != nil {
		return nil, err
	}
	c.raw = raw
	c.api = &generated.ClientWithResponses{ClientInterface: raw}
	return c, nil
}

// API returns the generated client, configured like c (the key for the API
// host only, user agent, rate budget, bounded bodies, redacted errors), for
// every other operation; map its answers to errors with CheckResponse. It
// follows redirects, without the key to other hosts, or under a context
// from WithoutRedirects returns them (the zip download's pre-signed
// Location). Its request doer sends any request to the API the same way.
func (c *Client) API() generated.ClientWithResponsesInterface { return c.api }

// CloseIdleConnections closes the idle connections of both HTTP clients.
func (c *Client) CloseIdleConnections() {
	c.hc.CloseIdleConnections()
	c.dl.CloseIdleConnections()
}

// WithoutRedirects returns a context under which calls through Client.API
// (and its request doer) return a redirect's answer instead of following
// it: to read the Location of the PDF Manager zip download, or of any
// redirect, without the API client going there.
func WithoutRedirects(ctx context.Context) context.Context { return apiclient.WithoutRedirects(ctx) }
