package wrapper

import (
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strings"

	"github.com/webadmit-go/webadmit/wrapper/internal/ratelimit"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// Option configures a Client made by New.
type Option func(*config) error

type config struct {
	baseURL        string
	httpClient     *http.Client
	downloadClient *http.Client
	logger         *slog.Logger
	poll           PollPolicy
	budget         *ratelimit.Budget
	userAgent      string
	clock          wait.Clock
}

// DefaultBaseURL is the production API host.
const DefaultBaseURL = "https://api.webadmit.org"

// WithBaseURL sets the API's base URL (default DefaultBaseURL). It must be
// https, except for a loopback host (127.0.0.1, ::1, localhost) such as a
// test server.
func WithBaseURL(base string) Option {
	return func(c *config) error {
		c.baseURL = base
		return nil
	}
}

var domainLabel = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// WithDomain sets the base URL to https://DOMAIN.webadmit.org, e.g. "api"
// (production) or the prefix of another WebAdMIT environment.
func WithDomain(domain string) Option {
	return func(c *config) error {
		d := strings.TrimSpace(domain)
		if !domainLabel.MatchString(d) {
			return errors.New("domain must be one DNS label such as \"api\" (letters, digits, hyphens)")
		}
		c.baseURL = "https://" + strings.ToLower(d) + ".webadmit.org"
		return nil
	}
}

// WithHTTPClient sets the HTTP client for API calls. The client is copied,
// not changed: the copy's transport adds the key (to the API host only), the
// user agent and the rate budget, and its redirect policy strips x-api-key
// from any redirect to another host.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("WithHTTPClient: nil client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithDownloadHTTPClient sets the HTTP client for downloads from the object
// store. It is copied; the copy never sends x-api-key. Give it no overall
// Timeout: a large file takes as long as it takes (cancel with the context).
func WithDownloadHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("WithDownloadHTTPClient: nil client")
		}
		c.downloadClient = hc
		return nil
	}
}

// WithLogger sets the logger (default: silent). Nothing secret is logged:
// no key, and URLs without their query string.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("WithLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}

// WithPollPolicy sets how status calls are spaced while waiting for a run
// (default DefaultPollPolicy). Zero durations and multiplier take the
// defaults; Jitter is used as given.
func WithPollPolicy(p PollPolicy) Option {
	return func(c *config) error {
		p = p.withDefaults()
		if err := p.validate(); err != nil {
			return err
		}
		c.poll = p
		return nil
	}
}

// WithRateBudget sets the call budget the client draws on. By default every
// Client of one key in the process shares one budget of 5,000 calls an hour
// (the documented limit); pass a budget to change the limit, to share one
// across keys, or to read what the server says is left (Remaining).
func WithRateBudget(b *RateBudget) Option {
	return func(c *config) error {
		if b == nil {
			return errors.New("WithRateBudget: nil budget")
		}
		c.budget = b.b
		return nil
	}
}

// WithUserAgent puts product (e.g. "nightly-export/1.2") in front of the
// package's own User-Agent.
func WithUserAgent(product string) Option {
	return func(c *config) error {
		if strings.ContainsAny(product, "\r\n") {
			return errors.New("WithUserAgent: line break in user agent")
		}
		c.userAgent = strings.TrimSpace(product)
		return nil
	}
}

// withClock replaces the system clock, for tests that run against real
// sockets, where testing/synctest cannot: waiting, backoff and the rate
// budget then sleep on it.
func withClock(clock wait.Clock) Option {
	return func(c *config) error {
		c.clock = clock
		return nil
	}
}
