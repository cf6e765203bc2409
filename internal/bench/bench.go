// Package bench runs teamsctl commands through the real command tree, in
// process, against the emulator over TLS with injected per-request latency,
// and measures each: HTTP requests, sequential round trips (waves), wall
// time and peak heap. The tests of this package hold the performance
// targets of docs/performance.md, and TestReport prints the figures. Commands can
// also run as a separate process (process.go): the test binary re-executed
// as teamsctl, for peak memory (max RSS) and killed-process tests.
//
// Two clocks are offered. The virtual WaveClock (tests) makes every
// request take exactly the latency in virtual time, so waves and virtual
// time are deterministic and no test sleeps. Real latency (the benchmark
// program) sleeps for real, and waves are computed from the request log's
// start and end times.
package bench

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/emulator/emutest"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/teamsctl"
)

// Admin is the Global Administrator of the Contoso seed.
const Admin = "admin@contoso.onmicrosoft.com"

// AdminScopes are the delegated permissions the harness's token carries:
// everything app create, consent grant, doctor and setup use.
var AdminScopes = []string{"User.Read", "Directory.Read.All", "Application.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All",
	"AppRoleAssignment.ReadWrite.All", "Policy.Read.All", "User.Read.All", "GroupMember.Read.All", "AuditLog.Read.All"}

// Epoch is the virtual clock's start.
var Epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Options configure an Env.
type Options struct {
	// Latency is the emulator's per-request latency; 0 means 100 ms.
	Latency time.Duration
	// Real sleeps the latency for real instead of on a WaveClock.
	Real bool
	// State replaces the default Contoso seed (e.g. a large tenant).
	State *emulator.State
	// Seed replaces the default Contoso seed.
	Seed *emulator.Seed
	// Faults are added to the latency.
	Faults emulator.FaultOptions
	// Login signs in with the device code flow, so commands use MSAL's
	// token cache; otherwise TEAMSCTL_ACCESS_TOKEN carries a token.
	Login bool
	// Epoch starts the virtual clock (zero: Epoch). Commands run as
	// processes check token lifetimes on the real clock, so their
	// environments start it at the real time.
	Epoch time.Time
	// Wrap, if set, wraps the emulator's handler, to observe or interrupt
	// requests (the killed-process tests).
	Wrap func(http.Handler) http.Handler
}

// Env is a running emulator with a teamsctl configuration pointing at it.
type Env struct {
	TB    testing.TB
	Emu   *emutest.Env
	Clock *WaveClock // nil with Options.Real
	Dir   string
	env   map[string]string
	mu    sync.Mutex
	// browser plays the test user (PlayTestUser); nil: none.
	browser auth.Browser
}

// Start starts the emulator and signs the admin in.
func Start(tb testing.TB, o Options) *Env {
	tb.Helper()
	if o.Latency == 0 {
		o.Latency = 100 * time.Millisecond
	}
	e := &Env{TB: tb}
	eo := emulator.Options{State: o.State, Seed: o.Seed, Faults: o.Faults}
	eo.Faults.Latency = o.Latency
	if o.Real {
		eo.Now = time.Now
	} else {
		epoch := o.Epoch
		if epoch.IsZero() {
			epoch = Epoch
		}
		e.Clock = NewWaveClock(epoch)
		eo.Now, eo.Sleep = e.Clock.Now, e.Clock.Sleep
	}
	wrap := o.Wrap
	if e.Clock != nil {
		wrap = e.Clock.Track
		if o.Wrap != nil {
			wrap = func(h http.Handler) http.Handler { return e.Clock.Track(o.Wrap(h)) }
		}
	}
	e.Emu = emutest.StartWrapped(tb, eo, wrap)
	e.Dir = tb.TempDir()
	ca := filepath.Join(e.Dir, "ca.pem")
	if err := os.WriteFile(ca, e.Emu.CACertPEM, 0o600); err != nil {
		tb.Fatal(err)
	}
	e.env = map[string]string{
		"TEAMSCTL_CONFIG_DIR": e.Dir, "HOME": e.Dir, "NO_COLOR": "1", "TEAMSCTL_NO_PROMPT": "1",
		"TEAMSCTL_LOGIN_URL": e.Emu.URL, "TEAMSCTL_GRAPH_URL": e.Emu.GraphURL, "TEAMSCTL_CA_FILE": ca,
	}
	if o.Login {
		e.login()
	} else {
		e.env["TEAMSCTL_ACCESS_TOKEN"] = e.Emu.Token(tb, Admin, "", AdminScopes...)
	}
	e.Emu.Server.ResetRequestLog()
	return e
}

// Setenv sets a variable of the commands' environment.
func (e *Env) Setenv(k, v string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if v == "" {
		delete(e.env, k)
		return
	}
	e.env[k] = v
}

func (e *Env) getenv(k string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.env[k]
}

