package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// interrupted is the cause of a context that a signal cancelled. It
// matches context.Canceled, as the cancellation it stands for.
type interrupted struct{ sig os.Signal }

func (e interrupted) Error() string { return "interrupted by " + signalName(e.sig) }

// Is makes errors.Is(err, context.Canceled) hold.
func (e interrupted) Is(target error) bool { return target == context.Canceled }

// exitCode is the shell's convention for a process a signal ended: 128
// plus the signal's number (130 for SIGINT, 143 for SIGTERM).
func (e interrupted) exitCode() int {
	if s, ok := e.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return exitError
}

func signalName(sig os.Signal) string {
	switch sig {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return fmt.Sprint(sig)
}

// notifyCause is signal.NotifyContext that remembers which signal came:
// the context's cause is an interrupted. After the first signal the
// default action is restored, so a second one ends the process at once.
// stop releases the signals and the goroutine.
func notifyCause(parent context.Context, sigs ...os.Signal) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			signal.Stop(ch)
			cancel(interrupted{sig})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}
