package wait

import (
	"time"

	"github.com/cenkalti/backoff/v5"
)

// Policy spaces the attempts of a Loop: delays grow exponentially from
// MinDelay by Multiplier up to MaxDelay, each randomised by ±Jitter.
type Policy struct {
	MinDelay, MaxDelay time.Duration
	Multiplier, Jitter float64
}

// schedule yields a policy's delays.
type schedule struct {
	p  Policy
	bo *backoff.ExponentialBackOff
}

func (p Policy) schedule() *schedule {
	bo := &backoff.ExponentialBackOff{
		InitialInterval:     p.MinDelay,
		RandomizationFactor: p.Jitter,
		Multiplier:          p.Multiplier,
		MaxInterval:         p.MaxDelay,
	}
	bo.Reset()
	return &schedule{p: p, bo: bo}
}

// next returns the next delay, kept within [MinDelay, MaxDelay] after jitter.
func (s *schedule) next() time.Duration {
	return min(max(s.bo.NextBackOff(), s.p.MinDelay), s.p.MaxDelay)
}
