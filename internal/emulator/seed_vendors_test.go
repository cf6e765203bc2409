package emulator

import (
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/presets"
)

// Every vendor-hosted preset's app exists in the sandbox's copy of the
// vendor's tenant, by its published appId or the preset's stand-in, named
// as the vendor's page tells admins to search for it; so setup runs in a
// fresh sandbox without --app-id or a hand-written fixture.
func TestEveryVendorPresetHasItsAppInTheSandbox(t *testing.T) {
	wantName := map[string]string{
		"ebms": "EBMS Kalenderintegration", "erecruiter": "eRecruiter", "onlyfy": "onlyfy",
		"recruitee-mail": "Recruitee Mail", "recruitee-calendar": "Recruitee Calendar", "recruitee-rooms": "Recruitee Rooms",
	}
	all, err := presets.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range BuiltInSeedNames() {
		seed, err := LoadSeed(name)
		if err != nil {
			t.Fatal(err)
		}
		st, err := seed.Build(time.Unix(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range all {
			if p.Shape != presets.VendorHosted {
				continue
			}
			appID := p.AppID
			if appID == "" {
				appID = p.SandboxAppID
			}
			app, home := st.ApplicationAnywhere(appID)
			switch {
			case app == nil:
				t.Errorf("%s: preset %s: no app %q in the sandbox", name, p.Name, appID)
			case home == st.HomeTenant() || app.SignInAudience != "AzureADMultipleOrgs":
				t.Errorf("%s: preset %s: app %s is not a multi-tenant app of the vendor's own tenant", name, p.Name, appID)
			case app.DisplayName != wantName[p.Name]:
				t.Errorf("%s: preset %s: app named %q, want %q", name, p.Name, app.DisplayName, wantName[p.Name])
			}
		}
	}
}
