package webadmittest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/internal/secureurl"
)

// callbackTimeout bounds one callback POST.
const callbackTimeout = 10 * time.Second

// ErrCallbackOffLoopback is the [CallbackDelivery.Err] of a callback that
// the sandbox recorded but did not send, because its host is not loopback:
// the sandbox never sends anything off the machine. The API accepts such
// URLs (the docs' own examples name someurl.com and example.com), and so
// does the sandbox.
var ErrCallbackOffLoopback = errors.New("not delivered: the sandbox only calls back to 127.0.0.1, ::1 or localhost")

// badCallbackURL returns the 422 message for a callback that is not an
// absolute http(s) URL (at the JSON pointer where it was sent), or "".
// Hosts off loopback are accepted: see [ErrCallbackOffLoopback].
func badCallbackURL(raw, pointer string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("The property '%s' value %q is not an absolute http(s) URL", pointer, raw)
	}
	return ""
}

// offLoopback returns an error wrapping [ErrCallbackOffLoopback] when the
// callback URL's host is not loopback, else nil.
func offLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("callback %q: %w", raw, ErrCallbackOffLoopback)
	}
	host := u.Hostname()
	if secureurl.IsLoopback(host) {
		return nil
	}
	return fmt.Errorf("callback host %q: %w", host, ErrCallbackOffLoopback)
}

// addCallbacks registers callback URLs on a run; the run notifies each
// once, when it ends (at once if it has ended).
func (s *Server) addCallbacks(r *run, urls []string, now time.Time) {
	if len(urls) == 0 {
		return
	}
	s.runs.mu.Lock()
	defer s.runs.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	for _, u := range urls {
		if !r.seen[u] {
			r.seen[u] = true
			r.pending = append(r.pending, u)
		}
	}
	if len(r.pending) > 0 && (r.timer == nil || r.fired) {
		r.fired = false
		r.timer = time.AfterFunc(max(0, r.endsAt().Sub(now)), func() { s.fireCallbacks(r) })
	}
}

// fireCallbacks posts the run's outcome to its pending callback URLs.
func (s *Server) fireCallbacks(r *run) {
	if !s.begin() {
		return
	}
	defer s.end()
	s.runs.mu.Lock()
	r.fired = true
	urls := r.pending
	r.pending = nil
	s.runs.mu.Unlock()
	status := spell(r.export.Timeline.Outcome, s.spelling)
	for _, u := range urls {
		s.notify.post(u, r, status)
	}
}

// callbackSender posts callback forms through the generated callback
// initiator, on its own transport so Close can drop idle connections.
type callbackSender struct {
	s         *Server
	transport *http.Transport
	initiator *generated.CallbackInitiator
}

func newCallbackSender(s *Server) *callbackSender {
	tr := &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 2, IdleConnTimeout: 30 * time.Second}
	if s.callbackRoots != nil { // https callbacks (PDF Manager) to a test server
		tr.TLSClientConfig = &tls.Config{RootCAs: s.callbackRoots, MinVersion: tls.VersionTLS12}
	}
	client := &http.Client{
		Transport: tr,
		Timeout:   callbackTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // never follow a callback off loopback
		},
	}
	init, _ := generated.NewCallbackInitiator(generated.WithCallbackHTTPClient(client)) // cannot fail
	return &callbackSender{s: s, transport: tr, initiator: init}
}

// post sends one callback and records the outcome.
func (c *callbackSender) post(target string, r *run, status generated.ExportFileStatus) {
	ctx, cancel := context.WithTimeout(c.s.ctx, callbackTimeout)
	defer cancel()
	d := CallbackDelivery{URL: target, ExportFileID: r.id, ExportID: r.export.ID, Status: string(status)}
	if err := offLoopback(target); err != nil {
		c.undelivered(d, err)
		return
	}
	resp, err := c.initiator.ExportFileFinishedWithFormdataBody(ctx, target, generated.ExportFileCallback{
		ExportFileId:       r.id,
		ExportFileExportId: r.export.ID,
		ExportFileStatus:   status,
	})
	if err != nil {
		d.Err = err
		c.s.log.Warn("webadmittest: callback failed", "export_file", r.id, "err", err)
	} else {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		d.StatusCode = resp.StatusCode
		c.s.log.Debug("webadmittest: callback sent", "export_file", r.id, "status", resp.StatusCode)
	}
	c.s.rec.addCallback(d)
}

// postPDF sends a finished PDF Manager batch to one callback URL as JSON
// and records the outcome.
func (c *callbackSender) postPDF(target string, b generated.PdfManagerBatch) {
	ctx, cancel := context.WithTimeout(c.s.ctx, callbackTimeout)
	defer cancel()
	d := CallbackDelivery{URL: target, PDFManagerBatchID: b.Id, Status: string(b.State)}
	if err := offLoopback(target); err != nil {
		c.undelivered(d, err)
		return
	}
	resp, err := c.initiator.PdfManagerBatchFinished(ctx, target, generated.PdfManagerBatchEnvelope{PdfManagerBatch: b})
	if err != nil {
		d.Err = err
		c.s.log.Warn("webadmittest: PDF Manager callback failed", "batch", b.Id, "err", err)
	} else {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		d.StatusCode = resp.StatusCode
	}
	c.s.rec.addCallback(d)
}

// undelivered records a callback the sandbox did not send (its host is not
// loopback) and logs it.
func (c *callbackSender) undelivered(d CallbackDelivery, err error) {
	d.Err = err
	c.s.log.Info("webadmittest: callback recorded, not sent", "export_file", d.ExportFileID,
		"pdf_manager_batch", d.PDFManagerBatchID, "err", err)
	c.s.rec.addCallback(d)
}

func (c *callbackSender) close() { c.transport.CloseIdleConnections() }
