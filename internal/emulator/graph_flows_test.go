package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestVendorConsentFlow walks teamsctl's main job: app, service principal,
// delegated grant, app role assignment, with Graph's duplicate errors.
func TestVendorConsentFlow(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	admin := g.token(upnAdmin, "Application.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All", "AppRoleAssignment.ReadWrite.All")
	app := g.must(201, g.do("POST", "/v1.0/applications", admin, map[string]any{"displayName": "Vendor", "signInAudience": "AzureADMultipleOrgs"}))
	appID := app.str("appId")
	sp := g.must(201, g.do("POST", "/v1.0/servicePrincipals", admin, map[string]any{"appId": appID}))
	if sp.str("appOwnerOrganizationId") != "8a1c3f52-7d4e-4b9a-9c61-2f0e5d7a4b13" || sp.Body["accountEnabled"] != true {
		t.Errorf("service principal = %v", sp.Body)
	}
	dup := g.must(409, g.do("POST", "/v1.0/servicePrincipals", admin, map[string]any{"appId": appID}))
	if dup.errCode() != "Request_MultipleObjectsWithSameKeyValue" || !strings.Contains(dup.errMessage(), "service principal name "+appID+" is already in use") {
		t.Errorf("duplicate SP: %v", dup.Body)
	}
	missing := g.must(400, g.do("POST", "/v1.0/servicePrincipals", admin, map[string]any{"appId": "99999999-9999-4999-8999-999999999999"}))
	if details := missing.Body["error"].(map[string]any)["details"].([]any); details[0].(map[string]any)["code"] != "NoBackingApplicationObject" {
		t.Errorf("missing app: %v", missing.Body)
	}
	byAppID := g.must(200, g.do("GET", "/v1.0/servicePrincipals?$filter=servicePrincipalNames/any(c:c eq '"+appID+"')", admin, nil))
	if len(byAppID.values()) != 1 {
		t.Errorf("servicePrincipalNames filter: %v", byAppID.Body)
	}

	graphSP, spID := g.spID(GraphAppID), sp.str("id")
	grant := map[string]any{"clientId": spID, "consentType": "AllPrincipals", "resourceId": graphSP, "scope": "User.Read Calendars.ReadWrite"}
	created := g.must(201, g.do("POST", "/v1.0/oauth2PermissionGrants", admin, grant))
	conflict := g.must(409, g.do("POST", "/v1.0/oauth2PermissionGrants", admin, grant))
	if conflict.errMessage() != "Permission entry already exists." {
		t.Errorf("duplicate grant: %v", conflict.Body)
	}
	bad := grant
	bad["consentType"], bad["principalId"] = "Principal", g.userID(upnRita)
	bad["scope"] = "User.Read Not.AScope"
	g.must(400, g.do("POST", "/v1.0/oauth2PermissionGrants", admin, bad))
	listed := g.must(200, g.do("GET", "/v1.0/oauth2PermissionGrants?$filter=clientId eq '"+spID+"' and consentType eq 'AllPrincipals'", admin, nil))
	if len(listed.values()) != 1 {
		t.Errorf("grant filter: %v", listed.Body)
	}
	g.must(204, g.do("PATCH", "/v1.0/oauth2PermissionGrants/"+created.str("id"), admin, map[string]any{"scope": "User.Read"}))
	g.must(400, g.do("PATCH", "/v1.0/oauth2PermissionGrants/"+created.str("id"), admin, map[string]any{"scope": "Nope"}))

	role := map[string]any{"principalId": spID, "resourceId": graphSP, "appRoleId": "df021288-bdef-4463-88db-98f22de89214"}
	g.must(201, g.do("POST", "/v1.0/servicePrincipals/"+spID+"/appRoleAssignments", admin, role))
	again := g.must(400, g.do("POST", "/v1.0/servicePrincipals/"+graphSP+"/appRoleAssignedTo", admin, role))
	if again.errMessage() != "Permission being assigned already exists on the object." {
		t.Errorf("duplicate assignment: %v", again.Body)
	}
	role["appRoleId"] = "12345678-1234-4234-8234-123456789012"
	unknown := g.must(400, g.do("POST", "/v1.0/servicePrincipals/"+graphSP+"/appRoleAssignedTo", admin, role))
	if unknown.errMessage() != "Permission being assigned was not found on application." {
		t.Errorf("unknown role: %v", unknown.Body)
	}
	assigned := g.must(200, g.do("GET", "/v1.0/servicePrincipals/"+spID+"/appRoleAssignments", admin, nil))
	if v := assigned.values(); len(v) != 1 || v[0]["principalType"] != "ServicePrincipal" || v[0]["resourceDisplayName"] != "Microsoft Graph" {
		t.Errorf("assignments = %v", v)
	}

	g.must(204, g.do("DELETE", "/v1.0/servicePrincipals/"+spID, admin, nil))
	left := g.must(200, g.do("GET", "/v1.0/oauth2PermissionGrants?$filter=clientId eq '"+spID+"'", admin, nil))
	if len(left.values()) != 0 {
		t.Errorf("grants survived their service principal: %v", left.Body)
	}
}

