package wrapper

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// The simulation of many exports at once: exports of 10 s to 10 min, run
// three ways on the virtual clock of a synctest bubble, with the API and
// the store served in memory (a bubble cannot use sockets). It measures
// status and list calls and wall time, and checks the targets: the shared
// status list costs at most N + 2 × the calls of one export, and ends at
// most 10% after the longest export. It is a test, not a benchmark, because
// synctest runs only in tests; its figures are in virtual time, so they do
// not depend on the machine. make bench prints them (internal/benchdriver).
//
//	go test -run TestManyExportsSimulation -v ./wrapper

// simAPI is an in-memory WebAdMIT whose runs end on the bubble's clock.
type simAPI struct {
	mu       sync.Mutex
	dur      map[int]time.Duration // by export
	runs     map[int]simRun        // by run id
	next     int
	status   int // getExportFile calls
	list     int // listUserIdentityExportFiles calls
	starts   int
	store    int
	started  time.Time
	lastDone time.Time
}

type simRun struct {
	export int
	ready  time.Time
}

var (
	simStart  = regexp.MustCompile(`^/api/v1/user_identities/42/exports/(\d+)/export_files$`)
	simStatus = regexp.MustCompile(`^/api/v1/exports/(\d+)/export_files/(\d+)$`)
)

