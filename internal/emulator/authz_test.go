package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// TestAuthzTableMatchesRoutes keeps authz.go and graph_routes.go in step.
func TestAuthzTableMatchesRoutes(t *testing.T) {
	routed := map[string]bool{}
	for _, r := range graphRoutes {
		routed[r.Method+" "+r.Pattern] = true
	}
	for _, rule := range authzTable {
		if !routed[rule.Method+" "+rule.Pattern] {
			t.Errorf("authz rule without a route: %s %s", rule.Method, rule.Pattern)
		}
	}
}

func TestAuthorization(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	rita, rob := g.userID(upnRita), g.userID("rob.recruiter@contoso.onmicrosoft.com")
	graphSP, ebmsSP := g.spID(GraphAppID), g.spID(ebmsAppID)
	deleg := func(upn string, scopes ...string) func() string {
		return func() string { return g.token(upn, scopes...) }
	}
	app := func(roles ...string) func() string { return func() string { return g.appToken(ebmsAppID, roles...) } }
	newApp := map[string]any{"displayName": "A", "signInAudience": "AzureADMyOrg"}
	userReadRole := "df021288-bdef-4463-88db-98f22de89214" // User.Read.All

	tests := []struct {
		name         string
		method, path string
		token        func() string
		body         any
		status       int
		code         string
	}{
		{"no token", "GET", "/v1.0/me", func() string { return "" }, nil, 401, "InvalidAuthenticationToken"},
		{"garbage token", "GET", "/v1.0/me", func() string { return "a.b.c" }, nil, 401, "InvalidAuthenticationToken"},
		{"me with app token", "GET", "/v1.0/me", app("User.Read.All"), nil, 400, "BadRequest"},
		{"me with User.Read", "GET", "/v1.0/me", deleg(upnRita, "User.Read"), nil, 200, ""},
		{"me without scope", "GET", "/v1.0/me", deleg(upnRita, "Calendars.ReadWrite"), nil, 403, "Authorization_RequestDenied"},
		{"users with User.Read", "GET", "/v1.0/users", deleg(upnRita, "User.Read"), nil, 403, "Authorization_RequestDenied"},
		{"users with User.ReadBasic.All", "GET", "/v1.0/users", deleg(upnRita, "User.ReadBasic.All"), nil, 200, ""},
		{"users app-only", "GET", "/v1.0/users", app("User.Read.All"), nil, 200, ""},
		{"users app-only without role", "GET", "/v1.0/users", app("Calendars.Read"), nil, 403, "Authorization_RequestDenied"},
		{"self by id with User.Read", "GET", "/v1.0/users/" + rita, deleg(upnRita, "User.Read"), nil, 200, ""},
		{"other user with User.Read", "GET", "/v1.0/users/" + rob, deleg(upnRita, "User.Read"), nil, 403, "Authorization_RequestDenied"},
		{"own licences", "GET", "/v1.0/me/licenseDetails", deleg(upnRita, "User.Read"), nil, 200, ""},
		{"other licences with User.Read", "GET", "/v1.0/users/" + rob + "/licenseDetails", deleg(upnRita, "User.Read"), nil, 403, "Authorization_RequestDenied"},
		{"other licences with User.Read.All", "GET", "/v1.0/users/" + rob + "/licenseDetails", deleg(upnAdmin, "User.Read.All"), nil, 200, ""},
		{"own memberOf", "GET", "/v1.0/me/transitiveMemberOf", deleg(upnRita, "User.Read"), nil, 200, ""},
		{"other memberOf", "GET", "/v1.0/users/" + rob + "/memberOf", deleg(upnRita, "User.Read"), nil, 403, "Authorization_RequestDenied"},
		{"other memberOf with GroupMember.Read.All", "GET", "/v1.0/users/" + rob + "/memberOf", deleg(upnRita, "GroupMember.Read.All"), nil, 200, ""},
		{"organization with User.Read", "GET", "/v1.0/organization", deleg(upnRita, "User.Read"), nil, 200, ""},
		{"groups", "GET", "/v1.0/groups", deleg(upnRita, "User.Read"), nil, 403, "Authorization_RequestDenied"},
		{"applications read", "GET", "/v1.0/applications", deleg(upnRita, "Application.Read.All"), nil, 200, ""},
		{"applications read without scope", "GET", "/v1.0/applications", deleg(upnRita, "User.Read"), nil, 403, "Authorization_RequestDenied"},
		{"create app as plain user", "POST", "/v1.0/applications", deleg(upnRita, "Application.ReadWrite.All"), newApp, 403, "Authorization_RequestDenied"},
		{"create app as Application Administrator", "POST", "/v1.0/applications", deleg(upnAppAdmin, "Application.ReadWrite.All"), newApp, 201, ""},
		{"create app without write scope", "POST", "/v1.0/applications", deleg(upnAdmin, "Application.Read.All"), newApp, 403, "Authorization_RequestDenied"},
		{"create app with Directory.ReadWrite.All", "POST", "/v1.0/applications", deleg(upnAdmin, "Directory.ReadWrite.All"), newApp, 403, "Authorization_RequestDenied"},
		{"create app app-only", "POST", "/v1.0/applications", app("Application.ReadWrite.All"), newApp, 201, ""},
		{"grant as plain user", "POST", "/v1.0/oauth2PermissionGrants", deleg(upnRita, "DelegatedPermissionGrant.ReadWrite.All"),
			map[string]any{"clientId": ebmsSP, "consentType": "AllPrincipals", "resourceId": graphSP, "scope": "User.Read"}, 403, "Authorization_RequestDenied"},
		{"grant as Application Administrator", "POST", "/v1.0/oauth2PermissionGrants", deleg(upnAppAdmin, "DelegatedPermissionGrant.ReadWrite.All"),
			map[string]any{"clientId": ebmsSP, "consentType": "AllPrincipals", "resourceId": graphSP, "scope": "User.Read"}, 201, ""},
		{"grant read", "GET", "/v1.0/oauth2PermissionGrants", deleg(upnRita, "Directory.Read.All"), nil, 200, ""},
		{"Graph app role as Application Administrator", "POST", "/v1.0/servicePrincipals/" + graphSP + "/appRoleAssignedTo", deleg(upnAppAdmin, "AppRoleAssignment.ReadWrite.All"),
			map[string]any{"principalId": ebmsSP, "resourceId": graphSP, "appRoleId": userReadRole}, 403, "Authorization_RequestDenied"},
		{"Graph app role as Global Administrator", "POST", "/v1.0/servicePrincipals/" + graphSP + "/appRoleAssignedTo", deleg(upnAdmin, "AppRoleAssignment.ReadWrite.All"),
			map[string]any{"principalId": ebmsSP, "resourceId": graphSP, "appRoleId": userReadRole}, 201, ""},
		{"user assignment as Application Administrator", "POST", "/v1.0/servicePrincipals/" + ebmsSP + "/appRoleAssignedTo", deleg(upnAppAdmin, "AppRoleAssignment.ReadWrite.All"),
			map[string]any{"principalId": rita, "resourceId": ebmsSP, "appRoleId": DefaultAppRoleID}, 201, ""},
		{"authorization policy read", "GET", "/v1.0/policies/authorizationPolicy", deleg(upnRita, "Policy.Read.All"), nil, 200, ""},
		{"authorization policy read without scope", "GET", "/v1.0/policies/authorizationPolicy", deleg(upnAdmin, "User.Read"), nil, 403, "Authorization_RequestDenied"},
		{"authorization policy patch as Application Administrator", "PATCH", "/v1.0/policies/authorizationPolicy", deleg(upnAppAdmin, "Policy.ReadWrite.Authorization"), map[string]any{"blockMsolPowerShell": true}, 403, "Authorization_RequestDenied"},
		{"authorization policy patch as Global Administrator", "PATCH", "/v1.0/policies/authorizationPolicy", deleg(upnAdmin, "Policy.ReadWrite.Authorization"), map[string]any{"blockMsolPowerShell": true}, 204, ""},
		// Each workload answers with its own 403 (see authz.go's sources):
		// Conditional Access AccessDenied, the audit log service
		// Authentication_MSGraphPermissionMissing (no scope) or
		// Authentication_RequestFromUnsupportedUserRole (no role), the
		// directory Authorization_RequestDenied.
		{"CA policies without reader role", "GET", "/v1.0/identity/conditionalAccess/policies", deleg(upnRita, "Policy.Read.All"), nil, 403, "AccessDenied"},
		{"CA policies without scope", "GET", "/v1.0/identity/conditionalAccess/policies", deleg(upnAdmin, "Directory.Read.All"), nil, 403, "AccessDenied"},
		{"CA policies app-only without role", "GET", "/v1.0/identity/conditionalAccess/policies", app("Directory.Read.All"), nil, 403, "AccessDenied"},
		{"CA policies as Global Administrator", "GET", "/v1.0/identity/conditionalAccess/policies", deleg(upnAdmin, "Policy.Read.All"), nil, 200, ""},
		{"CA policies app-only", "GET", "/v1.0/identity/conditionalAccess/policies", app("Policy.Read.All"), nil, 200, ""},
		{"sign-ins", "GET", "/v1.0/auditLogs/signIns", deleg(upnAdmin, "AuditLog.Read.All"), nil, 200, ""},
		{"sign-ins without scope", "GET", "/v1.0/auditLogs/signIns", deleg(upnAdmin, "Directory.Read.All"), nil, 403, "Authentication_MSGraphPermissionMissing"},
		{"sign-ins app-only without role", "GET", "/v1.0/auditLogs/signIns", app("Directory.Read.All"), nil, 403, "Authentication_MSGraphPermissionMissing"},
		{"sign-ins without reader role", "GET", "/v1.0/auditLogs/signIns", deleg(upnRita, "AuditLog.Read.All"), nil, 403, "Authentication_RequestFromUnsupportedUserRole"},
		{"events of another user, delegated", "GET", "/v1.0/users/" + rob + "/events", deleg(upnRita, "Calendars.ReadWrite"), nil, 403, "ErrorAccessDenied"},
		{"events app-only", "GET", "/v1.0/users/" + rob + "/events", app("Calendars.Read"), nil, 200, ""},
		{"meetings of another user, delegated", "POST", "/v1.0/users/" + rob + "/onlineMeetings", deleg(upnRita, "OnlineMeetings.ReadWrite"), map[string]any{"subject": "x"}, 403, "Forbidden"},
		{"meetings without scope", "POST", "/v1.0/me/onlineMeetings", deleg(upnRita, "User.Read"), map[string]any{"subject": "x"}, 403, "Forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := g.do(tt.method, tt.path, tt.token(), tt.body)
			if res.Status != tt.status || res.errCode() != tt.code {
				t.Fatalf("got %d %s %q, want %d %s", res.Status, res.errCode(), res.errMessage(), tt.status, tt.code)
			}
			if tt.status == 401 && !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer ") {
				t.Errorf("WWW-Authenticate = %q", res.Header.Get("WWW-Authenticate"))
			}
			if tt.code == "Authorization_RequestDenied" && res.errMessage() != "Insufficient privileges to complete the operation." {
				t.Errorf("message %q", res.errMessage())
			}
		})
	}
}

