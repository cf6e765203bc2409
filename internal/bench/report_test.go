package bench

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var (
	realLatency = flag.Bool("real", false, "sleep the 100 ms latency for real (wall times) instead of on the virtual clock")
	msalLogin   = flag.Bool("login", false, "sign in with the device code flow first, so commands use MSAL's token cache")
)

// TestReport prints the figures of docs/performance.md:
//
//	go test ./internal/bench -run TestReport -v [-real]
//
// and holds the setup target (at most 8 waves without the meeting test).
func TestReport(t *testing.T) {
	e := Start(t, Options{Real: *realLatency, Login: *msalLogin})
	rows := []Result{
		e.MustRun(AppCreateArgs...),
		e.MustRun(AppCreateArgs...),
		e.Run(t.Context(), DoctorArgs...),
	}
	setup := e.Run(t.Context(), "setup", "ebms", "-o", "json")
	rows = append(rows, setup)
	if setup.Code != 0 && setup.Code != 5 {
		t.Errorf("setup ebms exited %d: %s", setup.Code, setup.Stderr)
	}
	assertAtMost(t, setup, "waves", setup.Waves, 8)
	var b strings.Builder
	fmt.Fprintf(&b, "| command | exit | requests | waves | token requests | time | heap |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		d := r.Virtual
		if *realLatency {
			d = r.Wall
		}
		fmt.Fprintf(&b, "| `%s` | %d | %d | %d | %d | %s | %.1f MB |\n", strings.Join(r.Args, " "), r.Code, r.Requests, r.Waves,
			r.TokenRequests, d.Round(1e6), float64(r.PeakHeap)/(1<<20))
	}
	for _, r := range rows {
		if r.TokenRequests != 0 {
			t.Errorf("%s: %d token requests with a valid cached token", strings.Join(r.Args, " "), r.TokenRequests)
		}
	}
	fmt.Fprint(os.Stdout, b.String())
}
