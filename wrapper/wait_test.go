package wrapper

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

const sec = time.Second

func TestWaitScheduleWithoutJitter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		policy    PollPolicy
		statuses  []string
		wantSleep []time.Duration
		wantCalls int
		wantErr   error
		wantFinal Status
	}{
		{
			name:      "grows to the cap",
			policy:    PollPolicy{MinDelay: 1 * sec, MaxDelay: 8 * sec, MaxWait: time.Hour, Multiplier: 2},
			statuses:  []string{"Initializing", "Queued", "In Progress", "In Progress", "In Progress", "in_progress", "Available"},
			wantSleep: []time.Duration{1 * sec, 2 * sec, 4 * sec, 8 * sec, 8 * sec, 8 * sec},
			wantCalls: 7, wantFinal: StatusAvailable,
		},
		{
			name:      "multiplier 1.5",
			policy:    PollPolicy{MinDelay: 2 * sec, MaxDelay: 30 * sec, MaxWait: time.Hour, Multiplier: 1.5},
			statuses:  []string{"queued", "queued", "queued", "empty_list"},
			wantSleep: []time.Duration{2 * sec, 3 * sec, 4500 * time.Millisecond},
			wantCalls: 4, wantFinal: StatusEmptyList,
		},
		{
			name:      "terminal at once",
			policy:    PollPolicy{MinDelay: 1 * sec, MaxDelay: 8 * sec, MaxWait: time.Hour, Multiplier: 2},
			statuses:  []string{"Failed"},
			wantCalls: 1, wantFinal: StatusFailed,
		},
		{
			// The last status call is made MinDelay before the end, so that
			// it too is answered within the budget.
			name:      "last delay cut to the budget, then one last call",
			policy:    PollPolicy{MinDelay: 1 * sec, MaxDelay: 8 * sec, MaxWait: 10 * sec, Multiplier: 2},
			statuses:  []string{"In Progress"},
			wantSleep: []time.Duration{1 * sec, 2 * sec, 4 * sec, 2 * sec},
			wantCalls: 5, wantErr: ErrTimeout,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := &fakeAPI{statuses: tt.statuses}
			clock := newFakeClock()
			c := newTestClient(t, server(t, api).URL, withClock(clock), WithPollPolicy(tt.policy))
			var announced []time.Duration
			onPoll := OnProgress(func(e Event) {
				if e.Kind == EventPoll {
					announced = append(announced, e.Delay)
				}
			})
			run, err := c.ExportRun(7, 555).Wait(context.Background(), onPoll)
			collect(err)
			if !slices.Equal(announced, tt.wantSleep) {
				t.Errorf("EventPoll announced next checks %v, want the sleeps %v", announced, tt.wantSleep)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Wait: err = %v, want %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), `"In Progress"`) || !strings.Contains(err.Error(), "run 555") {
					t.Errorf("timeout error does not say where the run was: %v", err)
				}
			} else if (err != nil && !tt.wantFinal.IsTerminal()) || run.Status != tt.wantFinal {
				// Failed and Empty List come with a *JobError.
				t.Fatalf("Wait = %+v, %v; want %q", run, err, tt.wantFinal)
			}
			if got := clock.Sleeps(); !slices.Equal(got, tt.wantSleep) {
				t.Errorf("sleeps %v, want %v", got, tt.wantSleep)
			}
			if api.getCalls() != tt.wantCalls {
				t.Errorf("%d status calls, want %d", api.getCalls(), tt.wantCalls)
			}
		})
	}
}

func TestWaitJitterStaysInBounds(t *testing.T) {
	t.Parallel()
	statuses := slices.Repeat([]string{"In Progress"}, 40)
	api := &fakeAPI{statuses: append(statuses, "Available")}
	clock := newFakeClock()
	p := PollPolicy{MinDelay: 1 * sec, MaxDelay: 16 * sec, MaxWait: 24 * time.Hour, Multiplier: 2, Jitter: 0.5}
	c := newTestClient(t, server(t, api).URL, withClock(clock), WithPollPolicy(p))
	if _, err := c.ExportRun(7, 555).Wait(context.Background()); err != nil {
		t.Fatal(collect(err))
	}
	sleeps := clock.Sleeps()
	if len(sleeps) != 40 {
		t.Fatalf("%d sleeps, want 40", len(sleeps))
	}
	nominal := 1 * sec
	distinct := map[time.Duration]bool{}
	for i, d := range sleeps {
		lo := max(p.MinDelay, time.Duration(float64(nominal)*(1-p.Jitter)))
		hi := min(p.MaxDelay, time.Duration(float64(nominal)*(1+p.Jitter))+1)
		if d < lo || d > hi {
			t.Errorf("sleep %d = %v, outside [%v, %v]", i, d, lo, hi)
		}
		distinct[d] = true
		nominal = min(nominal*2, p.MaxDelay)
	}
	if len(distinct) < 10 {
		t.Errorf("only %d distinct delays in 40: jitter is not applied", len(distinct))
	}
}

