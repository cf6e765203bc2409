package doctor

import (
	"context"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/golden"
	"github.com/teamsctl/teamsctl/internal/graph"
)

// fakeGraph serves fixed facts and records how many reads ran at once.
// Scenario tests run against the emulator (cmd/teamsctl/doctor_test.go);
// this one covers the engine's concurrency under -race.
type fakeGraph struct {
	inFlight, maxInFlight, calls atomic.Int32
	gate                         chan struct{}
	mu                           sync.Mutex
	order                        []string
}

func (f *fakeGraph) enter(name string) func() {
	n := f.inFlight.Add(1)
	f.calls.Add(1)
	for {
		m := f.maxInFlight.Load()
		if n <= m || f.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	f.mu.Lock()
	f.order = append(f.order, name)
	f.mu.Unlock()
	<-f.gate
	return func() { f.inFlight.Add(-1) }
}

var testSP = &graph.ServicePrincipal{ID: "sp-1", AppID: "app-1", DisplayName: "Vendor", AccountEnabled: true}

func (f *fakeGraph) AuthorizationPolicy(context.Context) (*graph.AuthorizationPolicy, error) {
	defer f.enter("authz")()
	return &graph.AuthorizationPolicy{}, nil
}
func (f *fakeGraph) AdminConsentRequestPolicy(context.Context) (*graph.AdminConsentRequestPolicy, error) {
	defer f.enter("consentPolicy")()
	return &graph.AdminConsentRequestPolicy{}, nil
}
func (f *fakeGraph) ConditionalAccessPolicies(context.Context) ([]graph.ConditionalAccessPolicy, error) {
	defer f.enter("ca")()
	return nil, nil
}
func (f *fakeGraph) EvaluateConditionalAccess(context.Context, string, string) ([]graph.WhatIfResult, error) {
	defer f.enter("whatIf")()
	return nil, nil
}
func (f *fakeGraph) SignIns(context.Context, graph.SignInQuery) ([]graph.SignIn, error) {
	defer f.enter("signIns")()
	return nil, nil
}
func (f *fakeGraph) UserDetail(_ context.Context, ref string) (*graph.UserDetail, error) {
	defer f.enter("user")()
	return &graph.UserDetail{User: graph.User{ID: "id-" + ref, UserPrincipalName: ref}, AccountEnabled: true}, nil
}
func (f *fakeGraph) LicenseDetails(context.Context, string) ([]graph.LicenseDetail, error) {
	defer f.enter("licences")()
	return nil, nil
}
func (f *fakeGraph) TransitiveMemberships(context.Context, string) (*graph.Memberships, error) {
	defer f.enter("members")()
	return &graph.Memberships{}, nil
}
func (f *fakeGraph) DirectMemberships(context.Context, string) (*graph.Memberships, error) {
	defer f.enter("groups")()
	return &graph.Memberships{}, nil
}
func (f *fakeGraph) NestedGroups(context.Context, string) ([]graph.Group, error) {
	defer f.enter("nested")()
	return nil, nil
}
func (f *fakeGraph) SubscribedSkus(context.Context) ([]graph.SubscribedSku, error) {
	defer f.enter("skus")()
	return nil, nil
}
func (f *fakeGraph) SecurityDefaultsEnabled(context.Context) (bool, error) {
	defer f.enter("securityDefaults")()
	return false, nil
}
func (f *fakeGraph) AssignmentsTo(context.Context, string, graph.AssignmentFilter) ([]graph.AppRoleAssignment, error) {
	defer f.enter("assignments")()
	return nil, nil
}
func (f *fakeGraph) ClientGrants(context.Context, string, string) ([]graph.DelegatedGrant, error) {
	defer f.enter("grants")()
	return nil, nil
}
func (f *fakeGraph) ServicePrincipalByAppID(_ context.Context, appID string) (*graph.ServicePrincipal, error) {
	defer f.enter("sp")()
	if appID == graph.MicrosoftGraphAppID {
		return &graph.ServicePrincipal{ID: "graph", AppID: appID}, nil
	}
	return testSP, nil
}
func (f *fakeGraph) ApplicationByAppID(context.Context, string) (*graph.Application, error) {
	defer f.enter("app")()
	return nil, &graph.NotFound{APIError: &graph.APIError{Status: 404}}
}
func (f *fakeGraph) Application(context.Context, string) (*graph.Application, error) {
	return nil, &graph.NotFound{APIError: &graph.APIError{Status: 404}}
}
func (f *fakeGraph) ApplicationsByName(context.Context, string) ([]graph.Application, error) {
	return nil, nil
}
func (f *fakeGraph) DefaultAppManagementPolicy(context.Context) (*graph.AppManagementPolicy, error) {
	defer f.enter("appPolicy")()
	return &graph.AppManagementPolicy{}, nil
}
func (f *fakeGraph) AppRoleAssignmentsOf(context.Context, string) ([]graph.AppRoleAssignment, error) {
	defer f.enter("appRoles")()
	return nil, nil
}

func TestRunBoundedConcurrency(t *testing.T) {
	g := &fakeGraph{gate: make(chan struct{})}
	close(g.gate)
	tok := Token{Permissions: []string{"Directory.Read.All", "Policy.Read.All", "AuditLog.Read.All"}}
	users := []string{"a@x", "b@x", "c@x"}
	r, err := Run(context.Background(), Options{Graph: g, Token: tok, Users: users, Concurrency: 3,
		Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }},
		Expectations{App: "3f0c5b1e-1111-4222-8333-944455556666", DelegatedScopes: []string{"User.Read"}})
	if err != nil {
		t.Fatal(err)
	}
	if m := g.maxInFlight.Load(); m > 3 {
		t.Errorf("%d reads at once, want at most 3", m)
	}
	// Stable order: groups, then users as given.
	var last Group
	seenGroups := map[Group]bool{}
	for _, c := range r.Checks {
		if c.Group != last && seenGroups[c.Group] {
			t.Fatalf("group %s split in the report", c.Group)
		}
		seenGroups[c.Group], last = true, c.Group
	}
	var subjects []string
	for _, c := range r.Checks {
		if c.ID == IDUserAccount {
			subjects = append(subjects, c.Subject)
		}
	}
	if strings.Join(subjects, ",") != strings.Join(users, ",") {
		t.Errorf("users in order %v, want %v", subjects, users)
	}
	// 8 tenant/app reads + 5 per user in wave 1; 2 app + 2 per user in
	// wave 2 (no What If: the tenant has no Entra ID P1, so no Conditional
	// Access); the policies are listed only when What If could not
	// evaluate a user.
	if got, want := g.calls.Load(), int32(8+5*3+2+2*3); got != want {
		t.Errorf("%d reads, want %d", got, want)
	}
}

