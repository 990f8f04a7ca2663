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

// redactError rewrites the URLs inside an error's text (what
// http.Client.Do returns quotes the request URL, and may quote a redirect's
// Location) so that the error string carries no query string. Errors stay
// reachable by errors.Is/As.
func redactError(err error) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.URL != redactURL(ue.URL) {
		safe := &url.Error{Op: ue.Op, URL: redactURL(ue.URL), Err: ue.Err}
		msg := strings.ReplaceAll(err.Error(), ue.URL, safe.URL)
		if err == error(ue) && redactText(msg) == msg {
			return safe
		}
		return &redactedError{msg: redactText(msg), err: safe}
	}
	if msg := err.Error(); redactText(msg) != msg {
		return &redactedError{msg: redactText(msg), err: err}
	}
	return err
}

// urlInText matches what looks like an absolute URL in a text, parseable
// or not.
var urlInText = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s"'<>]+`)

// redactText removes, from a text, the query and fragment of every URL in
// it and anything shaped like a credential parameter (see scrubText).
func redactText(s string) string {
	s = urlInText.ReplaceAllStringFunc(s, func(u string) string {
		if i := strings.IndexAny(u, "?#"); i >= 0 {
			return u[:i] + "?" + redacted
		}
		return u
	})
	return credentialParam.ReplaceAllString(s, "${1}"+redacted)
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

// snippet turns the start of a response body into one short printable
// line: valid UTF-8, whitespace collapsed, control characters dropped,
// credentials scrubbed, at most max runes. Secrets are removed before the
// line is cut, and a long prefix of a secret left at either cut (the end
// of the body, the end of the line) is removed too, so that no part of a
// key a proxy echoed survives.
func snippet(body []byte, max int, secrets ...string) string {
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
	out := dropSecretTail(scrubText(b.String(), secrets...), secrets)
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
				s = s[:len(s)-n] + redacted
				break
			}
		}
	}
	return s
}