// TestReplicationLag: objects created by one call stay invisible to other
// calls for the configured lag, with the errors of graph.md section 10.
func TestReplicationLag(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{ReplicationLag: 30 * time.Second})
	admin := g.token(upnAdmin, "Application.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All", "AppRoleAssignment.ReadWrite.All")
	app := g.must(201, g.do("POST", "/v1.0/applications", admin, map[string]any{"displayName": "Fresh", "signInAudience": "AzureADMyOrg"}))
	id, appID := app.str("id"), app.str("appId")

	expect := func(res graphResult, status int, code, msgPart string) {
		t.Helper()
		if res.Status != status || res.errCode() != code || !strings.Contains(res.errMessage(), msgPart) {
			t.Errorf("got %d %s %q, want %d %s ~%q", res.Status, res.errCode(), res.errMessage(), status, code, msgPart)
		}
	}
	expect(g.do("GET", "/v1.0/applications/"+id, admin, nil), 404, "Request_ResourceNotFound", "does not exist")
	expect(g.do("PATCH", "/v1.0/applications/"+id, admin, map[string]any{"tags": []string{}}), 404, "Request_ResourceNotFound", "")
	expect(g.do("POST", "/v1.0/applications/"+id+"/addPassword", admin, nil), 404, "Request_ResourceNotFound", "")
	expect(g.do("POST", "/v1.0/servicePrincipals", admin, map[string]any{"appId": appID}), 400, "Request_BadRequest", "does not reference a valid application object")

	g.clock.Advance(31 * time.Second)
	g.must(200, g.do("GET", "/v1.0/applications/"+id, admin, nil))
	sp := g.must(201, g.do("POST", "/v1.0/servicePrincipals", admin, map[string]any{"appId": appID}))
	graphSP := g.spID(GraphAppID)
	grant := map[string]any{"clientId": sp.str("id"), "consentType": "AllPrincipals", "resourceId": graphSP, "scope": "User.Read"}
	expect(g.do("POST", "/v1.0/oauth2PermissionGrants", admin, grant), 400, "Request_BadRequest", "does not exist")
	assignment := map[string]any{"principalId": sp.str("id"), "resourceId": graphSP, "appRoleId": "df021288-bdef-4463-88db-98f22de89214"}
	expect(g.do("POST", "/v1.0/servicePrincipals/"+graphSP+"/appRoleAssignedTo", admin, assignment), 400, "Request_BadRequest", "Not a valid reference update.")
	if list := g.must(200, g.do("GET", "/v1.0/servicePrincipals?$filter=appId eq '"+appID+"'", admin, nil)); len(list.values()) != 0 {
		t.Error("unreplicated service principal listed")
	}

	g.clock.Advance(31 * time.Second)
	g.must(201, g.do("POST", "/v1.0/oauth2PermissionGrants", admin, grant))
	g.must(201, g.do("POST", "/v1.0/servicePrincipals/"+graphSP+"/appRoleAssignedTo", admin, assignment))
	// A retry of a POST that landed but has not replicated still conflicts.
	expect(g.do("POST", "/v1.0/oauth2PermissionGrants", admin, grant), 409, "Request_MultipleObjectsWithSameKeyValue", "Permission entry already exists.")
}

