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
	"time"
)

// transfer downloads one file from the object store (an export run's file
// or a PDF Manager zip file), resuming after an expired URL, a cut
// connection or a short body: each retry asks the API for a fresh URL
// (fresh) and asks the store for the bytes not yet received (Range),
// checking that the store's answer continues the same object
// (Content-Range, ETag, size).
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
	etag  string
	meta  fileMeta
	// name, when set, maps the server's file name to the one the sink will
	// be given at commit (a zip of a batch may get a fallback name).
	name    func(server string) string
	started bool
	resumes int   // requests that continued from a non-zero offset
	skipped int64 // bytes the store sent again because it ignored Range
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

// errStalled: the store sent nothing for the stall timeout.
var errStalled = errors.New("webadmit: the download stalled")

// stalled rewrites err when the attempt ended because the watchdog fired.
func (t *transfer) stalled(actx context.Context, err error) error {
	if errors.Is(context.Cause(actx), errStalled) {
		return fmt.Errorf("%w: no data for %s after %d bytes", errStalled, t.rc.stall, t.out.received)
	}
	return err
}

// watchedBody re-arms the watchdog on every read that returns data.
type watchedBody struct {
	r io.Reader
	t *time.Timer
	d time.Duration
}

func (w *watchedBody) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if n > 0 {
		w.t.Reset(w.d)
	}
	return n, err
}

// permanent marks a download failure that no retry can fix.
type permanent struct{ err error }

func (e *permanent) Error() string { return e.err.Error() }
func (e *permanent) Unwrap() error { return e.err }

func (t *transfer) run(ctx context.Context) error {
	sched := PollPolicy{
		MinDelay:   min(t.rc.poll.MinDelay, time.Second),
		MaxDelay:   min(t.rc.poll.MaxDelay, 10*time.Second),
		Multiplier: 2,
		Jitter:     t.rc.poll.Jitter,
	}.schedule()
	for attempt := 1; ; attempt++ {
		err := t.attempt(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("webadmit: downloading %s: %w", t.what, context.Cause(ctx))
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
		case errors.As(err, &expired), errors.Is(err, errNoDownloadURL):
		case !isTransient(err):
			return err
		}
		if attempt >= t.rc.attempts {
			return t.exhausted(attempt, err)
		}
		var delay time.Duration
		if expired == nil && attempt > 1 {
			delay = sched.next()
			var rl *RateLimitError
			if errors.As(err, &rl) && rl.RetryAfter > delay {
				delay = rl.RetryAfter
			}
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
// needed) and copies what it answers.
func (t *transfer) attempt(ctx context.Context) error {
	if t.url == "" {
		if err := t.refresh(ctx); err != nil {
			return err
		}
	}
	u, err := url.Parse(t.url)
	if err != nil || !u.IsAbs() {
		return &permanent{errors.New("webadmit: the API gave a download_url that is not an absolute URL")}
	}
	if err := checkScheme(u); err != nil {
		return &permanent{fmt.Errorf("webadmit: download URL %s: %w", redactParsedURL(u), err)}
	}
	// The watchdog ends the attempt (not the call) when the store sends
	// nothing for the stall timeout; the next attempt resumes.
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watchdog := time.AfterFunc(t.rc.stall, func() { cancel(errStalled) })
	defer watchdog.Stop()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, t.url, nil)
	if err != nil {
		return &permanent{redactError(err)}
	}
	offset := t.out.received
	if offset > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
	}
	resp, err := t.c.dl.Do(req)
	if err != nil {
		return t.stalled(actx, redactError(err))
	}
	defer drainClose(resp.Body)
	body := &watchedBody{r: resp.Body, t: watchdog, d: t.rc.stall}

	switch resp.StatusCode {
	case http.StatusOK:
		if err := t.begin(resp, resp.ContentLength); err != nil {
			return err
		}
		if offset > 0 { // the store ignored Range: skip what we have
			n, err := io.CopyN(io.Discard, body, offset)
			t.skipped += n
			if err != nil {
				return t.stalled(actx, fmt.Errorf("webadmit: download interrupted while skipping to byte %d: %w", offset, redactError(err)))
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
		if t.total >= 0 && offset == t.total {
			return nil
		}
		return &permanent{t.storeError(resp)}
	case http.StatusForbidden:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return &expiredError{newAPIError(resp, body, t.c.key)}
	default:
		return t.storeError(resp) // 5xx and 429 are retried, other 4xx not
	}

	if offset > 0 {
		t.resumes++
	}
	if err := t.out.copyFrom(actx, body); err != nil {
		var werr *writeError
		if errors.As(err, &werr) {
			return werr
		}
		return t.stalled(actx, fmt.Errorf("webadmit: download interrupted after %d of %s bytes: %w", t.out.received, sizeText(t.total), redactError(err)))
	}
	if t.total >= 0 && t.out.received != t.total {
		return fmt.Errorf("%w: the object store closed the body after %d of %d bytes", ErrIncomplete, t.out.received, t.total)
	}
	return nil
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
		converting := t.rc.utf8 && t.out.transcode(t.meta.ContentType)
		t.c.log.Debug("webadmit: download started",
			slices.Concat(t.attrs, []any{"size", size, "content_type", t.meta.ContentType, "to_utf8", converting})...)
		e := t.event(EventDownloadStart)
		e.Bytes, e.FileName = 0, t.meta.FileName
		t.rc.emit(e)
		return nil
	}
	if t.etag != "" && etag != "" && etag != t.etag {
		return &permanent{fmt.Errorf("%w: ETag %s became %s; run the download again", ErrChanged, t.etag, etag)}
	}
	if t.total >= 0 && size >= 0 && size != t.total {
		return &permanent{fmt.Errorf("%w: size %d became %d; run the download again", ErrChanged, t.total, size)}
	}
	if t.total < 0 {
		t.total = size
	}
	return nil
}

// refresh asks the API for a fresh download URL.
func (t *transfer) refresh(ctx context.Context) error {
	u, err := t.fresh(ctx)
	if err != nil {
		return err
	}
	t.url = u
	return nil
}

// storeError maps a failed answer of the object store to an error, from a
// bounded read of its body.
func (t *transfer) storeError(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	return checkResponse(resp, body, t.c.clock.Now(), t.c.key)
}

// drainClose reads a little of what is left, so the connection can be
// reused, and closes the body.
func drainClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, 4<<10)
	_ = body.Close()
}
