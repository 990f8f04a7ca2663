// Package answer reads what the API's answers say besides their JSON
// payload: the message of an error body, Retry-After, rate-limit headers,
// the resource a 404 names.
package answer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
)

// Message extracts {"message": "..."} (or {"error": "..."}, or the
// validation errors {"errors": {"schema": ["...", ...]}} of a 422) from
// body.
func Message(body []byte) (string, bool) {
	var m struct {
		Message *string         `json:"message"`
		Error   *string         `json:"error"`
		Errors  json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return "", false
	}
	switch {
	case m.Message != nil:
		return *m.Message, true
	case m.Error != nil:
		return *m.Error, true
	case len(m.Errors) > 0:
		var v struct {
			Schema []string `json:"schema"`
		}
		if json.Unmarshal(m.Errors, &v) == nil && len(v.Schema) > 0 {
			return "the request was refused: " + strings.Join(v.Schema, "; "), true
		}
	}
	return "", false
}

// RetryAfter reads Retry-After as seconds or as an HTTP date; 0 when
// absent or unreadable.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s <= 0 {
			return 0
		}
		const maxSeconds = 24 * 60 * 60 // a day: anything longer is nonsense
		return time.Duration(min(s, maxSeconds)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return min(d, 24*time.Hour)
		}
	}
	return 0
}

// HeaderInt reads a non-negative integer header; -1 when absent or invalid.
func HeaderInt(h http.Header, name string) int {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return -1
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

var notFoundMessage = regexp.MustCompile(`(?i)^\s*(user[ _]?identity|program|applicant|custome?[ _]?field)\s+'([^']*)'\s+not\s+found\.?\s*$`)

// The kinds of resource a 404 message names; the numbers are
// wrapper.NotFoundKind's.
const (
	NotFoundUnknown = iota
	NotFoundUserIdentity
	NotFoundProgram
	NotFoundApplicant
	NotFoundCustomField
	NotFoundLegacy
)

// NotFound reads the kind and id from a 404 message.
func NotFound(msg string) (int, string) {
	if strings.EqualFold(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(msg), ".")), "not found") {
		return NotFoundLegacy, ""
	}
	m := notFoundMessage.FindStringSubmatch(msg)
	if m == nil {
		return NotFoundUnknown, ""
	}
	word := strings.ToLower(strings.NewReplacer(" ", "", "_", "").Replace(m[1]))
	switch word {
	case "useridentity":
		return NotFoundUserIdentity, m[2]
	case "program":
		return NotFoundProgram, m[2]
	case "applicant":
		return NotFoundApplicant, m[2]
	default: // customefield, customfield
		return NotFoundCustomField, m[2]
	}
}

// ErrTooLarge: an API answer's body is larger than the bound.
var ErrTooLarge = errors.New("API response body too large")

// LimitBody bounds rc: reading past left bytes fails with ErrTooLarge.
func LimitBody(rc io.ReadCloser, left int64) io.ReadCloser {
	return &limitedBody{rc: rc, left: left, err: fmt.Errorf("%w: larger than %d bytes", ErrTooLarge, left)}
}

// limitedBody fails with ErrTooLarge once more than left bytes are read.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
	err  error
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, b.err
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 { // the extra byte read to tell is not handed on
		return n + int(b.left), b.err
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// ReadBody reads a response body (bounded by LimitBody) and closes it.
func ReadBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if errors.Is(err, ErrTooLarge) {
		return nil, err
	}
	return b, err
}

// Error is wrapper.APIError's layout: an unsuccessful answer described.
type Error struct {
	StatusCode int
	Status     string
	Message    string
	Method     string
	URL        string
	Snippet    string
	Store      bool
}

// Error says what failed and what to do about it: the request line, the
// status, the API's message or the start of the body, and the Hint.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
	}
	if e.URL != "" {
		b.WriteString(e.URL)
		b.WriteString(": ")
	}
	switch {
	case e.Status != "":
		b.WriteString(e.Status)
	default:
		b.WriteString(strconv.Itoa(e.StatusCode))
		if t := http.StatusText(e.StatusCode); t != "" {
			b.WriteString(" " + t)
		}
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	} else if e.Snippet != "" {
		b.WriteString(": body: " + strconv.Quote(e.Snippet))
	}
	if h := e.Hint(); h != "" {
		b.WriteString(" (" + h + ")")
	}
	return b.String()
}

