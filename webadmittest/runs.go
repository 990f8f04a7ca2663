package webadmittest

import (
	"slices"
	"sync"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// firstRunID is the id of a server's first export run (the docs' example id);
// later runs count up from it.
const firstRunID = 74780

// recentRunsListed caps the batch status list: the docs say "recent" and
// give no number; an identity's 100 latest runs here.
const recentRunsListed = 100

// run is one run of an export (an "export file"). Its status is computed
// from its start time and the export's Timeline, so nothing has to tick.
type run struct {
	id        int
	export    *Export
	started   time.Time
	objectKey string
	// The fields below are guarded by runStore.mu.
	// pending are callback URLs not yet notified; seen holds every URL
	// ever added, so each is notified once.
	pending []string
	seen    map[string]bool
	// timer fires the pending callbacks when the run ends; fired is set
	// once it has.
	timer *time.Timer
	fired bool
}

// statusAt is the run's Title Case status at now.
func (r *run) statusAt(now time.Time) generated.ExportFileStatus {
	return r.export.Timeline.statusAfter(now.Sub(r.started))
}

// statusAfter is the Title Case status of a run (or PDF Manager batch) of
// this timeline that started elapsed ago.
func (tl Timeline) statusAfter(elapsed time.Duration) generated.ExportFileStatus {
	switch {
	case elapsed < tl.Initializing:
		return generated.ExportFileStatusInitializing
	case elapsed < tl.Initializing+tl.Queued:
		return generated.ExportFileStatusQueued
	case elapsed < tl.total():
		return generated.ExportFileStatusInProgress
	default:
		return tl.Outcome
	}
}

// endsAt is when the run reaches its outcome.
func (r *run) endsAt() time.Time { return r.started.Add(r.export.Timeline.total()) }

// runStore holds every run of a server.
type runStore struct {
	mu     sync.Mutex
	nextID int
	byID   map[int]*run
	byKey  map[string]*run
	latest map[int]*run // by export id
	order  []*run       // oldest first
}

func newRunStore() *runStore {
	return &runStore{
		nextID: firstRunID,
		byID:   map[int]*run{},
		byKey:  map[string]*run{},
		latest: map[int]*run{},
	}
}

// start returns the export's run that is still going at now, or starts a
// new one, as the real service does to prevent duplicate runs. objectKey
// names the new run's file on the store. New ids skip those of finished
// runs.
func (rs *runStore) start(e *Export, now time.Time, objectKey func(id int) string) (r *run, created bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if cur := rs.latest[e.ID]; cur != nil && !isTerminal(cur.statusAt(now)) {
		return cur, false
	}
	rs.nextID = nextFreeID(rs.nextID, rs.byID)
	r = rs.add(e, rs.nextID, now, objectKey)
	rs.nextID++
	return r, true
}

// add records a run of e with the given id. Call with rs.mu held.
func (rs *runStore) add(e *Export, id int, started time.Time, objectKey func(id int) string) *run {
	r := &run{id: id, export: e, started: started, objectKey: objectKey(id)}
	rs.byID[r.id] = r
	rs.byKey[r.objectKey] = r
	rs.latest[e.ID] = r
	rs.order = append(rs.order, r)
	return r
}

// get returns the run with the given id, or nil.
func (rs *runStore) get(id int) *run {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.byID[id]
}

// byObjectKey returns the run whose file has the given key, or nil.
func (rs *runStore) byObjectKey(key string) *run {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.byKey[key]
}

// recent returns up to n runs of the identity's exports, newest first.
func (rs *runStore) recent(identityID, n int) []*run {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	var out []*run
	for _, r := range slices.Backward(rs.order) {
		if r.export.IdentityID != identityID {
			continue
		}
		out = append(out, r)
		if len(out) == n {
			break
		}
	}
	return out
}

// stopTimers stops every callback timer that has not fired.
func (rs *runStore) stopTimers() {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, r := range rs.order {
		if r.timer != nil {
			r.timer.Stop()
		}
	}
}
