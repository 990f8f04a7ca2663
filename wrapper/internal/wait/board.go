package wait

import (
	"context"
	"sync"
	"time"
)

// Listing is what a Board knows of one job.
type Listing int

// What a Board knows of a job.
const (
	Pending Listing = iota // no list has been received yet
	Listed                 // the last list shows the job
	Missing                // the last list does not show the job
	Failed                 // the last list call failed
)

// Board shares one status list per key (a user identity) among the jobs
// waiting on it, so that many jobs cost the calls of one: while any job of
// a key is watched, one poller calls List for that key once per tick
// (delays as Policy says, from the first watch) and wakes the watchers whose
// job's entry changed, or all of them when a call fails. It is safe for
// concurrent use.
type Board struct {
	// List returns the status of each job of key, by job id, as the server
	// spelled it.
	List   func(ctx context.Context, key int) (map[int]string, error)
	Policy Policy
	Clock  Clock
	// CallTimeout bounds one List call (0: a minute).
	CallTimeout time.Duration

	mu   sync.Mutex
	keys map[int]*boardKey
}

// boardKey is the state of one key's poller.
type boardKey struct {
	watches map[int]map[*watch]struct{} // by job id
	list    map[int]string              // the last list
	state   Listing                     // Pending until a list came, Failed after a failed call
	calls   int
	stop    context.CancelFunc
}

// watch is one watcher of a job.
type watch struct{ wake chan<- struct{} }

// Watch registers interest in job id of key: wake receives (without
// blocking the poller) when the job's entry in the list changes, or a list
// call fails. status reports what the last list says of the job; stop ends
// the watch (and the key's poller with its last watch).
func (b *Board) Watch(key, id int, wake chan<- struct{}) (status func() (string, Listing), stop func()) {
	w := &watch{wake: wake}
	b.mu.Lock()
	if b.keys == nil {
		b.keys = make(map[int]*boardKey)
	}
	k := b.keys[key]
	if k == nil {
		ctx, cancel := context.WithCancel(context.Background())
		k = &boardKey{watches: make(map[int]map[*watch]struct{}), stop: cancel}
		b.keys[key] = k
		go b.poll(ctx, key, k)
	}
	if k.watches[id] == nil {
		k.watches[id] = make(map[*watch]struct{})
	}
	k.watches[id][w] = struct{}{}
	b.mu.Unlock()
	status = func() (string, Listing) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch {
		case k.state != Listed:
			return "", k.state
		case k.list == nil:
			return "", Missing
		}
		s, ok := k.list[id]
		if !ok {
			return "", Missing
		}
		return s, Listed
	}
	stop = func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(k.watches[id], w)
		if len(k.watches[id]) == 0 {
			delete(k.watches, id)
		}
		if len(k.watches) == 0 && b.keys[key] == k {
			k.stop()
			delete(b.keys, key)
		}
	}
	return status, stop
}

// Calls reports how many List calls the poller of key has made since it
// started (0 when none runs).
func (b *Board) Calls(key int) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if k := b.keys[key]; k != nil {
		return k.calls
	}
	return 0
}

// poll is the poller of one key: a delay, a List call, the watchers of
// changed entries woken; until ctx ends with the key's last watch.
func (b *Board) poll(ctx context.Context, key int, k *boardKey) {
	clock := b.Clock
	if clock == nil {
		clock = System
	}
	timeout := b.CallTimeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	sched := b.Policy.schedule()
	for {
		if Sleep(ctx, clock, sched.next(), nil) != nil {
			return
		}
		cctx, cancel := context.WithTimeout(ctx, timeout)
		list, err := b.List(cctx, key)
		cancel()
		if ctx.Err() != nil {
			return
		}
		b.mu.Lock()
		k.calls++
		var wake []*watch
		if err != nil {
			k.state = Failed
			for _, ws := range k.watches {
				for w := range ws {
					wake = append(wake, w)
				}
			}
		} else {
			old, oldState := k.list, k.state
			k.list, k.state = list, Listed
			for id, ws := range k.watches {
				prev, had := old[id]
				now, has := list[id]
				if oldState == Listed && had == has && prev == now {
					continue
				}
				for w := range ws {
					wake = append(wake, w)
				}
			}
		}
		b.mu.Unlock()
		for _, w := range wake {
			select {
			case w.wake <- struct{}{}:
			default:
			}
		}
	}
}
