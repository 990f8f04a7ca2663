package wrapper

// Benchmarks of the parts of a run that are not raw throughput: how many
// status calls a wait costs and how late it notices the file (simulated on
// the fake clock), how fast the download starts once the URL arrives, and
// what hashing and UTF-8 conversion cost. `make bench` prints their figures
// in its table (internal/benchdriver); run one alone with e.g.
//
//	go test -run '^$' -bench PollPolicy -benchtime 200x ./wrapper

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// quietClient is newTestClient without the debug logging into the secret
// scan, which would slow the measured path and keep every line in memory.
func quietClient(b *testing.B, base string, opts ...Option) *Client {
	return newTestClient(b, base, append([]Option{WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
}

// BenchmarkPollPolicy simulates exports of 10 s, 1 min and 10 min on the
// fake clock and reports, over the b.N simulated runs, the status calls one
// RunExport makes and how long after the file became available it noticed
// (as seconds and as a share of the export's duration), for the default
// policy and for fixed 3 s and 60 s polling. Each simulated export takes its
// nominal duration ±10% (seeded), so that fixed intervals do not line up
// with round durations. The server answers on the fake clock, so a
// simulated hour costs milliseconds.
func BenchmarkPollPolicy(b *testing.B) {
	policies := []struct {
		name string
		p    PollPolicy
	}{
		{"default", DefaultPollPolicy()},
		{"fixed-3s", PollPolicy{MinDelay: 3 * time.Second, MaxDelay: 3 * time.Second, Multiplier: 1, MaxWait: time.Hour}},
		{"fixed-60s", PollPolicy{MinDelay: time.Minute, MaxDelay: time.Minute, Multiplier: 1, MaxWait: time.Hour}},
	}
	exports := []struct {
		name string
		d    time.Duration
	}{{"10s", 10 * time.Second}, {"1m", time.Minute}, {"10m", 10 * time.Minute}}

	// The run in progress: the clock it lives on and when its file is ready.
	type simRun struct {
		clock   *fakeClock
		readyAt time.Time
	}
	var current atomic.Pointer[simRun]
	st := server(b, newFakeStore([]byte("id\n1\n")))
	api := &fakeAPI{statuses: []string{"Queued"}, onGet: func(w http.ResponseWriter, _ int) bool {
		r := current.Load()
		if r.clock.Now().Before(r.readyAt) {
			writeJSON(w, http.StatusOK, exportFile(555, 7, "In Progress", ""))
		} else {
			writeJSON(w, http.StatusOK, exportFile(555, 7, "Available", presigned(st.URL)))
		}
		return true
	}}
	base := server(b, api).URL

	for _, pol := range policies {
		for _, ex := range exports {
			b.Run(pol.name+"/"+ex.name, func(b *testing.B) {
				rng := rand.New(rand.NewPCG(uint64(ex.d), 7))
				var calls, delays, shares []float64
				for b.Loop() {
					clock := newFakeClock()
					d := time.Duration(float64(ex.d) * (0.9 + 0.2*rng.Float64()))
					current.Store(&simRun{clock: clock, readyAt: clock.Now().Add(d)})
					c := quietClient(b, base, withClock(clock), WithPollPolicy(pol.p))
					var noticed time.Time
					res, err := c.RunExport(context.Background(), 1, 7, ToWriter(io.Discard), OnProgress(func(e Event) {
						if e.Kind == EventStatus && e.Status == StatusAvailable {
							noticed = clock.Now()
						}
					}))
					if err != nil {
						b.Fatal(err)
					}
					late := noticed.Sub(current.Load().readyAt)
					calls = append(calls, float64(res.StatusCalls))
					delays = append(delays, late.Seconds())
					shares = append(shares, 100*late.Seconds()/d.Seconds())
				}
				b.ReportMetric(median(calls), "calls-median")
				b.ReportMetric(slices.Max(calls), "calls-max")
				b.ReportMetric(median(delays), "late-s-median")
				b.ReportMetric(slices.Max(delays), "late-s-max")
				b.ReportMetric(median(shares), "late-%-median")
				b.ReportMetric(slices.Max(shares), "late-%-max")
			})
		}
	}
}

// BenchmarkURLToRequest measures the time from the moment the API has sent
// the status answer that carries the download URL to the moment the object
// store receives the GET for it, over fresh connections as on a first
// download (the idle connections are closed after every run). It reports
// the median and the slowest run in microseconds.
func BenchmarkURLToRequest(b *testing.B) {
	var (
		mu   sync.Mutex
		sent time.Time
		gaps []float64
	)
	store := newFakeStore(pattern(4 << 10))
	store.fault = func(int, http.ResponseWriter, *http.Request) bool {
		now := time.Now()
		mu.Lock()
		gaps = append(gaps, float64(now.Sub(sent).Microseconds()))
		mu.Unlock()
		return false
	}
	st := server(b, store)
	api := &fakeAPI{statuses: []string{"Available"}, onGet: func(w http.ResponseWriter, _ int) bool {
		writeJSON(w, http.StatusOK, exportFile(555, 7, "Available", presigned(st.URL)))
		_ = http.NewResponseController(w).Flush()
		mu.Lock()
		sent = time.Now()
		mu.Unlock()
		return true
	}}
	c := quietClient(b, server(b, api).URL)
	ctx := context.Background()
	for b.Loop() {
		if _, err := c.ExportRun(7, 555).Download(ctx, ToWriter(io.Discard)); err != nil {
			b.Fatal(err)
		}
		c.CloseIdleConnections()
	}
	mu.Lock()
	defer mu.Unlock()
	b.ReportMetric(median(gaps), "µs-median")
	b.ReportMetric(slices.Max(gaps), "µs-max")
}

// median returns the middle of xs (the mean of the two middle values for
// an even count); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
