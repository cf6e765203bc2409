package emulator

import (
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/presets"
)

func catalogPermission(value string) *graphPermission {
	for i, p := range graphPermissions() {
		if strings.EqualFold(p.Value, value) {
			return &graphPermissions()[i]
		}
	}
	return nil
}

// Microsoft Graph's service principal carries every permission the presets
// and the emulator's own routes name, with the ids, consent types and app
// roles Microsoft publishes.
func TestGraphPermissionCatalog(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range graphPermissions() {
		key := strings.ToLower(p.Value)
		switch {
		case seen[key]:
			t.Errorf("%s listed twice", p.Value)
		case p.ScopeID == "" && p.RoleID == "":
			t.Errorf("%s has neither a scope nor a role", p.Value)
		case p.ScopeID != "" && (p.ConsentType != "User" && p.ConsentType != "Admin" || p.Display == ""):
			t.Errorf("%s: scope without consent type or display name", p.Value)
		case p.RoleID != "" && p.RoleDisplay == "":
			t.Errorf("%s: role without display name", p.Value)
		case p.ScopeID != "" && !IsGUID(p.ScopeID), p.RoleID != "" && !IsGUID(p.RoleID):
			t.Errorf("%s: malformed id", p.Value)
		}
		seen[key] = true
	}

	all, err := presets.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, pre := range all {
		for _, v := range pre.Delegated {
			if p := catalogPermission(v); p == nil || p.ScopeID == "" {
				t.Errorf("preset %s: delegated %s is not in the catalog", pre.Name, v)
			}
		}
		for _, v := range pre.Application {
			if p := catalogPermission(v); p == nil || p.RoleID == "" {
				t.Errorf("preset %s: application %s is not in the catalog", pre.Name, v)
			}
		}
	}
	// Routes may accept permissions the catalog cannot carry: Graph's
	// permission tables name Policy.Read.ApplicationConfiguration, which its
	// service principal does not publish, and LicenseAssignment.Read.All is
	// newer than the ids table the catalog follows (no verified ids).
	noIDs := []string{"Policy.Read.ApplicationConfiguration", "LicenseAssignment.Read.All"}
	for _, r := range authzTable {
		for _, list := range [][]string{r.Delegated, r.Application, r.SelfDelegated} {
			for _, v := range list {
				if catalogPermission(v) == nil && !containsFold(noIDs, v) {
					t.Errorf("%s %s: %s is not in the catalog", r.Method, r.Pattern, v)
				}
			}
		}
	}

	// Spot checks against Microsoft's permissions reference.
	for value, want := range map[string][3]string{
		"Calendars.ReadWrite":       {"1ec239c2-d7c9-4623-a91a-a9775856bb36", "User", "ef54d2bf-783f-4e0f-bca1-3210c0444d99"},
		"Place.Read.All":            {"cb8f45a0-5c2e-4ea1-b803-84b870a7d7ec", "Admin", "913b9306-0ce1-42b8-9137-6a7df690a760"},
		"MailboxSettings.ReadWrite": {"818c620a-27a9-40bd-a6a5-d96f7d610b4b", "User", "6931bccd-447a-43d1-b442-00a195474933"},
		"Domain.Read.All":           {"2f9ee017-59c1-4f1d-9472-bd5529a7b311", "Admin", "dbb9058a-0e50-45d7-ae91-66909b5d4664"},
		"OnlineMeetings.ReadWrite":  {"a65f2972-a4f8-4f5e-afd7-69ccb046d5dc", "User", ""},
	} {
		p := catalogPermission(value)
		if p == nil || p.ScopeID != want[0] || p.ConsentType != want[1] || p.RoleID != want[2] {
			t.Errorf("%s = %+v, want %v", value, p, want)
		}
	}
}

// The Graph service principal a tenant sees publishes the catalog.
func TestGraphServicePrincipalPublishesTheCatalog(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "Application.Read.All")
	sp := g.must(200, g.do("GET", "/v1.0/servicePrincipals(appId='"+GraphAppID+"')?$select=oauth2PermissionScopes,appRoles", tok, nil))
	scopes, roles := sp.Body["oauth2PermissionScopes"].([]any), sp.Body["appRoles"].([]any)
	var wantScopes, wantRoles int
	for _, p := range graphPermissions() {
		if p.ScopeID != "" {
			wantScopes++
		}
		if p.RoleID != "" {
			wantRoles++
		}
	}
	if len(scopes) != wantScopes || len(roles) != wantRoles || wantScopes < 60 || wantRoles < 45 {
		t.Fatalf("Graph publishes %d scopes and %d roles, want %d and %d", len(scopes), len(roles), wantScopes, wantRoles)
	}
	for _, s := range scopes {
		s := s.(map[string]any)
		if s["value"] == "Mail.Send.Shared" && (s["id"] != "a367ab51-6b49-43bf-a716-a1fb06d2a174" || s["type"] != "User" || s["isEnabled"] != true) {
			t.Errorf("Mail.Send.Shared = %v", s)
		}
	}
}