func (s *simAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	status := func(run simRun) string {
		if now.Before(run.ready) {
			return "In Progress"
		}
		return "Available"
	}
	switch {
	case r.Host == "127.0.0.1:2": // the store
		s.store++
		if now.After(s.lastDone) {
			s.lastDone = now
		}
		w.Header().Set("Content-Length", "5")
		w.Header().Set("ETag", `"x"`)
		_, _ = io.WriteString(w, "id\n1\n")
	case r.Method == http.MethodPost && simStart.MatchString(r.URL.Path):
		s.starts++
		e, _ := strconv.Atoi(simStart.FindStringSubmatch(r.URL.Path)[1])
		s.next++
		s.runs[s.next] = simRun{export: e, ready: now.Add(s.dur[e])}
		writeJSON(w, http.StatusCreated, exportFile(s.next, e, "Queued", ""))
	case r.URL.Path == "/api/v1/user_identities/42/export_files":
		s.list++
		var list []map[string]any
		for id, run := range s.runs {
			list = append(list, exportFile(id, run.export, status(run), "")["export_files"].(map[string]any))
		}
		writeJSON(w, http.StatusOK, map[string]any{"export_files": list})
	case simStatus.MatchString(r.URL.Path):
		s.status++
		m := simStatus.FindStringSubmatch(r.URL.Path)
		id, _ := strconv.Atoi(m[2])
		run := s.runs[id]
		st, url := status(run), ""
		if st == "Available" {
			url = fmt.Sprintf("http://127.0.0.1:2/f/%d?X-Amz-Signature=sig", id)
		}
		writeJSON(w, http.StatusOK, exportFile(id, run.export, st, url))
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// inMemory serves requests with a handler, without sockets.
type inMemory struct{ h http.Handler }

func (m inMemory) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	r.Host = r.URL.Host
	m.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// simOutcome is what one way of running the exports cost.
type simOutcome struct {
	statusCalls, listCalls int
	wall, longest          time.Duration
}

// simulate runs n exports, spread evenly from 10 s to 10 min, one way.
func simulate(t *testing.T, n int, way string) simOutcome {
	var out simOutcome
	synctest.Test(t, func(t *testing.T) {
		api := &simAPI{dur: map[int]time.Duration{}, runs: map[int]simRun{}, started: time.Now()}
		jobs := make([]ExportJob, n)
		for i := range jobs {
			d := 10*time.Second + time.Duration(i)*(590*time.Second)/time.Duration(max(n-1, 1))
			api.dur[1000+i] = d
			out.longest = max(out.longest, d)
			jobs[i] = ExportJob{IdentityID: 42, ExportID: 1000 + i, Dst: ToWriter(io.Discard)}
		}
		hc := &http.Client{Transport: inMemory{api}}
		c, err := New(testAPIKey, WithBaseURL("http://127.0.0.1:1"), WithHTTPClient(hc), WithDownloadHTTPClient(hc),
			WithRateBudget(bigBudget()), WithLogger(slog.New(slog.DiscardHandler)))
		if err != nil {
			t.Fatal(err)
		}
		ctx, start := context.Background(), time.Now()
		var failed []error
		switch way {
		case "shared":
			for _, o := range c.RunExports(ctx, jobs, MaxWait(2*time.Hour)) {
				if o.Err != nil {
					failed = append(failed, o.Err)
				}
			}
		case "per-run":
			var (
				wg sync.WaitGroup
				mu sync.Mutex
			)
			for _, j := range jobs {
				wg.Go(func() {
					if _, err := c.RunExport(ctx, j.IdentityID, j.ExportID, j.Dst); err != nil {
						mu.Lock()
						failed = append(failed, err)
						mu.Unlock()
					}
				})
			}
			wg.Wait()
		case "loop":
			for _, j := range jobs {
				if _, err := c.RunExport(ctx, j.IdentityID, j.ExportID, j.Dst); err != nil {
					failed = append(failed, err)
				}
			}
		}
		if len(failed) > 0 {
			t.Fatalf("%s: %d failed, the first: %v", way, len(failed), failed[0])
		}
		if api.store != n {
			t.Fatalf("%s: %d downloads for %d exports", way, api.store, n)
		}
		out.statusCalls, out.listCalls, out.wall = api.status, api.list, time.Since(start)
	})
	return out
}

// TestManyExportsSimulation prints, for 20 and 100 exports, what each way
// costs, and checks the shared list against its targets.
func TestManyExportsSimulation(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("a simulation of some thousand virtual hours")
	}
	one := simulate(t, 1, "loop") // a single 10 s export: the lone run's calls
	long := func() simOutcome {   // a single 10 min export
		var out simOutcome
		synctest.Test(t, func(t *testing.T) { out = simulateOne(t, 10*time.Minute) })
		return out
	}()
	t.Logf("one export of 10 s: %d status calls; of 10 min: %d", one.statusCalls, long.statusCalls)
	for _, n := range []int{20, 100} {
		for _, way := range []string{"shared", "per-run", "loop"} {
			o := simulate(t, n, way)
			calls := o.statusCalls + o.listCalls
			t.Logf("many-exports n=%d way=%s status=%d list=%d calls=%d wall=%s longest=%s wall/longest=%.3f",
				n, way, o.statusCalls, o.listCalls, calls, o.wall.Round(time.Second), o.longest, o.wall.Seconds()/o.longest.Seconds())
			if way != "shared" {
				continue
			}
			if limit := n + 2*long.statusCalls; calls > limit {
				t.Errorf("n=%d: %d status and list calls, over the target of N + 2 × one export = %d", n, calls, limit)
			}
			if o.wall > o.longest*11/10 {
				t.Errorf("n=%d: %s, over the longest export + 10%% (%s)", n, o.wall, o.longest*11/10)
			}
		}
	}
}

// simulateOne runs one export of d, alone, in the current bubble.
func simulateOne(t *testing.T, d time.Duration) simOutcome {
	api := &simAPI{dur: map[int]time.Duration{1: d}, runs: map[int]simRun{}}
	hc := &http.Client{Transport: inMemory{api}}
	c, err := New(testAPIKey, WithBaseURL("http://127.0.0.1:1"), WithHTTPClient(hc), WithDownloadHTTPClient(hc),
		WithRateBudget(bigBudget()), WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RunExport(context.Background(), 42, 1, ToWriter(io.Discard)); err != nil {
		t.Fatal(err)
	}
	return simOutcome{statusCalls: api.status}
}
