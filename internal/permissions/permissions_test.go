package permissions

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/graph"
)

type fakeSource struct{ calls int }

func (f *fakeSource) ServicePrincipalByAppID(ctx context.Context, appID string) (*graph.ServicePrincipal, error) {
	f.calls++
	return &graph.ServicePrincipal{ID: "sp-graph", AppID: appID, DisplayName: "Microsoft Graph",
		OAuth2PermissionScopes: []graph.PermissionScope{
			{ID: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", Value: "User.Read", Type: "User", IsEnabled: true},
			{ID: "a65f2972-a4f8-4f5e-afd7-69ccb046d5dc", Value: "OnlineMeetings.ReadWrite", Type: "User", IsEnabled: true},
			{ID: "a154be20-db9c-4678-8ab7-66f6cc099a59", Value: "User.Read.All", Type: "Admin", IsEnabled: true},
		},
		AppRoles: []graph.AppRole{
			{ID: "b8bb2037-6e08-44ac-a4ea-4674e010e2a4", Value: "OnlineMeetings.ReadWrite.All", IsEnabled: true},
			{ID: "df021288-bdef-4463-88db-98f22de89214", Value: "User.Read.All", IsEnabled: true},
		}}, nil
}

func TestResolve(t *testing.T) {
	src := &fakeSource{}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	l := &Loader{Source: src, Dir: dir, Tenant: "contoso", Now: func() time.Time { return now }}
	cat, err := l.Load(context.Background(), graph.MicrosoftGraphAppID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cat.Resolve(Delegated, []string{"user.read", "ONLINEMEETINGS.READWRITE"})
	if err != nil || len(got) != 2 || got[0].Value != "User.Read" || got[1].ID != "a65f2972-a4f8-4f5e-afd7-69ccb046d5dc" {
		t.Fatalf("got %+v, %v", got, err)
	}
	_, err = cat.Resolve(Delegated, []string{"OnlineMeetings.ReadWrite.All"})
	if err == nil || !strings.Contains(err.Error(), "is an application permission of Microsoft Graph, not a delegated one") {
		t.Fatalf("other kind: %v", err)
	}
	_, err = cat.Resolve(Delegated, []string{"User.Reed"})
	if err == nil || !strings.Contains(err.Error(), "closest: User.Read") {
		t.Fatalf("unknown: %v", err)
	}
	// Cached: a second loader reads the file, not Graph; after 24 h it refetches.
	l2 := &Loader{Source: src, Dir: dir, Tenant: "contoso", Now: func() time.Time { return now.Add(time.Hour) }}
	if _, err := l2.Load(context.Background(), graph.MicrosoftGraphAppID); err != nil || src.calls != 1 {
		t.Fatalf("cache not used: calls=%d err=%v", src.calls, err)
	}
	l3 := &Loader{Source: src, Dir: dir, Tenant: "contoso", Now: func() time.Time { return now.Add(25 * time.Hour) }}
	if _, err := l3.Load(context.Background(), graph.MicrosoftGraphAppID); err != nil || src.calls != 2 {
		t.Fatalf("stale cache used: calls=%d err=%v", src.calls, err)
	}
}

func TestParseList(t *testing.T) {
	got, err := ParseList("User.Read, OnlineMeetings.ReadWrite  user.read\toffline_access")
	if err != nil || strings.Join(got, "|") != "User.Read|OnlineMeetings.ReadWrite|offline_access" {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := ParseList("User.Read,https://graph.microsoft.com/x"); err == nil {
		t.Fatal("URL accepted")
	}
}

func FuzzParsePermissionList(f *testing.F) {
	for _, s := range []string{"User.Read,OnlineMeetings.ReadWrite", "a b,,c", " , ", "User.Read;Mail.Send", "ä", strings.Repeat("x", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		names, err := ParseList(s)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, n := range names {
			if n == "" || strings.ContainsAny(n, ", \t\n;") || !nameRE.MatchString(n) {
				t.Fatalf("bad name %q from %q", n, s)
			}
			if seen[strings.ToLower(n)] {
				t.Fatalf("duplicate %q", n)
			}
			seen[strings.ToLower(n)] = true
		}
	})
}

// The cache is keyed by what decides the catalog's object id: the tenant
// and the scope (Graph endpoint, sandbox build). A rebuilt sandbox tenant
// under the same tenant id does not get the old build's catalog.
func TestCacheIsKeyedByTenantAndScope(t *testing.T) {
	src := &fakeSource{}
	dir := t.TempDir()
	load := func(tenant, scope string) {
		t.Helper()
		l := &Loader{Source: src, Dir: dir, Tenant: tenant, Scope: scope}
		if _, err := l.Load(context.Background(), graph.MicrosoftGraphAppID); err != nil {
			t.Fatal(err)
		}
	}
	load("contoso", "https://graph.sandbox.teamsctl.invalid/v1.0 build-1")
	load("contoso", "https://graph.sandbox.teamsctl.invalid/v1.0 build-1")
	if src.calls != 1 {
		t.Fatalf("same tenant and scope: %d reads, want 1 (cached)", src.calls)
	}
	load("contoso", "https://graph.sandbox.teamsctl.invalid/v1.0 build-2")
	load("contoso", "https://127.0.0.1:8443/v1.0")
	load("fabrikam", "https://graph.sandbox.teamsctl.invalid/v1.0 build-1")
	if src.calls != 4 {
		t.Fatalf("%d reads, want 4: another build, endpoint or tenant is another catalog", src.calls)
	}
	// A stale id reported by the consent engine drops the file.
	l := &Loader{Source: src, Dir: dir, Tenant: "contoso", Scope: "https://127.0.0.1:8443/v1.0"}
	l.ForgetCached(graph.MicrosoftGraphAppID)
	load("contoso", "https://127.0.0.1:8443/v1.0")
	if src.calls != 5 {
		t.Fatalf("after ForgetCached: %d reads, want 5", src.calls)
	}
}
