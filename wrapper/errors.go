package wrapper

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/webadmit-go/webadmit/wrapper/internal/answer"
	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
	"github.com/webadmit-go/webadmit/wrapper/internal/ratelimit"
	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
	"github.com/webadmit-go/webadmit/wrapper/internal/transfer"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// Sentinel errors, matched with errors.Is. The typed errors below (APIError,
// NotFoundError, RateLimitError, JobError) report the details. Every
// error the package returns starts with "webadmit: " once.
var (
	// ErrUnauthorized: the API refused the key (401, empty body).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrNotFound: a resource named by the request does not exist (404).
	ErrNotFound = errors.New("not found")
	// ErrRateLimited: the key's call budget is spent (429).
	ErrRateLimited = ratelimit.ErrLimited
	// ErrExportFailed: an export run ended with status Failed.
	ErrExportFailed = errors.New("export failed")
	// ErrPDFBatchFailed: a PDF Manager batch ended with state failed.
	ErrPDFBatchFailed = errors.New("PDF Manager batch failed")
	// ErrBatchFailed: a v2 batch ended with status Failed.
	ErrBatchFailed = errors.New("batch failed")
	// ErrEmptyList: a run or PDF Manager batch ended Empty List: no file.
	ErrEmptyList = errors.New("export produced an empty list")
	// ErrURLExpired: the store refused every download URL, fresh ones too.
	ErrURLExpired = transfer.ErrURLExpired
	// ErrTimeout: the wait budget (PollPolicy.MaxWait) ran out or cannot fit.
	ErrTimeout = wait.ErrTimeout
	// ErrNotReady: the run or batch has not finished: there is no file yet.
	ErrNotReady = errors.New("not finished yet")
	// ErrIncomplete: the attempts ran out before the file's end was confirmed.
	ErrIncomplete = transfer.ErrIncomplete
	// ErrChanged: the stored file changed between parts of a download.
	ErrChanged = transfer.ErrChanged
	// ErrUnsafeArchive: a zip entry escapes its directory, is a link or a
	// device, or the archive is over the extraction limits.
	ErrUnsafeArchive = dest.ErrUnsafeArchive
)

// prefixed gives an error leaving the package its one "webadmit: " prefix,
// without secrets: the key, URLs' queries.
func prefixed(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	err = redact.Error(err)
	msg := err.Error()
	if clean := redact.Scrub(msg, secrets...); clean != msg {
		err, msg = &publicError{msg: clean, err: err}, clean
	}
	if strings.HasPrefix(msg, "webadmit: ") {
		return err
	}
	return &publicError{msg: "webadmit: " + msg, err: err}
}

// publicError is an error as the package returns it.
type publicError struct {
	msg string
	err error
}

func (e *publicError) Error() string { return e.msg }
func (e *publicError) Unwrap() error { return e.err }

// APIError is any unsuccessful answer from the API or the object store: the
// status, the API's message, the request line without its query, and the
// start of a body that was not the documented JSON (a proxy's HTML 502).
type APIError struct {
	StatusCode int    // HTTP status code
	Status     string // HTTP status line, e.g. "502 Bad Gateway"
	Message    string // the API's message, if the body carried one
	Method     string // request method
	URL        string // request URL without query string or user info
	Snippet    string // start of a body that was not the expected JSON, scrubbed
	// Store: the answer came from the object store, which never sees the
	// API key, so its 401 or 403 is not ErrUnauthorized.
	Store bool
}

// Error says what failed and what to do about it: the request line, the
// status, the API's message or the start of the body, and a hint.
func (e *APIError) Error() string { return (*answer.Error)(e).Error() }

// Is makes errors.Is(err, ErrUnauthorized), ErrNotFound and ErrRateLimited
// match on the status code.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized && !e.Store
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// RateLimitError is a 429 answer: the key's call budget is spent.
type RateLimitError struct {
	RetryAfter time.Duration // from Retry-After; 0 if the server sent none
	Limit      int           // X-RateLimit-Limit, or -1 if absent
	Remaining  int           // X-RateLimit-Remaining, or -1 if absent
	Err        *APIError
}

