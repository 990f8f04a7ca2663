// Package transfer downloads one file from the object store, resuming
// after a cut, an expired URL, a short body or a stall. It takes an HTTP
// client, a source of fresh URLs and a sink, as the aws s3 manager's
// downloader takes its client, and knows nothing of the API.
package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/webadmit-go/webadmit/internal/secureurl"
	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// Errors of a transfer, matched with errors.Is.
var (
	// ErrIncomplete: the download ended before the file's end was
	// confirmed, and the attempts ran out.
	ErrIncomplete = errors.New("incomplete download")
	// ErrChanged: the stored file changed between two parts of a resumed
	// download.
	ErrChanged = errors.New("the stored file changed during the download")
	// ErrURLExpired: the object store kept refusing the download URL,
	// fresh ones included, until the attempts ran out.
	ErrURLExpired = errors.New("download URL expired")
)

// Transfer is one file to download. The store's answer is opaque bytes: no
// content coding is asked for or decoded, and what is written is what is
// stored, counted against the size the store announced. The end of the
// file must be confirmed: by that size, or, when the store does not tell
// it, by a Range request past the last byte (416). An expired URL, a cut
// connection, a short body or a stalled attempt is resumed: each retry
// asks for a fresh URL (Fresh) and for the bytes not yet received (Range),
// holding the store to the first answer's ETag (If-Match) and size, so
// that a changed object is never spliced.
type Transfer struct {
	Client *http.Client // the object store's client: it never carries the API key
	// Fresh asks the API for a new download URL; it returns an error
	// wrapped by wait.Permanent when none will come (the run failed, say).
	// It is called within the budget.
	Fresh func(context.Context) (string, error)
	URL   string // a URL already in hand, or "" (a credential: never logged)
	Sink  dest.Sink
	What  string    // the file in words, for errors: "export 7 run 555"
	Meta  dest.Meta // the ids, for the sink's fallback name
	// Name, when set, maps the server's file name to the one the sink is
	// given.
	Name     func(server string) string
	UTF8     bool // convert a Latin-1 file to UTF-8 while it streams
	Attempts int  // requests of the download (of each part), the first included
	// Connections is how many connections a large file is fetched over,
	// in parts (see parts.go); 1 or less: one stream.
	Connections int
	// PartSize and MinParallel replace DefaultPartSize and
	// DefaultMinParallel when positive (tests use small ones).
	PartSize, MinParallel int64
	LowSpeed              LowSpeed
	Budget                *wait.Budget
	Policy                wait.Policy // spacing of retries; trimmed to at most 10 s
	// StoreError maps a failed answer of the store (body already read,
	// bounded) to an error; Transient and RetryAfter classify errors.
	StoreError func(resp *http.Response, body []byte) error
	Transient  func(error) bool
	RetryAfter func(error) time.Duration
	Log        *slog.Logger
	Attrs      []any // ids every log line carries
	Progress   func(Progress)

	out     *output
	total   int64 // announced size, -1 until known
	etag    string
	meta    dest.Meta
	started bool
	failed  bool // the last attempt failed: the next one is a resume
	resumes int
	first   *stream // the first answer, which the parts take over
	par     *parts  // the parts while they run, else nil
}

// Kind says what a Progress reports.
type Kind int

// The steps of a transfer.
const (
	Start  Kind = iota + 1 // the first answer: Total is the size, or -1
	Bytes                  // bytes were written; Bytes is the running total
	Retry                  // a failure before any byte; retried after Delay
	Resume                 // the download resumes at Bytes after Err
)

// Progress is one step of a transfer.
type Progress struct {
	Kind     Kind
	Bytes    int64 // raw bytes received so far
	Total    int64 // announced size, -1 if unknown
	Attempt  int
	Delay    time.Duration
	Err      error  // redacted
	FileName string // the server's name (made safe), on Start
}

// Result is what a finished transfer received and wrote.
type Result struct {
	Meta       dest.Meta // content type, coding and the server's file name
	Received   int64     // raw bytes from the store
	Written    int64     // bytes written to the sink (after conversion)
	SHA256     string    // hex SHA-256 of the bytes written
	Total      int64     // the file's size, -1 if never confirmed
	Resumes    int       // attempts that resumed after a failure
	Transcoded bool      // converted to UTF-8
}

// expiredError is a 403 from the store: the URL expired (or was refused).
type expiredError struct{ err error }

func (e *expiredError) Error() string {
	return e.err.Error() + ": the download URL expired or was refused"
}
func (e *expiredError) Unwrap() error { return e.err }

// ErrNoURL: the file is ready but the API's answer carried no URL; the next
// one may.
var ErrNoURL = errors.New("the API gave no download URL")

