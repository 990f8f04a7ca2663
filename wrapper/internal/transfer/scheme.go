package transfer

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// CheckScheme refuses anything but https, and http to a loopback host:
// the key, a pre-signed URL and the files would travel unencrypted.
func CheckScheme(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if IsLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("plain http to %s refused: the key and the files would travel unencrypted; use https", u.Hostname())
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