func TestPagingWithNextLink(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	g.tenant(func(tn *Tenant) {
		for i := 0; i < 250; i++ {
			tn.Users = append(tn.Users, &User{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), UserPrincipalName: fmt.Sprintf("u%03d@contoso.onmicrosoft.com", i), DisplayName: "Bulk", UserType: "Member", AccountEnabled: true})
		}
	})
	tok := g.token(upnAdmin, "User.Read.All")
	path, pages, total := "/v1.0/users?$filter=startswith(displayName,'Bulk')&$top=120&$select=id,displayName", 0, 0
	for path != "" {
		res := g.must(200, g.do("GET", path, tok, nil))
		pages++
		total += len(res.values())
		if _, ok := res.values()[0]["userPrincipalName"]; ok {
			t.Fatal("$select ignored on a later page")
		}
		path = ""
		if next := res.str("@odata.nextLink"); next != "" {
			u, err := url.Parse(next)
			if err != nil || u.Scheme != "https" || u.Host != "graph.test" {
				t.Fatalf("nextLink %q is not absolute on the request host", next)
			}
			path = u.RequestURI()
		}
	}
	if pages != 3 || total != 250 {
		t.Errorf("pages %d total %d", pages, total)
	}
	def := g.must(200, g.do("GET", "/v1.0/users", tok, nil))
	if len(def.values()) != 100 || def.str("@odata.nextLink") == "" {
		t.Errorf("default page size: %d", len(def.values()))
	}
	if _, ok := def.values()[0]["accountEnabled"]; ok {
		t.Error("users return accountEnabled only when selected")
	}
	bad := g.do("GET", "/v1.0/users?$skiptoken=garbage", tok, nil)
	if bad.Status != 400 || bad.errCode() != "Directory_ExpiredPageToken" {
		t.Errorf("bad skiptoken: %d %v", bad.Status, bad.Body)
	}
}

func TestUsersGroupsAndOrganization(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "Directory.Read.All", "User.Read.All")
	org := g.must(200, g.do("GET", "/v1.0/organization", tok, nil)).values()
	if len(org) != 1 || org[0]["displayName"] != "Contoso" || len(org[0]["verifiedDomains"].([]any)) != 1 {
		t.Errorf("organization = %v", org)
	}
	rita := g.must(200, g.do("GET", "/v1.0/users/"+upnRita, tok, nil))
	if rita.str("jobTitle") != "Recruiter" || rita.str("@odata.context") != "https://graph.microsoft.com/v1.0/$metadata#users/$entity" {
		t.Errorf("user = %v", rita.Body)
	}
	lic := g.must(200, g.do("GET", "/v1.0/users/"+upnRita+"/licenseDetails", tok, nil)).values()
	if len(lic) != 1 || lic[0]["skuPartNumber"] != "ENTERPRISEPACK" {
		t.Errorf("licenseDetails = %v", lic)
	}
	trans := g.must(200, g.do("GET", "/v1.0/users/"+upnRita+"/transitiveMemberOf", tok, nil)).values()
	direct := g.must(200, g.do("GET", "/v1.0/users/"+upnRita+"/memberOf", tok, nil)).values()
	if len(trans) != 3 || len(direct) != 1 || trans[0]["@odata.type"] != "#microsoft.graph.group" {
		t.Errorf("memberOf %v transitive %v", direct, trans)
	}
	adminGroups := g.must(200, g.do("GET", "/v1.0/me/memberOf", tok, nil)).values()
	if len(adminGroups) != 1 || adminGroups[0]["@odata.type"] != "#microsoft.graph.directoryRole" {
		t.Errorf("admin memberOf = %v", adminGroups)
	}
	groups := g.must(200, g.do("GET", "/v1.0/groups?$filter=displayName eq 'HR Department'", tok, nil)).values()
	members := g.must(200, g.do("GET", "/v1.0/groups/"+groups[0]["id"].(string)+"/transitiveMembers", tok, nil)).values()
	if len(members) != 4 { // Recruiters, nolicense, rita, rob
		t.Errorf("transitive members = %d", len(members))
	}
	roles := g.must(200, g.do("GET", "/v1.0/directoryRoles", tok, nil)).values()
	if len(roles) != 2 {
		t.Errorf("directory roles = %v", roles)
	}
	g.must(200, g.do("GET", "/v1.0/myorganization/users?$filter=userPrincipalName eq '"+upnRita+"'", tok, nil))
	g.must(200, g.do("GET", "/beta/users/"+upnRita, tok, nil))
}

