package wrapper

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// transfer downloads one file from the object store (an export run's file
// or a PDF Manager zip file). The store's answer is opaque bytes: no
// content coding is asked for or decoded, and what is written is what is
// stored, counted against the size the store announced. The end of the
// file must be confirmed: by that size, or, when the store does not tell
// it, by a Range request past the last byte (416). An expired URL, a cut
// connection, a short body or a stalled attempt is resumed: each retry
// asks the API for a fresh URL (fresh) and the store for the bytes not yet
// received (Range), holding the store to the first answer's ETag
// (If-Match) and size, so that a changed object is never spliced.
type transfer struct {
	c  *Client
	rc *runConfig
	// fresh asks the API for a new download URL: a run's download_url, or
	// the Location of a zip file's redirect. It returns a *permanent error
	// when no URL will come (the run failed, say).
	fresh func(context.Context) (string, error)
	what  string // the file in words, for errors: "export 7 run 555"
	ev    Event  // ids and status every event of the transfer carries
	attrs []any  // ids every log line of the transfer carries
	out   *output
	url   string // current download URL: a credential, never logged
	total int64  // announced size, -1 until known
	etag  string // the first answer's ETag, held across resumes
	meta  fileMeta
	// name, when set, maps the server's file name to the one the sink will
	// be given at commit.
	name    func(server string) string
	started bool
	failed  bool // the last attempt failed: the next one is a resume
	resumes int  // attempts that resumed after a failure at a non-zero offset
}

// event returns the transfer's event of kind k.
func (t *transfer) event(k EventKind) Event {
	e := t.ev
	e.Kind, e.Bytes, e.Total = k, t.out.received, t.total
	return e
}

// expiredError is a 403 from the store: the URL expired (or was refused).
type expiredError struct{ err *APIError }

func (e *expiredError) Error() string {
	return e.err.Error() + ": the download URL expired or was refused"
}
func (e *expiredError) Unwrap() error { return e.err }

// errNoDownloadURL: the run has a file but the answer carried no URL; the
// next status call may.
var errNoDownloadURL = errors.New("webadmit: the API gave no download_url")

// errStalled: an attempt moved slower than the low-speed limit.
var errStalled = errors.New("webadmit: the download stalled")

// errMore: the body ended cleanly at a size the store never announced;
// the next request (at once, with the same URL) continues from there or
// confirms the end.
var errMore = errors.New("webadmit: end of the file not yet confirmed")

// permanent marks a download failure that no retry can fix.
type permanent struct{ err error }

func (e *permanent) Error() string { return e.err.Error() }
func (e *permanent) Unwrap() error { return e.err }

// changed reports a changed object: never spliced, never retried.
func changed(format string, args ...any) error {
	return &permanent{fmt.Errorf("%w: "+format+"; run the download again", append([]any{ErrChanged}, args...)...)}
}

func (t *transfer) run(ctx context.Context) error {
	sched := PollPolicy{
		MinDelay:   min(t.rc.poll.MinDelay, time.Second),
		MaxDelay:   min(t.rc.poll.MaxDelay, 10*time.Second),
		Multiplier: 2,
		Jitter:     t.rc.poll.Jitter,
	}.schedule()
	failures := 0
	for attempt := 1; ; attempt++ {
		err := t.attempt(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("webadmit: downloading %s: %w", t.what, context.Cause(ctx))
		}
		if errors.Is(err, errMore) {
			if attempt >= t.rc.attempts {
				return fmt.Errorf("%w: the object store ended the body %d times without saying the file's size (%d bytes so far)", ErrIncomplete, attempt, t.out.received)
			}
			continue // at once, same URL
		}
		var (
			expired *expiredError
			perm    *permanent
			werr    *writeError
		)
		switch {
		case errors.As(err, &perm):
			return perm.err
		case errors.As(err, &werr):
			return werr
		case errors.Is(err, ErrTimeout):
			return err
		case errors.As(err, &expired), errors.Is(err, errNoDownloadURL):
		case !isTransient(err):
			return err
		}
		t.failed = true
		if attempt >= t.rc.attempts {
			return t.exhausted(attempt, err)
		}
		var delay time.Duration
		var rl *RateLimitError
		limited := errors.As(err, &rl) && rl.RetryAfter > 0
		if expired == nil && failures > 0 {
			delay = sched.next()
		}
		if limited {
			delay = max(delay, rl.RetryAfter)
		}
		failures++
		if room := t.rc.budget.left() - t.rc.budget.reserve(t.rc.poll.MinDelay); delay > room || room <= 0 {
			return t.rc.budget.exceeded(fmt.Sprintf("downloading %s, %d bytes received", t.what, t.out.received), delay, err)
		}
		t.url = "" // fetch a fresh URL: the old one may be stale by now
		kind := EventRetry
		if t.out.received > 0 {
			kind = EventResume
		}
		t.c.log.Info("webadmit: download interrupted, retrying with a fresh URL",
			slices.Concat(t.attrs, []any{"attempt", attempt, "received", t.out.received, "delay", delay, "err", err.Error()})...)
		e := t.event(kind)
		e.Attempt, e.Delay, e.Err = attempt, delay, err
		t.rc.emit(e)
		if err := sleep(ctx, t.c.clock, delay, nil); err != nil {
			return fmt.Errorf("webadmit: downloading %s: %w", t.what, err)
		}
	}
}

