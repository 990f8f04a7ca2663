package transfer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// partRanges are the Range headers of the parts of a file of size bytes,
// part 0 excepted (the first answer brings it).
func partRanges(size int) map[string]bool {
	want := map[string]bool{}
	for start := testPart; start < size; start += testPart {
		want[fmt.Sprintf("bytes=%d-%d", start, min(start+testPart, size)-1)] = true
	}
	return want
}

// ranged reports whether a request asked for a range.
func ranged(r *http.Request) bool { return r.Header.Get("Range") != "" }

// rangeFrom reads the first offset of a request's Range.
func rangeFrom(r *http.Request) int {
	a, _, _ := strings.Cut(strings.TrimPrefix(r.Header.Get("Range"), "bytes="), "-")
	n, _ := strconv.Atoi(a)
	return n
}

// count is the number of requests the store answered with status.
func count(reqs []storeRequest, status int) int {
	n := 0
	for _, r := range reqs {
		if r.status == status {
			n++
		}
	}
	return n
}

// TestPartsDownload: a large file comes in parts over several connections,
// each held to the first answer and resumed on its own; the file is intact
// or, on ErrChanged or a final error, nothing is left on disk.
func TestPartsDownload(t *testing.T) {
	t.Parallel()
	const size = 1<<20 + 123 // 17 parts of 64 KiB
	tests := []struct {
		name    string
		size    int
		conns   int                                                               // 0: 4
		stream  bool                                                              // a stream sink (ToWriter)
		setup   func(s *rangeStore, u *urls)                                      // faults
		wantErr error                                                             // nil: the file intact
		check   func(t *testing.T, s *rangeStore, u *urls, res *Result, open int) // more assertions; open: answers open at once
	}{
		{name: "parts over four connections", setup: func(s *rangeStore, _ *urls) { s.pace = 200 * time.Microsecond }, check: func(t *testing.T, s *rangeStore, u *urls, res *Result, open int) {
			reqs := s.seen()
			want := partRanges(size)
			if reqs[0].rng != "" {
				t.Errorf("the first request asked for %q, want the whole file", reqs[0].rng)
			}
			for _, r := range reqs[1:] {
				if !want[r.rng] || r.ifMatch != `"v1"` || r.status != http.StatusPartialContent {
					t.Errorf("request %+v: want one of the part ranges with If-Match \"v1\", answered 206", r)
				}
				delete(want, r.rng)
			}
			if len(want) > 0 {
				t.Errorf("parts never asked for: %v", want)
			}
			if open < 2 || open > 4 {
				t.Errorf("%d answers open at once, want 2 to 4", open)
			}
			if u.count() != 0 || res.Resumes != 0 {
				t.Errorf("%d fresh URLs and %d resumes, want none", u.count(), res.Resumes)
			}
		}},
		{name: "cuts in several parts resume from their own offsets", setup: func(s *rangeStore, _ *urls) {
			s.fault = func(_ int, w http.ResponseWriter, r *http.Request) bool {
				if from := rangeFrom(r); ranged(r) && from%testPart == 0 && from <= 3*testPart {
					s.cut(w, r, 1000) // parts 1 to 3, at their first request
					return true
				}
				return false
			}
		}, check: func(t *testing.T, s *rangeStore, u *urls, res *Result, open int) {
			reqs := s.seen()
			for part := 1; part <= 3; part++ {
				resume := fmt.Sprintf("bytes=%d-%d", part*testPart+1000, (part+1)*testPart-1)
				if !slicesContain(reqs, resume) {
					t.Errorf("part %d, cut, was not resumed with Range %s: %+v", part, resume, reqs)
				}
			}
			for _, r := range reqs[1:] {
				if r.ifMatch != `"v1"` {
					t.Errorf("request for %s without If-Match", r.rng)
				}
			}
			if res.Resumes != 3 || u.count() != 0 {
				t.Errorf("%d resumes and %d fresh URLs, want 3 resumes on the URL in hand", res.Resumes, u.count())
			}
		}},
		{name: "the first answer cut inside part 0", setup: func(s *rangeStore, _ *urls) {
			s.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
				if n == 1 {
					s.cut(w, r, 5000)
					return true
				}
				return false
			}
		}, check: func(t *testing.T, s *rangeStore, _ *urls, res *Result, _ int) {
			if !slicesContain(s.seen(), fmt.Sprintf("bytes=5000-%d", testPart-1)) || res.Resumes != 1 {
				t.Errorf("part 0 was not resumed at byte 5000 (%d resumes): %+v", res.Resumes, s.seen())
			}
		}},
		{name: "the URL expires during several parts: one fresh URL for all", setup: func(s *rangeStore, u *urls) {
			s.pace = 200 * time.Microsecond
			u.delay = 50 * time.Millisecond
			s.fault = func(n int, _ http.ResponseWriter, _ *http.Request) bool {
				if n == 1 { // every later request with the first URL is refused
					s.mu.Lock()
					s.minGen = 1
					s.mu.Unlock()
				}
				return false
			}
		}, check: func(t *testing.T, s *rangeStore, u *urls, _ *Result, _ int) {
			reqs := s.seen()
			if n := count(reqs, http.StatusForbidden); n < 2 || u.count() != 1 {
				t.Errorf("%d parts refused, %d fresh URLs; want several refused and one fresh URL", n, u.count())
			}
			for _, r := range reqs {
				if r.status == http.StatusPartialContent && r.gen != 1 && r != reqs[0] {
					t.Errorf("a part came with URL generation %d, want 1", r.gen)
				}
			}
		}},
		{name: "a stampede of refusals costs one Fresh call per expiry", wantErr: ErrURLExpired, setup: func(s *rangeStore, u *urls) {
			u.delay = 5 * time.Millisecond
			s.fault = func(_ int, w http.ResponseWriter, r *http.Request) bool {
				if ranged(r) {
					w.WriteHeader(http.StatusForbidden)
					return true
				}
				return false
			}
		}, check: func(t *testing.T, _ *rangeStore, u *urls, _ *Result, _ int) {
			if u.count() > 5 { // each part tries 6 times: 5 renewals each if not shared
				t.Errorf("%d Fresh calls, want at most 5 (shared by the parts)", u.count())
			}
		}},
		{name: "the ETag changes between parts, If-Match ignored", wantErr: ErrChanged, setup: func(s *rangeStore, _ *urls) {
			other := bytes.Repeat([]byte("x"), size)
			s.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
				if n >= 3 {
					r.Header.Del("If-Match")
					s.serve(w, r, `"v2"`, other, 0)
					return true
				}
				return false
			}
		}},
		{name: "the ETag changes between parts, If-Match honoured (412)", wantErr: ErrChanged, setup: func(s *rangeStore, _ *urls) {
			s.fault = func(n int, _ http.ResponseWriter, _ *http.Request) bool {
				if n == 2 {
					s.mu.Lock()
					s.etag = `"v2"`
					s.mu.Unlock()
				}
				return false
			}
		}, check: func(t *testing.T, s *rangeStore, _ *urls, _ *Result, _ int) {
			if count(s.seen(), http.StatusPreconditionFailed) == 0 {
				t.Error("no part was answered 412")
			}
		}},
		{name: "a part tells another total size", wantErr: ErrChanged, setup: func(s *rangeStore, _ *urls) {
			s.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
				if n == 3 {
					from := rangeFrom(r)
					w.Header().Set("ETag", `"v1"`)
					w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, from+testPart-1, size+1))
					w.WriteHeader(http.StatusPartialContent)
					_, _ = w.Write(s.content[from : from+testPart])
					return true
				}
				return false
			}
		}},
		{name: "a short part (the body ends before the Content-Range end) resumes", setup: func(s *rangeStore, _ *urls) {
			s.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
				if n == 3 {
					from := rangeFrom(r)
					w.Header().Set("ETag", `"v1"`)
					w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, from+testPart-1, size))
					w.Header().Set("Transfer-Encoding", "identity") // close-delimited: a clean end
					w.WriteHeader(http.StatusPartialContent)
					_, _ = w.Write(s.content[from : from+1000])
					return true
				}
				return false
			}
		}, check: func(t *testing.T, s *rangeStore, _ *urls, res *Result, _ int) {
			reqs := s.seen()
			from, _, _ := strings.Cut(strings.TrimPrefix(reqs[2].rng, "bytes="), "-")
			a, _ := strconv.Atoi(from)
			if want := fmt.Sprintf("bytes=%d-%d", a+1000, a+testPart-1); !slicesContain(reqs, want) || res.Resumes != 1 {
				t.Errorf("the short part was not resumed with %s (%d resumes)", want, res.Resumes)
			}
		}},
		{name: "a store that ignores Range: one stream from the complete prefix", setup: func(s *rangeStore, _ *urls) {
			s.fault = func(_ int, w http.ResponseWriter, r *http.Request) bool {
				r.Header.Del("Range")
				s.serve(w, r, `"v1"`, s.content, 0)
				return true
			}
		}, check: func(t *testing.T, s *rangeStore, _ *urls, _ *Result, _ int) {
			reqs := s.seen()
			found := false
			for _, r := range reqs[1:] {
				found = found || (strings.HasSuffix(r.rng, "-") && r.ifMatch == `"v1"`)
			}
			if !found {
				t.Errorf("the rest of the file was not asked for as one stream (Range N- with If-Match): %+v", reqs)
			}
		}},
		{name: "another object in place of a part (200, other ETag)", wantErr: ErrChanged, setup: func(s *rangeStore, _ *urls) {
			s.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
				if n >= 2 {
					r.Header.Del("Range")
					r.Header.Del("If-Match")
					s.serve(w, r, `"v2"`, s.content, 0)
					return true
				}
				return false
			}
		}},
		{name: "a part refused for good (404)", wantErr: &statusError{404}, setup: func(s *rangeStore, _ *urls) {
			s.fault = func(n int, w http.ResponseWriter, _ *http.Request) bool {
				if n == 3 {
					w.WriteHeader(http.StatusNotFound)
					return true
				}
				return false
			}
		}},
		{name: "unknown size: one stream", setup: func(s *rangeStore, _ *urls) {
			s.fault = func(n int, w http.ResponseWriter, _ *http.Request) bool {
				if n == 1 {
					w.Header().Set("ETag", `"v1"`)
					w.Header().Set("Transfer-Encoding", "identity")
					w.WriteHeader(http.StatusOK)
					_, _ = w.Write(s.content)
					return true
				}
				return false
			}
		}, check: oneStream},
		{name: "a weak ETag: one stream", setup: func(s *rangeStore, _ *urls) { s.etag = `W/"v1"` }, check: oneStream},
		{name: "a small file: one stream", size: testMin, check: oneStream},
		{name: "one connection: one stream", conns: 1, check: oneStream},
		{name: "a stream sink: one stream", stream: true, check: oneStream},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			content := pattern(cmpOr(tt.size, size))
			s, srv := newRangeStore(t, content)
			u := &urls{base: srv.URL}
			if tt.setup != nil {
				tt.setup(s, u)
			}
			var sink dest.Sink
			var dir string
			var buf bytes.Buffer
			if tt.stream {
				sink = dest.Writer(&buf)
			} else {
				sink, dir = fileSink(t)
			}
			tr := newTestTransfer(srv, u, sink)
			tr.Connections = cmpOr(tt.conns, 4)
			counter := &openCounter{base: tr.Client.Transport}
			tr.Client.Transport = counter
			t.Cleanup(tr.Client.CloseIdleConnections)
			res, err := tr.Run(context.Background())
			var got []byte
			if tt.stream {
				got = buf.Bytes()
			} else {
				got = finish(t, sink, dir, err)
			}
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("Run: %v", err)
			case tt.wantErr == nil && (!bytes.Equal(got, content) || res.SHA256 != sum(content) || res.Received != int64(len(content))):
				t.Fatalf("wrote %d bytes (sha %s, received %d), want the %d bytes of the file (sha %s)", len(got), res.SHA256, res.Received, len(content), sum(content))
			case tt.wantErr != nil && !errorMatches(err, tt.wantErr):
				t.Fatalf("Run: %v, want %v", err, tt.wantErr)
			case tt.wantErr != nil && got != nil:
				t.Fatalf("%d bytes left on disk after %v", len(got), err)
			}
			if tt.check != nil {
				tt.check(t, s, u, res, counter.most())
			}
		})
	}
}

