package bench

import (
	"fmt"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/emulator"
)

// The performance targets (docs/performance.md), measured with 100 ms of virtual latency per
// request: waves and request counts are deterministic, so they are
// asserted; times are logged.

const (
	ebms  = "c0ec60b5-60a8-4768-8053-870f11315492"
	rita  = "rita.recruiter@contoso.onmicrosoft.com"
	scope = "User.Read,Calendars.ReadWrite,OnlineMeetings.ReadWrite,Place.Read.All,offline_access"
)

// AppCreateArgs is app create with a secret and consent.
var AppCreateArgs = []string{"app", "create", "--name", "elevato - MS Teams integration",
	"--redirect-uri", "https://elevato.net/Integrations/BusinessIntegration/Microsoft/OAuth2.aspx",
	"--delegated", "User.Read,OnlineMeetings.ReadWrite", "--secret", "--grant-consent", "-o", "json"}

// DoctorArgs is doctor for a vendor app and one user.
var DoctorArgs = []string{"doctor", ebms, "--scopes", scope, "--user", rita, "-o", "json"}

func assertAtMost(t *testing.T, r Result, what string, got, limit int) {
	t.Helper()
	if got > limit {
		var b strings.Builder
		for _, l := range r.Log {
			fmt.Fprintf(&b, "  %s-%s %s %s %d\n", l.Time.Format("05.000"), l.End.Format("05.000"), l.Method, l.Path, l.Status)
		}
		t.Errorf("%s: %d %s, want at most %d\n%s", strings.Join(r.Args, " "), got, what, limit, b.String())
	}
}

func TestAppCreateFreshTenantTarget(t *testing.T) {
	e := Start(t, Options{})
	r := e.MustRun(AppCreateArgs...)
	t.Log(r)
	assertAtMost(t, r, "waves", r.Waves, 4)
	assertAtMost(t, r, "requests", r.Requests, 9)
	if r.TokenRequests != 0 {
		t.Errorf("%d token requests with a valid token", r.TokenRequests)
	}
	if r.Waves != e.Clock.Waves() {
		t.Errorf("waves from the log (%d) and the clock (%d) disagree", r.Waves, e.Clock.Waves())
	}
	if !strings.Contains(r.Stdout, `"consentStatus": "granted for all users"`) || !strings.Contains(r.Stdout, `"value": "`) {
		t.Errorf("app create did not grant consent and show the secret:\n%s", r.Stdout)
	}
	// A re-run finds everything in place: reads only, in one wave more
	// at most than the reads need.
	again := e.MustRun(AppCreateArgs...)
	t.Log(again)
	for _, l := range again.Log {
		if l.Method != "GET" {
			t.Errorf("re-run wrote: %s %s", l.Method, l.Path)
		}
	}
	assertAtMost(t, again, "waves", again.Waves, 4)
}

func TestDoctorTarget(t *testing.T) {
	e := Start(t, Options{})
	r := e.Run(t.Context(), DoctorArgs...)
	t.Log(r)
	if r.Code != 0 && r.Code != 6 {
		t.Fatalf("doctor exited %d: %s", r.Code, r.Stderr)
	}
	assertAtMost(t, r, "waves", r.Waves, 3)
	assertAtMost(t, r, "requests", r.Requests, 25)
	if r.TokenRequests != 0 {
		t.Errorf("%d token requests with a valid token", r.TokenRequests)
	}
}

// TestDoctorScale runs doctor against 100,000 users, 20,000 service
// principals, 5,000 groups and 500 CA policies: the same requests as on the
// small tenant (server-side filters, no listing), and bounded memory.
func TestDoctorScale(t *testing.T) {
	if testing.Short() {
		t.Skip("large tenant")
	}
	small := Start(t, Options{}).Run(t.Context(), DoctorArgs...)
	st, err := emulator.GenerateLargeTenant(Epoch, emulator.ScaleTestSize)
	if err != nil {
		t.Fatal(err)
	}
	e := Start(t, Options{State: st})
	r := e.Run(t.Context(), DoctorArgs...)
	t.Log(r)
	if r.Code != small.Code {
		t.Fatalf("doctor exited %d on the large tenant, %d on the small one: %s", r.Code, small.Code, r.Stderr)
	}
	if r.Requests != small.Requests || r.Waves != small.Waves {
		t.Errorf("large tenant: %d requests in %d waves; small tenant: %d in %d", r.Requests, r.Waves, small.Requests, small.Waves)
	}
	// The heap figure includes the emulator answering 100,000-user
	// queries in the same process, so it is reported, not asserted.
	t.Logf("peak heap (teamsctl and emulator): %.1f MB", float64(r.PeakHeap)/(1<<20))
}
