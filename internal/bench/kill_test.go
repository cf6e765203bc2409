package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// killer SIGKILLs the teamsctl child process at the emulator's n-th
// request: after serving it (the request took effect in the tenant, the
// process never learned so) or, with before, instead of serving it. No
// deferred cleanup, signal handler or journal update of the process runs.
type killer struct {
	n      int32
	before bool
	count  atomic.Int32
	proc   atomic.Pointer[os.Process]
	killed atomic.Bool
}

func (k *killer) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if k.count.Add(1) != k.n {
			h.ServeHTTP(w, r)
			return
		}
		if !k.before {
			h.ServeHTTP(httptest.NewRecorder(), r)
		}
		if p := k.proc.Load(); p != nil {
			// Recorded first: the test may see the process end before Kill returns.
			k.killed.Store(true)
			if p.Kill() != nil {
				k.killed.Store(false)
			}
		}
		// No response: the connection is cut, as the dead process's is.
		panic(http.ErrAbortHandler)
	})
}

// runKilled starts args as a child process against a fresh tenant (o,
// with real 1 ms latency; prepare, if set, readies the environment) and
// kills it at request n; it returns the tenant and how the process ended.
func runKilled(t *testing.T, o Options, prepare func(*Env), args []string, n int, before bool) (*Env, ProcessResult) {
	t.Helper()
	k := &killer{n: int32(n), before: before}
	o.Real, o.Latency, o.Wrap = true, time.Millisecond, k.wrap
	e := Start(t, o)
	if prepare != nil {
		prepare(e)
	}
	p := e.Command(context.Background(), args...)
	start := time.Now()
	if err := p.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	k.proc.Store(p.Cmd.Process)
	r := p.Wait(start)
	if k.killed.Load() != r.Killed {
		t.Fatalf("killed at request %d: %v, but the process ended with exit %d, killed=%v\n%s", n, k.killed.Load(), r.Code, r.Killed, r.Stderr)
	}
	return e, r
}

// killPoints are the requests to kill at: every request of an
// uninterrupted run, once after the emulator served it and once instead.
func killPoints(total int) []struct {
	n      int
	before bool
} {
	var out []struct {
		n      int
		before bool
	}
	for n := 1; n <= total; n++ {
		out = append(out, struct {
			n      int
			before bool
		}{n, false}, struct {
			n      int
			before bool
		}{n, true})
	}
	return out
}

func killedAt(n int, before bool) string {
	if before {
		return fmt.Sprintf("killed as request %d arrived", n)
	}
	return fmt.Sprintf("killed once request %d was served", n)
}

// killEach kills args (as a process, o and prepare as for runKilled) at
// each of the total requests of an uninterrupted run, twice, and re-runs
// it in process; rerunOK judges the re-run's exit code and check what it
// left. It returns how many processes were killed.
func killEach(t *testing.T, o Options, prepare func(*Env), args []string, total int, rerunOK func(int) bool,
	check func(what string, e *Env, rerun Result)) int {
	t.Helper()
	killed := 0
	for _, at := range killPoints(total) {
		what := killedAt(at.n, at.before)
		e, r := runKilled(t, o, prepare, args, at.n, at.before)
		if !r.Killed {
			t.Errorf("%s: the process was not killed (exit %d)\n%s", what, r.Code, r.Stderr)
			continue
		}
		killed++
		rerun := e.Run(context.Background(), args...)
		if !rerunOK(rerun.Code) {
			t.Errorf("%s, the re-run exited %d\n%s", what, rerun.Code, rerun.Stderr)
			continue
		}
		check(what, e, rerun)
	}
	return killed
}

// convergesLikeRef returns a killEach check that the tenant equals the
// uninterrupted run's (want) and counts the re-runs that removed an
// undelivered secret.
func convergesLikeRef(t *testing.T, want string, orphans *int) func(string, *Env, Result) {
	return func(what string, e *Env, rerun Result) {
		t.Helper()
		if strings.Contains(rerun.Stderr, "interrupted run created but never showed") {
			*orphans++
		}
		if got := normalisedDump(t, e); got != want {
			t.Errorf("%s, then re-run: the tenant differs from an uninterrupted run\n got: %s\nwant: %s", what, got, want)
		}
	}
}

func exitedZero(code int) bool { return code == 0 }

// TestKilledAppCreateConverges kills `app create --secret --grant-consent`
// (SIGKILL, as a process) at each of its requests, re-runs it, and
// compares the tenant with an uninterrupted run's: one app, one secret
// whose value the re-run showed (a secret the killed run created is
// removed, as nobody has its value), and the same grants.
func TestKilledAppCreateConverges(t *testing.T) {
	// Child processes: run beside the others, after the virtual-clock tests.
	t.Parallel()
	args := []string{"app", "create", "--name", "elevato - MS Teams integration", "--redirect-uri", "https://elevato.net/cb",
		"--delegated", "User.Read,OnlineMeetings.ReadWrite", "--secret", "--grant-consent", "-o", "json"}
	ref := Start(t, Options{Real: true, Latency: time.Millisecond})
	total := ref.MustRun(args...).Requests
	orphans := 0
	converges := convergesLikeRef(t, normalisedDump(t, ref), &orphans)
	killed := killEach(t, Options{}, nil, args, total, exitedZero, func(what string, e *Env, rerun Result) {
		converges(what, e, rerun)
		assertSecretShown(t, e, rerun, what)
	})
	t.Logf("%d requests, %d kills, %d left a secret that the re-run removed", total, killed, orphans)
	if orphans == 0 {
		t.Error("no kill left an undelivered secret: the orphan removal was not exercised")
	}
}

// TestKilledSetupConverges kills setup (SIGKILL, as a process) at each
// of its requests, re-runs it, and compares the tenant with an
// uninterrupted run's.
func TestKilledSetupConverges(t *testing.T) {
	// Child processes: run beside the others, after the virtual-clock tests.
	t.Parallel()
	ref := Start(t, Options{Real: true, Latency: time.Millisecond})
	if r := ref.Run(context.Background(), setupArgs...); !setupOK(r.Code) {
		t.Fatalf("setup exited %d\n%s", r.Code, r.Stderr)
	}
	total := len(ref.Emu.Server.RequestLog())
	orphans := 0
	converges := convergesLikeRef(t, normalisedDump(t, ref), &orphans)
	killed := killEach(t, Options{}, nil, setupArgs, total, setupOK, func(what string, e *Env, rerun Result) {
		converges(what, e, rerun)
		if !strings.Contains(rerun.Stdout, `"clientSecret"`) {
			t.Errorf("%s: the re-run did not show the app's secret, and the killed run could not\n%s", what, rerun.Stdout)
		}
	})
	t.Logf("%d requests, %d kills, %d left a secret that the re-run removed", total, killed, orphans)
	if orphans == 0 {
		t.Error("no kill left an undelivered secret: the orphan removal was not exercised")
	}
}