// oneStream checks that the file came in one request.
func oneStream(t *testing.T, s *rangeStore, _ *urls, _ *Result, _ int) {
	t.Helper()
	for _, r := range s.seen() {
		if r.rng != "" && !strings.HasSuffix(r.rng, "-") {
			t.Errorf("a part was asked for (%s): want one stream", r.rng)
		}
	}
}

// errorMatches is errors.Is, or errors.As for a *statusError of the same
// code.
func errorMatches(err, want error) bool {
	var se, wse *statusError
	if errors.As(want, &wse) {
		return errors.As(err, &se) && se.code == wse.code
	}
	return errors.Is(err, want)
}

func slicesContain(reqs []storeRequest, rng string) bool {
	for _, r := range reqs {
		if r.rng == rng {
			return true
		}
	}
	return false
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// TestPartsCancelled: a download cancelled while its parts run ends with
// the context's error, leaves nothing on disk and no goroutine behind.
func TestPartsCancelled(t *testing.T) {
	content := pattern(1 << 20)
	s, srv := newRangeStore(t, content)
	s.pace = time.Millisecond
	sink, dir := fileSink(t)
	tr := newTestTransfer(srv, &urls{base: srv.URL}, sink)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr.Progress = func(p Progress) {
		if p.Kind == Bytes && p.Bytes > 200<<10 {
			cancel()
		}
	}
	_, err := tr.Run(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v, want context.Canceled", err)
	}
	if got := finish(t, sink, dir, err); got != nil {
		t.Fatalf("%d bytes left on disk", len(got))
	}
	tr.Client.CloseIdleConnections()
	srv.Close()
	goleak.VerifyNone(t)
}

// failingSink is a file that fails every write at or past an offset, as a
// full disk does.
type failingSink struct {
	dest.PartSink
	at int64
}

var errDiskFull = errors.New("no space left on device")

func (s *failingSink) WriteAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > s.at {
		return 0, errDiskFull
	}
	return s.PartSink.WriteAt(p, off)
}

