package transfer

import (
	"sync"
	"time"

	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// storeTime gives the wait budget back the time the store spends sending
// parts, as a single stream's attempt does: the time during which at least
// one part's request is open, counted once however many are (eight parts
// at once for a second are a second, not eight). It settles at every
// request's start and end, so that a part retrying late in a long download
// finds the budget as a single stream would.
type storeTime struct {
	budget *wait.Budget
	mu     sync.Mutex
	active int       // requests open
	since  time.Time // last settled
}

// begin counts a request to the store as open.
func (s *storeTime) begin() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle()
	s.active++
}

// end counts it as closed.
func (s *storeTime) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle()
	s.active--
}

// settle gives back the time since the last settlement if a request was
// open through it. s.mu is held.
func (s *storeTime) settle() {
	now := time.Now()
	if s.active > 0 {
		s.budget.Exclude(now.Sub(s.since))
	}
	s.since = now
}
