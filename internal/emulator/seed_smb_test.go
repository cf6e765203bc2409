package emulator

import (
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// The smb fixture: Fabrikam on Microsoft 365 Business Standard, without
// Entra ID P1, with security defaults.

const fabrikamID = "5b2d7c4e-1f3a-4e6b-9d8c-7a6f5e4d3c2b"

func smbSeed(t *testing.T) *Seed {
	t.Helper()
	seed, err := LoadSeed("smb")
	if err != nil {
		t.Fatal(err)
	}
	return seed
}

func newSMBGraphEnv(t *testing.T) *graphEnv {
	t.Helper()
	clock := &graphClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	srv, err := New(Options{Now: clock.Now, Seed: smbSeed(t)})
	if err != nil {
		t.Fatal(err)
	}
	return &graphEnv{t: t, srv: srv, clock: clock}
}

const smbAdmin = "admin@fabrikam.onmicrosoft.com"

// Without P1 Graph refuses the sign-in log and What If with the
// non-premium error; Conditional Access has no policies to list.
func TestSMBTenantWithoutEntraIDP1(t *testing.T) {
	g := newSMBGraphEnv(t)
	tok := g.token(smbAdmin, "AuditLog.Read.All", "Policy.Read.All", "Policy.Read.ConditionalAccess", "Organization.Read.All")
	for _, path := range []string{"/v1.0/auditLogs/signIns", "/v1.0/auditLogs/signIns/x"} {
		res := g.do("GET", path, tok, nil)
		if res.Status != 403 || res.errCode() != "Authentication_RequestFromNonPremiumTenantOrB2CTenant" ||
			res.errMessage() != "Neither tenant is B2C or tenant doesn't have premium license" {
			t.Errorf("GET %s = %d %s %q", path, res.Status, res.errCode(), res.errMessage())
		}
	}
	whatIf := map[string]any{
		"signInIdentity": map[string]any{"@odata.type": "#microsoft.graph.userSignIn", "userId": g.userIDIn(fabrikamID, "rosa.recruiter@fabrikam.onmicrosoft.com")},
		"signInContext":  map[string]any{"@odata.type": "#microsoft.graph.applicationContext", "includeApplications": []string{ebmsAppID}},
	}
	if res := g.do("POST", "/beta/identity/conditionalAccess/evaluate", tok, whatIf); res.Status != 403 ||
		res.errCode() != "Authentication_RequestFromNonPremiumTenantOrB2CTenant" {
		t.Errorf("What If = %d %s", res.Status, res.errCode())
	}
	if ca := g.must(200, g.do("GET", "/v1.0/identity/conditionalAccess/policies", tok, nil)).values(); len(ca) != 0 {
		t.Errorf("policies = %v", ca)
	}
	sd := g.must(200, g.do("GET", "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy", tok, nil))
	if sd.Body["isEnabled"] != true || sd.str("id") != "00000000-0000-0000-0000-000000000005" {
		t.Errorf("security defaults = %v", sd.Body)
	}
	skus := g.must(200, g.do("GET", "/v1.0/subscribedSkus", tok, nil)).values()
	if len(skus) != 1 || skus[0]["skuPartNumber"] != "O365_BUSINESS_PREMIUM" || skus[0]["consumedUnits"] != float64(4) ||
		skus[0]["prepaidUnits"].(map[string]any)["enabled"] != float64(10) || skus[0]["id"] != fabrikamID+"_f245ecc8-75af-4f8e-b61f-27d8114de5f3" {
		t.Errorf("subscribedSkus = %v", skus)
	}
}

// Contoso has P1: the same reads succeed, and security defaults are off.
func TestContosoHasEntraIDP1(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "AuditLog.Read.All", "Policy.Read.All", "Policy.ReadWrite.SecurityDefaults", "Organization.Read.All")
	g.must(200, g.do("GET", "/v1.0/auditLogs/signIns", tok, nil))
	if sd := g.must(200, g.do("GET", "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy", tok, nil)); sd.Body["isEnabled"] != false {
		t.Errorf("security defaults = %v", sd.Body)
	}
	g.must(204, g.do("PATCH", "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy", tok, map[string]any{"isEnabled": true}))
	if sd := g.must(200, g.do("GET", "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy", tok, nil)); sd.Body["isEnabled"] != true {
		t.Errorf("after PATCH = %v", sd.Body)
	}
	skus := g.must(200, g.do("GET", "/v1.0/subscribedSkus", tok, nil)).values()
	if len(skus) != 6 {
		t.Errorf("Contoso subscribes %d SKUs, want 6", len(skus))
	}
	one := g.must(200, g.do("GET", "/v1.0/subscribedSkus/"+skus[0]["id"].(string), tok, nil))
	if one.str("skuPartNumber") != "ENTERPRISEPACK" {
		t.Errorf("subscribedSku = %v", one.Body)
	}
}

// Sign-ins in the small business: the group assignment left from a trial
// counts for nobody, a direct assignment does; security defaults make a
// user without MFA registration register first.
func TestSMBSignIns(t *testing.T) {
	tests := []struct {
		name, user string
		setup      func(*State, *Tenant)
		code       int
	}{
		{name: "group assignment without P1", user: "rosa.recruiter@fabrikam.onmicrosoft.com", setup: assignGroup("Recruiting"), code: 50105},
		{name: "direct assignment", user: "rosa.recruiter@fabrikam.onmicrosoft.com", setup: func(st *State, tn *Tenant) {
			assignGroup("Recruiting")(st, tn)
			tn.AppRoleAssignments[len(tn.AppRoleAssignments)-1].PrincipalID = tn.UserByIDOrUPN("rosa.recruiter@fabrikam.onmicrosoft.com").ID
		}},
		{name: "security defaults: MFA registration", user: "neu@fabrikam.onmicrosoft.com", code: 50079},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newLoginEnv(t, Options{Seed: smbSeed(t)})
			if tt.setup != nil {
				env.update(tt.setup)
			}
			c := env.publicClient(GraphCommandLineToolsAppID, public.WithAuthority(env.authority(fabrikamID)))
			_, err := env.deviceCodeLogin(c, graphUserRead, env.approveAs(tt.user))
			if tt.code == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantCode(t, err, tt.code)
		})
	}
}
