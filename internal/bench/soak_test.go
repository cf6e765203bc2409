package bench

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/emulator"
)

var soak = flag.Bool("soak", false, "run the full soak: 100 runs, Retry-After 0-1 s, 3 s replication lag")

// TestSoak runs setup-like journeys (app create with consent, then consent
// grant, new and repeated) under random throttling and replication lag on
// the virtual clock: every run succeeds, no object is duplicated, and no
// request came back before its Retry-After. In CI it is reduced; -soak
// runs the full form.
func TestSoak(t *testing.T) {
	runs, setupRuns, retryMax, lag := 12, 4, time.Duration(0), 500*time.Millisecond
	if *soak {
		runs, setupRuns, retryMax, lag = 100, 100, time.Second, 3*time.Second
	}
	e := Start(t, Options{Faults: emulator.FaultOptions{Rate429: 0.20, Rate503: 0.05, RetryAfterMin: 0, RetryAfterMax: retryMax,
		RandomSeed: 10, ReplicationLag: lag}})
	e.Setenv("TEAMSCTL_REPLICATION_BASE_DELAY_SECONDS", "0.5")
	for i := range runs {
		// New apps and repeated ones: every third run repeats the previous.
		name := fmt.Sprintf("soak app %d", i-i%3)
		r := e.Run(t.Context(), "app", "create", "--name", name, "--redirect-uri", "https://vendor.example/cb",
			"--delegated", "User.Read,OnlineMeetings.ReadWrite", "--secret", "--grant-consent", "-o", "json")
		if r.Code != 0 {
			t.Fatalf("run %d: app create exited %d\n%s", i, r.Code, r.Stderr)
		}
		var out struct{ AppID string }
		if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if g := e.Run(t.Context(), "consent", "grant", out.AppID, "--delegated", "Calendars.ReadWrite"); g.Code != 0 {
			t.Fatalf("run %d: consent grant exited %d\n%s", i, g.Code, g.Stderr)
		}
	}
	// setup under the same throttling and replication lag: its closing
	// doctor waits for what setup just wrote to become visible.
	se := Start(t, Options{Faults: emulator.FaultOptions{Rate429: 0.20, Rate503: 0.05, RetryAfterMin: 0, RetryAfterMax: retryMax,
		RandomSeed: 11, ReplicationLag: lag}})
	soakSetup(t, se, setupRuns)
	checkSoak(t, se)
	checkSoak(t, e)
	t.Logf("%d app create runs, %d setup runs, virtual %s", runs, setupRuns, e.Clock.Now().Sub(Epoch))
}

// checkSoak: no object duplicated, no early retry, faults were injected.
func checkSoak(t *testing.T, e *Env) {
	t.Helper()
	st, err := e.Emu.Server.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	tenant := st.HomeTenant()
	apps, sps, grants := map[string]int{}, map[string]int{}, map[string]int{}
	for _, a := range tenant.Applications {
		apps[a.DisplayName]++
	}
	for _, sp := range tenant.ServicePrincipals {
		sps[sp.AppID]++
	}
	for _, g := range tenant.Grants {
		grants[g.ClientID+"/"+g.ResourceID+"/"+g.PrincipalID]++
	}
	for what, m := range map[string]map[string]int{"application": apps, "service principal": sps, "grant": grants} {
		for k, n := range m {
			if n > 1 {
				t.Errorf("%d copies of the %s %s", n, what, k)
			}
		}
	}
	var injected, early atomic.Int32
	for _, rec := range e.Emu.Server.RequestLog() {
		if rec.Injected {
			injected.Add(1)
		}
		if rec.EarlyRetry {
			early.Add(1)
			t.Errorf("request ignored a Retry-After: %s %s", rec.Method, rec.Path)
		}
	}
	t.Logf("%d requests, %d injected faults, %d early retries", len(e.Emu.Server.RequestLog()), injected.Load(), early.Load())
	if injected.Load() == 0 {
		t.Error("no fault was injected: the soak tested nothing")
	}
}

// cancelAfter cancels ctx when the emulator has logged n more requests.
func cancelAfter(e *Env, n int) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	start := len(e.Emu.Server.RequestLog())
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
			if len(e.Emu.Server.RequestLog())-start >= n {
				cancel()
				return
			}
		}
	}()
	return ctx, func() { close(done); cancel() }
}

