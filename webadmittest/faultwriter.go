package webadmittest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// serveWithFaults serves a call to endpoint e through next, failing it as
// the faults due for this attempt say. e is empty for requests that match
// no endpoint; they are never faulted.
func (s *Server) serveWithFaults(w http.ResponseWriter, r *http.Request, e Endpoint, next http.Handler) {
	var faults []Fault
	if e != "" {
		faults = s.faults.next(e)
	}
	if len(faults) == 0 {
		next.ServeHTTP(w, r)
		return
	}
	cut := int64(-1)
	var (
		rewrites []Fault
		edits    []func(http.Header)
		trickle  *Fault
	)
	for _, f := range faults {
		s.log.Debug("webadmittest: injecting fault", "endpoint", e, "kind", f.Kind.String())
		switch f.Kind {
		case FaultDelay:
			if !sleep(r.Context(), s.done, f.Delay) {
				return
			}
		case FaultHTMLError:
			code := f.StatusCode
			if code == 0 {
				code = http.StatusBadGateway
			}
			page := htmlErrorPage(code)
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Length", strconv.Itoa(len(page)))
			w.WriteHeader(code)
			_, _ = io.WriteString(w, page)
			return
		case FaultRateLimited:
			s.writeRateLimited(w, f.RetryAfter)
			return
		case FaultExpireURL:
			r = r.WithContext(withExpireURL(r.Context()))
		case FaultCutConnection:
			cut = f.Bytes
		case FaultRemainingZero:
			edits = append(edits, func(h http.Header) { h.Set("X-RateLimit-Remaining", "0") })
		case FaultNoContentLength:
			edits = append(edits, withoutLength)
		case FaultDropETag:
			edits = append(edits, func(h http.Header) { h.Del("ETag") })
		case FaultChangedContent:
			r = r.WithContext(withChangedContent(r.Context()))
		case FaultTrickle:
			trickle = &f
		case FaultIgnoreRange:
			r.Header.Del("Range")
		default:
			rewrites = append(rewrites, f)
		}
	}
	if len(edits) > 0 {
		w = &headerEditor{ResponseWriter: w, edits: edits}
	}
	if trickle != nil {
		w = &trickleWriter{ResponseWriter: w, piece: cmp.Or(trickle.Bytes, 1), pause: cmp.Or(trickle.Delay, 100*time.Millisecond), r: r, done: s.done}
	}
	if cut < 0 && len(rewrites) == 0 {
		next.ServeHTTP(w, r)
		return
	}
	if e == EndpointObject {
		// Stream: a GiB download must not be buffered to be cut.
		next.ServeHTTP(&cutWriter{ResponseWriter: w, limit: cut}, r)
		return
	}
	buf := &bufferedResponse{header: http.Header{}}
	next.ServeHTTP(buf, r)
	body := buf.body.Bytes()
	for _, f := range rewrites {
		body = rewriteBody(f, body)
	}
	for k, v := range buf.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if buf.code == 0 {
		buf.code = http.StatusOK
	}
	w.WriteHeader(buf.code)
	if cut >= 0 && cut < int64(len(body)) {
		_, _ = w.Write(body[:cut])
		abort(w)
	}
	_, _ = w.Write(body)
}

// writeRateLimited answers 429 as the API does once the budget is spent.
func (s *Server) writeRateLimited(w http.ResponseWriter, retryAfter time.Duration) {
	setRateHeaders(w, s.limiter.limit, 0)
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(retryAfter.Seconds())))))
	writeJSON(w, http.StatusTooManyRequests, generated.ErrorMessage{Message: msgRateLimited})
}

// abort sends what has been written and closes the connection.
func abort(w http.ResponseWriter) {
	_ = http.NewResponseController(w).Flush()
	panic(http.ErrAbortHandler)
}

