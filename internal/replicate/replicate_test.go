package replicate

import (
	"context"
	"errors"
	"testing"
	"time"

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
