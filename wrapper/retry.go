package wrapper

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
)

// refusedRedirect marks a redirect the client refused; retrying cannot help.
type refusedRedirect struct{ err error }

func (e *refusedRedirect) Error() string { return e.err.Error() }
func (e *refusedRedirect) Unwrap() error { return e.err }

// isTransient reports whether err is worth retrying: connection failures,
// 408, 429 and 5xx answers, 2xx answers whose body is not the documented
// JSON (a proxy's page, say), and bodies cut short. Other 4xx answers, TLS
// verification failures, refused redirects and a host name that does not
// resolve (a settings error) are not. Callers check their context first.
func isTransient(err error) bool {
	if err == nil || errors.Is(err, ErrTimeout) || errors.Is(err, errBodyTooLarge) {
		return false
	}
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return true
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500 || ae.StatusCode == http.StatusRequestTimeout ||
			(ae.StatusCode >= 200 && ae.StatusCode < 300)
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return false
	}
	var (
		rr   *refusedRedirect
		cve  *tls.CertificateVerificationError
		uae  x509.UnknownAuthorityError
		hne  x509.HostnameError
		cie  x509.CertificateInvalidError
		rhe  tls.RecordHeaderError
		ue   *url.Error
		ne   net.Error
		oerr *net.OpError
	)
	switch {
	case errors.As(err, &rr), errors.As(err, &cve), errors.As(err, &uae),
		errors.As(err, &hne), errors.As(err, &cie), errors.As(err, &rhe):
		return false
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.EPIPE), errors.Is(err, ErrIncomplete), errors.Is(err, errStalled):
		return true
	case errors.As(err, &oerr), errors.As(err, &ne), errors.As(err, &ue):
		return true
	}
	return false
}
