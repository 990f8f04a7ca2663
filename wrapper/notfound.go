package wrapper

import (
	"fmt"
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

var notFoundNames = [...]string{"unknown", "user identity", "program", "applicant", "custom field", "legacy"}

// String names the kind in words.
func (k NotFoundKind) String() string {
	if k > 0 && int(k) < len(notFoundNames) {
		return notFoundNames[k]
	}
	return notFoundNames[0]
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
		return fmt.Sprintf("%s %q not found%s", e.Kind, e.ID, req)
	case NotFoundLegacy:
		return fmt.Sprintf("not found%s: the API gave its generic message", req)
	}
	msg := e.Message
	if msg == "" {
		msg = "not found"
	}
	return fmt.Sprintf("%s%s", msg, req)
}

// Unwrap returns the underlying *APIError.
func (e *NotFoundError) Unwrap() error { return nilIfNoAPIError(e.Err) }

// Is matches ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }
