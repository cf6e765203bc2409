package consent

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/replicate"
	"github.com/teamsctl/teamsctl/internal/retry"
)

// fake is an in-memory tenant for the consent engine.
type fake struct {
	sps           map[string]*graph.ServicePrincipal // by appId
	apps          map[string]bool
	grants        []graph.DelegatedGrant
	assignments   []graph.AppRoleAssignment
	spCreateFails int // replication errors before SP creation works
	// goneResource is a resource id that no longer exists: grants and
	// assignments naming it fail as Graph fails them.
	goneResource string
	raceOnCreate bool
	patches      int
	deletes      int
}

func apiErr(status int, msg string) error {
	return graph.Classify(&graph.APIError{Status: status, Message: msg}, 0)
}

func (f *fake) ServicePrincipalByAppID(_ context.Context, appID string) (*graph.ServicePrincipal, error) {
	if sp := f.sps[appID]; sp != nil {
		return sp, nil
	}
	return nil, apiErr(404, "not found")
}
func (f *fake) ListServicePrincipals(context.Context, graph.ServicePrincipalQuery) ([]graph.ServicePrincipal, string, error) {
	panic("consent never lists service principals")
}
func (f *fake) ServicePrincipalsByName(_ context.Context, name string) ([]graph.ServicePrincipal, error) {
	var out []graph.ServicePrincipal
	for _, sp := range f.sps {
		if sp.DisplayName == name {
			out = append(out, *sp)
		}
	}
	return out, nil
}
func (f *fake) ServicePrincipal(context.Context, string) (*graph.ServicePrincipal, error) {
	return nil, apiErr(404, "")
}
func (f *fake) UpsertServicePrincipal(_ context.Context, appID string) (*graph.ServicePrincipal, bool, error) {
	if f.sps[appID] != nil {
		return nil, false, nil
	}
	if f.spCreateFails > 0 || !f.apps[appID] {
		if f.spCreateFails > 0 {
			f.spCreateFails--
		}
		return nil, false, apiErr(400, "The appId '"+appID+"' of the service principal does not reference a valid application object.")
	}
	sp := &graph.ServicePrincipal{ID: "sp-" + appID, AppID: appID, DisplayName: "App"}
	f.sps[appID] = sp
	return sp, true, nil
}
func (f *fake) UpdateServicePrincipal(context.Context, string, graph.ServicePrincipalUpdate) error {
	return nil
}
func (f *fake) DeleteServicePrincipal(context.Context, string) error { return nil }
func (f *fake) DelegatedGrants(_ context.Context, client, resource string) ([]graph.DelegatedGrant, error) {
	var out []graph.DelegatedGrant
	for _, g := range f.grants {
		if g.ClientID == client && (resource == "" || g.ResourceID == resource) {
			out = append(out, g)
		}
	}
	return out, nil
}
func (f *fake) CreateDelegatedGrant(_ context.Context, g graph.DelegatedGrant) (*graph.DelegatedGrant, error) {
	if g.ResourceID == f.goneResource {
		return nil, apiErr(400, "Resource '"+g.ResourceID+"' does not exist or one of its queried reference-property objects are not present.")
	}
	if f.raceOnCreate {
		f.raceOnCreate = false
		f.grants = append(f.grants, graph.DelegatedGrant{ID: "raced", ClientID: g.ClientID, ResourceID: g.ResourceID,
			ConsentType: g.ConsentType, PrincipalID: g.PrincipalID, Scope: "Mail.Send"})
		return nil, apiErr(409, "Permission entry already exists.")
	}
	g.ID = fmt.Sprintf("g%d", len(f.grants))
	f.grants = append(f.grants, g)
	return &g, nil
}
func (f *fake) UpdateDelegatedGrantScope(_ context.Context, id, scope string) error {
	f.patches++
	for i := range f.grants {
		if f.grants[i].ID == id {
			f.grants[i].Scope = scope
		}
	}
	return nil
}
func (f *fake) DeleteDelegatedGrant(_ context.Context, id string) error {
	f.deletes++
	for i := range f.grants {
		if f.grants[i].ID == id {
			f.grants = append(f.grants[:i], f.grants[i+1:]...)
			return nil
		}
	}
	return apiErr(404, "")
}
func (f *fake) AppRoleAssignedTo(context.Context, string) ([]graph.AppRoleAssignment, error) {
	return nil, nil
}
func (f *fake) AppRoleAssignmentsOf(_ context.Context, p string) ([]graph.AppRoleAssignment, error) {
	var out []graph.AppRoleAssignment
	for _, a := range f.assignments {
		if a.PrincipalID == p {
			out = append(out, a)
		}
	}
	return out, nil
}
func (f *fake) AssignAppRole(_ context.Context, a graph.AppRoleAssignment) (*graph.AppRoleAssignment, error) {
	if a.ResourceID == f.goneResource {
		return nil, apiErr(404, "Resource '"+a.ResourceID+"' does not exist or one of its queried reference-property objects are not present.")
	}
	a.ID = fmt.Sprintf("a%d", len(f.assignments))
	f.assignments = append(f.assignments, a)
	return &a, nil
}
func (f *fake) RemoveAppRoleAssignment(_ context.Context, _, id string) error { return nil }
func (f *fake) ApplicationByAppID(_ context.Context, appID string) (*graph.Application, error) {
	if f.apps[appID] {
		return &graph.Application{AppID: appID}, nil
	}
	return nil, apiErr(404, "")
}

func waiter(slept *[]time.Duration) *replicate.Waiter {
	p := retry.Default()
	p.Jitter = func() float64 { return 1 }
	p.Sleep = func(_ context.Context, d time.Duration) error { *slept = append(*slept, d); return nil }
	return &replicate.Waiter{Policy: p}
}

var (
	graphSP = &graph.ServicePrincipal{ID: "sp-graph", AppID: graph.MicrosoftGraphAppID, DisplayName: "Microsoft Graph"}
	client  = &graph.ServicePrincipal{ID: "sp-client", AppID: "client", DisplayName: "Client"}
)

func TestGrantMergesAndKeepsPerUserGrants(t *testing.T) {
	f := &fake{sps: map[string]*graph.ServicePrincipal{}, grants: []graph.DelegatedGrant{
		{ID: "user", ClientID: "sp-client", ResourceID: "sp-graph", ConsentType: "Principal", PrincipalID: "rita", Scope: "User.Read"},
	}}
	e := &Engine{Graph: f}
	ctx := context.Background()
	if _, err := e.GrantDelegated(ctx, DelegatedRequest{Client: client, Resource: graphSP, Scopes: []string{"User.Read"}}); err != nil {
		t.Fatal(err)
	}
	res, err := e.GrantDelegated(ctx, DelegatedRequest{Client: client, Resource: graphSP, Scopes: []string{"Calendars.ReadWrite"}})
	if err != nil || strings.Join(res.After, " ") != "User.Read Calendars.ReadWrite" {
		t.Fatalf("B after A: %+v %v", res, err)
	}
	res, err = e.GrantDelegated(ctx, DelegatedRequest{Client: client, Resource: graphSP, Scopes: []string{"user.read"}})
	if err != nil || len(res.Added) != 0 || f.patches != 1 {
		t.Fatalf("same again: %+v %v patches=%d", res, err, f.patches)
	}
	if len(f.grants) != 2 || f.grants[0].Scope != "User.Read" {
		t.Fatalf("per-user grant changed: %+v", f.grants)
	}
}

