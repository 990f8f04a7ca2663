package main

import (
	"errors"
	"net"
	"net/url"
	"strings"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/wrapper"
)

// apiBase is the base URL the client settled on (WithDomain makes one):
// the generated client's server.
func apiBase(c *wrapper.Client) (*url.URL, error) {
	if cwr, ok := c.API().(*generated.ClientWithResponses); ok {
		if gc, ok := cwr.ClientInterface.(*generated.Client); ok {
			return url.Parse(strings.TrimSuffix(gc.Server, "/"))
		}
	}
	return nil, errors.New("this build of webadmit cannot tell the API's base URL: the library's API client is not the generated one")
}

// fromStore returns the answer in err's chain if it came from the object
// store, which never receives the key: marked so by the library, or from
// another host than the API's.
func (a *app) fromStore(err error) *wrapper.APIError {
	var ae *wrapper.APIError
	if !errors.As(err, &ae) {
		return nil
	}
	if ae.Store {
		return ae
	}
	if a.api == nil || ae.URL == "" {
		return nil
	}
	u, perr := url.Parse(ae.URL)
	if perr != nil || u.Host == "" || hostPort(u) == hostPort(a.api) {
		return nil
	}
	return ae
}

// unauthorized reports whether the API itself refused the key: a 401 from
// the API's host, not from the object store.
func (a *app) unauthorized(err error) bool {
	return errors.Is(err, wrapper.ErrUnauthorized) && a.fromStore(err) == nil
}

// hostPort is u's host and port, the port made explicit and the host
// lower case, so that https://API.example and https://api.example:443
// compare equal.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return net.JoinHostPort(strings.ToLower(strings.TrimSuffix(u.Hostname(), ".")), port)
}
