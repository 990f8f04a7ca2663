package webadmittest

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// callbackTimeout bounds one callback POST.
const callbackTimeout = 10 * time.Second

// checkCallbackURL accepts only http(s) URLs on loopback: the sandbox must
// never send anything off the machine.
func checkCallbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("callback %q is not an absolute http(s) URL", raw)
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("callback host %q is not loopback: the sandbox only calls back to 127.0.0.1, ::1 or localhost", host)
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

func (c *callbackSender) close() { c.transport.CloseIdleConnections() }