func TestAppCreationPolicyAndOwnership(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	rita := g.token(upnRita, "Application.ReadWrite.All")
	g.must(http.StatusForbidden, g.do("POST", "/v1.0/applications", rita, map[string]any{"displayName": "Mine", "signInAudience": "AzureADMyOrg"}))
	g.tenant(func(tn *Tenant) { tn.AuthorizationPolicy.AllowedToCreateApps = true })
	mine := g.must(http.StatusCreated, g.do("POST", "/v1.0/applications", rita, map[string]any{"displayName": "Mine", "signInAudience": "AzureADMyOrg"}))
	g.must(http.StatusNoContent, g.do("PATCH", "/v1.0/applications/"+mine.str("id"), rita, map[string]any{"tags": []string{"x"}}))
	owners := g.must(200, g.do("GET", "/v1.0/applications/"+mine.str("id")+"/owners", g.token(upnRita, "Application.Read.All"), nil))
	if v := owners.values(); len(v) != 1 || v[0]["@odata.type"] != "#microsoft.graph.user" {
		t.Errorf("owners = %v", v)
	}
	admin := g.token(upnAdmin, "Application.ReadWrite.All")
	theirs := g.must(http.StatusCreated, g.do("POST", "/v1.0/applications", admin, map[string]any{"displayName": "Theirs", "signInAudience": "AzureADMyOrg"}))
	g.must(http.StatusForbidden, g.do("PATCH", "/v1.0/applications/"+theirs.str("id"), rita, map[string]any{"tags": []string{"x"}}))
	g.must(http.StatusNoContent, g.do("POST", "/v1.0/applications/"+theirs.str("id")+"/owners/$ref", admin,
		map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + g.userID(upnRita)}))
	g.must(http.StatusNoContent, g.do("PATCH", "/v1.0/applications/"+theirs.str("id"), rita, map[string]any{"tags": []string{"x"}}))
	dup := g.must(http.StatusBadRequest, g.do("POST", "/v1.0/applications/"+theirs.str("id")+"/owners/$ref", admin,
		map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + g.userID(upnRita)}))
	if !strings.Contains(dup.errMessage(), "already exist") {
		t.Errorf("duplicate owner: %v", dup.Body)
	}
}
