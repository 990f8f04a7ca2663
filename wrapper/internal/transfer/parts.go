package transfer

// The parallel ranged download, in the manner of the aws s3 manager's
// downloader: a large file whose size the first answer tells is fetched in
// parts of a fixed size over several connections, each part written at its
// offset into the temporary file. The first answer is not wasted: it
// becomes part 0. Every part is held to the first answer (ETag in If-Match,
// Content-Range, size, content coding), resumes from its own offset after a
// cut, and shares one download URL with the others (fresh.go).

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

const (
	// DefaultPartSize is the size of the parts of a file fetched over
	// several connections: large enough that a request's latency is small
	// beside its transfer, small enough that the last parts do not leave
	// most connections idle.
	DefaultPartSize = 16 << 20
	// DefaultMinParallel is the size a file must exceed to be fetched in
	// parts (at least three of them).
	DefaultMinParallel = 32 << 20
	// MaxParts bounds the parts of one file, as S3 bounds a multipart
	// upload's: a larger file gets larger parts, so that a store claiming
	// an absurd size cannot make the part list absurd.
	MaxParts = 10_000
)

// errParts says that the first answer was handed to the parts.
var errParts = errors.New("the file is fetched in parts")

// errOneStream: a part's range request was answered with the whole file
// (200): the store ignores Range. The parts stop, and the rest of the file
// comes as one stream from the end of their complete prefix.
var errOneStream = errors.New("the object store ignores Range requests: the rest of the file comes as one stream")

// stream is an answer being read: the first one, which part 0 takes over
// from the attempt that received it.
type stream struct {
	ctx    context.Context         // the request's: its cause tells a stall
	cancel context.CancelCauseFunc // ends the request
	body   io.Reader               // the body, counted by the low-speed watch
	close  func()                  // ends the answer, its watch and context
	once   sync.Once
}

// end closes the answer once.
func (s *stream) end() { s.once.Do(s.close) }

// parallel reports whether the file its first answer describes is fetched
// in parts: the sink takes writes at offsets, nothing converts the bytes
// on the way, the file is large enough, and a strong ETag can hold every
// part to the same object.
func (t *Transfer) parallel() bool {
	_, ok := t.Sink.(dest.PartSink)
	return ok && t.Connections > 1 && t.out.conv == nil && t.strongETag() &&
		t.total > cmp.Or(t.MinParallel, DefaultMinParallel)
}

// parts is the parallel download of one file.
type parts struct {
	t        *Transfer
	sink     dest.PartSink
	size     int64
	list     []part
	next     atomic.Int64  // the next part to claim
	moved    chan struct{} // a part grew: the hasher looks again
	urls     urlSource
	store    storeTime
	mu       sync.Mutex // orders Progress calls
	received atomic.Int64
	resumes  atomic.Int64
}

// part is one range of the file.
type part struct {
	index    int
	start, n int64
	done     atomic.Int64 // bytes written from start: only grows
}

// last is the offset of the part's last byte.
func (pt *part) last() int64 { return pt.start + pt.n - 1 }

// newParts splits the file of t into parts.
func newParts(t *Transfer, sink dest.PartSink) *parts {
	size := cmp.Or(t.PartSize, DefaultPartSize)
	p := &parts{t: t, sink: sink, size: t.total, moved: make(chan struct{}, 1)}
	p.urls.url, p.urls.fresh = t.URL, t.freshURL
	p.store.budget = t.Budget
	if size < t.total/MaxParts+1 { // whole MiB, for ranges easy to read
		size = (t.total/MaxParts + 1 + 1<<20 - 1) &^ (1<<20 - 1)
	}
	count := t.total / size
	if t.total%size != 0 {
		count++
	}
	p.list = make([]part, count)
	for i := range p.list {
		start := int64(i) * size
		p.list[i].index, p.list[i].start, p.list[i].n = i, start, min(size, t.total-start)
	}
	p.next.Store(1) // part 0 is the first answer's
	return p
}

