package wait

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// retryAfterError is a transient failure that asks for a wait (a 429).
type retryAfterError struct{ after time.Duration }

func (e *retryAfterError) Error() string { return "429 Too Many Requests" }

var errBroken = errors.New("connection reset")

// TestLoop runs the one retry loop in a synctest bubble, where time is
// virtual: each case says how many attempts it takes, how long it sleeps
// in all, and which error ends it.
func TestLoop(t *testing.T) {
	t.Parallel()
	policy := Policy{MinDelay: time.Second, MaxDelay: 4 * time.Second, Multiplier: 2}
	errFatal := errors.New("400 Bad Request")
	tests := []struct {
		name     string
		budget   time.Duration
		maxTries int
		first    bool            // FirstRetryImmediate
		answers  []error         // one per attempt; nil is "not done yet", the last one repeats
		doneAt   int             // the attempt that reports done (0: none)
		want     error           // errors.Is target; nil: success
		tries    int             // attempts made
		elapsed  time.Duration   // virtual time slept
		delays   []time.Duration // what Sleeping was told
	}{
		{
			name: "not done, then done: delays grow", budget: time.Minute,
			answers: []error{nil}, doneAt: 4, tries: 4, elapsed: 7 * time.Second,
			delays: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second},
		},
		{
			name: "delays stop at MaxDelay", budget: time.Minute,
			answers: []error{nil}, doneAt: 6, tries: 6, elapsed: 15 * time.Second,
			delays: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second},
		},
		{
			name: "a transient failure is retried", budget: time.Minute,
			answers: []error{errBroken, errBroken, nil}, doneAt: 3, tries: 3, elapsed: 3 * time.Second,
			delays: []time.Duration{time.Second, 2 * time.Second},
		},
		{
			name: "the first failure at once when asked", budget: time.Minute, first: true,
			answers: []error{errBroken, errBroken, nil}, doneAt: 3, tries: 3, elapsed: time.Second,
			delays: []time.Duration{0, time.Second},
		},
		{
			name: "Retry-After is waited at least", budget: time.Minute,
			answers: []error{&retryAfterError{20 * time.Second}, nil}, doneAt: 2, tries: 2, elapsed: 20 * time.Second,
			delays: []time.Duration{20 * time.Second},
		},
		{
			name: "a Retry-After beyond the budget ends the loop at once", budget: time.Minute,
			answers: []error{&retryAfterError{time.Hour}}, want: ErrTimeout, tries: 1,
		},
		{
			name: "a failure no retry fixes ends it at once", budget: time.Minute,
			answers: []error{errBroken, errFatal}, want: errFatal, tries: 2, elapsed: time.Second,
			delays: []time.Duration{time.Second},
		},
		{
			name: "Permanent ends it at once, unwrapped", budget: time.Minute,
			answers: []error{Permanent(errBroken)}, want: errBroken, tries: 1,
		},
		{
			name: "MaxTries ends it", budget: time.Minute, maxTries: 3,
			answers: []error{errBroken}, want: errBroken, tries: 3, elapsed: 3 * time.Second,
			delays: []time.Duration{time.Second, 2 * time.Second},
		},
		{
			// 1+2+4 = 7 s leave 3 s of 10, less the 1 s reserved for the
			// answer of the last call: the last delay is cut to 2 s.
			name: "the budget ends it, the last delay cut to fit", budget: 10 * time.Second,
			answers: []error{nil}, want: ErrTimeout, tries: 5, elapsed: 9 * time.Second,
			delays: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 2 * time.Second},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var delays []time.Duration
				l := Loop{
					Budget: NewBudget(nil, tt.budget), Policy: policy, MaxTries: tt.maxTries,
					FirstRetryImmediate: tt.first,
					Transient:           func(err error) bool { return !errors.Is(err, errFatal) },
					RetryAfter: func(err error) time.Duration {
						var ra *retryAfterError
						if errors.As(err, &ra) {
							return ra.after
						}
						return 0
					},
					Sleeping: func(_ int, d time.Duration, _ error) { delays = append(delays, d) },
				}
				tries := 0
				start := time.Now()
				err := l.Run(t.Context(), func(context.Context) (bool, error) {
					tries++
					if tries == tt.doneAt {
						return true, nil
					}
					return false, tt.answers[min(tries, len(tt.answers))-1]
				})
				if tt.want == nil && err != nil || !errors.Is(err, tt.want) {
					t.Errorf("err = %v, want %v", err, tt.want)
				}
				if tries != tt.tries {
					t.Errorf("%d attempts, want %d", tries, tt.tries)
				}
				if got := time.Since(start); got != tt.elapsed {
					t.Errorf("slept %s, want %s", got, tt.elapsed)
				}
				if len(delays) != len(tt.delays) {
					t.Fatalf("delays %v, want %v", delays, tt.delays)
				}
				for i := range delays {
					if delays[i] != tt.delays[i] {
						t.Errorf("delays %v, want %v", delays, tt.delays)
						break
					}
				}
			})
		})
	}
}

