package replicate

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/retry"
)

func waiter(slept *[]time.Duration, budget time.Duration) *Waiter {
	return &Waiter{Policy: retry.Policy{BaseDelay: time.Second, MaxDelay: 4 * time.Second, Budget: budget,
		Sleep: func(_ context.Context, d time.Duration) error { *slept = append(*slept, d); return nil }}}
}

func TestUntilWaitsUntilVisible(t *testing.T) {
	var slept []time.Duration
	checks := 0
	err := waiter(&slept, time.Minute).Until(context.Background(), "the grant", func(context.Context) (bool, error) {
		checks++
		return checks == 3, nil
	})
	if err != nil || checks != 3 || len(slept) != 2 {
		t.Fatalf("err = %v after %d checks and %d waits; want success on the third check", err, checks, len(slept))
	}
}

func TestUntilGivesUpAfterTheBudget(t *testing.T) {
	var slept []time.Duration
	err := waiter(&slept, 5*time.Second).Until(context.Background(), "the grant", func(context.Context) (bool, error) { return false, nil })
	var te *TimeoutError
	if !errors.As(err, &te) || !errors.Is(err, errNotVisible) {
		t.Fatalf("err = %v, want a TimeoutError wrapping errNotVisible", err)
	}
	var total time.Duration
	for _, d := range slept {
		total += d
	}
	if total > 5*time.Second {
		t.Fatalf("waited %v, more than the 5 s budget", total)
	}
}

func TestUntilStopsOnOtherErrors(t *testing.T) {
	var slept []time.Duration
	boom := errors.New("403")
	err := waiter(&slept, time.Minute).Until(context.Background(), "x", func(context.Context) (bool, error) { return false, boom })
	if !errors.Is(err, boom) || len(slept) != 0 {
		t.Fatalf("err = %v after %d waits; want the error at once", err, len(slept))
	}
}

// TestDefaultPollingOvershootsLagByAtMostAFifth simulates an object that
// becomes visible after lag and checks the two things the default polling
// trades: time lost after the object appeared (at most a fifth of the lag,
// or the first 150 ms poll) and the number of polls (logarithmic in the lag,
// so a long lag is no request storm).
func TestDefaultPollingOvershootsLagByAtMostAFifth(t *testing.T) {
	for _, tc := range []struct {
		lag      time.Duration
		maxPolls int
	}{{time.Second, 10}, {2 * time.Second, 14}, {5 * time.Second, 21}, {30 * time.Second, 34}} {
		for _, jitter := range []float64{0, 0.5, 0.999} {
			w := Default()
			var now time.Duration
			w.Policy.Sleep = func(_ context.Context, d time.Duration) error { now += d; return nil }
			w.Policy.Jitter = func() float64 { return jitter }
			polls := 0
			err := w.Do(context.Background(), "the service principal", func(context.Context) error {
				polls++
				if now < tc.lag {
					return &graph.APIError{Status: http.StatusNotFound}
				}
				return nil
			})
			if err != nil {
				t.Fatalf("lag %v: %v", tc.lag, err)
			}
			if limit := tc.lag + max(tc.lag/5, 150*time.Millisecond); now > limit {
				t.Errorf("lag %v, jitter %v: done after %v, more than %v", tc.lag, jitter, now, limit)
			}
			if polls > tc.maxPolls {
				t.Errorf("lag %v, jitter %v: %d polls, want at most %d", tc.lag, jitter, polls, tc.maxPolls)
			}
		}
	}
}
