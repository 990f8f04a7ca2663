package main

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/webadmit-go/webadmit/internal/secureurl"
	"github.com/webadmit-go/webadmit/wrapper"
)

// localSandboxURL is the base URL of a sandbox started with its defaults
// ('webadmit sandbox --listen 127.0.0.1:8080').
const localSandboxURL = "http://127.0.0.1:8080"

// baseURLForm says what a base URL looks like.
const baseURLForm = "https://HOST, such as " + wrapper.DefaultBaseURL +
	", or http to a loopback address, such as " + localSandboxURL + " for a local sandbox"

// checkBaseURL checks the form of a base URL given by source (--base-url
// or WEBADMIT_BASE_URL) before the key is looked for, so that a mistyped
// URL is reported first. It echoes what was typed, without user info,
// query or fragment, and shows the form expected. The library checks the
// URL again; this only says it in the command line's words.
func checkBaseURL(source, raw string) error {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return usagef("%s is empty: a base URL is %s", source, baseURLForm)
	}
	typed := fmt.Sprintf("%s %q", source, echoURL(raw))
	if !strings.Contains(raw, "://") {
		guess := "https://" + raw
		if u, err := url.Parse("http://" + raw); err == nil && secureurl.IsLoopback(u.Hostname()) {
			guess = "http://" + raw
		}
		if u, err := url.Parse(guess); err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return usagef("%s has no scheme: a base URL is %s", typed, baseURLForm)
		}
		return usagef("%s has no scheme: did you mean %s? A base URL is %s", typed, guess, baseURLForm)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return usagef("%s is not a URL: a base URL is %s", typed, baseURLForm)
	case u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return usagef("%s must have no user name, password, query or fragment (the key goes in WEBADMIT_API_KEY or --api-key-file): a base URL is %s", typed, baseURLForm)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if secureurl.IsLoopback(u.Hostname()) {
			return nil
		}
		return usagef("%s is plain http to %s, so the key and the files would travel unencrypted: use https://%s (plain http goes only to a loopback address, such as %s for a local sandbox)",
			typed, u.Hostname(), u.Host, localSandboxURL)
	}
	return usagef("%s has the scheme %q, which the API does not speak: a base URL is %s", typed, u.Scheme, baseURLForm)
}

// echoURL is a base URL as typed, for a message: user info, query and
// fragment replaced by REDACTED (they may hold a secret), even when it
// does not parse.
func echoURL(raw string) string {
	rest, _, hasFrag := strings.Cut(raw, "#")
	rest, _, hasQuery := strings.Cut(rest, "?")
	scheme, rest, hasScheme := strings.Cut(rest, "://")
	if !hasScheme {
		scheme, rest = "", scheme
	}
	authority, path, hasPath := strings.Cut(rest, "/")
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		authority = "REDACTED@" + authority[i+1:]
	}
	out := authority
	if hasScheme {
		out = scheme + "://" + out
	}
	if hasPath {
		out += "/" + path
	}
	if hasQuery {
		out += "?REDACTED"
	}
	if hasFrag {
		out += "#REDACTED"
	}
	return out
}