// Hint says in a few words what the status means: from the object store
// (Store), which never sees the API key, a 401 or 403 is a refused URL;
// from the API, the key was refused.
func (e *Error) Hint() string {
	if e.Store {
		switch c := e.StatusCode; {
		case c == http.StatusUnauthorized || c == http.StatusForbidden:
			return "the object store refused the download URL"
		case c >= 500:
			return "the object store failed"
		}
		return ""
	}
	switch c := e.StatusCode; {
	case c == http.StatusUnauthorized:
		return "the API key was refused"
	case c == http.StatusForbidden:
		return "access denied"
	case c == http.StatusTooManyRequests:
		return "the key's hourly call budget is spent"
	case c >= 500:
		return "WebAdMIT or a proxy in front of it failed"
	case c >= 200 && c < 300:
		return "the answer is not what the API documents"
	}
	return ""
}

// Bounds on what of a server-supplied message or body ends up in an error.
const (
	maxMessageRunes = 300
	maxSnippetRunes = 160
)

// ErrUnexpected marks a cause that says what is wrong with a well-formed
// answer (it describes another job, say): Describe shows it as it is.
var ErrUnexpected = errors.New("unexpected answer")

// Describe describes resp: the status (its reason phrase scrubbed: it may
// echo the key), the request line without its query, and the API's message
// from a JSON body or a scrubbed snippet of any other body. With a cause,
// the body was a 2xx answer that is not the documented JSON, and the
// message says why. Text from the server is scrubbed of secrets.
func Describe(resp *http.Response, body []byte, cause error, secrets ...string) *Error {
	e := &Error{StatusCode: resp.StatusCode, Status: redact.Snippet([]byte(resp.Status), maxSnippetRunes, secrets...)}
	if resp.Request != nil {
		e.Method, e.URL = resp.Request.Method, redact.ParsedURL(resp.Request.URL)
	}
	empty := len(strings.TrimSpace(string(body))) == 0
	switch msg, ok := Message(body); {
	case cause != nil:
		e.Snippet = redact.Snippet(body, maxSnippetRunes, secrets...)
		switch {
		case errors.Is(cause, ErrTooLarge), errors.Is(cause, ErrUnexpected):
			e.Message = cause.Error()
		case empty:
			e.Message = "empty body where JSON was expected"
		default:
			e.Message = "body is not the expected JSON: " + redact.Snippet([]byte(cause.Error()), maxMessageRunes, secrets...)
		}
	case ok:
		e.Message = redact.Snippet([]byte(msg), maxMessageRunes, secrets...)
	case !empty:
		e.Snippet = redact.Snippet(body, maxSnippetRunes, secrets...)
	}
	return e
}

// CallbackForm reads an export run's callback form: export_file[id],
// export_file[export_id] (0 when absent) and export_file[status].
func CallbackForm(form url.Values) (id, exportID int, status string, err error) {
	if id, err = positiveInt(form.Get("export_file[id]")); err != nil {
		return 0, 0, "", fmt.Errorf("callback: export_file[id]: %w", err)
	}
	if v := form.Get("export_file[export_id]"); v != "" {
		if exportID, err = positiveInt(v); err != nil {
			return 0, 0, "", fmt.Errorf("callback: export_file[export_id]: %w", err)
		}
	}
	return id, exportID, form.Get("export_file[status]"), nil
}

func positiveInt(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, errors.New("missing")
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, errors.New("not a positive integer")
	}
	return n, nil
}

// zipHrefPath matches the path of a download_hrefs entry.
var zipHrefPath = regexp.MustCompile(`/api/v1/user_identities/(\d+)/pdf_manager_zip_files/(\d+)/download/?$`)

