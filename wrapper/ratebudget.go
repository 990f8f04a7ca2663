package wrapper

import (
	"time"

	"github.com/webadmit-go/webadmit/wrapper/internal/ratelimit"
)

// DefaultCallsPerHour is the documented call budget of one API key.
const DefaultCallsPerHour = ratelimit.DefaultCallsPerHour

// RateBudget spaces API calls so that one key stays within its budget. Share
// one among every Client (and so every job) that uses the same key with
// WithRateBudget. It is safe for concurrent use.
//
// Besides its own token bucket it follows the server: when
// X-RateLimit-Remaining runs low (at most a twentieth of X-RateLimit-Limit,
// or 5) it spreads the calls left over a full window, at most 30 seconds
// apart (the server gives no reset time: the budget slows down but keeps
// calling), and after a 429 every call waits until its Retry-After has
// passed (a minute when it gives none). A Retry-After is the server's
// instruction: a call whose wait budget ends before it fails at once with
// ErrTimeout; the budget's own spacing is only a guess, cut short to fit the
// wait budget instead.
type RateBudget struct{ b *ratelimit.Budget }

// NewRateBudget allows calls per window, in bursts of up to burst calls.
// Non-positive values take the defaults: 5,000 calls an hour, bursts of 60.
func NewRateBudget(calls int, window time.Duration, burst int) *RateBudget {
	return &RateBudget{ratelimit.New(calls, window, burst)}
}

// Remaining reports the last X-RateLimit-Limit and X-RateLimit-Remaining
// seen on any response (-1 before the first).
func (b *RateBudget) Remaining() (limit, remaining int) { return b.b.Remaining() }
