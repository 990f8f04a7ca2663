package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strings"

	"github.com/webadmit-go/webadmit/wrapper"
)

// describe renders err as the one line the user sees: what happened and what
// to do. The wrapper's errors are already redacted (no key, no URL
// signature) and state facts; this adds advice in the CLI's words, naming
// only flags the command has.
func (a *app) describe(err error) string {
	msg := strings.TrimPrefix(plainError(err), "webadmit: ")
	var (
		ad  advised
		dns *net.DNSError
		nf  *wrapper.NotFoundError
	)
	if m, ok := errManyFailed(err); ok { // each failure was described already
		return fmt.Sprintf("%d of %d exports did not deliver their file (see above); the exit code is that of the first, export %d", m.failed, m.total, m.export)
	}
	if s, ok := s3Text(err, a.s3Output()); ok {
		return s
	}
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return a.unresolvable(dns)
	case a.neverStarted(err):
		d, _ := a.refusedByAPI(err)
		return a.refusedText(d, err)
	case errors.As(err, &ad):
		return strings.ReplaceAll(msg, "\n", " ") + "; " + ad.advice
	case a.fromStore(err) != nil:
		ae := a.fromStore(err)
		msg = strings.Replace(msg, strings.TrimPrefix(ae.Error(), "webadmit: "), storeText(ae), 1)
		return msg + "; the object store never receives the API key, so the key is not the cause: " + a.runAgain() + ", and report it if it persists"
	case a.unauthorized(err):
		return msg + "; check WEBADMIT_API_KEY or --api-key-file"
	case errors.Is(err, wrapper.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return msg + "; " + a.timeoutAdvice()
	case errors.Is(err, context.Canceled):
		return a.interruption(err)
	case errors.Is(err, fs.ErrExist) && a.hasFlag("force"):
		return msg + "; " + a.existsAdvice()
	case errors.Is(err, wrapper.ErrNotReady):
		return a.notReadyText(strings.ReplaceAll(msg, "\n", " "))
	case errors.As(err, &nf) && a.fromStore(err) == nil:
		return a.notFoundText(nf, strings.ReplaceAll(msg, "\n", " "))
	}
	return strings.ReplaceAll(msg, "\n", " ")
}

// s3Output is the S3 URL the failed command wrote to: the manifest
// entry's output, or -o.
func (a *app) s3Output() string {
	if a.one != nil && strings.HasPrefix(a.one.Output, "s3://") {
		return a.one.Output
	}
	if a.hasFlag("output-file") {
		return a.flag("output-file")
	}
	return "the object"
}

// unresolvable says which setting names a host that does not resolve.
func (a *app) unresolvable(dns *net.DNSError) string {
	if a.api == nil || strings.EqualFold(strings.TrimSuffix(dns.Name, "."), a.api.Hostname()) {
		return fmt.Sprintf("cannot resolve %s: check --base-url / --domain / WEBADMIT_BASE_URL / WEBADMIT_DOMAIN and the network", dns.Name)
	}
	return fmt.Sprintf("cannot resolve %s, the object store's host the API sent the download to: check the network, then %s", dns.Name, a.runAgain())
}

// storeText states what the object store answered, without the API's
// advice on keys, which the store never sees.
func storeText(ae *wrapper.APIError) string {
	status := ae.Status
	if status == "" {
		status = fmt.Sprint(ae.StatusCode)
	}
	s := fmt.Sprintf("the object store answered %s %s: %s", ae.Method, ae.URL, status)
	if ae.Snippet != "" {
		s += fmt.Sprintf(": body: %q", ae.Snippet)
	}
	return s
}

// interruption says that the command was interrupted (by cause, an
// interrupted or a plain cancellation) and what it had written by then.
func (a *app) interruption(cause error) string {
	msg := "interrupted"
	var sig interrupted
	if errors.As(cause, &sig) {
		msg = sig.Error()
	}
	if a.written != nil {
		msg += "; " + a.written()
	}
	return msg
}

// advised is an error with the advice of the command that met it, which
// replaces describe's general advice.
type advised struct {
	err    error
	advice string
}

func (e advised) Error() string { return e.err.Error() }
func (e advised) Unwrap() error { return e.err }