// login runs `teamsctl login --device-code` and approves the code.
func (e *Env) login() {
	e.TB.Helper()
	done := make(chan Result, 1)
	go func() {
		done <- e.Run(context.Background(), "login", "--device-code", "--tenant", "contoso.onmicrosoft.com",
			"--scopes", strings.Join(AdminScopes, ","))
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if p := e.Emu.Server.PendingDeviceCodes(); len(p) > 0 {
			if err := e.Emu.Server.ApproveDeviceCode(p[0].UserCode, Admin); err != nil {
				e.TB.Fatal(err)
			}
			break
		}
		if time.Now().After(deadline) {
			e.TB.Fatal("bench: login asked for no device code")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if r := <-done; r.Code != 0 {
		e.TB.Fatalf("bench: login exited %d: %s", r.Code, r.Stderr)
	}
}

// Result is one measured command.
type Result struct {
	Args   []string
	Code   int
	Stdout string
	Stderr string
	// Log is the emulator's request log of this command.
	Log []emulator.RequestRecord
	// Requests counts HTTP requests the emulator served (login included).
	Requests int
	// TokenRequests counts requests to the token endpoint.
	TokenRequests int
	// Waves is the number of sequential round trips.
	Waves int
	// Wall is the real time the command took; Virtual the virtual time
	// (WaveClock only).
	Wall, Virtual time.Duration
	// PeakHeap is the heap high-water mark above the heap at the start
	// (in process: the emulator's answers included).
	PeakHeap uint64
	// MaxRSS is the peak resident memory of a command run as a process.
	MaxRSS int64
}

// Run runs one command line in process and measures it.
func (e *Env) Run(ctx context.Context, args ...string) Result {
	ios, _, out, errOut := iostreams.Test()
	r := e.RunIO(ctx, ios, args...)
	r.Stdout, r.Stderr = out.String(), errOut.String()
	return r
}

// RunIO is Run with the caller's streams; Result.Stdout and Stderr are
// left empty.
func (e *Env) RunIO(ctx context.Context, ios *iostreams.IOStreams, args ...string) Result {
	e.mu.Lock()
	deps := teamsctl.Deps{IOStreams: ios, Getenv: e.getenv, Now: time.Now, Browser: e.browser}
	e.mu.Unlock()
	if e.Clock != nil {
		deps.Now, deps.Sleep = e.Clock.Now, e.Clock.Sleep
	}
	m := e.startMeasure()
	stopHeap := sampleHeap()
	code := teamsctl.Run(ctx, args, deps)
	peak := stopHeap()
	r := m.result(args, code)
	r.PeakHeap = peak
	return r
}

// RunProcessMeasured runs one command line as a child process and
// measures it like Run, with the process's peak memory instead of the
// heap.
func (e *Env) RunProcessMeasured(ctx context.Context, args ...string) Result {
	m := e.startMeasure()
	p := e.RunProcess(ctx, args...)
	r := m.result(args, p.Code)
	r.Stdout, r.Stderr, r.MaxRSS = p.Stdout, p.Stderr, p.MaxRSS
	return r
}

// measure is a command's measurement in progress.
type measure struct {
	e      *Env
	before int
	start  time.Time
	vstart time.Time
}

func (e *Env) startMeasure() measure {
	m := measure{e: e, before: len(e.Emu.Server.RequestLog()), start: time.Now()}
	if e.Clock != nil {
		m.vstart = e.Clock.Now()
	}
	return m
}

func (m measure) result(args []string, code int) Result {
	log := m.e.Emu.Server.RequestLog()[m.before:]
	r := Result{Args: args, Code: code, Log: log, Requests: len(log), Waves: Waves(log), Wall: time.Since(m.start)}
	for _, rec := range log {
		if strings.HasSuffix(rec.Path, "/oauth2/v2.0/token") {
			r.TokenRequests++
		}
	}
	if m.e.Clock != nil {
		r.Virtual = m.e.Clock.Now().Sub(m.vstart)
	}
	return r
}

// MustRun runs a command that must exit 0.
func (e *Env) MustRun(args ...string) Result {
	e.TB.Helper()
	r := e.Run(context.Background(), args...)
	if r.Code != 0 {
		e.TB.Fatalf("teamsctl %s exited %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
	}
	return r
}

// Waves is the longest chain of requests in log each of which started
// after the previous one ended: the number of round trips a command waits
// for one after another. Requests without an end time count as instant.
func Waves(log []emulator.RequestRecord) int {
	recs := append([]emulator.RequestRecord(nil), log...)
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Time.Before(recs[j].Time) })
	depth := make([]int, len(recs))
	best := 0
	for i, r := range recs {
		depth[i] = 1
		for j := range i {
			end := recs[j].End
			if end.IsZero() {
				end = recs[j].Time
			}
			if !r.Time.Before(end) && depth[j]+1 > depth[i] {
				depth[i] = depth[j] + 1
			}
		}
		best = max(best, depth[i])
	}
	return best
}

// sampleHeap records the heap high-water mark until the returned function
// is called, which returns it (above the heap in use at the start).
func sampleHeap() func() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	peak.Store(base)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > peak.Load() {
					peak.Store(m.HeapAlloc)
				}
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		runtime.ReadMemStats(&ms)
		p := max(peak.Load(), ms.HeapAlloc)
		return p - base
	}
}

// String renders a result as one line.
func (r Result) String() string {
	mem := fmt.Sprintf("heap=%.1fMB", float64(r.PeakHeap)/(1<<20))
	if r.MaxRSS > 0 {
		mem = fmt.Sprintf("rss=%.1fMB", float64(r.MaxRSS)/(1<<20))
	}
	return fmt.Sprintf("%-40s requests=%d waves=%d wall=%s virtual=%s %s",
		strings.Join(r.Args, " "), r.Requests, r.Waves, r.Wall.Round(time.Millisecond), r.Virtual, mem)
}
