// Package secureurl is the rule both the wrapper and the CLI apply to every
// URL they send a request to: https, or plain http to a loopback host (a
// local sandbox) only.
package secureurl

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Check refuses anything but https, and http to a loopback host: the key,
// a pre-signed URL and the files would travel unencrypted.
func Check(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if IsLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("plain http to %s refused: the key, a pre-signed URL or a file would travel unencrypted; use https", u.Hostname())
	}
	return fmt.Errorf("scheme %q refused: use https", u.Scheme)
}

// IsLoopback reports whether host is localhost or a loopback address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
