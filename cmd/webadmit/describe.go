package main

import (
	"context"
	"errors"
	"strings"

	"github.com/webadmit-go/webadmit/wrapper"
)

// describe renders err as the one line the user sees: what happened and what
// to do. The wrapper's errors are already redacted (no key, no URL
// signature); this adds advice where the CLI knows better.
func (a *app) describe(err error) string {
	msg := strings.TrimPrefix(err.Error(), "webadmit: ")
	var ad advised
	switch {
	case errors.As(err, &ad):
		return strings.ReplaceAll(msg, "\n", " ") + "; " + ad.advice
	case errors.Is(err, wrapper.ErrUnauthorized):
		return msg + "; check WEBADMIT_API_KEY or --api-key-file"
	case errors.Is(err, wrapper.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return msg + "; the run may still finish: try 'webadmit files' later, then 'webadmit download', or raise --timeout"
	case errors.Is(err, context.Canceled):
		return a.interruption(err)
	}
	return strings.ReplaceAll(msg, "\n", " ")
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