func (t *transfer) exhausted(attempts int, last error) error {
	var expired *expiredError
	switch {
	case errors.As(last, &expired):
		return fmt.Errorf("%w: the object store refused the download URL %d times in a row, fresh ones included: %w", ErrURLExpired, attempts, last)
	case t.started:
		return fmt.Errorf("%w: received %d of %s bytes in %d attempts: %w", ErrIncomplete, t.out.received, sizeText(t.total), attempts, last)
	}
	return fmt.Errorf("webadmit: download failed after %d attempts: %w", attempts, last)
}

func sizeText(n int64) string {
	if n < 0 {
		return "?"
	}
	return strconv.FormatInt(n, 10)
}

// attempt makes one request to the store (fetching a fresh URL first if
// needed) and copies what it answers. It returns nil once the whole file
// is received and its end confirmed, errMore when the next request should
// continue at once.
func (t *transfer) attempt(ctx context.Context) error {
	if t.url == "" {
		if err := t.refresh(ctx); err != nil {
			return err
		}
	}
	u, err := url.Parse(t.url)
	if err != nil || !u.IsAbs() {
		return &permanent{errors.New("webadmit: the API gave a download URL that is not an absolute URL")}
	}
	if err := checkScheme(u); err != nil {
		return &permanent{fmt.Errorf("webadmit: download URL %s: %w", redactParsedURL(u), err)}
	}
	// The watch ends the attempt (not the call) when the store moves
	// slower than the low-speed limit; the next attempt resumes.
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watch := watchSpeed(t.rc.lowSpeed, cancel)
	defer watch.Stop()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, t.url, nil)
	if err != nil {
		return &permanent{redactError(err)}
	}
	offset := t.out.received
	resuming := t.failed && offset > 0
	if t.started {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
		if t.etag != "" && !strings.HasPrefix(t.etag, "W/") {
			req.Header.Set("If-Match", t.etag)
		}
	}
	resp, err := t.c.dl.Do(req)
	if err != nil {
		return t.stalled(actx, redactError(err))
	}
	defer drainClose(resp.Body)
	if resp.Uncompressed {
		return &permanent{errors.New("webadmit: the HTTP transport decoded the store's content coding; give WithDownloadHTTPClient a transport that does not")}
	}
	body := watch.reader(resp.Body)

	switch resp.StatusCode {
	case http.StatusOK:
		if err := t.begin(resp, resp.ContentLength); err != nil {
			return err
		}
		if offset > 0 { // the store ignored Range: what it sends again must match
			if err := t.out.skipMatching(body, offset); err != nil {
				if errors.Is(err, ErrChanged) {
					return &permanent{err}
				}
				return t.stalled(actx, fmt.Errorf("webadmit: the store resent the file from its start and stopped before byte %d: %w", offset, redactError(err)))
			}
		}
	case http.StatusPartialContent:
		start, end, size, err := parseContentRange(resp.Header.Get("Content-Range"))
		switch {
		case err != nil:
			return &permanent{fmt.Errorf("webadmit: the object store answered a range request with %w", err)}
		case start != offset:
			return &permanent{fmt.Errorf("webadmit: the object store sent bytes from %d when asked from %d", start, offset)}
		case resp.ContentLength >= 0 && resp.ContentLength != end-start+1:
			return &permanent{fmt.Errorf("webadmit: the object store's Content-Range (%d bytes) and Content-Length (%d) disagree", end-start+1, resp.ContentLength)}
		}
		if err := t.begin(resp, size); err != nil {
			return err
		}
	case http.StatusRequestedRangeNotSatisfiable:
		return t.rangeEnd(resp, offset)
	case http.StatusPreconditionFailed:
		return changed("the object store's copy no longer has ETag %s (412 Precondition Failed)", t.etag)
	case http.StatusForbidden:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return &expiredError{t.storeAPIError(resp, body)}
	default:
		return t.storeError(resp) // 5xx and 429 are retried, other 4xx not
	}

	if resuming {
		t.resumes++
	}
	t.failed = false
	before := t.out.received
	if err := t.out.copyFrom(actx, body); err != nil {
		var werr *writeError
		if errors.As(err, &werr) {
			return werr
		}
		return t.stalled(actx, fmt.Errorf("webadmit: download interrupted after %d of %s bytes: %w", t.out.received, sizeText(t.total), redactError(err)))
	}
	switch {
	case t.total >= 0 && t.out.received == t.total:
		return nil
	case t.total >= 0:
		return fmt.Errorf("%w: the object store closed the body after %d of %d bytes", ErrIncomplete, t.out.received, t.total)
	case resp.StatusCode == http.StatusOK && offset > 0 && t.out.received == before:
		// A store that ignores Range and tells no size sent the same bytes
		// again, and nothing more: two whole reads end alike.
		t.total = t.out.received
		return nil
	}
	return errMore // size unknown: confirm the end with a Range request
}

