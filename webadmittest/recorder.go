package webadmittest

import (
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Recorder counts what a [Server] did, for assertions in tests and
// benchmarks. It is safe for concurrent use.
type Recorder struct {
	mu         sync.Mutex
	calls      map[Endpoint]int
	bytesByRun map[int]int64
	bytesByKey map[string]int64
	leaks      []Leak
	callbacks  []CallbackDelivery
}

// Leak is a request to the object store that carried an x-api-key header:
// the client sent its API key to a host other than the API. The store
// serves such requests as S3 would (it ignores the header); the leak is
// only recorded.
type Leak struct {
	// Time the request arrived.
	Time time.Time
	// Method and Path of the request (the query, a credential, is left out).
	Method, Path string
	// MatchesAPIKey reports whether the header held the server's API key.
	MatchesAPIKey bool
}

// CallbackDelivery is one POST the server made to a callback URL: the form
// of an export run, or the JSON of a PDF Manager batch.
type CallbackDelivery struct {
	// URL the form or JSON was posted to.
	URL string
	// ExportFileID, ExportID and Status are the form's fields (zero for a
	// PDF Manager batch).
	ExportFileID, ExportID int
	// PDFManagerBatchID is the batch of a PDF Manager callback (zero for an
	// export run); Status is then the batch's state.
	PDFManagerBatchID int
	Status            string
	// StatusCode of the answer, or 0 when the POST failed.
	StatusCode int
	// Err says why the POST failed, or is nil.
	Err error
}

func newRecorder() *Recorder {
	r := &Recorder{}
	r.Reset()
	return r
}

// Calls returns how many requests reached the endpoint, whatever the
// answer (401, 429 and injected faults included).
func (r *Recorder) Calls(e Endpoint) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[e]
}

// BytesServed returns how many body bytes of the run's file the object
// store has sent, over all requests (so a download resumed with Range
// counts each byte once, and a repeated one twice).
func (r *Recorder) BytesServed(exportFileID int) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bytesByRun[exportFileID]
}

// ObjectBytesServed is [Recorder.BytesServed] keyed by the object's key
// (the path of its URL without the leading slash).
func (r *Recorder) ObjectBytesServed(key string) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bytesByKey[key]
}

// Leaks returns the store requests that carried x-api-key, oldest first.
func (r *Recorder) Leaks() []Leak {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.leaks)
}

// Callbacks returns the callback POSTs made so far, oldest first.
func (r *Recorder) Callbacks() []CallbackDelivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.callbacks)
}

// Reset forgets everything recorded so far. Fault attempt numbers are not
// affected.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = map[Endpoint]int{}
	r.bytesByRun = map[int]int64{}
	r.bytesByKey = map[string]int64{}
	r.leaks = nil
	r.callbacks = nil
}

// String summarises the calls per endpoint, for test failure messages.
func (r *Recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := "calls:"
	for _, e := range slices.Sorted(maps.Keys(r.calls)) {
		s += " " + string(e) + "=" + strconv.Itoa(r.calls[e])
	}
	return s
}

func (r *Recorder) addCall(e Endpoint) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls[e]++
}

func (r *Recorder) addBytes(runID int, key string, n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if runID != 0 { // 0: a PDF Manager zip file, counted by key only
		r.bytesByRun[runID] += n
	}
	r.bytesByKey[key] += n
}

func (r *Recorder) addLeak(l Leak) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.leaks = append(r.leaks, l)
}

func (r *Recorder) addCallback(c CallbackDelivery) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.callbacks = append(r.callbacks, c)
}