// runParts downloads the file in parts over t.Connections connections,
// part 0 from the first answer. It returns nil when the whole file is
// written and hashed, errOneStream when the store ignores Range (t.out then
// continues from the complete prefix), or a final error: the first part to
// fail for good, or a failed write, stops the others.
func (t *Transfer) runParts(ctx context.Context) error {
	first := t.first
	t.first = nil
	p := newParts(t, t.Sink.(dest.PartSink))
	workers := min(t.Connections, len(p.list))
	t.Log.Debug("webadmit: downloading in parts",
		slices.Concat(t.Attrs, []any{"size", p.size, "parts", len(p.list), "connections", workers})...)
	gctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	t.par = p
	var (
		wg     sync.WaitGroup
		h      hash.Hash
		hashed int64
	)
	wg.Go(func() {
		var err error
		if h, hashed, err = p.follow(gctx); err != nil {
			cancel(err)
		}
	})
	for w := range workers {
		wg.Go(func() {
			var s *stream
			if w == 0 {
				s = first
			}
			if err := p.work(gctx, s); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	t.par = nil
	t.URL, _ = p.urls.current()
	t.resumes += int(p.resumes.Load())
	err := context.Cause(gctx)
	switch {
	case ctx.Err() != nil:
		return context.Cause(ctx)
	case err == nil:
		t.out.continueAt(h, hashed, io.Discard)
		return nil
	case errors.Is(err, errOneStream):
		t.out.continueAt(h, hashed, io.NewOffsetWriter(p.sink, hashed))
		return errOneStream
	}
	return wait.Permanent(err)
}

// work fetches parts until none is left; first, when given, is part 0's
// answer, already open.
func (p *parts) work(ctx context.Context, first *stream) error {
	if first != nil {
		defer first.end()
		if err := p.fetch(ctx, &p.list[0], first); err != nil {
			return err
		}
	}
	for {
		i := p.next.Add(1) - 1
		if i >= int64(len(p.list)) {
			return nil
		}
		if err := p.fetch(ctx, &p.list[i], nil); err != nil {
			return err
		}
	}
}

// fetch downloads one part, retrying and resuming it as the whole file's
// download is (the same loop, under the same budget), from first when
// given.
func (p *parts) fetch(ctx context.Context, pt *part, first *stream) error {
	stale := -1 // the generation of the URL the store last refused
	failed := false
	loop := p.t.retryLoop()
	loop.Exhausted = func(attempts int, last error) error { return p.exhausted(pt, attempts, last) }
	loop.TimedOut = func(_ int, delay time.Duration, last error) error {
		return p.t.Budget.Exceeded(fmt.Sprintf("downloading %s, part %d, %d bytes received", p.t.What, pt.index+1, p.received.Load()), delay, last)
	}
	loop.Sleeping = func(attempt int, delay time.Duration, err error) { p.retrying(pt, attempt, delay, err) }
	return loop.Run(ctx, func(ctx context.Context) (bool, error) {
		var err error
		if s := first; s != nil {
			first = nil
			err = p.consume(ctx, pt, s)
		} else {
			err = p.request(ctx, pt, &stale, failed)
		}
		failed = err != nil
		return err == nil, err
	})
}

// consume reads part 0 from the first answer, then closes it: the rest of
// its body belongs to the other parts.
func (p *parts) consume(ctx context.Context, pt *part, s *stream) error {
	defer s.end()
	stop := context.AfterFunc(ctx, func() { s.cancel(context.Cause(ctx)) })
	defer stop()
	p.store.begin()
	defer p.store.end()
	return p.copy(s.ctx, pt, s.body)
}

// request asks the store for the rest of a part (a fresh URL first, if the
// store refused the last one) and copies what it answers.
func (p *parts) request(ctx context.Context, pt *part, stale *int, resuming bool) error {
	t := p.t
	if *stale >= 0 {
		if _, _, err := p.urls.renew(ctx, *stale); err != nil {
			return err
		}
		*stale = -1
	}
	raw, gen := p.urls.current()
	if err := checkURL(raw); err != nil {
		return err
	}
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watch := watchSpeed(t.LowSpeed, cancel)
	defer watch.Stop()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, raw, nil)
	if err != nil {
		return wait.Permanent(redact.Error(err))
	}
	from := pt.start + pt.done.Load()
	req.Header.Set("Range", "bytes="+strconv.FormatInt(from, 10)+"-"+strconv.FormatInt(pt.last(), 10))
	req.Header.Set("If-Match", t.etag)
	p.store.begin()
	defer p.store.end()
	resp, err := t.Client.Do(req)
	if err != nil {
		return p.stalled(actx, pt, redact.Error(err))
	}
	defer drainClose(resp.Body)
	if resp.Uncompressed {
		return wait.Permanent(errors.New("the HTTP transport decoded the store's content coding; use a transport that does not"))
	}
	switch resp.StatusCode {
	case http.StatusPartialContent:
		if err := p.check(resp, from, pt.last()); err != nil {
			return err
		}
	case http.StatusOK: // the whole file: the store ignores Range
		if err := p.sameObject(resp); err != nil {
			return err
		}
		if resp.ContentLength >= 0 && resp.ContentLength != p.size {
			return changed("size %d became %d", p.size, resp.ContentLength)
		}
		return wait.Permanent(errOneStream)
	case http.StatusPreconditionFailed:
		return changed("the object store's copy no longer has ETag %s (412 Precondition Failed)", printable(t.etag))
	case http.StatusRequestedRangeNotSatisfiable:
		if cr, ok := strings.CutPrefix(strings.TrimSpace(resp.Header.Get("Content-Range")), "bytes */"); ok {
			if n, err := strconv.ParseInt(cr, 10, 64); err == nil && n != p.size {
				return changed("size %d became %d", p.size, n)
			}
		}
		return wait.Permanent(t.storeError(resp))
	case http.StatusForbidden:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		*stale = gen
		return &expiredError{t.StoreError(resp, body)}
	default:
		return t.storeError(resp) // 5xx and 429 are retried, other 4xx not
	}
	if resuming && pt.done.Load() > 0 {
		p.resumes.Add(1)
	}
	return p.copy(actx, pt, watch.reader(resp.Body))
}

// check holds a 206 answer for the range from-last to the first answer:
// the same object (ETag, content coding), the same size, the range asked.
func (p *parts) check(resp *http.Response, from, last int64) error {
	if err := p.sameObject(resp); err != nil {
		return err
	}
	start, end, size, err := parseContentRange(resp.Header.Get("Content-Range"))
	switch {
	case err != nil:
		return wait.Permanent(fmt.Errorf("the object store answered a range request with %w", err))
	case size >= 0 && size != p.size:
		return changed("size %d became %d", p.size, size)
	case start != from || end != last:
		return wait.Permanent(fmt.Errorf("the object store sent bytes %d-%d when asked for %d-%d", start, end, from, last))
	case resp.ContentLength >= 0 && resp.ContentLength != end-start+1:
		return wait.Permanent(fmt.Errorf("the object store's Content-Range (%d bytes) and Content-Length (%d) disagree", end-start+1, resp.ContentLength))
	}
	return nil
}

// sameObject checks that an answer comes from the object of the first one:
// its ETag and content coding.
func (p *parts) sameObject(resp *http.Response) error {
	t := p.t
	switch etag := resp.Header.Get("ETag"); {
	case etag == "":
		return changed("the first answer had ETag %s, a part's none", printable(t.etag))
	case etag != t.etag:
		return changed("ETag %s became %s", printable(t.etag), printable(etag))
	}
	if enc := contentCoding(resp.Header); enc != t.meta.ContentEncoding {
		return changed("the content coding %s became %s", printable(t.meta.ContentEncoding), printable(enc))
	}
	return nil
}

// copy writes what body sends at the part's offset until the part is
// complete; a body that ends first is a cut, resumed from the new offset.
func (p *parts) copy(actx context.Context, pt *part, body io.Reader) error {
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	for {
		done := pt.done.Load()
		if done == pt.n {
			return nil
		}
		if err := actx.Err(); err != nil {
			return p.stalled(actx, pt, err)
		}
		n, rerr := body.Read(buf[:min(int64(len(buf)), pt.n-done)])
		if n > 0 {
			if _, werr := p.sink.WriteAt(buf[:n], pt.start+done); werr != nil {
				return &writeError{werr}
			}
			pt.done.Add(int64(n))
			p.grew(int64(n))
		}
		switch {
		case rerr == io.EOF && pt.done.Load() < pt.n:
			return fmt.Errorf("%w: the object store closed the body of part %d after %d of its %d bytes", ErrIncomplete, pt.index+1, pt.done.Load(), pt.n)
		case rerr != nil && rerr != io.EOF:
			return p.stalled(actx, pt, fmt.Errorf("part %d interrupted after %d of its %d bytes: %w", pt.index+1, pt.done.Load(), pt.n, redact.Error(rerr)))
		}
	}
}

// grew counts n bytes written, wakes the hasher and reports progress.
func (p *parts) grew(n int64) {
	p.received.Add(n)
	select {
	case p.moved <- struct{}{}:
	default:
	}
	p.report(Progress{Kind: Bytes})
}

// report passes a step on to Progress, one at a time.
func (p *parts) report(pr Progress) {
	if p.t.Progress != nil {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.t.progress(pr)
	}
}

// follow hashes the file in order as its complete prefix grows (the parts
// before the first unfinished one, and what that one has written so far),
// reading it back from the sink, from the page cache since the bytes were
// just written, and tells the sink how far the prefix reaches. It returns
// the hash and the bytes it covers: the whole file, or less when ctx ends
// first.
func (p *parts) follow(ctx context.Context) (hash.Hash, int64, error) {
	h := sha256.New()
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	var hashed int64
	low := 0 // the first part not yet complete
	for hashed < p.size {
		for low < len(p.list) && p.list[low].done.Load() == p.list[low].n {
			low++
		}
		prefix := p.size
		if low < len(p.list) {
			prefix = p.list[low].start + p.list[low].done.Load()
		}
		if prefix == hashed {
			select {
			case <-p.moved:
				continue
			case <-ctx.Done():
				return h, hashed, context.Cause(ctx)
			}
		}
		for hashed < prefix {
			if ctx.Err() != nil {
				return h, hashed, context.Cause(ctx)
			}
			n := min(int64(len(buf)), prefix-hashed)
			if _, err := p.sink.ReadAt(buf[:n], hashed); err != nil {
				return h, hashed, &writeError{fmt.Errorf("reading back bytes %d-%d to hash them: %w", hashed, hashed+n-1, err)}
			}
			h.Write(buf[:n])
			hashed += n
		}
		p.sink.Settled(hashed)
	}
	return h, hashed, nil
}

// stalled rewrites err when a part's request ended because it moved too
// slowly.
func (p *parts) stalled(actx context.Context, pt *part, err error) error {
	if cause := context.Cause(actx); errors.Is(cause, errStalled) {
		return fmt.Errorf("%w (part %d, after %d of its %d bytes)", cause, pt.index+1, pt.done.Load(), pt.n)
	}
	return err
}

// retrying reports a part's retry: logs, events.
func (p *parts) retrying(pt *part, attempt int, delay time.Duration, err error) {
	t := p.t
	t.Log.Info("webadmit: download part interrupted, retrying",
		slices.Concat(t.Attrs, []any{"part", pt.index + 1, "attempt", attempt, "part_received", pt.done.Load(),
			"received", p.received.Load(), "delay", delay, "err", err.Error()})...)
	kind := Retry
	if p.received.Load() > 0 {
		kind = Resume
	}
	p.report(Progress{Kind: kind, Attempt: attempt, Delay: delay, Err: err})
}

// exhausted is the error of a part whose attempts ran out.
func (p *parts) exhausted(pt *part, attempts int, last error) error {
	var expired *expiredError
	if errors.As(last, &expired) {
		return fmt.Errorf("%w: the object store refused the download URL %d times in a row for part %d, fresh ones included: %w",
			ErrURLExpired, attempts, pt.index+1, last)
	}
	return fmt.Errorf("%w: part %d (bytes %d-%d): received %d of its %d bytes in %d attempts: %w",
		ErrIncomplete, pt.index+1, pt.start, pt.last(), pt.done.Load(), pt.n, attempts, last)
}
