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

// set returns an Option that stores v with store, refusing nil.
func set[T any](name, what string, v *T, store func(*config, *T)) Option {
	return func(c *config) error {
		if v == nil {
			return errors.New(name + ": nil " + what)
		}
		store(c, v)
		return nil
	}
}

// WithHTTPClient sets the HTTP client for API calls. It is copied: the copy
// adds the key (to the API host only), the user agent and the rate budget,
// and strips the key from any redirect to another host.
func WithHTTPClient(hc *http.Client) Option {
	return set("WithHTTPClient", "client", hc, func(c *config, hc *http.Client) { c.httpClient = hc })
}

// WithDownloadHTTPClient sets the HTTP client for downloads from the object
// store. It is copied; the copy never sends the key. Give it no overall
// Timeout: a large file takes as long as it takes.
func WithDownloadHTTPClient(hc *http.Client) Option {
	return set("WithDownloadHTTPClient", "client", hc, func(c *config, hc *http.Client) { c.downloadClient = hc })
}

// WithLogger sets the logger (default: silent). Nothing secret is logged:
// no key, and URLs without their query string.
func WithLogger(l *slog.Logger) Option {
	return set("WithLogger", "logger", l, func(c *config, l *slog.Logger) { c.logger = l })
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
// Client of one key in the process shares one of 5,000 calls an hour; pass
// one to change the limit, to share it across keys, or to read what the
// server says is left.
func WithRateBudget(b *RateBudget) Option {
	return set("WithRateBudget", "budget", b, func(c *config, b *RateBudget) { c.budget = b.b })
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

// withClock replaces the system clock, for tests against real sockets
// (where testing/synctest cannot run).
func withClock(clock wait.Clock) Option {
	return func(c *config) error {
		c.clock = clock
		return nil
	}
}