func TestPreflightSkipsWithoutReading(t *testing.T) {
	g := &fakeGraph{gate: make(chan struct{})}
	close(g.gate)
	r, err := Run(context.Background(), Options{Graph: g, Token: Token{Permissions: []string{"Application.Read.All"}}},
		Expectations{App: "3f0c5b1e-1111-4222-8333-944455556666"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Checks {
		want := "Policy.Read.All"
		if c.ID == IDEntraPremium {
			want = "LicenseAssignment.Read.All"
		}
		if c.Group == GroupTenant && (c.Status != Skip || !strings.Contains(c.Observed, want)) {
			t.Errorf("%s: %s %s", c.ID, c.Status, c.Observed)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, name := range g.order {
		if name == "authz" || name == "consentPolicy" || name == "appPolicy" || name == "ca" || name == "skus" || name == "securityDefaults" {
			t.Errorf("read %s without the permission", name)
		}
	}
}

// TestDocsChecksTable keeps docs/doctor.md's table in step with Catalog
// (go test ./internal/doctor -update rewrites it).
func TestDocsChecksTable(t *testing.T) {
	const path = "../../docs/doctor.md"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	start, end := strings.Index(doc, tableStart), strings.Index(doc, tableEnd)
	if start < 0 || end < start {
		t.Fatalf("%s lacks the generated-table markers", path)
	}
	want := doc[:start] + tableStart + "\n" + ChecksMarkdown() + doc[end:]
	if want == doc {
		return
	}
	if golden.Update() {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date with the check catalog; run go test ./internal/doctor -update", path)
}