func TestGrantRecoversFromConcurrentCreate(t *testing.T) {
	f := &fake{sps: map[string]*graph.ServicePrincipal{}, raceOnCreate: true}
	e := &Engine{Graph: f}
	res, err := e.GrantDelegated(context.Background(), DelegatedRequest{Client: client, Resource: graphSP, Scopes: []string{"User.Read"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.grants) != 1 || f.grants[0].Scope != "Mail.Send User.Read" || res.GrantID != "raced" {
		t.Fatalf("grants %+v res %+v", f.grants, res)
	}
}

func TestEnsureServicePrincipalWaitsForReplication(t *testing.T) {
	f := &fake{sps: map[string]*graph.ServicePrincipal{}, apps: map[string]bool{"own": true}, spCreateFails: 3}
	var slept []time.Duration
	e := &Engine{Graph: f, Wait: waiter(&slept)}
	sp, created, err := e.EnsureServicePrincipal(context.Background(), "own", "Own")
	if err != nil || !created || sp.ID != "sp-own" {
		t.Fatalf("%+v %v %v", sp, created, err)
	}
	// Three failed creates, three waits; their lengths are package
	// replicate's to decide and test.
	if len(slept) != 3 {
		t.Fatalf("waits %v, want three", slept)
	}
}

func TestEnsureServicePrincipalUnknownVendorFailsFast(t *testing.T) {
	f := &fake{sps: map[string]*graph.ServicePrincipal{}, apps: map[string]bool{}}
	var slept []time.Duration
	e := &Engine{Graph: f, Wait: waiter(&slept)}
	_, _, err := e.EnsureServicePrincipal(context.Background(), "typo", "")
	if err == nil || !strings.Contains(err.Error(), "no application with appId typo") || len(slept) != 0 {
		t.Fatalf("err %v slept %v", err, slept)
	}
}

func TestReplicationBudget(t *testing.T) {
	f := &fake{sps: map[string]*graph.ServicePrincipal{}, apps: map[string]bool{"own": true}, spCreateFails: 1000}
	var slept []time.Duration
	e := &Engine{Graph: f, Wait: waiter(&slept)}
	_, _, err := e.EnsureServicePrincipal(context.Background(), "own", "Own")
	var total time.Duration
	for _, d := range slept {
		total += d
	}
	if err == nil || !strings.Contains(err.Error(), "had not replicated") || total != 2*time.Minute {
		t.Fatalf("err %v total %v", err, total)
	}
}

func TestAssignOnlyMissingRolesAndRevoke(t *testing.T) {
	f := &fake{sps: map[string]*graph.ServicePrincipal{}, assignments: []graph.AppRoleAssignment{{ID: "x", AppRoleID: "r1", PrincipalID: "sp-client", ResourceID: "sp-graph"}}}
	e := &Engine{Graph: f}
	roles := []permissions.Permission{{Value: "A", ID: "r1"}, {Value: "B", ID: "r2"}}
	added, err := e.AssignAppRoles(context.Background(), client, graphSP, roles)
	if err != nil || fmt.Sprint(added) != "[B]" || len(f.assignments) != 2 {
		t.Fatalf("%v %v %+v", added, err, f.assignments)
	}
	f.grants = []graph.DelegatedGrant{{ID: "g", ClientID: "sp-client", ResourceID: "sp-graph", ConsentType: "AllPrincipals", Scope: "User.Read Mail.Send"}}
	if _, err := e.RevokeDelegated(context.Background(), DelegatedRequest{Client: client, Resource: graphSP, Scopes: []string{"Calendars.Read"}}, false); err == nil || !strings.Contains(err.Error(), "nothing to revoke") {
		t.Fatalf("revoke never granted: %v", err)
	}
	if _, err := e.RevokeDelegated(context.Background(), DelegatedRequest{Client: client, Resource: graphSP, Scopes: []string{"mail.send"}}, false); err != nil || f.grants[0].Scope != "User.Read" {
		t.Fatalf("%v %+v", err, f.grants)
	}
	if _, err := e.RevokeDelegated(context.Background(), DelegatedRequest{Client: client, Resource: graphSP}, true); err != nil || len(f.grants) != 0 {
		t.Fatalf("%v %+v", err, f.grants)
	}
}

func TestAdminConsentURL(t *testing.T) {
	got := AdminConsentURL(URLRequest{LoginURL: "https://login.microsoftonline.us", Tenant: "contoso.onmicrosoft.com", ClientID: "abc",
		Scopes: []string{"User.Read", "offline_access"}, Resource: "https://graph.microsoft.us"})
	want := "https://login.microsoftonline.us/contoso.onmicrosoft.com/v2.0/adminconsent?client_id=abc&scope=https%3A%2F%2Fgraph.microsoft.us%2FUser.Read+offline_access"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if got := AdminConsentURL(URLRequest{LoginURL: "https://login.microsoftonline.com", Tenant: "t", ClientID: "abc"}); got != "https://login.microsoftonline.com/t/adminconsent?client_id=abc" {
		t.Fatal(got)
	}
}

type roles []graph.DirectoryRole

func (r roles) MyDirectoryRoles(context.Context) ([]graph.DirectoryRole, error) { return r, nil }

func TestCheckRoles(t *testing.T) {
	appAdmin := roles{{DisplayName: "Application Administrator", RoleTemplateID: graph.RoleApplicationAdministrator}}
	if err := CheckRoles(context.Background(), appAdmin, "", OpDelegatedTenantWide); err != nil {
		t.Fatal(err)
	}
	err := CheckRoles(context.Background(), appAdmin, "https://x/adminconsent", OpGraphAppRoles)
	if err == nil || !strings.Contains(err.Error(), "Privileged Role Administrator, Global Administrator (you have Application Administrator)") {
		t.Fatal(err)
	}
}

// A resource id from a cache that outlived the tenant's object (Graph says
// it does not exist) is stale, not lag: the engine reads the resource
// again, writes with its current id at once, and tells the caller.
func TestStaleResourceIDIsNotReplicationLag(t *testing.T) {
	f := &fake{sps: map[string]*graph.ServicePrincipal{graph.MicrosoftGraphAppID: graphSP}, goneResource: "sp-graph-before-reset"}
	var slept []time.Duration
	var stale []string
	e := &Engine{Graph: f, Wait: waiter(&slept), StaleResource: func(appID string) { stale = append(stale, appID) }}
	cached := &graph.ServicePrincipal{ID: "sp-graph-before-reset", AppID: graph.MicrosoftGraphAppID, DisplayName: "Microsoft Graph"}
	if _, err := e.GrantDelegated(context.Background(), DelegatedRequest{Client: client, Resource: cached, Scopes: []string{"User.Read"}}); err != nil {
		t.Fatal(err)
	}
	roles := []permissions.Permission{{Value: "User.Read.All", ID: "r1"}}
	if _, err := e.AssignAppRoles(context.Background(), client, cached, roles); err != nil {
		t.Fatal(err)
	}
	if len(slept) != 0 || len(stale) != 2 || stale[0] != graph.MicrosoftGraphAppID {
		t.Errorf("waited %v, stale reported %v; want no wait and two reports", slept, stale)
	}
	if len(f.grants) != 1 || f.grants[0].ResourceID != "sp-graph" || len(f.assignments) != 1 || f.assignments[0].ResourceID != "sp-graph" {
		t.Errorf("grants %+v assignments %+v, want both on sp-graph", f.grants, f.assignments)
	}
	if cached.ID != "sp-graph-before-reset" {
		t.Error("the caller's service principal was changed")
	}

	// No service principal at all: an error at once, not two minutes of
	// waiting for replication.
	f = &fake{sps: map[string]*graph.ServicePrincipal{}, goneResource: "sp-graph-before-reset"}
	slept = nil
	e = &Engine{Graph: f, Wait: waiter(&slept)}
	_, err := e.GrantDelegated(context.Background(), DelegatedRequest{Client: client, Resource: cached, Scopes: []string{"User.Read"}})
	if err == nil || !strings.Contains(err.Error(), "has no service principal in this tenant") || len(slept) != 0 {
		t.Fatalf("err %v, waited %v", err, slept)
	}
}