func TestPoliciesAndWhatIf(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "Policy.Read.All", "Policy.ReadWrite.Authorization", "Policy.ReadWrite.ConsentRequest", "Policy.ReadWrite.ApplicationConfiguration", "Policy.Read.ConditionalAccess")
	pol := g.must(200, g.do("GET", "/v1.0/policies/authorizationPolicy", tok, nil))
	// Read-modify-write of the whole object is accepted.
	pol.Body["defaultUserRolePermissions"].(map[string]any)["allowedToCreateApps"] = true
	delete(pol.Body, "@odata.context")
	g.must(204, g.do("PATCH", "/v1.0/policies/authorizationPolicy", tok, pol.Body))
	g.must(400, g.do("PATCH", "/v1.0/policies/authorizationPolicy", tok, map[string]any{"defaultUserRolePermissions": map[string]any{"permissionGrantPoliciesAssigned": []string{"Nonsense"}}}))
	g.must(400, g.do("PUT", "/v1.0/policies/adminConsentRequestPolicy", tok, map[string]any{"isEnabled": true, "requestDurationInDays": 30}))
	g.must(204, g.do("PUT", "/v1.0/policies/adminConsentRequestPolicy", tok, map[string]any{"isEnabled": true, "requestDurationInDays": 30,
		"reviewers": []any{map[string]any{"query": "/users/" + g.userID(upnAdmin), "queryType": "MicrosoftGraph"}}}))
	if acr := g.must(200, g.do("GET", "/v1.0/policies/adminConsentRequestPolicy", tok, nil)); acr.Body["version"] != float64(1) {
		t.Errorf("version = %v", acr.Body["version"])
	}
	g.must(200, g.do("GET", "/v1.0/policies/permissionGrantPolicies/microsoft-user-default-low", tok, nil))
	g.must(204, g.do("PATCH", "/v1.0/policies/defaultAppManagementPolicy", tok, map[string]any{"isEnabled": true,
		"applicationRestrictions": map[string]any{"passwordCredentials": []any{map[string]any{"restrictionType": "passwordLifetime", "maxLifetime": "P90D"}}}}))
	amp := g.must(200, g.do("GET", "/v1.0/policies/defaultAppManagementPolicy", tok, nil))
	if !strings.Contains(toJSON(amp.Body), "P90D") {
		t.Errorf("app management policy = %v", amp.Body)
	}
	cas := g.must(200, g.do("GET", "/v1.0/identity/conditionalAccess/policies", tok, nil)).values()
	if len(cas) != 4 || cas[0]["conditions"].(map[string]any)["users"] == nil {
		t.Errorf("CA policies = %v", cas)
	}
	guest := g.userID("gina.guest_fabrikam.com#EXT#@contoso.onmicrosoft.com")
	eval := g.must(200, g.do("POST", "/beta/identity/conditionalAccess/evaluate", tok, map[string]any{
		"signInIdentity":   map[string]any{"@odata.type": "#microsoft.graph.userSignIn", "userId": guest},
		"signInContext":    map[string]any{"@odata.type": "#microsoft.graph.applicationContext", "includeApplications": []string{ebmsAppID}},
		"signInConditions": map[string]any{"clientAppType": "browser"}, "appliedPoliciesOnly": true,
	})).values()
	names := []string{}
	for _, v := range eval {
		names = append(names, v["displayName"].(string))
	}
	if !strings.Contains(strings.Join(names, "|"), "Block guests from EBMS") || eval[0]["policyApplies"] != true {
		t.Errorf("what-if = %v", names)
	}
}

