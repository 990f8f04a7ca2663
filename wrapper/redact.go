package wrapper

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// redacted replaces every secret the package removes from errors and logs.
const redacted = "REDACTED"

// redactURL returns raw without what may be a credential: the query (a
// pre-signed URL's signature lives there), user info and fragment.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparseable URL>"
	}
	return redactParsedURL(u)
}

func redactParsedURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	c.Fragment, c.RawFragment = "", ""
	if c.RawQuery != "" || c.ForceQuery {
		c.RawQuery, c.ForceQuery = redacted, false
	}
	return c.String()
}

// redactError rewrites the URL inside a *url.Error (what http.Client.Do
// returns) so that the error string carries no query string.
func redactError(err error) error {
	var ue *url.Error
	if err == nil || !errors.As(err, &ue) {
		return err
	}
	if ue.URL == redactURL(ue.URL) {
		return err
	}
	safe := &url.Error{Op: ue.Op, URL: redactURL(ue.URL), Err: ue.Err}
	if err == error(ue) {
		return safe
	}
	// The *url.Error is wrapped: rebuild the message around the safe copy.
	return &redactedError{msg: strings.ReplaceAll(err.Error(), ue.URL, safe.URL), err: safe}
}

// redactedError keeps a wrapped cause reachable by errors.Is/As while its
// message is the redacted one.
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

// scrubText removes secrets (the given ones and anything shaped like a
// credential query parameter) from text taken from a response body.
func scrubText(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	s = credentialField.ReplaceAllString(s, "${1}"+redacted)
	return credentialParam.ReplaceAllString(s, "${1}"+redacted)
}

// snippet turns the start of a response body into one short printable line:
// valid UTF-8, whitespace collapsed, control characters dropped, at most max
// runes, credentials scrubbed.
func snippet(body []byte, max int, secrets ...string) string {
	var b strings.Builder
	space := false
	n := 0
	for len(body) > 0 && n < max {
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
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	out := b.String()
	if len(body) > 0 {
		out += "…"
	}
	return scrubText(out, secrets...)
}
