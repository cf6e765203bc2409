package emulator

import (
	"slices"
	"testing"
	"time"
)

func TestEvaluateConditionalAccessSeed(t *testing.T) {
	seed, err := DefaultSeed()
	if err != nil {
		t.Fatal(err)
	}
	st, err := seed.Build(time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	tenant := st.HomeTenant()
	user := func(upn string) *User { return tenant.UserByIDOrUPN(upn) }
	const ebms = "c0ec60b5-60a8-4768-8053-870f11315492"

	tests := []struct {
		name        string
		in          SignInContext
		wantApplies []string // display names of the policies that apply
	}{
		{"admin on Graph CLI", SignInContext{user("admin@contoso.onmicrosoft.com"), GraphCommandLineToolsAppID, "mobileAppsAndDesktopClients"},
			[]string{"Require MFA for administrators", "Require compliant device (report-only)"}},
		{"recruiter on EBMS", SignInContext{user("rita.recruiter@contoso.onmicrosoft.com"), ebms, "browser"},
			[]string{"Require compliant device (report-only)"}},
		{"guest on EBMS", SignInContext{user("gina.guest_fabrikam.com#EXT#@contoso.onmicrosoft.com"), ebms, "browser"},
			[]string{"Require compliant device (report-only)", "Block guests from EBMS"}},
		{"legacy client", SignInContext{user("rob.recruiter@contoso.onmicrosoft.com"), ebms, "exchangeActiveSync"},
			[]string{"Block legacy authentication", "Require compliant device (report-only)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range EvaluateConditionalAccess(tenant, tc.in) {
				if r.Applies {
					got = append(got, r.Policy.DisplayName)
				}
			}
			if !slices.Equal(got, tc.wantApplies) {
				t.Fatalf("applying policies = %q, want %q", got, tc.wantApplies)
			}
		})
	}
}

func TestConditionalAccessReasonsAndExclusions(t *testing.T) {
	u := &User{ID: "u1", UserType: "Member", DirectoryRoles: []string{RoleGlobalAdministrator}}
	tenant := &Tenant{Groups: []*Group{{ID: "g1", Members: []string{"u1"}}}}
	p := &ConditionalAccessPolicy{State: CAStateDisabled, IncludeUsers: []string{"All"}, ExcludeGroups: []string{"g1"},
		IncludeApplications: []string{"app-a"}, ClientAppTypes: []string{"browser"}}
	res := evaluatePolicy(p, SignInContext{User: u, AppID: "app-b", ClientAppType: "other"}, tenant.TransitiveGroupIDs(u.ID))
	want := []string{"policyNotEnabled", "users", "application", "clientApps"}
	if res.Applies || !slices.Equal(res.Reasons, want) || res.Enforced {
		t.Fatalf("result = %+v, want reasons %q and not enforced", res, want)
	}
}

func TestGrantRequirement(t *testing.T) {
	tests := []struct {
		op       string
		controls []string
		want     GrantRequirement
	}{
		{"OR", []string{"block"}, GrantRequirement{Block: true}},
		{"OR", []string{"mfa", "compliantDevice"}, GrantRequirement{MFA: true}},
		{"AND", []string{"mfa", "compliantDevice"}, GrantRequirement{MFA: true, Device: true}},
		{"OR", []string{"domainJoinedDevice"}, GrantRequirement{Device: true}},
	}
	for _, tc := range tests {
		p := &ConditionalAccessPolicy{GrantOperator: tc.op, BuiltInControls: tc.controls}
		if got := p.Requirement(); got != tc.want {
			t.Errorf("%s %v: got %+v, want %+v", tc.op, tc.controls, got, tc.want)
		}
	}
}