// TestLoopWakeIsNotABurst: a wake-up (a callback) cuts a long delay short,
// but never below MinDelay, so stray wake-ups cannot drive a burst of calls.
func TestLoopWakeIsNotABurst(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		wake := make(chan struct{}, 1)
		l := Loop{
			Budget: NewBudget(nil, time.Hour),
			Policy: Policy{MinDelay: 5 * time.Second, MaxDelay: time.Minute, Multiplier: 12},
			Wake:   wake,
		}
		wake <- struct{}{} // a stray wake-up, there before the first sleep
		tries := 0
		start := time.Now()
		var at []time.Duration
		err := l.Run(t.Context(), func(context.Context) (bool, error) {
			tries++
			at = append(at, time.Since(start))
			if tries == 2 { // the next delay is a minute; a wake-up comes 1 s into it
				go func() { time.Sleep(time.Second); wake <- struct{}{} }()
			}
			return tries == 3, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Both wake-ups are held to MinDelay: attempts 5 s apart, not at once.
		want := []time.Duration{0, 5 * time.Second, 10 * time.Second}
		for i := range want {
			if at[i] != want[i] {
				t.Fatalf("attempts at %v, want %v", at, want)
			}
		}
	})
}

// TestLoopWakeCutsALongDelay: with a long delay, a wake-up after MinDelay
// makes the next attempt at once.
func TestLoopWakeCutsALongDelay(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		wake := make(chan struct{}, 1)
		l := Loop{
			Budget: NewBudget(nil, time.Hour),
			Policy: Policy{MinDelay: 2 * time.Second, MaxDelay: time.Minute, Multiplier: 30},
			Wake:   wake,
		}
		tries := 0
		start := time.Now()
		var at []time.Duration
		err := l.Run(t.Context(), func(context.Context) (bool, error) {
			tries++
			at = append(at, time.Since(start))
			if tries == 2 { // the next delay is a minute; a callback comes after 3 s
				go func() { time.Sleep(3 * time.Second); wake <- struct{}{} }()
			}
			return tries == 3, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []time.Duration{0, 2 * time.Second, 5 * time.Second}
		for i := range want {
			if at[i] != want[i] {
				t.Fatalf("attempts at %v, want %v", at, want)
			}
		}
	})
}

// TestLoopCallBoundsEachCall: a call that hangs ends with the budget, and
// the error says so.
func TestLoopCallBoundsEachCall(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		l := Loop{Budget: NewBudget(nil, 30*time.Second), Policy: Policy{MinDelay: time.Second, MaxDelay: time.Second, Multiplier: 1}}
		start := time.Now()
		err := l.Call(t.Context(), "starting export 7", func(ctx context.Context) error {
			<-ctx.Done() // a server that never answers
			return ctx.Err()
		})
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("err = %v, want ErrTimeout", err)
		}
		if got := time.Since(start); got != 30*time.Second {
			t.Errorf("ended after %s, want the 30s budget", got)
		}
	})
}

// TestLoopCancelled: a cancelled context ends the loop with its cause.
func TestLoopCancelled(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		cause := errors.New("operator pressed Ctrl-C")
		ctx, cancel := context.WithCancelCause(t.Context())
		l := Loop{Budget: NewBudget(nil, time.Hour), Policy: Policy{MinDelay: time.Minute, MaxDelay: time.Minute, Multiplier: 1}}
		go func() { time.Sleep(90 * time.Second); cancel(cause) }()
		start := time.Now()
		err := l.Run(ctx, func(context.Context) (bool, error) { return false, nil })
		if !errors.Is(err, cause) {
			t.Fatalf("err = %v, want the cancel cause", err)
		}
		if got := time.Since(start); got != 90*time.Second {
			t.Errorf("ended after %s, want 90s", got)
		}
	})
}
