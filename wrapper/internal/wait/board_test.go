package wait

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// TestBoardSharesOneListPerKey: however many jobs of a key are watched,
// one List call is made per tick, and only the watchers of jobs whose entry
// changed are woken; the poller stops with the last watch.
func TestBoardSharesOneListPerKey(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		statuses := map[int]string{1: "Queued", 2: "Queued", 3: "Queued"}
		calls := 0
		b := &Board{
			Policy: Policy{MinDelay: time.Second, MaxDelay: time.Second, Multiplier: 1},
			List: func(_ context.Context, key int) (map[int]string, error) {
				mu.Lock()
				defer mu.Unlock()
				if key != 42 {
					t.Errorf("List(%d)", key)
				}
				calls++
				out := make(map[int]string, len(statuses))
				for id, s := range statuses {
					out[id] = s
				}
				return out, nil
			},
		}
		wakes := make([]chan struct{}, 4)
		status := make([]func() (string, Listing), 4)
		stops := make([]func(), 4)
		for id := 1; id <= 3; id++ {
			wakes[id] = make(chan struct{}, 1)
			status[id], stops[id] = b.Watch(42, id, wakes[id])
		}
		if s, l := status[1](); l != Pending || s != "" {
			t.Errorf("before any list: %q %v", s, l)
		}
		time.Sleep(1500 * time.Millisecond) // one tick
		for id := 1; id <= 3; id++ {
			if s, l := status[id](); l != Listed || s != "Queued" {
				t.Errorf("job %d: %q %v", id, s, l)
			}
			<-wakes[id] // the first list wakes everyone
		}
		mu.Lock()
		statuses[2] = "Available"
		mu.Unlock()
		time.Sleep(time.Second) // the next tick
		select {
		case <-wakes[2]:
		default:
			t.Error("the job whose status changed was not woken")
		}
		for _, id := range []int{1, 3} {
			select {
			case <-wakes[id]:
				t.Errorf("job %d was woken though its status did not change", id)
			default:
			}
		}
		if got := b.Calls(42); got != 2 {
			t.Errorf("%d List calls for 3 jobs over 2 ticks, want 2", got)
		}
		for id := 1; id <= 3; id++ {
			stops[id]()
		}
		time.Sleep(10 * time.Second)
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if calls != 2 {
			t.Errorf("the poller went on after the last watch: %d calls", calls)
		}
	})
}

// TestBoardFailureAndMissing: a job the list does not show is Missing; a
// failed List call wakes every watcher and says Failed, so that they ask
// for their jobs themselves.
func TestBoardFailureAndMissing(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		fail := false
		var mu sync.Mutex
		b := &Board{
			Policy: Policy{MinDelay: time.Second, MaxDelay: time.Second, Multiplier: 1},
			List: func(context.Context, int) (map[int]string, error) {
				mu.Lock()
				defer mu.Unlock()
				if fail {
					return nil, errors.New("502 Bad Gateway")
				}
				return map[int]string{1: "In Progress"}, nil
			},
		}
		wake := make(chan struct{}, 1)
		status, stop := b.Watch(7, 99, wake)
		defer stop()
		time.Sleep(1500 * time.Millisecond)
		if _, l := status(); l != Missing {
			t.Errorf("a job the list lacks: %v, want Missing", l)
		}
		<-wake
		mu.Lock()
		fail = true
		mu.Unlock()
		time.Sleep(time.Second)
		if _, l := status(); l != Failed {
			t.Errorf("after a failed call: %v, want Failed", l)
		}
		select {
		case <-wake:
		default:
			t.Error("a failed call woke no one")
		}
	})
}
