package emulator

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultSeedBuilds(t *testing.T) {
	seed, err := DefaultSeed()
	if err != nil {
		t.Fatal(err)
	}
	st, err := seed.Build(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	home := st.HomeTenant()
	if home.DisplayName != "Contoso" || home.DefaultDomain() != "contoso.onmicrosoft.com" {
		t.Fatalf("home tenant = %s (%s)", home.DisplayName, home.DefaultDomain())
	}
	admin := home.UserByIDOrUPN("admin@contoso.onmicrosoft.com")
	if admin == nil || len(admin.DirectoryRoles) != 1 || admin.DirectoryRoles[0] != RoleGlobalAdministrator {
		t.Fatalf("admin = %+v", admin)
	}
	rita := home.UserByIDOrUPN("rita.recruiter@contoso.onmicrosoft.com")
	groups := home.TransitiveGroupIDs(rita.ID)
	if len(groups) != 3 {
		t.Fatalf("rita is in %d groups, want Recruiters and (transitively) HR Department and Talent Acquisition", len(groups))
	}
	graph := home.ServicePrincipalByAppID(GraphAppID)
	if graph == nil || len(graph.Scopes) == 0 || len(graph.AppRoles) == 0 {
		t.Fatalf("graph SP incomplete: %+v", graph)
	}
	ebms := home.ServicePrincipalByAppID("c0ec60b5-60a8-4768-8053-870f11315492")
	if ebms == nil || !ebms.AppRoleAssignmentRequired || ebms.AppOwnerOrganizationID == home.ID {
		t.Fatalf("EBMS SP = %+v", ebms)
	}
	if g := home.Grants[0]; g.PrincipalID != admin.ID || g.ResourceID != graph.ID {
		t.Fatalf("seeded grant not resolved: %+v", g)
	}
	if ca := home.ConditionalAccess[0]; ca.IncludeRoles[0] != RoleGlobalAdministrator {
		t.Fatalf("CA roles not resolved: %+v", ca.IncludeRoles)
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	seed, _ := DefaultSeed()
	now := time.Unix(0, 0)
	a, _ := seed.Build(now)
	b, _ := seed.Build(now)
	if a.HomeTenant().Users[0].ID != b.HomeTenant().Users[0].ID {
		t.Fatal("ids differ between two builds of the same seed")
	}
}

func TestSeedRejectsUnknownField(t *testing.T) {
	_, err := ParseSeed("bad.yaml", []byte("tenants:\n  - id: 8a1c3f52-7d4e-4b9a-9c61-2f0e5d7a4b13\n    displayNme: typo\n"))
	if err == nil || !strings.Contains(err.Error(), "displayNme") {
		t.Fatalf("err = %v, want it to name the unknown field", err)
	}
}

func TestSeedRejectsUnknownRole(t *testing.T) {
	seed, err := ParseSeed("bad.yaml", []byte("tenants:\n  - id: 8a1c3f52-7d4e-4b9a-9c61-2f0e5d7a4b13\n    home: true\n    users:\n      - userPrincipalName: a@b.c\n        directoryRoles: [Supreme Leader]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Build(time.Now()); err == nil || !strings.Contains(err.Error(), "Supreme Leader") {
		t.Fatalf("err = %v", err)
	}
}

func TestBuiltInSeedsBuild(t *testing.T) {
	for _, name := range BuiltInSeedNames() {
		seed, err := LoadSeed(name)
		if err != nil {
			t.Fatal(err)
		}
		st, err := seed.Build(time.Unix(0, 0))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if st.HomeTenant() == nil || st.TenantByIDOrDomain(MicrosoftServicesTenantID) == nil {
			t.Errorf("%s: home tenant or Microsoft's tenant missing", name)
		}
	}
	if _, err := LoadSeed("smbx"); err == nil || !strings.Contains(err.Error(), "contoso, smb") {
		t.Errorf("unknown name: %v", err)
	}
}
