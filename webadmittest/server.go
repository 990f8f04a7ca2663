package webadmittest

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/getkin/kin-openapi/routers"
)

// Server is a running fake WebAdMIT API and object store. Create it with
// [New] or [NewTest]; it is safe for concurrent use.
type Server struct {
	apiKey      string
	spelling    Spelling
	urlLifetime time.Duration
	log         *slog.Logger

	identities   []Identity
	identityByID map[int]*Identity
	exports      []Export
	exportByID   map[int]*Export
	contents     map[int]content
	dir          *directory // programs, decisions, answers, designations
	pdfTemplates []PDFTemplate
	templateByID map[int]*PDFTemplate
	ssnDocuments map[int]string

	callbackRoots *x509.CertPool

	router  routers.Router
	handler http.Handler // the generated routes over the strict server
	limiter *rateLimiter
	faults  *faultSet
	rec     *Recorder
	runs    *runStore
	pdf     *pdfStore
	jobs    *jobStore
	signer  *presigner
	notify  *callbackSender
	// external serves the files when WithObjectStore is given, else nil.
	external *externalStore

	apiURL, storeURL string
	apiSrv, storeSrv *http.Server
	serving          sync.WaitGroup

	ctx    context.Context // ends on Close
	cancel context.CancelFunc
	done   <-chan struct{}

	mu       sync.Mutex // guards closed and inflight.Add
	closed   bool
	inflight sync.WaitGroup
	once     sync.Once
	reqSeq   atomic.Uint64
}

// New starts a server on loopback with the given options and returns it
// once both listeners accept connections. Close it when done.
func New(opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.complete(); err != nil {
		return nil, err
	}
	identities, err := normalizeIdentities(cfg.identities)
	if err != nil {
		return nil, err
	}
	exports, err := normalizeExports(cfg.exports, identities)
	if err != nil {
		return nil, err
	}
	decisions, err := normalizeDecisions(cfg.decisions)
	if err != nil {
		return nil, err
	}
	programs, err := normalizePrograms(cfg.programs, identities, decisions)
	if err != nil {
		return nil, err
	}
	templates, err := normalizePDFTemplates(cfg.pdfTemplates, identities)
	if err != nil {
		return nil, err
	}
	for id := range cfg.ssnDocuments {
		if !slices.ContainsFunc(identities, func(i Identity) bool { return i.ID == id }) {
			return nil, fmt.Errorf("webadmittest: social security numbers for identity %d, which is not configured", id)
		}
	}
	router, err := specRouter()
	if err != nil {
		return nil, err
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("webadmittest: making the signing secret: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		apiKey:        cfg.apiKey,
		spelling:      cfg.spelling,
		urlLifetime:   cfg.urlLifetime,
		log:           cfg.logger,
		identities:    identities,
		identityByID:  map[int]*Identity{},
		exports:       exports,
		exportByID:    map[int]*Export{},
		contents:      map[int]content{},
		router:        router,
		limiter:       newRateLimiter(cfg.rateLimit, cfg.rateWindow),
		faults:        newFaultSet(),
		rec:           newRecorder(),
		runs:          newRunStore(),
		pdfTemplates:  templates,
		templateByID:  map[int]*PDFTemplate{},
		pdf:           newPDFStore(templates),
		ssnDocuments:  maps.Clone(cfg.ssnDocuments),
		callbackRoots: cfg.callbackRoots,
		signer:        &presigner{secret: secret},
		ctx:           ctx,
		cancel:        cancel,
		done:          ctx.Done(),
	}
	for i := range s.identities {
		s.identityByID[s.identities[i].ID] = &s.identities[i]
	}
	s.dir = newDirectory(programs, decisions)
	s.jobs = newJobStore(cfg.batchTimeline, s.dir)
	for i := range s.pdfTemplates {
		s.templateByID[s.pdfTemplates[i].ID] = &s.pdfTemplates[i]
	}
	for i := range s.exports {
		e := &s.exports[i]
		s.exportByID[e.ID] = e
		s.contents[e.ID] = contentOf(e)
	}
	s.seedFinished(time.Now())
	if cfg.objectStore != nil {
		s.external = newExternalStore(cfg.objectStore)
	}
	for _, f := range cfg.faults {
		if err := s.validateFault(f); err != nil {
			cancel()
			return nil, err
		}
		s.faults.add(f)
	}
	s.notify = newCallbackSender(s)
	s.handler = s.generatedHandler()

	apiLn, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("webadmittest: API listener: %w", err)
	}
	storeLn, err := net.Listen("tcp", cfg.storeAddr)
	if err != nil {
		cancel()
		_ = apiLn.Close()
		return nil, fmt.Errorf("webadmittest: object store listener: %w", err)
	}
	if cfg.storeConnRate > 0 {
		storeLn = &rateListener{Listener: storeLn, perSec: cfg.storeConnRate, ctx: ctx}
	}
	s.apiURL = "http://" + apiLn.Addr().String()
	s.storeURL = "http://" + storeLn.Addr().String()
	s.apiSrv = s.httpServer(http.HandlerFunc(s.serveAPI))
	s.storeSrv = s.httpServer(http.HandlerFunc(s.serveStore))
	s.serve(s.apiSrv, apiLn)
	s.serve(s.storeSrv, storeLn)
	s.log.Info("webadmittest: serving", "api", s.apiURL, "store", s.storeURL)
	return s, nil
}

