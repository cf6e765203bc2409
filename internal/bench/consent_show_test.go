package bench

import (
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/emulator"
)

// TestConsentShowTarget holds consent show to three round trips with
// --users: the organization and APP together, then the permission catalog
// with the client's grants and app roles, then the users of the per-user
// grants. It was 7 requests in 6 waves, each read waiting for the one before.
func TestConsentShowTarget(t *testing.T) {
	e := Start(t, Options{})
	e.MustRun("consent", "grant", ebms, "--delegated", "User.Read,Calendars.ReadWrite", "--user", rita)
	for _, args := range [][]string{
		{"consent", "show", ebms, "-o", "json"},
		{"consent", "show", ebms, "--users", "-o", "json"},
	} {
		r := e.MustRun(args...)
		t.Log(r)
		assertAtMost(t, r, "waves", r.Waves, 3)
		if !strings.Contains(r.Stdout, `"userGrants": 1`) {
			t.Errorf("%s: the per-user grant is missing:\n%s", strings.Join(args, " "), r.Stdout)
		}
	}
}

// TestConsentShowFindsAVendorAppByItsEnterpriseAppName names a vendor's app
// the way its help page tells admins to find it: by the enterprise app's
// display name, which no app registration of the tenant carries.
func TestConsentShowFindsAVendorAppByItsEnterpriseAppName(t *testing.T) {
	e := Start(t, Options{})
	var name string
	_ = e.Emu.Server.Update(func(st *emulator.State) error {
		if sp := st.HomeTenant().ServicePrincipalByAppID(ebms); sp != nil {
			name = sp.DisplayName
		}
		return nil
	})
	if name == "" {
		t.Fatal("the seed has no EBMS enterprise app")
	}
	r := e.MustRun("consent", "show", name, "-o", "json")
	if !strings.Contains(r.Stdout, `"appId": "`+ebms+`"`) {
		t.Errorf("consent show %q did not find EBMS:\n%s", name, r.Stdout)
	}
	assertAtMost(t, r, "waves", r.Waves, 3)
	bad := e.Run(t.Context(), "consent", "show", "No Such Vendor App")
	if bad.Code != 1 || !strings.Contains(bad.Stderr, `no app registration or enterprise app named "No Such Vendor App"`) {
		t.Errorf("unknown name: exit %d\n%s", bad.Code, bad.Stderr)
	}
}
