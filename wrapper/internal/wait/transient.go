package wait

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"syscall"
)

// Transient reports whether a failure below HTTP is worth retrying:
// connection failures and bodies cut short are; TLS verification failures
// and a host name that does not resolve (a settings error) are not. known
// is false when err is none of these.
func Transient(err error) (transient, known bool) {
	var (
		dns  *net.DNSError
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
	case errors.As(err, &dns) && dns.IsNotFound, errors.As(err, &cve), errors.As(err, &uae),
		errors.As(err, &hne), errors.As(err, &cie), errors.As(err, &rhe):
		return false, true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EPIPE),
		errors.As(err, &oerr), errors.As(err, &ne), errors.As(err, &ue):
		return true, true
	}
	return false, false
}
