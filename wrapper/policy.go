package wrapper

import (
	"errors"
	"time"

	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// PollPolicy spaces the status calls made while waiting for a job: delays
// grow exponentially from MinDelay by Multiplier up to MaxDelay, each
// randomised by ±Jitter. MaxWait is the one time budget of a call: every
// sleep and every API call of it fits in MaxWait from its start, or the
// call fails with ErrTimeout; the last status call is made early enough to
// be answered in time. The same policy spaces retries of transient
// failures.
type PollPolicy struct {
	MinDelay   time.Duration // first delay (default 2s)
	MaxDelay   time.Duration // longest delay (default 30s)
	MaxWait    time.Duration // whole wait budget (default 1h)
	Multiplier float64       // growth per step, at least 1 (default 1.5)
	Jitter     float64       // randomisation factor in [0, 1); 0 means none (default policy: 0.2)
}

// DefaultPollPolicy returns the default policy: 2s growing by 1.5 to 30s,
// ±20% jitter, for at most an hour.
func DefaultPollPolicy() PollPolicy {
	return PollPolicy{MinDelay: 2 * time.Second, MaxDelay: 30 * time.Second, MaxWait: time.Hour, Multiplier: 1.5, Jitter: 0.2}
}

func (p PollPolicy) withDefaults() PollPolicy { return p.withDefaultsFrom(DefaultPollPolicy()) }

// withDefaultsFrom fills p's zero durations and multiplier from d.
func (p PollPolicy) withDefaultsFrom(d PollPolicy) PollPolicy {
	if p.MinDelay == 0 {
		p.MinDelay = d.MinDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = max(d.MaxDelay, p.MinDelay)
	}
	if p.MaxWait == 0 {
		p.MaxWait = d.MaxWait
	}
	if p.Multiplier == 0 {
		p.Multiplier = d.Multiplier
	}
	return p
}

func (p PollPolicy) validate() error {
	switch {
	case p.MinDelay < 0 || p.MaxDelay < 0 || p.MaxWait < 0:
		return errors.New("poll policy: negative duration")
	case p.MinDelay > p.MaxDelay:
		return errors.New("poll policy: MinDelay is longer than MaxDelay")
	case p.Multiplier < 1:
		return errors.New("poll policy: Multiplier must be at least 1")
	case p.Jitter < 0 || p.Jitter >= 1:
		return errors.New("poll policy: Jitter must be in [0, 1)")
	}
	return nil
}

// policy is the waiter's spacing of calls.
func (p PollPolicy) policy() wait.Policy {
	return wait.Policy{MinDelay: p.MinDelay, MaxDelay: p.MaxDelay, Multiplier: p.Multiplier, Jitter: p.Jitter}
}