// Error says how long to wait.
func (e *RateLimitError) Error() string {
	var b strings.Builder
	b.WriteString("rate limit reached")
	if e.Err != nil && e.Err.URL != "" {
		b.WriteString(" on " + e.Err.Method + " " + e.Err.URL)
	}
	if e.Limit >= 0 || e.Remaining >= 0 {
		fmt.Fprintf(&b, " (%s of %s calls left this hour)", countOrUnknown(e.Remaining), countOrUnknown(e.Limit))
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, ": retry after %s", e.RetryAfter)
	} else {
		b.WriteString(": wait before retrying")
	}
	return b.String()
}

func countOrUnknown(n int) string {
	if n < 0 {
		return "?"
	}
	return strconv.Itoa(n)
}

// Unwrap returns the underlying *APIError.
func (e *RateLimitError) Unwrap() error { return nilIfNoAPIError(e.Err) }

// Is matches ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

func nilIfNoAPIError(e *APIError) error {
	if e == nil {
		return nil // not a typed nil
	}
	return e
}

// JobError is a job that ended without what it was for: an export run or
// a PDF Manager batch that ended Failed or Empty List (no file), a v2 batch
// that ended Failed. errors.Is matches ErrExportFailed, ErrPDFBatchFailed
// or ErrBatchFailed (by the kind of job) when it Failed, ErrEmptyList when
// its list was empty.
type JobError struct {
	Job    string // the job in words: "export 7 run 555"
	Status Status // the status it ended with
	failed error  // the sentinel of its kind of job
}

// Error says what the job ended with.
func (e *JobError) Error() string {
	if e.Status == StatusEmptyList {
		return fmt.Sprintf("%s ended with status %q: its list has no applicants, so there is no file", e.Job, e.Status)
	}
	return fmt.Sprintf("%s ended with status %q", e.Job, e.Status)
}

// Is matches the sentinel of the job's kind and status.
func (e *JobError) Is(target error) bool {
	return (target == e.failed && e.Status == StatusFailed) || (target == ErrEmptyList && e.Status == StatusEmptyList)
}

// CheckResponse is the package's one mapping from an HTTP answer to an
// error: nil for 2xx, *NotFoundError for 404, *RateLimitError for 429 and
// *APIError for anything else. body is the response body, read already,
// whatever it holds; text taken from it is scrubbed of the key and of
// anything shaped like a credential. With the generated client:
//
//	r, err := c.API().ListExportsWithResponse(ctx)
//	if err == nil { err = c.CheckResponse(r.HTTPResponse, r.Body) }
func (c *Client) CheckResponse(resp *http.Response, body []byte) error {
	return prefixed(checkResponse(resp, body, c.clock.Now(), c.key), c.key)
}

// CheckResponse is Client.CheckResponse for code without a Client. It
// cannot know the key, so it scrubs only what is shaped like a credential
// (`x-api-key: …`, `Signature=…` and the like); prefer the method.
func CheckResponse(resp *http.Response, body []byte) error {
	return prefixed(checkResponse(resp, body, time.Now()))
}

func checkResponse(resp *http.Response, body []byte, now time.Time, secrets ...string) error {
	if resp == nil {
		return errors.New("no HTTP response")
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := newAPIError(resp, body, secrets...)
	switch resp.StatusCode {
	case http.StatusNotFound:
		kind, id := answer.NotFound(e.Message)
		return &NotFoundError{Kind: NotFoundKind(kind), ID: id, Message: e.Message, Err: e}
	case http.StatusTooManyRequests:
		return &RateLimitError{
			RetryAfter: answer.RetryAfter(resp.Header.Get("Retry-After"), now),
			Limit:      answer.HeaderInt(resp.Header, "X-RateLimit-Limit"),
			Remaining:  answer.HeaderInt(resp.Header, "X-RateLimit-Remaining"),
			Err:        e,
		}
	}
	return e
}

// newAPIError describes resp (see answer.Describe).
func newAPIError(resp *http.Response, body []byte, secrets ...string) *APIError {
	return (*APIError)(answer.Describe(resp, body, nil, secrets...))
}

// decodeError describes a 2xx answer whose body is not the documented JSON
// (cause says why; nil: it lacks the expected fields).
func decodeError(resp *http.Response, body []byte, cause error, secrets ...string) *APIError {
	if cause == nil {
		cause = errors.New("body lacks the expected fields")
	}
	return (*APIError)(answer.Describe(resp, body, cause, secrets...))
}
