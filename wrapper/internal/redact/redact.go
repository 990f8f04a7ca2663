// Package redact removes secrets from what the wrapper prints and logs: the
// API key, the query of a pre-signed URL (its signature), credentials an
// error page echoes.
package redact

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redacted replaces every secret the package removes from errors and logs.
const Redacted = "REDACTED"

// URL returns raw without what may be a credential: the query (a
// pre-signed URL's signature lives there), user info and fragment.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparseable URL>"
	}
	return ParsedURL(u)
}

// ParsedURL is URL for a parsed URL.
func ParsedURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	c.Fragment, c.RawFragment = "", ""
	if c.RawQuery != "" || c.ForceQuery {
		c.RawQuery, c.ForceQuery = Redacted, false
	}
	return c.String()
}

// QueryValues returns the values of u's query long enough to be secrets
// (a pre-signed URL's signature, its credential), for Scrub: an error page
// may echo them.
func QueryValues(u *url.URL) []string {
	var out []string
	for _, vs := range u.Query() {
		for _, v := range vs {
			if len(v) >= 8 {
				out = append(out, v)
			}
		}
	}
	return out
}

// Error rewrites the URLs inside an error's text (what
// http.Client.Do returns quotes the request URL, and may quote a redirect's
// Location) so that the error string carries no query string. Errors stay
// reachable by errors.Is/As.
func Error(err error) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.URL != URL(ue.URL) {
		safe := &url.Error{Op: ue.Op, URL: URL(ue.URL), Err: ue.Err}
		msg := strings.ReplaceAll(err.Error(), ue.URL, safe.URL)
		if err == error(ue) && Text(msg) == msg {
			return safe
		}
		return &redactedError{msg: Text(msg), err: safe}
	}
	if msg := err.Error(); Text(msg) != msg {
		return &redactedError{msg: Text(msg), err: err}
	}
	return err
}

// urlInText matches what looks like an absolute URL in a text, parseable
// or not.
var urlInText = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s"'<>]+`)

// Text removes, from a text, the query and fragment of every URL in
// it and anything shaped like a credential parameter (see scrubText).
func Text(s string) string {
	s = urlInText.ReplaceAllStringFunc(s, func(u string) string {
		if i := strings.IndexAny(u, "?#"); i >= 0 {
			return u[:i] + "?" + Redacted
		}
		return u
	})
	return credentialParam.ReplaceAllString(s, "${1}"+Redacted)
}

// redactedError keeps a wrapped cause reachable by errors.Is/As while its
// message is the Redacted one.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// credentialParam matches the query parameters of pre-signed object-store
// URLs (S3 v2 and v4) and generic tokens, wherever they appear in a text.
var credentialParam = regexp.MustCompile(`(?i)((?:signature|x-amz-signature|x-amz-credential|x-amz-security-token|awsaccesskeyid|token|api[_-]?key|x-api-key)=)[^&\s"'<>]*`)

// credentialField matches credentials written as a header or a JSON field
// (`x-api-key: KEY`, `"api_key": "KEY"`, `Authorization: Bearer TOKEN`), as
// an error page that echoes the request may show them.
var credentialField = regexp.MustCompile(`(?i)((?:x-api-key|api[_-]?key|authorization)"?\s*:\s*"?(?:(?:bearer|basic|token)\s+)?)[^"'<>&\s]+`)

// Scrub removes secrets (the given ones and anything shaped like a
// credential query parameter) from text taken from a response body.
func Scrub(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	s = credentialField.ReplaceAllString(s, "${1}"+Redacted)
	return credentialParam.ReplaceAllString(s, "${1}"+Redacted)
}

// Snippet turns the start of a response body into one short printable
// line: valid UTF-8, whitespace collapsed, control characters dropped,
// credentials scrubbed, at most max runes. Secrets are removed before the
// line is cut, and a long prefix of a secret left at either cut (the end
// of the body, the end of the line) is removed too, so that no part of a
// key a proxy echoed survives.
func Snippet(body []byte, max int, secrets ...string) string {
	var b strings.Builder
	space := false
	// Read a little past max, enough for a secret that straddles it.
	for n := 0; len(body) > 0 && n < max+snippetSlack; n++ {
		r, size := utf8.DecodeRune(body)
		body = body[size:]
		switch {
		case r == utf8.RuneError && size <= 1:
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case !unicode.IsPrint(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	out := dropSecretTail(Scrub(b.String(), secrets...), secrets)
	if utf8.RuneCountInString(out) <= max {
		if len(body) > 0 {
			out += "…"
		}
		return out
	}
	cut := 0
	for i := range out {
		if cut == max {
			out = out[:i]
			break
		}
		cut++
	}
	return dropSecretTail(out, secrets) + "…"
}

// snippetSlack is how far past its length a snippet reads, so that a
// secret across the cut is seen whole and removed.
const snippetSlack = 512

// minSecretPrefix is the shortest prefix of a secret removed at a cut.
const minSecretPrefix = 8

// dropSecretTail removes from the end of s the longest prefix of a secret,
// of minSecretPrefix bytes or more, that s ends with.
func dropSecretTail(s string, secrets []string) string {
	for _, sec := range secrets {
		for n := len(sec) - 1; n >= minSecretPrefix; n-- {
			if strings.HasSuffix(s, sec[:n]) {
				s = s[:len(s)-n] + Redacted
				break
			}
		}
	}
	return s
}
