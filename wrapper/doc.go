// Package wrapper is the thin, hand-written layer over package generated:
// polling with backoff, typed errors for the API's error responses, and the
// immediate streaming download of the short-lived export URL.
package wrapper
