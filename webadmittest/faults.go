package webadmittest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// FaultKind is what an injected [Fault] does to a request.
type FaultKind int

const (
	// FaultCutConnection sends the status line, the headers (with the full
	// Content-Length) and the first Fault.Bytes bytes of the body, then
	// closes the connection. On the object store this is a download that
	// breaks off mid-body.
	FaultCutConnection FaultKind = iota + 1
	// FaultDelay waits Fault.Delay before answering (combine it with other
	// kinds to delay them too).
	FaultDelay
	// FaultHTMLError answers Fault.StatusCode (500, 502 or 503; default
	// 502) with an HTML body, as a proxy in front of the service does.
	FaultHTMLError
	// FaultMalformedJSON answers with a body that is not JSON (single
	// quotes instead of double quotes) and the original status.
	FaultMalformedJSON
	// FaultTruncatedJSON answers with the first half of the JSON body, a
	// complete HTTP response whose JSON ends early.
	FaultTruncatedJSON
	// FaultExtraFields adds unknown fields to every JSON object in the
	// body, as a newer server might; clients must ignore them.
	FaultExtraFields
	// FaultUnknownStatus replaces every "status" in the body (and the
	// "state" of a PDF Manager batch) with Fault.Status (default
	// "Archived"), a value the spec does not list.
	FaultUnknownStatus
	// FaultExpireURL makes the download URL expire before it is used: on
	// getExportFile (and downloadPdfManagerZipFile, in Location) the URL is
	// issued already expired; on the object store the request is refused
	// as expired whatever its Expires says.
	FaultExpireURL
	// FaultRateLimited answers 429 {"message": "Rate limit exceeded"} with
	// X-RateLimit-Remaining 0 and a Retry-After of Fault.RetryAfter, as the
	// API does when the key's budget is spent, without spending a call.
	// Several in a row make a 429 storm. API endpoints only.
	FaultRateLimited
	// FaultRemainingZero sends X-RateLimit-Remaining: 0 with an answer
	// that is otherwise the usual one (a success, say): the key's budget is
	// spent, and the server does not say when it resets. API endpoints only.
	FaultRemainingZero
	// FaultNoContentLength answers without Content-Length: the body ends
	// when the connection closes (as from an HTTP/1.0 server or some
	// proxies), and a 206's Content-Range gives no total ("bytes 0-99/*").
	// With FaultCutConnection, a cut then looks like a clean end. Object
	// store only.
	FaultNoContentLength
	// FaultDropETag answers without an ETag. Object store only.
	FaultDropETag
	// FaultChangedContent serves another version of the object: the same
	// size, other bytes, another ETag, and If-Match and If-Range ignored,
	// as a broken store or proxy might. Object store only.
	FaultChangedContent
	// FaultTrickle sends the body Fault.Bytes bytes at a time (0 means 1),
	// waiting Fault.Delay between them (0 means 100 ms): a store that
	// keeps a connection alive with a byte now and then. Object store only.
	FaultTrickle
	// FaultIgnoreRange answers a Range request with the whole object (200),
	// as a store or proxy that does not serve ranges does. Object store
	// only.
	FaultIgnoreRange
)

// String returns the kind's name, e.g. "CutConnection".
func (k FaultKind) String() string {
	switch k {
	case FaultCutConnection:
		return "CutConnection"
	case FaultDelay:
		return "Delay"
	case FaultHTMLError:
		return "HTMLError"
	case FaultMalformedJSON:
		return "MalformedJSON"
	case FaultTruncatedJSON:
		return "TruncatedJSON"
	case FaultExtraFields:
		return "ExtraFields"
	case FaultUnknownStatus:
		return "UnknownStatus"
	case FaultExpireURL:
		return "ExpireURL"
	case FaultRateLimited:
		return "RateLimited"
	case FaultRemainingZero:
		return "RemainingZero"
	case FaultNoContentLength:
		return "NoContentLength"
	case FaultDropETag:
		return "DropETag"
	case FaultChangedContent:
		return "ChangedContent"
	case FaultTrickle:
		return "Trickle"
	case FaultIgnoreRange:
		return "IgnoreRange"
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// DefaultUnknownStatus is the status FaultUnknownStatus sends unless
// Fault.Status says otherwise.
const DefaultUnknownStatus generated.ExportFileStatus = "Archived"

// Fault is a failure injected into the calls of one endpoint.
//
// Attempt counts the calls to Endpoint made after the fault was added,
// from 1: Attempt 1 is the next call, 2 the one after it. Attempt 0 fails
// every call. Several faults may match one call; a delay then comes first.
type Fault struct {
	// Endpoint whose calls fail (one of the Endpoint constants).
	Endpoint Endpoint
	// Attempt is the 1-based call to fail, or 0 for every call.
	Attempt int
	// Kind of failure.
	Kind FaultKind
	// Bytes of body sent before FaultCutConnection closes the connection,
	// or sent at a time by FaultTrickle.
	Bytes int64
	// Delay of FaultDelay, or between the pieces of FaultTrickle.
	Delay time.Duration
	// StatusCode of FaultHTMLError (500, 502 or 503; 0 means 502).
	StatusCode int
	// Status sent by FaultUnknownStatus (empty means DefaultUnknownStatus).
	Status generated.ExportFileStatus
	// RetryAfter of FaultRateLimited, sent in whole seconds rounded up
	// (0 means 1 s).
	RetryAfter time.Duration
}

// validate reports a fault that cannot work.
func (f Fault) validate() error {
	if !slices.Contains(Endpoints(), f.Endpoint) {
		return fmt.Errorf("webadmittest: fault %v: unknown endpoint %q", f.Kind, f.Endpoint)
	}
	if f.Attempt < 0 {
		return fmt.Errorf("webadmittest: fault %v: negative attempt %d", f.Kind, f.Attempt)
	}
	switch f.Kind {
	case FaultCutConnection:
		if f.Bytes < 0 {
			return fmt.Errorf("webadmittest: fault %v: negative Bytes", f.Kind)
		}
	case FaultDelay:
		if f.Delay < 0 {
			return fmt.Errorf("webadmittest: fault %v: negative Delay", f.Kind)
		}
	case FaultHTMLError:
		if f.StatusCode != 0 && f.StatusCode != 500 && f.StatusCode != 502 && f.StatusCode != 503 {
			return fmt.Errorf("webadmittest: fault %v: status %d is not 500, 502 or 503", f.Kind, f.StatusCode)
		}
	case FaultMalformedJSON, FaultTruncatedJSON, FaultExtraFields, FaultUnknownStatus:
		if f.Endpoint == EndpointObject {
			return fmt.Errorf("webadmittest: fault %v: the object store does not answer JSON", f.Kind)
		}
	case FaultExpireURL:
		if f.Endpoint != EndpointGetExportFile && f.Endpoint != EndpointDownloadPdfManagerZipFile && f.Endpoint != EndpointObject {
			return fmt.Errorf("webadmittest: fault %v: only getExportFile, downloadPdfManagerZipFile and the object store handle URLs", f.Kind)
		}
	case FaultRateLimited:
		if f.Endpoint == EndpointObject {
			return fmt.Errorf("webadmittest: fault %v: the object store has no API rate limit", f.Kind)
		}
		if f.RetryAfter < 0 {
			return fmt.Errorf("webadmittest: fault %v: negative RetryAfter", f.Kind)
		}
	case FaultRemainingZero:
		if f.Endpoint == EndpointObject {
			return fmt.Errorf("webadmittest: fault %v: the object store has no API rate limit", f.Kind)
		}
	case FaultNoContentLength, FaultDropETag, FaultChangedContent, FaultTrickle, FaultIgnoreRange:
		if f.Endpoint != EndpointObject {
			return fmt.Errorf("webadmittest: fault %v: object store only", f.Kind)
		}
		if f.Bytes < 0 || f.Delay < 0 {
			return fmt.Errorf("webadmittest: fault %v: negative Bytes or Delay", f.Kind)
		}
	default:
		return fmt.Errorf("webadmittest: unknown fault kind %d", int(f.Kind))
	}
	return nil
}

// pendingFault is a fault with the call count of its endpoint when it was
// added.
type pendingFault struct {
	Fault
	base int
}

// faultSet holds the faults of a server and counts calls per endpoint.
type faultSet struct {
	mu       sync.Mutex
	attempts map[Endpoint]int
	faults   []pendingFault
}

func newFaultSet() *faultSet { return &faultSet{attempts: map[Endpoint]int{}} }

func (fs *faultSet) add(f Fault) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults = append(fs.faults, pendingFault{Fault: f, base: fs.attempts[f.Endpoint]})
}

func (fs *faultSet) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults = nil
}

// next counts a call to e and returns the faults for it, delays first.
// Faults for one attempt are dropped once used.
func (fs *faultSet) next(e Endpoint) []Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.attempts[e]++
	n := fs.attempts[e]
	var hit []Fault
	kept := fs.faults[:0]
	for _, f := range fs.faults {
		if f.Endpoint != e {
			kept = append(kept, f)
			continue
		}
		if f.Attempt == 0 || n-f.base == f.Attempt {
			hit = append(hit, f.Fault)
		}
		if f.Attempt == 0 || n-f.base < f.Attempt {
			kept = append(kept, f)
		}
	}
	fs.faults = kept
	slices.SortStableFunc(hit, func(a, b Fault) int {
		return boolRank(b.Kind == FaultDelay) - boolRank(a.Kind == FaultDelay)
	})
	return hit
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// expireURLKey marks a request whose download URL must be expired.
type expireURLKey struct{}

func withExpireURL(ctx context.Context) context.Context {
	return context.WithValue(ctx, expireURLKey{}, true)
}

func expireURLRequested(ctx context.Context) bool {
	v, _ := ctx.Value(expireURLKey{}).(bool)
	return v
}

// changedContentKey marks a request the store answers with another
// version of the object.
type changedContentKey struct{}

func withChangedContent(ctx context.Context) context.Context {
	return context.WithValue(ctx, changedContentKey{}, true)
}

func changedContentRequested(ctx context.Context) bool {
	v, _ := ctx.Value(changedContentKey{}).(bool)
	return v
}

// sleep waits d, or less if ctx or the server ends first; it reports
// whether the whole delay passed.
func sleep(ctx context.Context, done <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-done:
		return false
	}
}

// htmlErrorPage is what a proxy in front of the service answers.
func htmlErrorPage(code int) string {
	text := http.StatusText(code)
	return fmt.Sprintf("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", code, text, code, text)
}
