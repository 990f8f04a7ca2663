package wait

import (
	"testing"
)

func TestHubMatchesJob(t *testing.T) {
	t.Parallel()
	h := NewHub()
	ch, done := h.Subscribe(1, 555, 7)
	defer done()
	if n := h.Notify(1, 555, 8); n != 0 {
		t.Errorf("a callback for another export woke %d waiters", n)
	}
	if n := h.Notify(1, 556, 7); n != 0 {
		t.Errorf("a callback for another run woke %d waiters", n)
	}
	if n := h.Notify(1, 555, 0); n != 1 {
		t.Errorf("woke %d, want 1", n)
	}
	if n := h.Notify(1, 555, 7); n != 1 { // the channel is full: still no block
		t.Errorf("woke %d, want 1", n)
	}
	select {
	case <-ch:
	default:
		t.Error("no wake-up delivered")
	}
	done()
	if len(h.waiters) != 0 {
		t.Errorf("waiters left: %v", h.waiters)
	}
}