// ZipHref reads the identity and zip file ids from a download_hrefs entry
// (an API path; a full URL is accepted too).
func ZipHref(href string) (identity, id int, err error) {
	if u, err := url.Parse(strings.TrimSpace(href)); err == nil {
		if m := zipHrefPath.FindStringSubmatch(u.Path); m != nil {
			identity, err1 := strconv.Atoi(m[1])
			id, err2 := strconv.Atoi(m[2])
			if err1 == nil && err2 == nil && id > 0 {
				return identity, id, nil
			}
		}
	}
	return 0, 0, fmt.Errorf("the batch lists the download link %q, which is not a PDF Manager zip file path (/api/v1/user_identities/ID/pdf_manager_zip_files/ID/download)", redact.URL(href))
}

// Seen tells the first time a value is seen, for at most Max values (the
// values come from the server: it may invent any number of them). It is
// safe for concurrent use; the zero value remembers nothing until Max is
// set.
type Seen struct {
	Max   int
	mu    sync.Mutex
	items map[any]bool
}

// First reports whether v is new (and there was room to remember it).
func (s *Seen) First(v any) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.items[v] || len(s.items) >= s.Max {
		return false
	}
	if s.items == nil {
		s.items = map[any]bool{}
	}
	s.items[v] = true
	return true
}

// Callback reads a callback's body: a PDF Manager batch as JSON (its id
// and state), or an export run's form (its id, its export's, its status).
func Callback(body []byte) (pdf bool, id, parent int, status string, err error) {
	if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return false, 0, 0, "", fmt.Errorf("callback: %w", err)
		}
		id, parent, status, err = CallbackForm(form)
		return false, id, parent, status, err
	}
	var env struct {
		Batch struct {
			ID    int    `json:"id"`
			State string `json:"state"`
		} `json:"pdf_manager_batch"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Batch.ID <= 0 {
		return true, 0, 0, "", errors.New("callback: not a PDF Manager batch with an id")
	}
	return true, env.Batch.ID, 0, env.Batch.State, nil
}

// Location reads a redirect answer: its Location resolved against the
// request, or an *Error when it has none that parses. Both are zero when
// resp is not a redirect.
func Location(resp *http.Response, secrets ...string) (string, *Error) {
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return "", nil
	}
	bad := func(msg string) *Error {
		e := Describe(resp, nil, nil, secrets...)
		e.Message = msg
		return e
	}
	loc := strings.TrimSpace(resp.Header.Get("Location"))
	if loc == "" {
		return "", bad("the redirect has no Location header")
	}
	u, err := resp.Request.URL.Parse(loc)
	if err != nil {
		return "", bad("the redirect's Location is not a URL")
	}
	return u.String(), nil
}

// statuses are the documented statuses of jobs, by their normalised key.
var statuses = map[string]string{
	"initializing": "Initializing", "queued": "Queued", "in progress": "In Progress",
	"available": "Available", "success with errors": "Success With Errors",
	"empty list": "Empty List", "failed": "Failed",
}

// Status returns a job's status in the current docs' spelling, whatever
// the case, underscores, hyphens and white space of s; an unknown status
// is returned trimmed.
func Status(s string) string {
	key := strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return unicode.IsSpace(r) || r == '_' || r == '-'
	}), " ")
	if st, ok := statuses[key]; ok {
		return st
	}
	return strings.TrimSpace(s)
}

// maxCallbackBody bounds a callback's body.
const maxCallbackBody = 64 << 10

// CallbackHandler serves the POSTs WebAdMIT sends to a job's callback URL:
// a valid body (see Callback) is passed to notify, which wakes the job's
// waiters and says how many; it answers 204 to a valid body, 400 to an
// invalid one and 405 to other methods.
func CallbackHandler(log *slog.Logger, notify func(pdf bool, id, parent int) int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallbackBody))
		var (
			pdf        bool
			id, parent int
			status     string
		)
		if err == nil {
			pdf, id, parent, status, err = Callback(body)
		}
		if err != nil {
			log.Info("webadmit: invalid callback refused", "err", err.Error())
			http.Error(w, "bad callback body", http.StatusBadRequest)
			return
		}
		woken := notify(pdf, id, parent)
		log.Info("webadmit: callback received", "pdf_manager_batch", pdf, "id", id, "parent_id", parent,
			"status", redact.Snippet([]byte(status), 60), "waiters_woken", woken)
		w.WriteHeader(http.StatusNoContent)
	})
}
