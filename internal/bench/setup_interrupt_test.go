package bench

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// setupArgs runs the customer-registered elevato setup without the
// meeting test.
var setupArgs = []string{"setup", "elevato", "--instance", "https://acme.elevato.net", "--skip-test", "-o", "json"}

// setupOK: setup exits 0, or 5 when a check only warned.
func setupOK(code int) bool { return code == 0 || code == 5 }

// TestInterruptedSetupConverges interrupts setup after each of its
// requests (Ctrl-C cancels the context), re-runs it, and compares the
// tenant with an uninterrupted run's; a secret the interrupted run made
// and never showed is removed, and the re-run shows the one left.
func TestInterruptedSetupConverges(t *testing.T) {
	ref := Start(t, Options{})
	if r := ref.Run(context.Background(), setupArgs...); !setupOK(r.Code) {
		t.Fatalf("setup exited %d\n%s", r.Code, r.Stderr)
	} else if !strings.Contains(r.Stdout, `"clientSecret"`) {
		t.Fatalf("the uninterrupted setup showed no secret\n%s", r.Stdout)
	}
	want := normalisedDump(t, ref)
	if !strings.Contains(want, "secrets=1;") {
		t.Fatalf("the uninterrupted setup left %s", want)
	}
	total := len(ref.Emu.Server.RequestLog())
	interrupted, orphans := 0, 0
	for n := 1; n < total; n++ {
		e := Start(t, Options{})
		ctx, stop := cancelAfter(e, n)
		r := e.Run(ctx, setupArgs...)
		stop()
		if setupOK(r.Code) {
			continue // finished before the interruption
		}
		interrupted++
		shown := strings.Contains(r.Stdout, `"clientSecret"`)
		rerun := e.Run(context.Background(), setupArgs...)
		if !setupOK(rerun.Code) {
			t.Errorf("interrupted after %d requests, re-run exited %d\n%s", n, rerun.Code, rerun.Stderr)
			continue
		}
		if strings.Contains(rerun.Stderr, "interrupted run created but never showed") {
			orphans++
		}
		if got := normalisedDump(t, e); got != want {
			t.Errorf("interrupted after %d requests, then re-run: the tenant differs from an uninterrupted run\n got: %s\nwant: %s", n, got, want)
		}
		if !shown && !strings.Contains(rerun.Stdout, `"clientSecret"`) {
			t.Errorf("interrupted after %d requests: neither run showed the app's secret\n%s", n, rerun.Stdout)
		}
	}
	t.Logf("%d requests, %d interruptions, %d left an undelivered secret that the re-run removed", total, interrupted, orphans)
	if interrupted == 0 {
		t.Error("no run was interrupted")
	}
}

// soakSetup runs setup (new and repeated) under the soak's faults: the
// reduced form of the soak's 100 consecutive setup runs.
func soakSetup(t *testing.T, e *Env, runs int) {
	for i := range runs {
		// Every other run repeats the previous instance.
		inst := fmt.Sprintf("https://soak%d.elevato.net", i-i%2)
		args := []string{"setup", "elevato", "--instance", inst, "--name", fmt.Sprintf("soak setup %d", i-i%2), "--skip-test", "-o", "json"}
		if r := e.Run(t.Context(), args...); !setupOK(r.Code) {
			t.Fatalf("setup run %d exited %d\n%s", i, r.Code, r.Stderr)
		}
	}
}