// withoutLength makes an answer's body end when the connection closes: no
// Content-Length, and no total in Content-Range.
func withoutLength(h http.Header) {
	h.Del("Content-Length")
	h.Set("Transfer-Encoding", "identity") // net/http: close-delimited, not chunked
	if cr := h.Get("Content-Range"); cr != "" {
		if i := strings.LastIndexByte(cr, '/'); i >= 0 && !strings.HasPrefix(cr, "bytes */") {
			h.Set("Content-Range", cr[:i]+"/*")
		} else {
			h.Del("Content-Range")
		}
	}
}

// headerEditor changes the headers of an answer as it is sent.
type headerEditor struct {
	http.ResponseWriter
	edits []func(http.Header)
	wrote bool
}

func (e *headerEditor) WriteHeader(code int) {
	if !e.wrote {
		e.wrote = true
		for _, edit := range e.edits {
			edit(e.Header())
		}
	}
	e.ResponseWriter.WriteHeader(code)
}

func (e *headerEditor) Write(p []byte) (int, error) {
	if !e.wrote {
		e.WriteHeader(http.StatusOK)
	}
	return e.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (e *headerEditor) Unwrap() http.ResponseWriter { return e.ResponseWriter }

// trickleWriter sends a body piece bytes at a time, pausing between them.
type trickleWriter struct {
	http.ResponseWriter
	piece int64
	pause time.Duration
	r     *http.Request
	done  <-chan struct{}
}

func (t *trickleWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(int64(len(p)), t.piece)
		m, err := t.ResponseWriter.Write(p[:k])
		n += m
		if err != nil {
			return n, err
		}
		_ = http.NewResponseController(t.ResponseWriter).Flush()
		p = p[k:]
		if !sleep(t.r.Context(), t.done, t.pause) {
			return n, http.ErrAbortHandler
		}
	}
	return n, nil
}

// Unwrap lets http.ResponseController reach the connection.
func (t *trickleWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// cutWriter passes limit body bytes on and then closes the connection.
type cutWriter struct {
	http.ResponseWriter
	limit, written int64
}

func (c *cutWriter) Write(p []byte) (int, error) {
	if c.limit < 0 || c.written+int64(len(p)) <= c.limit {
		n, err := c.ResponseWriter.Write(p)
		c.written += int64(n)
		return n, err
	}
	n, _ := c.ResponseWriter.Write(p[:c.limit-c.written])
	c.written += int64(n)
	abort(c.ResponseWriter)
	return n, nil // not reached
}

// Unwrap lets http.ResponseController reach the connection.
func (c *cutWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// bufferedResponse captures a response so that a fault can rewrite it.
type bufferedResponse struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.code == 0 {
		b.code = http.StatusOK
	}
	return b.body.Write(p)
}

// rewriteBody applies a body-changing fault to a JSON body.
func rewriteBody(f Fault, body []byte) []byte {
	switch f.Kind {
	case FaultMalformedJSON:
		if bytes.IndexByte(body, '"') >= 0 {
			return bytes.ReplaceAll(body, []byte(`"`), []byte(`'`))
		}
		return append([]byte(`{'message': `), body...)
	case FaultTruncatedJSON:
		return body[:len(body)/2]
	case FaultExtraFields:
		return rewriteJSON(body, func(obj map[string]any) {
			obj["sandbox_added_field"] = "clients must ignore fields they do not know"
			obj["sandbox_added_object"] = map[string]any{"since": "v2", "flags": []any{1, 2, 3}}
		})
	case FaultUnknownStatus:
		status := f.Status
		if status == "" {
			status = DefaultUnknownStatus
		}
		return rewriteJSON(body, func(obj map[string]any) {
			for _, key := range []string{"status", "state"} {
				if _, ok := obj[key].(string); ok {
					obj[key] = string(status)
				}
			}
		})
	}
	return body
}

// rewriteJSON calls edit on every object in a JSON body; a body that is not
// JSON is returned unchanged.
func rewriteJSON(body []byte, edit func(map[string]any)) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return body
	}
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for _, child := range t {
				walk(child)
			}
			edit(t)
		case []any:
			for _, child := range t {
				walk(child)
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return append(out, '\n')
}
