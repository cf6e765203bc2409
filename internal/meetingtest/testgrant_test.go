package meetingtest

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/graph"
)

const (
	ownClient = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
	ownSP     = "sp-own"
	graphSP   = "sp-graph"
	ritaID    = "user-rita"
)

// tenantGrants holds the delegated grants of teamsctl's client.
type tenantGrants struct {
	grants map[string]*graph.DelegatedGrant
	next   int
	writes int
}

func newTenantGrants(gs ...graph.DelegatedGrant) *tenantGrants {
	t := &tenantGrants{grants: map[string]*graph.DelegatedGrant{}}
	for _, g := range gs {
		t.add(g)
	}
	return t
}

func (t *tenantGrants) add(g graph.DelegatedGrant) *graph.DelegatedGrant {
	t.next++
	g.ID = "grant-" + string(rune('a'+t.next))
	g.ClientID, g.ResourceID = ownSP, graphSP
	t.grants[g.ID] = &g
	return &g
}

func (t *tenantGrants) ServicePrincipalByAppID(_ context.Context, appID string) (*graph.ServicePrincipal, error) {
	switch appID {
	case ownClient:
		return &graph.ServicePrincipal{ID: ownSP, AppID: appID, DisplayName: "Microsoft Graph Command Line Tools"}, nil
	case graph.MicrosoftGraphAppID:
		return &graph.ServicePrincipal{ID: graphSP, AppID: appID, DisplayName: "Microsoft Graph"}, nil
	}
	return nil, notFound()
}

func (t *tenantGrants) DelegatedGrants(_ context.Context, clientID, resourceID string) ([]graph.DelegatedGrant, error) {
	var out []graph.DelegatedGrant
	for _, g := range t.grants {
		if g.ClientID == clientID && g.ResourceID == resourceID {
			out = append(out, *g)
		}
	}
	return out, nil
}

func (t *tenantGrants) CreateDelegatedGrant(_ context.Context, g graph.DelegatedGrant) (*graph.DelegatedGrant, error) {
	t.writes++
	return t.add(g), nil
}

func (t *tenantGrants) UpdateDelegatedGrantScope(_ context.Context, id, scope string) error {
	t.writes++
	g, ok := t.grants[id]
	if !ok {
		return notFound()
	}
	g.Scope = scope
	return nil
}

func (t *tenantGrants) DeleteDelegatedGrant(_ context.Context, id string) error {
	t.writes++
	if _, ok := t.grants[id]; !ok {
		return notFound()
	}
	delete(t.grants, id)
	return nil
}

// ritaScope is Rita's own grant's scope, "" when she has none.
func (t *tenantGrants) ritaScope() (string, bool) {
	for _, g := range t.grants {
		if g.ConsentType == graph.ConsentPrincipal && g.PrincipalID == ritaID {
			return g.Scope, true
		}
	}
	return "", false
}

// signIn plays Entra on the test's sign-in: it adds the OpenID Connect
// scopes to the user's grant.
func (t *tenantGrants) signIn() {
	for _, g := range t.grants {
		if g.PrincipalID != ritaID {
			continue
		}
		for _, s := range []string{"openid", "profile", "offline_access"} {
			if !containsFold(strings.Fields(g.Scope), s) {
				g.Scope += " " + s
			}
		}
	}
}

func newTestGrant(g GrantEditor, dir string) *TestGrant {
	return &TestGrant{Graph: g, Tenant: journalTenant, Dir: dir, ClientAppID: ownClient, UserID: ritaID,
		User: "rita@contoso.com", Scopes: []string{"User.Read", "Calendars.ReadWrite"}, Log: io.Discard}
}

