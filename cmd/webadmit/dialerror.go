package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"

	"github.com/webadmit-go/webadmit/wrapper"
)

// dialFailure is a connection that could not be made, as the CLI says it:
// Go's `Get "URL": dial tcp ADDR: connect: connection refused` becomes
// `GET URL: cannot connect to HOST:PORT: connection refused`.
type dialFailure struct {
	ue       *url.Error // the request that failed (its URL already redacted)
	u        *url.URL   // its URL, parsed
	hostPort string     // the host and port as the URL names them
	reason   string     // "connection refused", "i/o timeout", ...
	refused  bool
}

// dialFailed finds in err's chain a request whose connection failed, other
// than a host name that does not resolve (describe says that on its own).
func dialFailed(err error) (*dialFailure, bool) {
	var (
		ue  *url.Error
		oe  *net.OpError
		dns *net.DNSError
	)
	if !errors.As(err, &ue) || !errors.As(ue.Err, &oe) || oe.Op != "dial" || errors.As(oe, &dns) {
		return nil, false
	}
	u, perr := url.Parse(ue.URL)
	if perr != nil || u.Host == "" {
		return nil, false
	}
	d := &dialFailure{ue: ue, u: u, hostPort: u.Host, refused: errors.Is(oe, syscall.ECONNREFUSED)}
	if u.Port() == "" {
		d.hostPort = hostPort(u)
	}
	reason := oe.Err
	var se *os.SyscallError
	if errors.As(reason, &se) {
		reason = se.Err
	}
	d.reason = reason.Error()
	return d, true
}

// text is the failure in the CLI's words.
func (d *dialFailure) text() string {
	return fmt.Sprintf("%s %s: cannot connect to %s: %s", strings.ToUpper(d.ue.Op), d.ue.URL, d.hostPort, d.reason)
}

// plainError is err's message with a failed connection said in the CLI's
// words rather than Go's.
func plainError(err error) string {
	if err == nil {
		return "no cause given"
	}
	msg := err.Error()
	if d, ok := dialFailed(err); ok {
		msg = strings.Replace(msg, d.ue.Error(), d.text(), 1)
	}
	return msg
}

// refusedByAPI returns the failure when the API's own host refused the
// connection: nothing listens at the base URL.
func (a *app) refusedByAPI(err error) (*dialFailure, bool) {
	d, ok := dialFailed(err)
	if !ok || !d.refused || (a.api != nil && hostPort(d.u) != hostPort(a.api)) {
		return nil, false
	}
	return d, true
}

// refusedText says that nothing listens at the API's address and which
// settings name it. The run or batch was never started, so there is
// nothing to pick up later.
func (a *app) refusedText(d *dialFailure, err error) string {
	how := "refused the connection"
	if errors.Is(err, wrapper.ErrTimeout) {
		how = "refused every connection until --timeout ran out"
	}
	from := ""
	if a.baseFrom != "" {
		from = " (the base URL comes from " + a.baseFrom + ")"
	}
	return fmt.Sprintf("the API's address %s %s: nothing is listening there%s; "+
		"check --base-url / WEBADMIT_BASE_URL, or use --sandbox to try the demo", d.hostPort, how, from)
}
