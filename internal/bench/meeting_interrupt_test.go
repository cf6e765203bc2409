package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/meetingtest"
)

// tempRedirectArgs tests the web app of meeting-temp-redirect.txtar, which
// has no loopback redirect URI, as its recruiter.
var tempRedirectArgs = []string{"meeting", "test", "Web Scheduler", "--user", "rita.recruiter@contoso.onmicrosoft.com", "--temp-redirect", "-o", "json"}

// TestInterruptedTempRedirectIsUndone interrupts meeting test
// --temp-redirect after each of its requests (Ctrl-C cancels the
// context): the app's redirect URIs are what they were before, no
// temporary-redirect record or meeting is left, and a re-run passes and
// leaves them as they were too.
func TestInterruptedTempRedirectIsUndone(t *testing.T) {
	seed := tempRedirectSeed(t)
	start := func() *Env {
		e := Start(t, Options{Seed: seed, Real: true, Latency: time.Millisecond})
		e.Setenv("TEAMSCTL_CLIENT_SECRET", "web-test-secret-value")
		e.PlayTestUser()
		return e
	}
	ref := start()
	want := webRedirectURIs(t, ref, "Web Scheduler")
	if meetingtest.HasLoopback(want) {
		t.Fatalf("the seed's app already has a loopback redirect URI: %v", want)
	}
	r := ref.Run(context.Background(), tempRedirectArgs...)
	if r.Code != 0 || !strings.Contains(r.Stderr, "Added the temporary redirect URI") {
		t.Fatalf("meeting test exited %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	checkUndone(t, ref, want, "the uninterrupted run")
	total := len(r.Log)
	interrupted, whileAdded := 0, 0
	for n := 1; n < total; n++ {
		e := start()
		ctx, stop := cancelAfter(e, n)
		r := e.Run(ctx, tempRedirectArgs...)
		stop()
		what := fmt.Sprintf("interrupted after %d of %d requests", n, total)
		switch {
		case r.Code == 0: // the test had ended: only the clean-up was left
		case r.Code != 130:
			t.Errorf("%s: exit %d, want 130\n%s", what, r.Code, r.Stderr)
		default:
			interrupted++
			if addedURI(r.Log) {
				whileAdded++
			}
		}
		checkUndone(t, e, want, what)
		rerun := e.Run(context.Background(), tempRedirectArgs...)
		if rerun.Code != 0 {
			t.Errorf("%s: the re-run exited %d\n%s", what, rerun.Code, rerun.Stderr)
		}
		checkUndone(t, e, want, what+", then re-run")
	}
	t.Logf("%d requests, %d interruptions, %d after the add was sent", total, interrupted, whileAdded)
	if whileAdded == 0 {
		t.Error("no interruption came while the temporary URI was on the app")
	}
}

// TestKilledTempRedirectIsRemovedByTheNextRun kills meeting test
// --temp-redirect (SIGKILL, as a process) at each of its requests, so no
// Restore runs: the next meeting test removes the URI the killed run
// added (and says so), and leaves the app's redirect URIs as they were.
// A meeting the killed run created stays: nothing records it.
func TestKilledTempRedirectIsRemovedByTheNextRun(t *testing.T) {
	// Child processes: run beside the others, after the virtual-clock tests.
	t.Parallel()
	o := Options{Seed: tempRedirectSeed(t)}
	prepare := func(e *Env) {
		e.Setenv("TEAMSCTL_CLIENT_SECRET", "web-test-secret-value")
		e.PlayTestUser()
	}
	ref := Start(t, Options{Seed: o.Seed, Real: true, Latency: time.Millisecond})
	prepare(ref)
	want := webRedirectURIs(t, ref, "Web Scheduler")
	r := ref.RunProcessMeasured(context.Background(), tempRedirectArgs...)
	if r.Code != 0 {
		t.Fatalf("meeting test exited %d\n%s", r.Code, r.Stderr)
	}
	leftOn := 0
	killed := killEach(t, o, prepare, tempRedirectArgs, r.Requests, exitedZero, func(what string, e *Env, rerun Result) {
		if strings.Contains(rerun.Stderr, "that an interrupted test left on Web Scheduler") {
			leftOn++
		}
		if got := webRedirectURIs(t, e, "Web Scheduler"); !slices.Equal(got, want) {
			t.Errorf("%s, then re-run: the app's redirect URIs are %v, want %v", what, got, want)
		}
		if left, _ := filepath.Glob(filepath.Join(e.Dir, meetingtest.RedirectJournalDir, "*.json")); len(left) > 0 {
			t.Errorf("%s, then re-run: temporary-redirect records left: %v", what, left)
		}
	})
	t.Logf("%d requests, %d kills, %d left the temporary URI on the app for the re-run to remove", r.Requests, killed, leftOn)
	if leftOn == 0 {
		t.Error("no kill left the temporary URI on the app: the recovery was not exercised")
	}
}

// addedURI reports whether log holds the request adding the URI (sent:
// it may have landed after the interruption).
func addedURI(log []emulator.RequestRecord) bool {
	return slices.ContainsFunc(log, func(r emulator.RequestRecord) bool {
		return r.Method == "PATCH" && strings.Contains(r.Path, "/applications/")
	})
}

// checkUndone: the app's redirect URIs are want, no journal record and no
// meeting is left.
func checkUndone(t *testing.T, e *Env, want []string, what string) {
	t.Helper()
	if got := webRedirectURIs(t, e, "Web Scheduler"); !slices.Equal(got, want) {
		t.Errorf("%s: the app's redirect URIs are %v, want %v", what, got, want)
	}
	if left, _ := filepath.Glob(filepath.Join(e.Dir, meetingtest.RedirectJournalDir, "*.json")); len(left) > 0 {
		t.Errorf("%s: temporary-redirect records left: %v", what, left)
	}
	st, err := e.Emu.Server.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(st.HomeTenant().OnlineMeetings); n > 0 {
		t.Errorf("%s: %d online meetings left", what, n)
	}
}

func webRedirectURIs(t *testing.T, e *Env, app string) []string {
	t.Helper()
	st, err := e.Emu.Server.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range st.HomeTenant().Applications {
		if a.DisplayName == app {
			return a.WebRedirectURIs
		}
	}
	t.Fatalf("no app %q", app)
	return nil
}

// tempRedirectSeed is the seed of meeting-temp-redirect.txtar: Contoso
// with the Web Scheduler app (a web app with a secret and no loopback
// redirect URI).
func tempRedirectSeed(t *testing.T) *emulator.Seed {
	t.Helper()
	const script = "../../cmd/teamsctl/testdata/script/meeting-temp-redirect.txtar"
	ar, err := txtar.ParseFile(script)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		if f.Name == "seed.yaml" {
			seed, err := emulator.ParseSeed(script, f.Data)
			if err != nil {
				t.Fatal(err)
			}
			return seed
		}
	}
	t.Fatalf("%s has no seed.yaml", script)
	return nil
}