func TestTestGrantCreatesAPerUserGrantAndDeletesIt(t *testing.T) {
	g := newTenantGrants(graph.DelegatedGrant{ConsentType: graph.ConsentPrincipal, PrincipalID: "user-admin", Scope: "User.Read Application.ReadWrite.All"})
	dir := t.TempDir()
	tg := newTestGrant(g, dir)
	var asked []string
	grant, err := tg.Ensure(context.Background(), func(add []string) error { asked = add; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(asked, " ") != "User.Read Calendars.ReadWrite" || grant == nil || !grant.Created {
		t.Fatalf("asked %v, grant %+v", asked, grant)
	}
	if scope, ok := g.ritaScope(); !ok || scope != "User.Read Calendars.ReadWrite" {
		t.Fatalf("Rita's grant = %q, %v", scope, ok)
	}
	if _, err := os.Stat(tg.path()); err != nil {
		t.Fatalf("no journal record while the grant is live: %v", err)
	}
	g.signIn()
	if removed, err := tg.Restore(context.Background()); err != nil || !removed {
		t.Fatalf("Restore = %v, %v", removed, err)
	}
	if scope, ok := g.ritaScope(); ok {
		t.Fatalf("Rita's grant is still there: %q", scope)
	}
	if len(g.grants) != 1 {
		t.Fatalf("the admin's grant was touched: %v", g.grants)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, GrantJournalDir)); len(entries) != 0 {
		t.Fatalf("journal left behind: %v", entries)
	}
}

func TestTestGrantRemovesOnlyWhatItAdded(t *testing.T) {
	g := newTenantGrants(graph.DelegatedGrant{ConsentType: graph.ConsentPrincipal, PrincipalID: ritaID, Scope: "User.Read openid"})
	tg := newTestGrant(g, t.TempDir())
	grant, err := tg.Ensure(context.Background(), nil)
	if err != nil || grant == nil || grant.Created || strings.Join(grant.Scopes, " ") != "Calendars.ReadWrite" {
		t.Fatalf("Ensure = %+v, %v", grant, err)
	}
	g.signIn()
	if _, err := tg.Restore(context.Background()); err != nil {
		t.Fatal(err)
	}
	if scope, _ := g.ritaScope(); scope != "User.Read openid" {
		t.Fatalf("Rita's grant after the test = %q, want it as it was", scope)
	}
}

func TestTestGrantDoesNothingWhenConsentCoversTheTest(t *testing.T) {
	g := newTenantGrants(graph.DelegatedGrant{ConsentType: graph.ConsentAllPrincipals, Scope: "User.Read"},
		graph.DelegatedGrant{ConsentType: graph.ConsentPrincipal, PrincipalID: ritaID, Scope: "Calendars.ReadWrite"})
	tg := newTestGrant(g, t.TempDir())
	grant, err := tg.Ensure(context.Background(), func([]string) error { t.Fatal("asked although nothing is missing"); return nil })
	if err != nil || grant != nil || g.writes != 0 {
		t.Fatalf("Ensure = %+v, %v with %d writes", grant, err, g.writes)
	}
	if removed, err := tg.Restore(context.Background()); removed || err != nil || g.writes != 0 {
		t.Fatalf("Restore = %v, %v, %d writes", removed, err, g.writes)
	}
}

func TestTestGrantRefusedConfirmationWritesNothing(t *testing.T) {
	g := newTenantGrants()
	dir := t.TempDir()
	tg := newTestGrant(g, dir)
	no := errors.New("not confirmed")
	if _, err := tg.Ensure(context.Background(), func([]string) error { return no }); !errors.Is(err, no) {
		t.Fatalf("Ensure = %v", err)
	}
	if g.writes != 0 {
		t.Fatalf("%d writes after a refusal", g.writes)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, GrantJournalDir)); len(entries) != 0 {
		t.Fatalf("journal left behind: %v", entries)
	}
}

func TestKilledTestsGrantIsTakenBackByTheNextRunOnly(t *testing.T) {
	g := newTenantGrants(graph.DelegatedGrant{ConsentType: graph.ConsentPrincipal, PrincipalID: ritaID, Scope: "User.Read"})
	dir := t.TempDir()
	live := newTestGrant(g, dir)
	if _, err := live.Ensure(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	// A run beside the live test neither takes its grant back nor tests
	// as the same user at once.
	if err := RecoverGrants(context.Background(), g, dir, journalTenant, io.Discard); err != nil {
		t.Fatal(err)
	}
	if scope, _ := g.ritaScope(); scope != "User.Read Calendars.ReadWrite" {
		t.Fatalf("a live test's grant was taken back: %q", scope)
	}
	if _, err := newTestGrant(g, dir).Ensure(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "another teamsctl run") {
		t.Fatalf("second Ensure = %v", err)
	}
	// The live test dies: its lock goes with the process.
	_ = live.lock.Unlock()
	var log strings.Builder
	if err := RecoverGrants(context.Background(), g, dir, journalTenant, &log); err != nil {
		t.Fatal(err)
	}
	if scope, _ := g.ritaScope(); scope != "User.Read" {
		t.Fatalf("after recovery Rita's grant = %q, want the scope she had", scope)
	}
	if !strings.Contains(log.String(), "that an interrupted test left") {
		t.Fatalf("log = %q", log.String())
	}
	writes := g.writes
	if err := RecoverGrants(context.Background(), g, dir, journalTenant, io.Discard); err != nil || g.writes != writes {
		t.Fatalf("a second recovery wrote again: %v, %d writes", err, g.writes-writes)
	}
}

// Ctrl-C cancels the command's context; the grant is still taken back.
func TestTestGrantIsRemovedAfterCtrlC(t *testing.T) {
	g := newTenantGrants()
	tg := newTestGrant(g, t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := tg.Ensure(ctx, nil); err != nil {
		t.Fatal(err)
	}
	cancel()
	if removed, err := tg.Restore(ctx); err != nil || !removed {
		t.Fatalf("Restore after cancel = %v, %v", removed, err)
	}
	if scope, ok := g.ritaScope(); ok {
		t.Fatalf("grant left after Ctrl-C: %q", scope)
	}
}
