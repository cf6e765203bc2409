package bench

import (
	"fmt"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/emulator"
)

// lagLatency is the per-request latency of the lag targets: a fast tenant,
// so the command's time is mostly the replication waits being measured.
const lagLatency = 10 * time.Millisecond

// TestAppCreateUnderReplicationLagTarget runs app create with a secret and
// consent against a tenant whose new objects stay invisible for lag. Two
// writes depend on an object the command just created (the enterprise app
// on the application, the grant on the enterprise app), so no client can
// finish in less than two lags: the lag bound. teamsctl must stay within
// 1.25 times that bound, plus the command's own time without lag.
func TestAppCreateUnderReplicationLagTarget(t *testing.T) {
	base := Start(t, Options{Latency: lagLatency}).MustRun(AppCreateArgs...)
	for _, lag := range []time.Duration{time.Second, 2 * time.Second, 5 * time.Second} {
		t.Run(fmt.Sprint(lag), func(t *testing.T) {
			// Each lag has its own emulator and virtual clock; together
			// they take the wall time of the longest.
			t.Parallel()
			e := Start(t, Options{Latency: lagLatency, Faults: emulator.FaultOptions{ReplicationLag: lag}})
			r := e.MustRun(AppCreateArgs...)
			bound := 2 * lag
			limit := bound*5/4 + base.Virtual
			t.Logf("lag %v: %v (bound %v, limit %v), %d requests in %d waves", lag, r.Virtual, bound, limit, r.Requests, r.Waves)
			if r.Virtual > limit {
				assertAtMost(t, r, "ms", int(r.Virtual.Milliseconds()), int(limit.Milliseconds()))
			}
		})
	}
}