func TestMeetingsAndEvents(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	rita := g.token(upnRita, "OnlineMeetings.ReadWrite", "Calendars.ReadWrite")
	m := g.must(201, g.do("POST", "/v1.0/me/onlineMeetings", rita, map[string]any{"subject": "Interview",
		"startDateTime": "2026-03-02T10:00:00Z", "endDateTime": "2026-03-02T11:00:00Z"}))
	join := m.str("joinWebUrl")
	ritaID := g.userID(upnRita)
	if !strings.HasPrefix(join, "https://teams.microsoft.com/l/meetup-join/19%3ameeting_") || !strings.Contains(join, ritaID) {
		t.Errorf("joinWebUrl = %q", join)
	}
	ids := m.Body["joinMeetingIdSettings"].(map[string]any)
	if id := ids["joinMeetingId"].(string); len(id) != 12 || strings.Trim(id, "0123456789") != "" {
		t.Errorf("joinMeetingId = %q", id)
	}
	found := g.must(200, g.do("GET", "/v1.0/me/onlineMeetings?$filter="+url.QueryEscape("JoinWebUrl eq '"+join+"'"), rita, nil)).values()
	if len(found) != 1 {
		t.Errorf("filter by JoinWebUrl: %v", found)
	}
	g.must(200, g.do("GET", "/v1.0/me/onlineMeetings/"+m.str("id"), rita, nil))
	g.must(204, g.do("DELETE", "/v1.0/me/onlineMeetings/"+m.str("id"), rita, nil))

	noTeams := g.token(upnNoTeams, "OnlineMeetings.ReadWrite")
	g.must(403, g.do("POST", "/v1.0/me/onlineMeetings", noTeams, map[string]any{"subject": "x"}))

	appTok := g.appToken(ebmsAppID, "OnlineMeetings.ReadWrite.All", "Calendars.ReadWrite")
	denied := g.must(403, g.do("POST", "/v1.0/users/"+ritaID+"/onlineMeetings", appTok, map[string]any{"subject": "x"}))
	if denied.errCode() != "Forbidden" || denied.errMessage() != "No Application Access Policy found for this app" {
		t.Errorf("no policy: %v", denied.Body)
	}
	g.must(400, g.do("POST", "/v1.0/users/"+upnRita+"/onlineMeetings", appTok, map[string]any{"subject": "x"}))
	g.tenant(func(tn *Tenant) {
		tn.TeamsAccessPolicies = append(tn.TeamsAccessPolicies, &TeamsAccessPolicy{Identity: "ebms", AppIDs: []string{ebmsAppID}, Users: []string{ritaID}})
	})
	g.must(201, g.do("POST", "/v1.0/users/"+ritaID+"/onlineMeetings", appTok, map[string]any{"subject": "x"}))

	ev := g.must(201, g.do("POST", "/v1.0/me/events", rita, map[string]any{"subject": "Interview",
		"start":           map[string]any{"dateTime": "2026-03-02T10:00:00", "timeZone": "W. Europe Standard Time"},
		"end":             map[string]any{"dateTime": "2026-03-02T11:00:00", "timeZone": "W. Europe Standard Time"},
		"attendees":       []any{map[string]any{"emailAddress": map[string]any{"address": "candidate@example.com"}, "type": "required"}},
		"isOnlineMeeting": true, "onlineMeetingProvider": "teamsForBusiness"}))
	om, _ := ev.Body["onlineMeeting"].(map[string]any)
	if om == nil || !strings.HasPrefix(om["joinUrl"].(string), "https://teams.microsoft.com/l/meetup-join/") ||
		ev.Body["start"].(map[string]any)["dateTime"] != "2026-03-02T09:00:00.0000000" {
		t.Errorf("event = %v", ev.Body)
	}
	g.must(200, g.do("GET", "/v1.0/users/"+upnRita+"/events/"+ev.str("id"), appTok, nil))
	g.must(204, g.do("DELETE", "/v1.0/me/events/"+ev.str("id"), rita, nil))
	gone := g.must(404, g.do("GET", "/v1.0/me/events/"+ev.str("id"), rita, nil))
	if gone.errCode() != "ErrorItemNotFound" {
		t.Errorf("deleted event: %v", gone.Body)
	}
	guest := g.do("GET", "/v1.0/users/gina.guest_fabrikam.com%23EXT%23@contoso.onmicrosoft.com/events", appTok, nil)
	if guest.Status != 404 || guest.errCode() != "MailboxNotEnabledForRESTAPI" || guest.errMessage() != "The mailbox is either inactive, soft-deleted, or is hosted on-premise." {
		t.Errorf("no mailbox: %d %v", guest.Status, guest.Body)
	}
}

