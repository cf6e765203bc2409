package emulator

import (
	"strings"
	"testing"
)

func TestTeamsAccessPolicyGrantAndRevoke(t *testing.T) {
	srv, _, _ := newFaultTestServer(t, FaultOptions{})
	const app = "11111111-2222-3333-4444-555555555555"
	rita := "rita.recruiter@contoso.onmicrosoft.com"
	if err := srv.GrantTeamsAccessPolicy(TeamsPolicyGrant{Policy: "p1", AppID: app, User: rita}); err != nil {
		t.Fatal(err)
	}
	st, _ := srv.Snapshot()
	home := st.HomeTenant()
	ritaID := home.UserByIDOrUPN(rita).ID
	robID := home.UserByIDOrUPN("rob.recruiter@contoso.onmicrosoft.com").ID
	if !home.TeamsAccessAllowed(app, ritaID) || home.TeamsAccessAllowed(app, robID) {
		t.Fatal("policy should cover rita only")
	}
	// A user holds one policy at a time.
	if err := srv.GrantTeamsAccessPolicy(TeamsPolicyGrant{Policy: "p2", AppID: "99999999-2222-3333-4444-555555555555", User: rita}); err != nil {
		t.Fatal(err)
	}
	st, _ = srv.Snapshot()
	if st.HomeTenant().TeamsAccessAllowed(app, ritaID) {
		t.Fatal("granting p2 should have replaced p1 for rita")
	}
	if err := srv.RevokeTeamsAccessPolicy(app); err != nil {
		t.Fatal(err)
	}
	if err := srv.RevokeTeamsAccessPolicy(app); err == nil || !strings.Contains(err.Error(), "no Teams application access policy") {
		t.Fatalf("second revoke: %v", err)
	}
	for _, bad := range []TeamsPolicyGrant{{Policy: "p", AppID: "x", Global: true}, {Policy: "p", AppID: app}, {Policy: "p", AppID: app, User: "nobody@contoso.onmicrosoft.com"}} {
		if err := srv.GrantTeamsAccessPolicy(bad); err == nil {
			t.Errorf("grant %+v succeeded", bad)
		}
	}
}