// TestWaitRetries: transient failures are retried within the budget (with
// Retry-After honoured); other 4xx answers end the wait at once.
func TestWaitRetries(t *testing.T) {
	t.Parallel()
	policy := PollPolicy{MinDelay: 1 * sec, MaxDelay: 8 * sec, MaxWait: time.Minute, Multiplier: 2}
	tests := []struct {
		name      string
		fail      func(w http.ResponseWriter)
		failCalls int // the first failCalls calls fail
		wantErr   error
		wantCalls int
		wantSleep []time.Duration
		contains  string
	}{
		{name: "HTML 502", failCalls: 2, wantCalls: 3, wantSleep: []time.Duration{1 * sec, 2 * sec},
			fail: func(w http.ResponseWriter) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(502)
				_, _ = w.Write([]byte("<html><title>502 Bad Gateway</title></html>"))
			}},
		{name: "503 JSON", failCalls: 1, wantCalls: 2, wantSleep: []time.Duration{1 * sec},
			fail: func(w http.ResponseWriter) { writeJSON(w, 503, map[string]string{"message": "down"}) }},
		{name: "429 Retry-After", failCalls: 1, wantCalls: 2, wantSleep: []time.Duration{7 * sec},
			fail: func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "7")
				writeJSON(w, 429, map[string]string{"message": "Rate limit exceeded"})
			}},
		{name: "429 shorter than backoff", failCalls: 3, wantCalls: 4, wantSleep: []time.Duration{1 * sec, 2 * sec, 4 * sec},
			fail: func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "1")
				writeJSON(w, 429, map[string]string{"message": "Rate limit exceeded"})
			}},
		{name: "429 beyond the budget", failCalls: 1, wantCalls: 1, wantErr: ErrTimeout, contains: "rate limit",
			fail: func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "3600")
				writeJSON(w, 429, map[string]string{"message": "Rate limit exceeded"})
			}},
		{name: "cut connection", failCalls: 1, wantCalls: 2, wantSleep: []time.Duration{1 * sec},
			fail: func(w http.ResponseWriter) { hijackClose(w) }},
		{name: "503 for ever", failCalls: 1000, wantErr: ErrTimeout, contains: "503",
			wantCalls: 11, wantSleep: []time.Duration{1 * sec, 2 * sec, 4 * sec, 8 * sec, 8 * sec, 8 * sec, 8 * sec, 8 * sec, 8 * sec, 4 * sec},
			fail: func(w http.ResponseWriter) { writeJSON(w, 503, map[string]string{"message": "down"}) }},
		{name: "400 not retried", failCalls: 1, wantCalls: 1,
			fail: func(w http.ResponseWriter) { writeJSON(w, 400, map[string]string{"message": "bad"}) }},
		{name: "403 not retried", failCalls: 1, wantCalls: 1,
			fail: func(w http.ResponseWriter) { writeJSON(w, 403, map[string]string{"message": "no"}) }},
		{name: "404 not retried", failCalls: 1, wantCalls: 1, wantErr: ErrNotFound,
			fail: func(w http.ResponseWriter) { writeJSON(w, 404, map[string]string{"message": "Not Found"}) }},
		{name: "401 not retried", failCalls: 1, wantCalls: 1, wantErr: ErrUnauthorized,
			fail: func(w http.ResponseWriter) { w.WriteHeader(401) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := &fakeAPI{statuses: []string{"Available"}}
			api.onGet = func(w http.ResponseWriter, call int) bool {
				if call <= tt.failCalls {
					tt.fail(w)
					return true
				}
				return false
			}
			clock := newFakeClock()
			c := newTestClient(t, server(t, api).URL, withClock(clock), WithPollPolicy(policy))
			var retries []Event
			run, err := c.ExportRun(7, 555).Wait(context.Background(), OnProgress(func(e Event) {
				if e.Kind == EventRetry {
					retries = append(retries, e)
				}
			}))
			collect(err)
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			case tt.wantCalls == 1 && tt.failCalls == 1:
				var ae *APIError
				if !errors.As(err, &ae) {
					t.Fatalf("err = %v, want an *APIError", err)
				}
			default:
				if err != nil || run.Status != StatusAvailable {
					t.Fatalf("Wait = %v, %v", run, err)
				}
				if len(retries) != tt.failCalls || retries[0].Err == nil {
					t.Errorf("%d retry events, want %d with a cause", len(retries), tt.failCalls)
				}
			}
			if tt.contains != "" && !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tt.contains)) {
				t.Errorf("error %q lacks %q", err, tt.contains)
			}
			if api.getCalls() != tt.wantCalls {
				t.Errorf("%d calls, want %d", api.getCalls(), tt.wantCalls)
			}
			if tt.wantSleep != nil && !slices.Equal(clock.Sleeps(), tt.wantSleep) {
				t.Errorf("sleeps %v, want %v", clock.Sleeps(), tt.wantSleep)
			}
			var total time.Duration
			for _, d := range clock.Sleeps() {
				total += d
			}
			if total > policy.MaxWait {
				t.Errorf("slept %v in all, more than MaxWait %v", total, policy.MaxWait)
			}
		})
	}
}