// TestInterruptedAppCreateConverges interrupts app create --secret after
// each of its requests (Ctrl-C cancels the context), re-runs it, and
// compares the tenant with an uninterrupted run's: one app, one secret
// (an interrupted run's undelivered secret was removed by the re-run),
// and the re-run showed that secret's value.
func TestInterruptedAppCreateConverges(t *testing.T) {
	args := []string{"app", "create", "--name", "elevato - MS Teams integration", "--redirect-uri", "https://elevato.net/cb",
		"--delegated", "User.Read,OnlineMeetings.ReadWrite", "--secret", "--grant-consent", "-o", "json"}
	ref := Start(t, Options{})
	ref.MustRun(args...)
	want := normalisedDump(t, ref)
	if !strings.Contains(want, "secrets=1;") {
		t.Fatalf("the uninterrupted run left %s", want)
	}
	total := len(ref.Emu.Server.RequestLog())
	orphans := 0
	for n := 1; n < total; n++ {
		e := Start(t, Options{})
		ctx, stop := cancelAfter(e, n)
		r := e.Run(ctx, args...)
		stop()
		if r.Code == 0 {
			continue // finished before the interruption
		}
		if r.Code != 130 && !strings.Contains(r.Stderr, "cancelled") {
			t.Errorf("interrupted after %d requests: exit %d\n%s", n, r.Code, r.Stderr)
		}
		if strings.Contains(r.Stdout, `"value"`) {
			t.Errorf("interrupted after %d requests: the failed run printed a secret value", n)
		}
		rerun := e.MustRun(args...)
		if strings.Contains(rerun.Stderr, "interrupted run created but never showed") {
			orphans++
		}
		if got := normalisedDump(t, e); got != want {
			t.Errorf("interrupted after %d requests, then re-run: the tenant differs from an uninterrupted run\n got: %s\nwant: %s", n, got, want)
		}
		assertSecretShown(t, e, rerun, fmt.Sprintf("interrupted after %d requests", n))
	}
	t.Logf("%d interruption points, %d left an undelivered secret that the re-run removed", total-1, orphans)
	if orphans == 0 {
		t.Error("no interruption left an undelivered secret: the orphan removal was not exercised")
	}
}

// assertSecretShown checks that a run printed (-o json) the value of the
// app's one secret, and left no pending-secret record behind.
func assertSecretShown(t *testing.T, e *Env, r Result, what string) {
	t.Helper()
	var out struct {
		ObjectID string
		Secret   *struct{ KeyID, Value string }
	}
	if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil {
		t.Errorf("%s: re-run output: %v\n%s", what, err, r.Stdout)
		return
	}
	if out.Secret == nil || out.Secret.Value == "" {
		t.Errorf("%s: the re-run showed no secret value, so nobody has the app's secret\n%s", what, r.Stdout)
		return
	}
	st, err := e.Emu.Server.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range st.HomeTenant().Applications {
		if a.ID == out.ObjectID && (len(a.PasswordCredentials) != 1 || a.PasswordCredentials[0].KeyID != out.Secret.KeyID) {
			t.Errorf("%s: the app's secrets are %+v, the shown one is %s", what, a.PasswordCredentials, out.Secret.KeyID)
		}
	}
	if left := pendingLeft(e); len(left) > 0 {
		t.Errorf("%s: pending-secret records left after a delivered secret: %v", what, left)
	}
}

// normalisedDump is the stable dump without the ids and times that
// differ between runs.
func normalisedDump(t *testing.T, e *Env) string {
	t.Helper()
	st, err := e.Emu.Server.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	ten := st.HomeTenant()
	var b strings.Builder
	for _, a := range ten.Applications {
		fmt.Fprintf(&b, "app %s uris=%v secrets=%d; ", a.DisplayName, a.WebRedirectURIs, len(a.PasswordCredentials))
	}
	fmt.Fprintf(&b, "sps=%d grants=%d", len(ten.ServicePrincipals), len(ten.Grants))
	for _, g := range ten.Grants {
		fmt.Fprintf(&b, " [%s %s]", g.ConsentType, g.Scope)
	}
	return b.String()
}

// pendingLeft lists the pending-secret journal's files other than the lock
// and the generation counter that every run shares.
func pendingLeft(e *Env) []string {
	all, _ := filepath.Glob(filepath.Join(e.Dir, appreg.PendingDir, "*"))
	left := []string{}
	for _, f := range all {
		if b := filepath.Base(f); b != "secrets.lock" && b != "generation" {
			left = append(left, f)
		}
	}
	// Glob skips the dot files of interrupted atomic writes.
	dots, _ := filepath.Glob(filepath.Join(e.Dir, appreg.PendingDir, ".*"))
	return append(left, dots...)
}