// errStalled: an attempt moved slower than the low-speed limit.
var errStalled = errors.New("the download stalled")

// errMore: the body ended cleanly at a size the store never announced;
// the next request (at once, with the same URL) continues from there or
// confirms the end.
var errMore = errors.New("end of the file not yet confirmed")

// changed reports a changed object: never spliced, never retried.
func changed(format string, args ...any) error {
	return wait.Permanent(fmt.Errorf("%w: "+format+"; run the download again", append([]any{ErrChanged}, args...)...))
}

// printable quotes a server string for an error: an ETag may hold anything.
func printable(s string) string { return strconv.Quote(redact.Snippet([]byte(s), 80)) }

// Run downloads the file into the sink (which it does not commit).
func (t *Transfer) Run(ctx context.Context) (*Result, error) {
	t.total = -1
	t.meta = t.Meta
	t.out = newOutput(t.Sink, func(n int64) { t.progress(Progress{Kind: Bytes, Bytes: n}) })
	if t.Log == nil {
		t.Log = slog.New(slog.DiscardHandler)
	}
	loop := t.retryLoop()
	loop.Exhausted = t.exhausted
	loop.TimedOut = func(_ int, delay time.Duration, last error) error {
		return t.Budget.Exceeded(fmt.Sprintf("downloading %s, %d bytes received", t.What, t.out.received), delay, last)
	}
	loop.Sleeping = t.retrying
	err := loop.Run(ctx, func(ctx context.Context) (bool, error) {
		err := t.attempt(ctx)
		if errors.Is(err, errParts) {
			err = t.runParts(ctx)
		}
		switch {
		case errors.Is(err, errOneStream):
			t.failed = true // the rest comes as a resume, on the URL in hand
		case err != nil && !errors.Is(err, errMore):
			t.URL = "" // fetch a fresh URL: the old one may be stale by now
			t.failed = true
		}
		return err == nil, err
	})
	if err == nil {
		err = t.out.finish()
	}
	res := &Result{Meta: t.meta, Received: t.out.received, Written: t.out.written(), SHA256: t.out.sum(),
		Total: t.total, Resumes: t.resumes, Transcoded: t.out.conv != nil}
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("downloading %s: %w", t.What, context.Cause(ctx))
	}
	return res, err
}

// retryLoop is the retry loop of a request to the store, the whole file's
// or a part's: which errors are retried, and at once, and the spacing of
// the others (the poll policy's, trimmed to at most 10 s).
func (t *Transfer) retryLoop() wait.Loop {
	return wait.Loop{
		Budget: t.Budget,
		Policy: wait.Policy{
			MinDelay:   min(t.Policy.MinDelay, time.Second),
			MaxDelay:   min(t.Policy.MaxDelay, 10*time.Second),
			Multiplier: 2,
			Jitter:     t.Policy.Jitter,
		},
		Transient: func(err error) bool {
			var expired *expiredError
			var werr *writeError
			switch {
			case errors.As(err, &werr), errors.Is(err, wait.ErrTimeout):
				return false
			case errors.Is(err, errMore), errors.As(err, &expired), errors.Is(err, ErrNoURL), errors.Is(err, errStalled),
				errors.Is(err, errOneStream):
				return true
			}
			return t.Transient(err)
		},
		RetryAfter: t.RetryAfter,
		Immediate: func(err error) bool {
			var expired *expiredError
			return errors.Is(err, errMore) || errors.As(err, &expired) || errors.Is(err, errOneStream)
		},
		FirstRetryImmediate: true,
		MaxTries:            max(1, t.Attempts),
	}
}

// retrying reports a retry: logs, events.
func (t *Transfer) retrying(attempt int, delay time.Duration, err error) {
	if errors.Is(err, errMore) {
		return
	}
	kind := Retry
	if t.out.received > 0 {
		kind = Resume
	}
	msg := "webadmit: download interrupted, retrying with a fresh URL"
	if errors.Is(err, errOneStream) {
		msg = "webadmit: the object store ignores Range; the rest of the file comes as one stream"
	}
	t.Log.Info(msg, slices.Concat(t.Attrs, []any{"attempt", attempt, "received", t.out.received, "delay", delay, "err", err.Error()})...)
	t.progress(Progress{Kind: kind, Bytes: t.out.received, Attempt: attempt, Delay: delay, Err: err})
}

func (t *Transfer) progress(p Progress) {
	if t.Progress != nil {
		if p.Kind != Start {
			p.Bytes = t.received()
		}
		p.Total = t.total
		t.Progress(p)
	}
}

