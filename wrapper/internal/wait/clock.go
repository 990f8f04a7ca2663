package wait

import (
	"context"
	"time"
)

// Clock is the source of time of a Loop, a Budget and the rate budget. The
// system clock is the default; tests that talk to real sockets (where
// testing/synctest cannot run) pass a fake one.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer is a one-shot timer made by a Clock.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

// System is the Clock of package time.
var System Clock = systemClock{}

type systemClock struct{}

func (systemClock) Now() time.Time                 { return time.Now() }
func (systemClock) NewTimer(d time.Duration) Timer { return systemTimer{time.NewTimer(d)} }

type systemTimer struct{ t *time.Timer }

func (t systemTimer) C() <-chan time.Time { return t.t.C }
func (t systemTimer) Stop() bool          { return t.t.Stop() }

// Sleep waits d on clock. It returns early, with nil, when wake delivers
// (a nil wake never does), and with the context's cause when ctx ends.
func Sleep(ctx context.Context, clock Clock, d time.Duration, wake <-chan struct{}) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if d <= 0 {
		return nil
	}
	t := clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C():
		return nil
	case <-wake:
		return nil
	}
}
