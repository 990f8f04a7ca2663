package wrapper

import (
	"fmt"
	"regexp"
	"strings"
)

// NotFoundKind is the kind of resource a 404 message names.
type NotFoundKind int

// The kinds of 404 the API documents.
const (
	NotFoundUnknown      NotFoundKind = iota // a message the package does not recognise (or none)
	NotFoundUserIdentity                     // "User identity '999' not found."
	NotFoundProgram                          // "Program '1' not found."
	NotFoundApplicant                        // "Applicant '1' not found."
	NotFoundCustomField                      // "CustomeField '1' not found." (the server's spelling)
	NotFoundLegacy                           // the legacy generic "Not Found"
)

// String names the kind in words.
func (k NotFoundKind) String() string {
	switch k {
	case NotFoundUserIdentity:
		return "user identity"
	case NotFoundProgram:
		return "program"
	case NotFoundApplicant:
		return "applicant"
	case NotFoundCustomField:
		return "custom field"
	case NotFoundLegacy:
		return "legacy"
	}
	return "unknown"
}

// NotFoundError is a 404: Kind and ID come from the API's message.
// errors.Is(err, ErrNotFound) matches it; errors.As reaches its *APIError.
type NotFoundError struct {
	Kind    NotFoundKind
	ID      string // the id quoted in the message, if any
	Message string // the API's message
	Err     *APIError
}

// Error names what was not found and what to do.
func (e *NotFoundError) Error() string {
	var req string
	if e.Err != nil && e.Err.URL != "" {
		req = " (" + e.Err.Method + " " + e.Err.URL + ")"
	}
	switch e.Kind {
	case NotFoundUserIdentity, NotFoundProgram, NotFoundApplicant, NotFoundCustomField:
		return fmt.Sprintf("webadmit: %s %q not found%s: check the id; list what the key can see with the list calls", e.Kind, e.ID, req)
	case NotFoundLegacy:
		return fmt.Sprintf("webadmit: not found%s: the API gave its generic message; check every id in the request", req)
	}
	msg := e.Message
	if msg == "" {
		msg = "not found"
	}
	return fmt.Sprintf("webadmit: %s%s: check the ids and the base URL", msg, req)
}

// Unwrap returns the underlying *APIError.
func (e *NotFoundError) Unwrap() error { return nilIfNoAPIError(e.Err) }

// Is matches ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

var notFoundMessage = regexp.MustCompile(`(?i)^\s*(user[ _]?identity|program|applicant|custome?[ _]?field)\s+'([^']*)'\s+not\s+found\.?\s*$`)

// parseNotFound reads the kind and id from a 404 message.
func parseNotFound(msg string) (NotFoundKind, string) {
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