func TestBatch(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "Application.ReadWrite.All", "User.Read")
	res := g.must(200, g.do("POST", "/v1.0/$batch", tok, map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "GET", "url": "/me"},
		map[string]any{"id": "2", "method": "POST", "url": "/applications", "headers": map[string]string{"Content-Type": "application/json"},
			"body": map[string]any{"displayName": "From batch", "signInAudience": "AzureADMyOrg"}},
		map[string]any{"id": "3", "method": "GET", "url": "/applications/not-a-guid"},
		map[string]any{"id": "4", "method": "GET", "url": "/me", "dependsOn": []string{"3"}},
	}}))
	byID := map[string]map[string]any{}
	for _, r := range res.Body["responses"].([]any) {
		m := r.(map[string]any)
		byID[m["id"].(string)] = m
	}
	for id, want := range map[string]float64{"1": 200, "2": 201, "3": 400, "4": 424} {
		if byID[id]["status"] != want {
			t.Errorf("item %s: %v", id, byID[id])
		}
	}
	if byID["2"]["body"].(map[string]any)["displayName"] != "From batch" {
		t.Errorf("item 2 body = %v", byID["2"]["body"])
	}
	var many []any
	for i := 0; i < 21; i++ {
		many = append(many, map[string]any{"id": fmt.Sprint(i), "method": "GET", "url": "/me"})
	}
	g.must(400, g.do("POST", "/v1.0/$batch", tok, map[string]any{"requests": many}))
}

// TestConcurrentClients runs writers and readers in parallel; run with
// -race.
func TestConcurrentClients(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{ReplicationLag: time.Millisecond})
	tok := g.token(upnAdmin, "Application.ReadWrite.All", "User.Read.All")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				g.do("POST", "/v1.0/applications", tok, map[string]any{"displayName": fmt.Sprintf("c%d-%d", i, j), "signInAudience": "AzureADMyOrg"})
				g.do("GET", "/v1.0/applications?$top=5", tok, nil)
				g.do("GET", "/v1.0/users", tok, nil)
			}
		}(i)
	}
	wg.Wait()
	g.clock.Advance(time.Second)
	var n int
	g.tenant(func(tn *Tenant) { n = len(tn.Applications) })
	if n != 80 {
		t.Errorf("applications = %d", n)
	}
	_ = http.StatusOK
}
