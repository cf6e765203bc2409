package emulator

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestGenerateLargeTenantKeepsSeedBehaviour(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	size := LargeTenantSize{Users: 2000, Groups: 100, ServicePrincipals: 300, CAPolicies: 50, Applications: 40}
	st, err := GenerateLargeTenant(now, size)
	if err != nil {
		t.Fatal(err)
	}
	home := st.HomeTenant()
	seed, _ := DefaultSeed()
	base, _ := seed.Build(now)
	baseHome := base.HomeTenant()
	if got, want := len(home.Users), len(baseHome.Users)+size.Users; got != want {
		t.Fatalf("users = %d, want %d", got, want)
	}
	if got, want := len(home.ServicePrincipals), len(baseHome.ServicePrincipals)+size.ServicePrincipals; got != want {
		t.Fatalf("service principals = %d, want %d", got, want)
	}
	if got, want := len(home.Applications), len(baseHome.Applications)+size.Applications; got != want {
		t.Fatalf("applications = %d, want %d", got, want)
	}
	// Generated policies never enforce, so the seed users sign in as before.
	rita := home.UserByIDOrUPN("rita.recruiter@contoso.onmicrosoft.com")
	for _, r := range EvaluateConditionalAccess(home, SignInContext{User: rita, AppID: GraphCommandLineToolsAppID, ClientAppType: "browser"}) {
		if r.Applies && r.Enforced {
			t.Fatalf("policy %q enforces on a seed user", r.Policy.DisplayName)
		}
	}
	again, _ := GenerateLargeTenant(now, size)
	if again.HomeTenant().Users[len(baseHome.Users)].ID != home.Users[len(baseHome.Users)].ID {
		t.Fatal("generation is not deterministic")
	}
}

func TestLargeTenantServesFilteredQueries(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	st, err := GenerateLargeTenant(now, LargeTenantSize{Users: 20000, Groups: 1000, ServicePrincipals: 4000, CAPolicies: 100})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{State: st, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	token, err := srv.IssueAccessToken(TokenRequest{UPN: "admin@contoso.onmicrosoft.com", Scopes: []string{"Application.Read.All"}})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "https://graph.test/v1.0/servicePrincipals?$filter=appId%20eq%20'c0ec60b5-60a8-4768-8053-870f11315492'", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}