// rangeEnd handles a 416 to a request from offset: the end of the file,
// when offset is where the store says (or does not say) the file ends.
func (t *transfer) rangeEnd(resp *http.Response, offset int64) error {
	if !t.started {
		return &permanent{t.storeError(resp)}
	}
	if etag := resp.Header.Get("ETag"); etag != "" && t.etag != "" && etag != t.etag {
		return changed("ETag %s became %s", t.etag, etag)
	}
	size := int64(-1)
	if cr, ok := strings.CutPrefix(strings.TrimSpace(resp.Header.Get("Content-Range")), "bytes */"); ok {
		if n, err := strconv.ParseInt(cr, 10, 64); err == nil && n >= 0 {
			size = n
		}
	}
	switch {
	case t.total >= 0 && offset == t.total && (size < 0 || size == t.total):
		return nil
	case t.total < 0 && (size < 0 || size == offset):
		t.total = offset // the end is confirmed
		return nil
	case size >= 0:
		return changed("the object store says the file has %d bytes, after %d were received", size, offset)
	}
	return &permanent{t.storeError(resp)}
}

// begin checks a successful answer against what earlier ones said; on the
// first it records the size, ETag and file name, and sets up transcoding.
func (t *transfer) begin(resp *http.Response, size int64) error {
	etag := resp.Header.Get("ETag")
	if !t.started {
		t.started = true
		t.total = size
		t.etag = etag
		t.meta.ContentType = resp.Header.Get("Content-Type")
		t.meta.ContentEncoding = contentCoding(resp.Header)
		t.meta.FileName = SafeFileName(resp.Header.Get("Content-Disposition"))
		if ns, ok := t.out.sink.(namedSink); ok {
			meta := t.meta
			if t.name != nil {
				meta.FileName = t.name(meta.FileName)
			}
			if err := ns.start(&meta); err != nil {
				return &permanent{err}
			}
		}
		converting := false
		if t.rc.utf8 {
			if t.meta.ContentEncoding != "" {
				t.c.log.Warn("webadmit: the file is stored with a content coding; writing it as stored, without converting it to UTF-8",
					slices.Concat(t.attrs, []any{"content_encoding", t.meta.ContentEncoding})...)
			} else {
				converting = t.out.transcode(t.meta.ContentType)
			}
		}
		t.c.log.Debug("webadmit: download started",
			slices.Concat(t.attrs, []any{"size", size, "content_type", t.meta.ContentType, "to_utf8", converting})...)
		e := t.event(EventDownloadStart)
		e.Bytes, e.FileName = 0, t.meta.FileName
		t.rc.emit(e)
		return nil
	}
	if t.etag != "" && etag != t.etag {
		if etag == "" {
			return changed("the first answer had ETag %s, a resumed one none", t.etag)
		}
		return changed("ETag %s became %s", t.etag, etag)
	}
	if enc := contentCoding(resp.Header); enc != t.meta.ContentEncoding {
		return changed("the content coding %q became %q", t.meta.ContentEncoding, enc)
	}
	if t.total >= 0 && size >= 0 && size != t.total {
		return changed("size %d became %d", t.total, size)
	}
	if t.total < 0 && size >= 0 {
		if size < t.out.received {
			return changed("the object store says the file has %d bytes, after %d were received", size, t.out.received)
		}
		t.total = size
	}
	return nil
}

// contentCoding is the answer's Content-Encoding, "" for none or identity.
func contentCoding(h http.Header) string {
	enc := strings.TrimSpace(h.Get("Content-Encoding"))
	if strings.EqualFold(enc, "identity") {
		return ""
	}
	return enc
}

// stalled rewrites err when the attempt ended because it moved too slowly.
func (t *transfer) stalled(actx context.Context, err error) error {
	if cause := context.Cause(actx); errors.Is(cause, errStalled) {
		return fmt.Errorf("%w (after %d bytes)", cause, t.out.received)
	}
	return err
}

// refresh asks the API for a fresh download URL, within the budget.
func (t *transfer) refresh(ctx context.Context) error {
	cctx, cancel := t.rc.budget.callContext(ctx)
	defer cancel()
	u, err := t.fresh(cctx)
	if e := spent(ctx, cctx, "asking the API for a fresh download URL of "+t.what); e != nil {
		return e
	}
	if err != nil {
		return err
	}
	t.url = u
	return nil
}

// storeAPIError describes a failed answer of the object store.
func (t *transfer) storeAPIError(resp *http.Response, body []byte) *APIError {
	e := newAPIError(resp, body, t.c.key)
	e.Store = true
	return e
}

// storeError maps a failed answer of the object store to an error, from a
// bounded read of its body. It is never ErrUnauthorized: the key does not
// go to the store.
func (t *transfer) storeError(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	err := checkResponse(resp, body, t.c.clock.Now(), t.c.key)
	var ae *APIError
	if errors.As(err, &ae) {
		ae.Store = true
	}
	return err
}

// drainClose reads a little of what is left, so the connection can be
// reused, and closes the body.
func drainClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, 4<<10)
	_ = body.Close()
}
