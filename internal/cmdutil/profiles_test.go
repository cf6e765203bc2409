package cmdutil

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

// TestRunProfilesBoundsAndKeepsGoing runs more profiles than max-parallel:
// no more run at once, every profile runs though one fails, results are
// in profile order, and the worst profile's error decides the exit code.
func TestRunProfilesBoundsAndKeepsGoing(t *testing.T) {
	var inFlight, peak atomic.Int32
	f := &Factory{}
	f.ForProfile = func(name string) *Factory {
		return &Factory{Getenv: func(string) string { return name }}
	}
	names := []string{"a", "b", "c", "d", "e", "f"}
	runs := RunProfiles(t.Context(), f, names, 2, func(ctx context.Context, pf *Factory) (string, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		switch name := pf.Getenv(""); name {
		case "b":
			return name, &CheckFailedError{Failed: []string{"x"}}
		case "d":
			return name, errors.New("tenant not found")
		default:
			return name, nil
		}
	})
	if peak.Load() > 2 {
		t.Errorf("%d profiles ran at once, want at most 2", peak.Load())
	}
	for i, r := range runs {
		if r.Profile != names[i] || r.Result != names[i] {
			t.Errorf("run %d is %s/%s, want %s", i, r.Profile, r.Result, names[i])
		}
	}
	err := WorstError(runs)
	var pe *ProfileError
	if !errors.As(err, &pe) || pe.Profile != "d" || ExitCode(err) != ExitError {
		t.Errorf("worst error %v (exit %d), want profile d's, exit 1", err, ExitCode(err))
	}
	if err := WorstError(runs[:3]); ExitCode(err) != ExitCheckFailed {
		t.Errorf("a check failure alone exits %d, want 6", ExitCode(err))
	}
	if err := WorstError(runs[:1]); err != nil {
		t.Errorf("no failure: %v", err)
	}
}
