package wait

import "sync"

// Hub routes wake-ups (callbacks) to the waiters of a job, named by a kind
// and an id; a waiter may also name the job's parent (a run's export), to
// be woken only by callbacks that agree. Kind 0 is never woken.
type Hub struct {
	mu      sync.Mutex
	waiters map[hubKey]map[*waiter]struct{}
}

type hubKey struct{ kind, id int }

type waiter struct {
	parent int
	ch     chan<- struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{waiters: make(map[hubKey]map[*waiter]struct{})} }

// Subscribe registers interest in a job; the channel receives (without
// blocking the sender) when a wake-up for it arrives. Call the function to
// unsubscribe.
func (h *Hub) Subscribe(kind, id, parent int) (<-chan struct{}, func()) {
	if kind == 0 {
		return nil, func() {}
	}
	ch := make(chan struct{}, 1)
	return ch, h.SubscribeTo(kind, id, parent, ch)
}

// SubscribeTo is Subscribe with a channel of the caller's, which other
// sources of wake-ups may share.
func (h *Hub) SubscribeTo(kind, id, parent int, ch chan<- struct{}) func() {
	if kind == 0 {
		return func() {}
	}
	k, w := hubKey{kind, id}, &waiter{parent: parent, ch: ch}
	h.mu.Lock()
	if h.waiters[k] == nil {
		h.waiters[k] = make(map[*waiter]struct{})
	}
	h.waiters[k][w] = struct{}{}
	h.mu.Unlock()
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.waiters[k], w)
		if len(h.waiters[k]) == 0 {
			delete(h.waiters, k)
		}
	}
}

// Notify wakes the waiters of a job (whatever their parent when parent is
// 0) and reports how many it woke.
func (h *Hub) Notify(kind, id, parent int) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for w := range h.waiters[hubKey{kind, id}] {
		if parent != 0 && w.parent != parent {
			continue
		}
		select {
		case w.ch <- struct{}{}:
		default:
		}
		n++
	}
	return n
}
