package bench

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/emulator"
)

// The request budget: setup VENDOR without the meeting test in
// at most 8 sequential round trips at 100 ms latency (virtual clock, so
// nothing sleeps); a re-run only reads.
func TestSetupWaves(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		waves int
	}{
		// Customer-registered: the first wave also looks the app up by name
		// and reads the secret policy; then create the app, its enterprise
		// app and secret together, the grant, and doctor (6 today).
		{"elevato", []string{"setup", "elevato", "--instance", "https://acme.elevato.net", "-o", "json"}, 8},
		{"ebms", []string{"setup", "ebms", "-o", "json"}, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := Start(t, Options{})
			for run := 1; run <= 2; run++ {
				r := e.MustRun(tc.args...)
				t.Logf("run %d: %s", run, r)
				if r.Waves > tc.waves {
					t.Errorf("run %d: %d waves, want at most %d\n%s", run, r.Waves, tc.waves, logOf(r))
				}
				if run == 2 {
					for _, l := range r.Log {
						if l.Method != "GET" {
							t.Errorf("re-run wrote: %s %s", l.Method, l.Path)
						}
					}
					if !strings.Contains(r.Stdout, `"changes": 0`) {
						t.Errorf("re-run changed something:\n%s", r.Stdout)
					}
				}
			}
		})
	}
}

func logOf(r Result) string {
	var b strings.Builder
	for _, l := range r.Log {
		fmt.Fprintf(&b, "  %s-%s %s %s %d\n", l.Time.Format("05.000"), l.End.Format("05.000"), l.Method, l.Path, l.Status)
	}
	return b.String()
}

// Under replication lag, setup's closing doctor must not report the
// consent and enterprise app it has just written as missing: it checks
// again until Entra shows them (the bench soak found this).
func TestSetupSettlesDoctorUnderReplicationLag(t *testing.T) {
	for _, args := range [][]string{
		{"setup", "elevato", "--instance", "https://acme.elevato.net", "-o", "json"},
		{"setup", "ebms", "--group", "Recruiters", "-o", "json"},
	} {
		t.Run(args[1], func(t *testing.T) {
			e := Start(t, Options{Faults: emulator.FaultOptions{ReplicationLag: 3 * time.Second}})
			r := e.Run(t.Context(), args...)
			if r.Code != 0 {
				t.Fatalf("%s exited %d under 3 s of replication lag:\n%s\n%s", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
			}
			if !strings.Contains(r.Stderr, "Waiting for Entra to replicate") {
				t.Errorf("no replication wait was reported on stderr:\n%s", r.Stderr)
			}
		})
	}
}