func (t *Transfer) exhausted(attempts int, last error) error {
	var expired *expiredError
	switch {
	case errors.Is(last, errMore):
		return fmt.Errorf("%w: the object store ended the body %d times without saying the file's size (%d bytes so far)", ErrIncomplete, attempts, t.out.received)
	case errors.As(last, &expired):
		return fmt.Errorf("%w: the object store refused the download URL %d times in a row, fresh ones included: %w", ErrURLExpired, attempts, last)
	case t.started:
		return fmt.Errorf("%w: received %d of %s bytes in %d attempts: %w", ErrIncomplete, t.out.received, totalText(t.total), attempts, last)
	}
	return fmt.Errorf("download failed after %d attempts: %w", attempts, last)
}

// received is the count of raw bytes received so far: all parts', while
// they run.
func (t *Transfer) received() int64 {
	if t.par != nil {
		return t.par.received.Load()
	}
	return t.out.received
}

// totalText is a byte count for errors, "?" when the size is unknown.
func totalText(n int64) string {
	if n < 0 {
		return "?"
	}
	return strconv.FormatInt(n, 10)
}

// attempt makes one request to the store (fetching a fresh URL first if
// needed) and copies what it answers. It returns nil once the whole file
// is received and its end confirmed, errMore when the next request should
// continue at once.
func (t *Transfer) attempt(ctx context.Context) error {
	if t.URL == "" {
		if err := t.refresh(ctx); err != nil {
			return err
		}
	}
	if err := checkURL(t.URL); err != nil {
		return err
	}
	// The watch ends the attempt (not the call) when the store moves
	// slower than the low-speed limit; the next attempt resumes. When the
	// parts take the first answer over (handed), they end both.
	handed := false
	actx, cancel := context.WithCancelCause(ctx)
	watch := watchSpeed(t.LowSpeed, cancel)
	defer func() {
		if !handed {
			watch.Stop()
			cancel(nil)
		}
	}()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, t.URL, nil)
	if err != nil {
		return wait.Permanent(redact.Error(err))
	}
	offset := t.out.received
	resuming := t.failed && offset > 0
	// With a strong ETag the store is asked for the rest, If-Match the
	// first answer's; without one, nothing would tell another object of
	// the same size from this one: the file is asked for whole again, and
	// the bytes already written must come back the same (skipMatching).
	if t.started && t.strongETag() {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
		req.Header.Set("If-Match", t.etag)
	}
	sent := time.Now()
	defer func() { t.Budget.Exclude(time.Since(sent)) }() // the store's time is not waiting
	resp, err := t.Client.Do(req)
	if err != nil {
		return t.stalled(actx, redact.Error(err))
	}
	defer func() {
		if !handed {
			drainClose(resp.Body)
		}
	}()
	if resp.Uncompressed {
		return wait.Permanent(errors.New("the HTTP transport decoded the store's content coding; use a transport that does not"))
	}
	body := watch.reader(resp.Body)

	switch resp.StatusCode {
	case http.StatusOK:
		first := !t.started
		if err := t.begin(resp, resp.ContentLength); err != nil {
			return err
		}
		if first && t.parallel() {
			handed = true
			t.first = &stream{ctx: actx, cancel: cancel, body: body, close: func() {
				drainClose(resp.Body)
				watch.Stop()
				cancel(nil)
			}}
			return errParts
		}
		if offset > 0 { // the store ignored Range: what it sends again must match
			if err := t.out.skipMatching(body, offset); err != nil {
				if errors.Is(err, ErrChanged) {
					return wait.Permanent(err)
				}
				return t.stalled(actx, fmt.Errorf("the store resent the file from its start and stopped before byte %d: %w", offset, redact.Error(err)))
			}
		}
	case http.StatusPartialContent:
		start, end, size, err := parseContentRange(resp.Header.Get("Content-Range"))
		switch {
		case err != nil:
			return wait.Permanent(fmt.Errorf("the object store answered a range request with %w", err))
		case start != offset:
			return wait.Permanent(fmt.Errorf("the object store sent bytes from %d when asked from %d", start, offset))
		case resp.ContentLength >= 0 && resp.ContentLength != end-start+1:
			return wait.Permanent(fmt.Errorf("the object store's Content-Range (%d bytes) and Content-Length (%d) disagree", end-start+1, resp.ContentLength))
		}
		if err := t.begin(resp, size); err != nil {
			return err
		}
	case http.StatusRequestedRangeNotSatisfiable:
		return t.rangeEnd(resp, offset)
	case http.StatusPreconditionFailed:
		return changed("the object store's copy no longer has ETag %s (412 Precondition Failed)", printable(t.etag))
	case http.StatusForbidden:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return &expiredError{t.StoreError(resp, body)}
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
		return t.stalled(actx, fmt.Errorf("download interrupted after %d of %s bytes: %w", t.out.received, totalText(t.total), redact.Error(err)))
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

// checkURL refuses a download URL that is not absolute, or not https (nor
// http to loopback); the error is final and holds no secret.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() {
		return wait.Permanent(errors.New("the API gave a download URL that is not an absolute URL"))
	}
	if err := secureurl.Check(u); err != nil {
		return wait.Permanent(fmt.Errorf("download URL %s: %w", redact.ParsedURL(u), err))
	}
	return nil
}