// TB is the part of testing.TB that NewTest uses: a *testing.T, B or F
// will do. (Package webadmittest does not import package testing, so that
// programs embedding the sandbox do not link it.)
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// NewTest starts a server as [New] does, fails tb if it cannot, and closes
// the server when the test ends.
func NewTest(tb TB, opts ...Option) *Server {
	tb.Helper()
	s, err := New(opts...)
	if err != nil {
		tb.Fatalf("starting the WebAdMIT sandbox: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// complete fills in defaults that depend on other options and rejects
// impossible settings.
func (c *config) complete() error {
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if c.apiKey == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return fmt.Errorf("webadmittest: making an API key: %w", err)
		}
		c.apiKey = hex.EncodeToString(b)
	}
	if !c.identitiesSet {
		c.identities = demoIdentities()
		if !c.exportsSet {
			c.exports = demoExports()
		}
		if !c.programsSet {
			c.programs = demoPrograms()
		}
		if !c.pdfTemplatesSet {
			c.pdfTemplates = demoPDFTemplates()
		}
		if c.ssnDocuments == nil {
			c.ssnDocuments = map[int]string{DemoIdentityID: DemoSocialSecurityNumbers}
		}
	}
	if !c.decisionsSet {
		c.decisions = demoDecisions()
	}
	if c.urlLifetime <= 0 {
		return fmt.Errorf("webadmittest: URL lifetime %v must be positive", c.urlLifetime)
	}
	if c.storeConnRate < 0 {
		return fmt.Errorf("webadmittest: store connection rate %d must not be negative", c.storeConnRate)
	}
	if c.rateLimit <= 0 || c.rateWindow <= 0 {
		return fmt.Errorf("webadmittest: rate limit %d per %v must be positive", c.rateLimit, c.rateWindow)
	}
	if c.spelling != SpellingTitleCase && c.spelling != SpellingSnakeCase {
		return fmt.Errorf("webadmittest: unknown spelling %d", c.spelling)
	}
	return nil
}

// httpServer wraps a handler so that Close waits for it.
func (s *Server) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !s.begin() {
				return
			}
			defer s.end()
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return s.ctx },
	}
}

func (s *Server) serve(srv *http.Server, ln net.Listener) {
	s.serving.Add(1)
	go func() {
		defer s.serving.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Warn("webadmittest: server stopped", "err", err)
		}
	}()
}

// begin registers work that Close waits for; it reports false once the
// server is closing.
func (s *Server) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.inflight.Add(1)
	return true
}

func (s *Server) end() { s.inflight.Done() }

// URL returns the API's base URL, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.apiURL }

// APIKey returns the key the API accepts in x-api-key.
func (s *Server) APIKey() string { return s.apiKey }

// StoreURL returns the object store's base URL; download URLs start with it.
func (s *Server) StoreURL() string { return s.storeURL }

// Recorder returns the server's record of calls, bytes served and leaks.
func (s *Server) Recorder() *Recorder { return s.rec }

// AddFault injects a fault into later calls of its endpoint (see [Fault]
// for how attempts are counted). It panics on a fault that cannot work,
// such as a JSON fault on the object store: that is a bug in the test.
func (s *Server) AddFault(f Fault) {
	if err := s.validateFault(f); err != nil {
		panic(err)
	}
	s.faults.add(f)
}

// validateFault reports a fault that cannot work on this server.
func (s *Server) validateFault(f Fault) error {
	if s.external != nil && f.Endpoint == EndpointObject {
		return errObjectStoreFault
	}
	return f.validate()
}

// ClearFaults removes every fault not yet used.
func (s *Server) ClearFaults() { s.faults.clear() }

// ExportContent returns the exact bytes every run of the export serves, for
// comparing a download's SHA-256. Generated content is produced as it is
// read. For an unknown export the reader fails with an error naming it.
func (s *Server) ExportContent(exportID int) io.Reader {
	c, ok := s.contents[exportID]
	if !ok {
		return errReader{fmt.Errorf("webadmittest: no export %d", exportID)}
	}
	return io.NewSectionReader(c, 0, c.Size())
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// Close stops both listeners, closes open connections, cancels pending
// callbacks and waits for every request handler and callback to finish.
// It is safe to call more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.cancel()
		s.runs.stopTimers()
		s.pdf.stopTimers()
		_ = s.apiSrv.Close()
		_ = s.storeSrv.Close()
		s.serving.Wait()
		s.inflight.Wait()
		s.notify.close()
	})
}

// requestID returns a new id for an x-amz-request-id header.
func (s *Server) requestID() string {
	return fmt.Sprintf("SANDBOX%09X", s.reqSeq.Add(1))
}
