package webadmittest

import (
	"crypto/x509"
	"log/slog"
	"time"
)

// Option configures a [Server] created by [New] or [NewTest].
type Option func(*config)

// Spelling selects how export run statuses are spelled in responses and
// callbacks.
type Spelling int

const (
	// SpellingTitleCase spells statuses as the current docs do: "In Progress".
	SpellingTitleCase Spelling = iota
	// SpellingSnakeCase spells statuses as the older seed docs do: "in_progress".
	SpellingSnakeCase
)

// String returns "title" or "snake".
func (s Spelling) String() string {
	if s == SpellingSnakeCase {
		return "snake"
	}
	return "title"
}

// Defaults of a new server.
const (
	// DefaultURLLifetime is how long a download URL stays valid unless
	// [WithURLLifetime] says otherwise (the docs: "less than 30 seconds").
	DefaultURLLifetime = 30 * time.Second
	// DefaultRateLimit is the calls a key may make per [DefaultRateWindow]
	// (the docs: 5,000 an hour).
	DefaultRateLimit = 5000
	// DefaultRateWindow is the window of the rate limit.
	DefaultRateWindow = time.Hour
)

type config struct {
	apiKey        string
	identities    []Identity
	identitiesSet bool
	exports       []Export
	exportsSet    bool
	spelling      Spelling
	urlLifetime   time.Duration
	rateLimit     int
	rateWindow    time.Duration
	addr          string
	storeAddr     string
	logger        *slog.Logger
	faults        []Fault

	programs        []Program
	programsSet     bool
	decisions       []Decision
	decisionsSet    bool
	pdfTemplates    []PDFTemplate
	pdfTemplatesSet bool
	ssnDocuments    map[int]string
	batchTimeline   BatchTimeline
	callbackRoots   *x509.CertPool
	objectStore     ObjectStore
	storeConnRate   int64
}

func defaultConfig() config {
	return config{
		spelling:      SpellingTitleCase,
		urlLifetime:   DefaultURLLifetime,
		rateLimit:     DefaultRateLimit,
		rateWindow:    DefaultRateWindow,
		addr:          "127.0.0.1:0",
		storeAddr:     "127.0.0.1:0",
		batchTimeline: BatchTimeline{Queued: 300 * time.Millisecond, InProgress: 500 * time.Millisecond},
	}
}

// WithAPIKey sets the API key the server accepts. By default a random
// 32-hex-digit key is made; read it with [Server.APIKey].
func WithAPIKey(key string) Option {
	return func(c *config) { c.apiKey = key }
}

// WithIdentities replaces the demo identities with the given ones. Without
// it the identities of [DemoData] are used (ids 42 and 43), so WithExports
// alone can add exports to identity 42.
func WithIdentities(ids ...Identity) Option {
	return func(c *config) {
		c.identities = append([]Identity(nil), ids...)
		c.identitiesSet = true
	}
}

// WithExports replaces the demo exports with the given ones. Each export's
// IdentityID must name a configured identity. When neither WithExports nor
// WithIdentities is given, the exports of [DemoData] are used; when only
// WithIdentities is given, there are no exports.
func WithExports(exports ...Export) Option {
	return func(c *config) {
		c.exports = append([]Export(nil), exports...)
		c.exportsSet = true
	}
}

// WithSpelling selects the status spelling (default [SpellingTitleCase]).
func WithSpelling(s Spelling) Option {
	return func(c *config) { c.spelling = s }
}

// WithURLLifetime sets how long a download URL stays valid after
// getExportFile issues it (default 30 s). Milliseconds work, so tests can
// let a URL expire quickly.
func WithURLLifetime(d time.Duration) Option {
	return func(c *config) { c.urlLifetime = d }
}

// WithRateLimit sets the call budget: limit calls per window (default 5,000
// per hour). Every API response reports it in X-RateLimit-Limit and
// X-RateLimit-Remaining; once it is spent the API answers 429 with
// Retry-After until the window ends. The window starts with the first call.
func WithRateLimit(limit int, window time.Duration) Option {
	return func(c *config) { c.rateLimit, c.rateWindow = limit, window }
}

// WithAddr sets the API's listen address (default "127.0.0.1:0", a free
// loopback port). The sandbox is meant for loopback: on another interface
// anyone who can reach it can read its data with the printed key.
func WithAddr(addr string) Option {
	return func(c *config) { c.addr = addr }
}

// WithStoreAddr sets the object store's listen address (default
// "127.0.0.1:0").
func WithStoreAddr(addr string) Option {
	return func(c *config) { c.storeAddr = addr }
}

// WithLogger sets where the server logs requests (at Debug) and problems
// (at Warn). The default discards everything. The API key and the query of
// download URLs are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithFaults installs faults from the start, as [Server.AddFault] would.
func WithFaults(faults ...Fault) Option {
	return func(c *config) { c.faults = append(c.faults, faults...) }
}

// WithPrograms replaces the demo programs (their organizations, custom
// fields and applicants) with the given ones. Each program's IdentityID must
// name a configured identity. Without it, programs follow the identities as
// exports do: the demo ones with the demo identities, none otherwise.
func WithPrograms(programs ...Program) Option {
	return func(c *config) {
		c.programs = append([]Program(nil), programs...)
		c.programsSet = true
	}
}

// WithDecisions replaces the demo decisions, which every identity lists and
// designations may record.
func WithDecisions(decisions ...Decision) Option {
	return func(c *config) {
		c.decisions = append([]Decision(nil), decisions...)
		c.decisionsSet = true
	}
}

// WithPDFTemplates replaces the demo PDF Manager templates. Each template's
// IdentityID must name a configured identity. Without it, templates follow
// the identities as exports do.
func WithPDFTemplates(templates ...PDFTemplate) Option {
	return func(c *config) {
		c.pdfTemplates = append([]PDFTemplate(nil), templates...)
		c.pdfTemplatesSet = true
	}
}

// WithSocialSecurityNumbers gives an identity a social security numbers
// document, served as is (it should be an ASCII-armoured PGP message: the
// spec requires the "-----BEGIN PGP MESSAGE-----" line). An identity without
// a document answers 403 "Feature not available."; one without an
// Organization answers 403 "No organization loaded.". The demo identity 42
// has [DemoSocialSecurityNumbers].
func WithSocialSecurityNumbers(identityID int, document string) Option {
	return func(c *config) {
		if c.ssnDocuments == nil {
			c.ssnDocuments = map[int]string{}
		}
		c.ssnDocuments[identityID] = document
	}
}

// WithBatchTimeline sets how v2 batches (designations and custom field
// answers) move (default: Queued 300 ms, In Progress 500 ms). The zero
// BatchTimeline finishes them at once.
func WithBatchTimeline(tl BatchTimeline) Option {
	return func(c *config) { c.batchTimeline = tl }
}

// WithCallbackRootCAs sets the certificates callbacks to https URLs trust,
// e.g. those of an httptest.NewTLSServer receiving PDF Manager callbacks
// (the spec requires https for them). Callbacks still go to loopback only.
func WithCallbackRootCAs(pool *x509.CertPool) Option {
	return func(c *config) { c.callbackRoots = pool }
}
