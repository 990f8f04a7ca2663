package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/internal/secureurl"
)

// The HTTP side of 'webadmit api': the client that reaches the API (the
// library's own, so the key goes to the API's origin only, with the user
// agent and the rate budget), the path a call may name, and the plain
// client that fetches a redirect's target without the key.

// apiDoer returns the request doer of the library's generated client: the
// same transport (the key added for the API's origin only, the user agent,
// the rate budget, bounded bodies, redacted errors). Under a context from
// wrapper.WithoutRedirects it returns redirects instead of following them.
func (a *app) apiDoer() (generated.HttpRequestDoer, error) {
	if cwr, ok := a.client.API().(*generated.ClientWithResponses); ok {
		if gc, ok := cwr.ClientInterface.(*generated.Client); ok && gc.Client != nil {
			return gc.Client, nil
		}
	}
	return nil, errors.New("this build of webadmit cannot make raw API calls: the library's API client is not the generated one")
}

// apiTarget resolves the PATH of 'webadmit api' against the API's base
// URL: a path (with or without the leading slash, with a query if need
// be), or an absolute URL on the API's own scheme, host and port. Anything
// else is refused: the key must never go to another host.
func apiTarget(base *url.URL, arg string) (*url.URL, error) {
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return nil, usagef("PATH is empty: give a path of the API, such as /api/v1/user_identities")
	}
	u, err := url.Parse(arg)
	if err != nil {
		return nil, usagef("PATH %q is not a path of the API, such as /api/v1/user_identities", redactText(arg))
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(arg, "//") {
		if u.User != nil || !strings.EqualFold(u.Scheme, base.Scheme) || hostPort(u) != hostPort(base) {
			return nil, usagef("%s is not on the API's host: give a path of the API, such as /api/v1/user_identities, or a URL on %s; the API key goes to the API's host only",
				redactLocation(u), base.Scheme+"://"+base.Host)
		}
		u.Scheme, u.Host = base.Scheme, base.Host // as the library spells its origin, so the key goes with the call
		u.Fragment, u.RawFragment = "", ""
		return u, nil
	}
	t, err := url.Parse(strings.TrimSuffix(base.String(), "/") + "/" + strings.TrimLeft(arg, "/"))
	if err != nil || hostPort(t) != hostPort(base) {
		return nil, usagef("PATH %q is not a path of the API, such as /api/v1/user_identities", redactText(arg))
	}
	t.Fragment, t.RawFragment = "", ""
	return t, nil
}

// redactLocation is u without what may be a credential: a pre-signed URL's
// signature lives in its query. User info and fragment go too.
func redactLocation(u *url.URL) string {
	c := *u
	c.User = nil
	c.Fragment, c.RawFragment = "", ""
	if c.RawQuery != "" || c.ForceQuery {
		c.RawQuery, c.ForceQuery = "REDACTED", false
	}
	return c.String()
}

// redactText redacts s as a URL when it parses as one.
func redactText(s string) string {
	if u, err := url.Parse(s); err == nil {
		return redactLocation(u)
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		return s[:i] + "?REDACTED"
	}
	return s
}

// storeClient is a plain HTTP client for the object store. Nothing adds the
// API key to its requests; it sends no Referer, follows at most 10
// redirects, each to https or to a loopback host only.
func storeClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = time.Minute
	return &http.Client{
		Transport: t,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			req.Header.Del("x-api-key")
			req.Header.Del("Referer")
			if err := secureurl.Check(req.URL); err != nil {
				return fmt.Errorf("redirect refused: %w", err)
			}
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			return nil
		},
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// termSafeText is termSafe for a text of several lines: newlines and tabs
// stay, every other control or format character goes.
func termSafeText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		parts := strings.Split(l, "\t")
		for j, p := range parts {
			parts[j] = termSafe(p)
		}
		lines[i] = strings.Join(parts, "\t")
	}
	return strings.Join(lines, "\n")
}
