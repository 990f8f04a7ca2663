// Package answer reads what the API's answers say besides their JSON
// payload: the message of an error body, Retry-After, rate-limit headers,
// the resource a 404 names.
package answer

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
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
