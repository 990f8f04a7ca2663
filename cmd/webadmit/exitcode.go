package main

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/webadmit-go/webadmit/wrapper"
)

// Exit codes, documented in --help and the README.
const (
	exitOK           = 0
	exitError        = 1
	exitUsage        = 2
	exitFailed       = 3
	exitEmptyList    = 4
	exitTimeout      = 5
	exitUnauthorized = 6
)

const exitCodesHelp = `Exit codes:
  0  done (also when the export or batch ended "Success With Errors"; a warning is printed)
  1  any other error
  2  usage error (bad flags, arguments or --input; nothing was sent)
  3  the export, PDF Manager batch or v2 batch ('webadmit batch') ended "Failed"
  4  the export or PDF Manager batch ended "Empty List" (no file)
  5  timed out waiting (see --timeout)
  6  unauthorized (the API refused the key)
  130, 143  interrupted by SIGINT (Ctrl-C) or SIGTERM`

// usageError marks errors in how the command was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitCode maps an error to the documented exit code. Only the API's own
// 401 is exit 6; a host that does not resolve, or an API address where
// nothing listens (so no job started), is exit 1 even when waiting for it
// ran out of time.
func (a *app) exitCode(err error) int {
	var (
		u   usageError
		dns *net.DNSError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &u):
		return exitUsage
	case errors.As(err, &dns) && dns.IsNotFound:
		return exitError
	case a.neverStarted(err):
		return exitError
	case a.unauthorized(err):
		return exitUnauthorized
	case errors.Is(err, wrapper.ErrExportFailed), errors.Is(err, wrapper.ErrPDFBatchFailed), errors.Is(err, wrapper.ErrBatchFailed):
		return exitFailed
	case errors.Is(err, wrapper.ErrEmptyList):
		return exitEmptyList
	case errors.Is(err, wrapper.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return exitTimeout
	default:
		return exitError
	}
}

// neverStarted reports whether err is the API's address refusing every
// connection before a run or batch was known to have started.
func (a *app) neverStarted(err error) bool {
	_, refused := a.refusedByAPI(err)
	return refused && a.again == ""
}