// hijackClose drops the connection without an answer.
func hijackClose(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

func TestWaitStopsOnCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	api := &fakeAPI{statuses: []string{"In Progress"}}
	api.onGet = func(w http.ResponseWriter, call int) bool {
		if call == 3 {
			cancel()
		}
		return false
	}
	c := newTestClient(t, server(t, api).URL, withClock(newFakeClock()))
	_, err := c.ExportRun(7, 555).Wait(ctx)
	if !errors.Is(collect(err), context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := api.getCalls(); n != 3 {
		t.Errorf("%d calls after cancel at the third", n)
	}
}

func TestInitiateRetriesTransientOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		failures  int
		wantCalls int
		wantErr   error
	}{
		{"ok", 0, 0, 1, nil},
		{"502 then ok", 502, 2, 3, nil},
		{"404 identity", 404, 1, 1, ErrNotFound},
		{"401", 401, 1, 1, ErrUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			calls := 0
			s := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls++
				if r.Method != http.MethodPost || r.URL.Path != "/api/v1/user_identities/42/exports/7/export_files" {
					t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
				}
				if calls <= tt.failures {
					switch tt.status {
					case 404:
						writeJSON(w, 404, map[string]string{"message": "User identity '42' not found."})
					default:
						w.WriteHeader(tt.status)
					}
					return
				}
				writeJSON(w, 201, exportFile(555, 7, "Queued", ""))
			}))
			clock := newFakeClock()
			c := newTestClient(t, s.URL, withClock(clock))
			run, err := c.StartExport(context.Background(), 42, 7)
			collect(err)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			} else if f, _ := run.t.Snapshot(); err != nil || run.ID() != 555 || f.Status != StatusQueued {
				t.Fatalf("Initiate = %+v, %v", run, err)
			}
			if calls != tt.wantCalls {
				t.Errorf("%d calls, want %d", calls, tt.wantCalls)
			}
			if tt.wantErr == ErrNotFound {
				var nf *NotFoundError
				if !errors.As(err, &nf) || nf.Kind != NotFoundUserIdentity || nf.ID != "42" {
					t.Errorf("err = %#v, want user identity 42", err)
				}
			}
		})
	}
}

func TestInitiateSendsCallbackBothWays(t *testing.T) {
	t.Parallel()
	type seen struct{ query, body string }
	got := make(chan seen, 1)
	s := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 512)
		n, _ := r.Body.Read(b)
		got <- seen{r.URL.Query().Get("callback"), string(b[:n])}
		writeJSON(w, 201, exportFile(555, 7, "Initializing", ""))
	}))
	c := newTestClient(t, s.URL)
	if _, err := c.StartExport(context.Background(), 42, 7, CallbackURL("https://me.example/cb")); err != nil {
		t.Fatal(collect(err))
	}
	g := <-got
	if g.query != "https://me.example/cb" || !strings.Contains(g.body, `"callback":"https://me.example/cb"`) {
		t.Errorf("callback sent as query %q, body %q", g.query, g.body)
	}
	if _, err := c.StartExport(context.Background(), 42, 7, CallbackURL("not a url")); collect(err) == nil {
		t.Error("a relative callback URL was accepted")
	}
}

func TestRunOptionsValidate(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1")
	for _, o := range []RunOption{MaxWait(0), DownloadAttempts(0), CallbackURL("ftp://x/y"), UsePollPolicy(PollPolicy{Multiplier: 0.5})} {
		if _, err := c.ExportRun(1, 2).Wait(context.Background(), o); collect(err) == nil {
			t.Errorf("option accepted")
		}
	}
}
