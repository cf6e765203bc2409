package bench

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestIntegrationsRequestBudget holds `integrations` on the large tenant
// (20,000 enterprise apps, 2,000 app registrations) to its budget in
// docs/integrations.md: a fixed number of filtered reads plus two per
// integration (its assignments and its last sign-in), never a listing of
// the service principals (which would take 21 pages of 999 alone).
func TestIntegrationsRequestBudget(t *testing.T) {
	e := Start(t, Options{State: largeTenant(t)})
	e.MustRun("consent", "grant", ebms, "--delegated", "User.Read,Calendars.ReadWrite")
	e.MustRun("app", "create", "--preset", "elevato", "--instance", "https://acme.elevato.net", "--secret-file", t.TempDir()+"/s")
	r := e.Run(t.Context(), "integrations", "-o", "json")
	if r.Code != 0 && r.Code != 6 {
		t.Fatalf("integrations exited %d\n%s", r.Code, r.Stderr)
	}
	var rep struct {
		Integrations []struct{ Name string }
	}
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("integrations -o json: %v", err)
	}
	graphRequests := 0
	for _, l := range r.Log {
		if strings.Contains(l.Path, "/v1.0/") {
			graphRequests++
		}
	}
	n := len(rep.Integrations)
	t.Logf("%d integrations, %d Graph requests; %s", n, graphRequests, r)
	if n < 2 {
		t.Errorf("listed %d integrations, want EBMS and elevato at least", n)
	}
	assertAtMost(t, r, "Graph requests", graphRequests, integrationsFixedRequests+2*n)
}

// integrationsFixedRequests is the budget's fixed part (docs/integrations.md):
// waves one to three and doctor's tenant policies.
const integrationsFixedRequests = 13