// rangeEnd handles a 416 to a request from offset: the end of the file,
// when offset is where the store says (or does not say) the file ends.
func (t *Transfer) rangeEnd(resp *http.Response, offset int64) error {
	if !t.started {
		return wait.Permanent(t.storeError(resp))
	}
	if etag := resp.Header.Get("ETag"); etag != "" && t.etag != "" && etag != t.etag {
		return changed("ETag %s became %s", printable(t.etag), printable(etag))
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
	return wait.Permanent(t.storeError(resp))
}

// begin checks a successful answer against what earlier ones said; on the
// first it records the size, ETag and file name, and sets up transcoding.
func (t *Transfer) begin(resp *http.Response, size int64) error {
	etag := resp.Header.Get("ETag")
	if !t.started {
		t.started = true
		t.total = size
		t.etag = etag
		t.meta.ContentType = resp.Header.Get("Content-Type")
		t.meta.ContentEncoding = contentCoding(resp.Header)
		t.meta.FileName = dest.SafeFileName(resp.Header.Get("Content-Disposition"))
		meta := t.meta
		if t.Name != nil {
			meta.FileName = t.Name(meta.FileName)
		}
		if err := t.Sink.Start(&meta); err != nil {
			return wait.Permanent(err)
		}
		converting := false
		if t.UTF8 {
			if t.meta.ContentEncoding != "" {
				t.Log.Warn("webadmit: the file is stored with a content coding; writing it as stored, without converting it to UTF-8",
					slices.Concat(t.Attrs, []any{"content_encoding", t.meta.ContentEncoding})...)
			} else {
				converting = t.out.transcode(t.meta.ContentType)
			}
		}
		t.Log.Debug("webadmit: download started",
			slices.Concat(t.Attrs, []any{"size", size, "content_type", t.meta.ContentType, "to_utf8", converting})...)
		t.progress(Progress{Kind: Start, FileName: t.meta.FileName})
		return nil
	}
	if t.etag != "" && etag != t.etag {
		if etag == "" {
			return changed("the first answer had ETag %s, a resumed one none", printable(t.etag))
		}
		return changed("ETag %s became %s", printable(t.etag), printable(etag))
	}
	if enc := contentCoding(resp.Header); enc != t.meta.ContentEncoding {
		return changed("the content coding %s became %s", printable(t.meta.ContentEncoding), printable(enc))
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

// maxETag is the longest ETag sent back in If-Match: a longer one (a
// hostile store's) counts as none.
const maxETag = 1 << 10

// strongETag reports whether the first answer's ETag can hold the store to
// the same object: present, strong (not W/), of a sane length.
func (t *Transfer) strongETag() bool {
	return t.etag != "" && !strings.HasPrefix(t.etag, "W/") && len(t.etag) <= maxETag
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
func (t *Transfer) stalled(actx context.Context, err error) error {
	if cause := context.Cause(actx); errors.Is(cause, errStalled) {
		return fmt.Errorf("%w (after %d bytes)", cause, t.out.received)
	}
	return err
}

// refresh asks the API for a fresh download URL, within the budget.
func (t *Transfer) refresh(ctx context.Context) error {
	u, err := t.freshURL(ctx)
	if err != nil {
		return err
	}
	t.URL = u
	return nil
}

// freshURL is one call of Fresh, bounded by what is left of the budget.
func (t *Transfer) freshURL(ctx context.Context) (string, error) {
	cctx, cancel := t.Budget.CallContext(ctx)
	defer cancel()
	u, err := t.Fresh(cctx)
	if wait.Spent(ctx, cctx) {
		return "", fmt.Errorf("asking the API for a fresh download URL of %s: %w", t.What, wait.ErrSpent)
	}
	return u, err
}

// storeError maps a failed answer of the object store to an error, from a
// bounded read of its body.
func (t *Transfer) storeError(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	return t.StoreError(resp, body)
}

// drainClose reads a little of what is left, so the connection can be
// reused, and closes the body.
func drainClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, 4<<10)
	_ = body.Close()
}

// StoredCoding adds to a failed commit (an extraction) that the object was
// stored with a content coding: the bytes are not the archive itself.
func StoredCoding(err error, coding string) error {
	if coding == "" {
		return err
	}
	return fmt.Errorf("%w (the object store keeps the file with Content-Encoding %s: the bytes written are the encoded ones)", err, coding)
}