// TestPartsWriteFailureStopsAll: a failed write is final: no part retries
// it, the others stop, and nothing is left on disk.
func TestPartsWriteFailureStopsAll(t *testing.T) {
	t.Parallel()
	content := pattern(1 << 20)
	s, srv := newRangeStore(t, content)
	sink, dir := fileSink(t)
	tr := newTestTransfer(srv, &urls{base: srv.URL}, &failingSink{PartSink: sink.(dest.PartSink), at: 5 * testPart})
	t.Cleanup(tr.Client.CloseIdleConnections)
	_, err := tr.Run(context.Background())
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("Run: %v, want the disk's error", err)
	}
	if got := finish(t, sink, dir, err); got != nil {
		t.Fatalf("%d bytes left on disk", len(got))
	}
	if n := len(s.seen()); n > 1+len(partRanges(len(content))) {
		t.Errorf("%d requests: a failed write was retried", n)
	}
}

// TestURLSourceSharesOneCall: parts refused at once share one Fresh call;
// a part refused with an old URL after it gets the new one without a
// call; an error of the shared call is every waiter's.
func TestURLSourceSharesOneCall(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	release := make(chan struct{})
	fail := errors.New("the API is down")
	failing := false
	src := &urlSource{url: "u0", fresh: func(ctx context.Context) (string, error) {
		n := calls.Add(1)
		<-release
		if failing {
			return "", fail
		}
		return "u" + strconv.FormatInt(n, 10), nil
	}}
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Go(func() {
			u, _, err := src.renew(context.Background(), 0)
			if err != nil {
				t.Error(err)
			}
			got[i] = u
		})
	}
	for calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // the others are waiting now
	close(release)
	wg.Wait()
	for _, u := range got {
		if u != "u1" {
			t.Fatalf("renewed URLs %v, want u1 for all", got)
		}
	}
	if u, gen, err := src.renew(context.Background(), 0); err != nil || u != "u1" || gen != 1 || calls.Load() != 1 {
		t.Fatalf("a late renewal of generation 0: %q %d %v after %d calls; want u1 without a call", u, gen, err, calls.Load())
	}
	failing = true
	if _, _, err := src.renew(context.Background(), 1); !errors.Is(err, fail) || calls.Load() != 2 {
		t.Fatalf("renewal of generation 1: %v after %d calls; want the call's error", err, calls.Load())
	}
}

// TestStoreTimeCountsOverlapOnce: two parts' requests open at once give
// the budget back their union, not their sum.
func TestStoreTimeCountsOverlapOnce(t *testing.T) {
	t.Parallel()
	clock := stoppedClock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	b := wait.NewBudget(clock, time.Minute)
	st := storeTime{budget: b}
	start := time.Now()
	st.begin()
	time.Sleep(30 * time.Millisecond)
	st.begin()
	time.Sleep(30 * time.Millisecond)
	st.end()
	time.Sleep(30 * time.Millisecond)
	st.end()
	elapsed := time.Since(start)
	time.Sleep(30 * time.Millisecond) // nothing open: not given back
	given := b.Left() - time.Minute
	if given < 90*time.Millisecond || given > elapsed {
		t.Fatalf("gave back %v for requests open through %v (90 ms, two of them at once for 30 ms)", given, elapsed)
	}
}

// stoppedClock never moves: what a budget gives back shows in Left.
type stoppedClock struct{ now time.Time }

func (c stoppedClock) Now() time.Time                    { return c.now }
func (c stoppedClock) NewTimer(time.Duration) wait.Timer { panic("no sleeping here") }
