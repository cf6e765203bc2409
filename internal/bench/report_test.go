package bench

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

var (
	realLatency = flag.Bool("real", false, "sleep the 100 ms latency for real (wall times) instead of on the virtual clock")
	msalLogin   = flag.Bool("login", false, "sign in with the device code flow first, so commands use MSAL's token cache")
)

// TestReport prints the figures of docs/performance.md:
//
//	go test ./internal/bench -run TestReport -v [-real] [-login]
//
// Every command runs as a process of its own against the emulator, with
// 100 ms of latency per request: requests, sequential waves, token
// requests, time (virtual, or wall with -real) and the process's peak
// memory. It holds the setup target (at most 8 waves without the meeting
// test). With -v it adds the large tenant's rows (asserted by
// TestDoctorScale and TestLargeTenantProcessMemory).
func TestReport(t *testing.T) {
	now := time.Now().UTC()
	e := Start(t, Options{Real: *realLatency, Login: *msalLogin, Epoch: now})
	run := func(e *Env, args ...string) Result {
		r := e.RunProcessMeasured(t.Context(), args...)
		if r.Code != 0 && r.Code != 5 && r.Code != 6 {
			t.Fatalf("teamsctl %s exited %d\n%s", strings.Join(args, " "), r.Code, r.Stderr)
		}
		return r
	}
	rows := []Result{
		run(e, "--version"),
		run(e, AppCreateArgs...),
		run(e, AppCreateArgs...),
		run(e, DoctorArgs...),
		run(e, "setup", "ebms", "-o", "json"),
	}
	assertAtMost(t, rows[4], "waves", rows[4].Waves, 8)
	if testing.Verbose() && !testing.Short() {
		large := Start(t, Options{Real: *realLatency, State: largeTenant(t), Epoch: now})
		rows = append(rows, run(large, DoctorArgs...), run(large, "app", "list", "-o", "json"))
		rows[len(rows)-2].Args = append([]string{"(large tenant)"}, DoctorArgs...)
		rows[len(rows)-1].Args = []string{"(large tenant)", "app", "list", "-o", "json"}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| command | exit | requests | waves | token requests | time | peak RSS |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		d := r.Virtual
		if *realLatency {
			d = r.Wall
		}
		fmt.Fprintf(&b, "| `%s` | %d | %d | %d | %d | %s | %.1f MB |\n", strings.Join(r.Args, " "), r.Code, r.Requests, r.Waves,
			r.TokenRequests, d.Round(time.Millisecond), mb(r.MaxRSS))
		if r.TokenRequests != 0 {
			t.Errorf("%s: %d token requests with a valid cached token", strings.Join(r.Args, " "), r.TokenRequests)
		}
	}
	fmt.Fprint(os.Stdout, b.String())
}
