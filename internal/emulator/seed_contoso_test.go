package emulator

import (
	"strings"
	"testing"
)

// The Contoso seed carries what real tenants have and tidy fixtures miss;
// each element is exercised here through the Graph or sign-in answer it
// changes.

func groupByName(tn *Tenant, name string) *Group {
	for _, g := range tn.Groups {
		if g.DisplayName == name {
			return g
		}
	}
	panic("no group " + name)
}

// assignGroup requires assignment on Graph Command Line Tools, consents it
// for everybody (an app that requires assignment needs admin consent) and
// assigns only the named group to it.
func assignGroup(name string) func(*State, *Tenant) {
	return func(_ *State, tn *Tenant) {
		sp := tn.ServicePrincipalByAppID(GraphCommandLineToolsAppID)
		sp.AppRoleAssignmentRequired = true
		tn.Grants = append(tn.Grants, &PermissionGrant{ID: "test-grant", ClientID: sp.ID, ConsentType: "AllPrincipals",
			ResourceID: tn.ServicePrincipalByAppID(GraphAppID).ID, Scope: "User.Read openid profile offline_access"})
		g := groupByName(tn, name)
		tn.AppRoleAssignments = append(tn.AppRoleAssignments, &AppRoleAssignment{ID: "test-assignment",
			AppRoleID: DefaultAppRoleID, PrincipalID: g.ID, PrincipalType: "Group", PrincipalDisplayName: g.DisplayName,
			ResourceID: sp.ID, ResourceDisplayName: sp.DisplayName})
	}
}

// Entra counts direct members of an assigned group only: Rita is a direct
// member of Recruiters, which is the only member of Talent Acquisition and
// a member of HR Department. Distribution lists grant nothing.
func TestGroupAssignmentCountsDirectMembersOfEligibleGroups(t *testing.T) {
	tests := []struct {
		group, user string
		code        int // 0: the sign-in succeeds
	}{
		{group: "Recruiters", user: ritaUPN},
		{group: "Talent Acquisition", user: ritaUPN, code: 50105},
		{group: "HR Department", user: ritaUPN, code: 50105},
		{group: "Hiring Managers", user: "rob.recruiter@contoso.onmicrosoft.com"},
		{group: "Recruiting Announcements", user: "rob.recruiter@contoso.onmicrosoft.com", code: 50105},
	}
	for _, tt := range tests {
		t.Run(tt.group, func(t *testing.T) {
			t.Parallel()
			env := newLoginEnv(t, Options{})
			env.update(assignGroup(tt.group))
			_, err := env.deviceCodeLogin(env.publicClient(GraphCommandLineToolsAppID), graphUserRead, env.approveAs(tt.user))
			if tt.code == 0 {
				if err != nil {
					t.Fatalf("sign-in through %s: %v", tt.group, err)
				}
				return
			}
			wantCode(t, err, tt.code)
		})
	}
}

func TestNestedGroupsAsGraphListsThem(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "GroupMember.Read.All")
	var ta, hiring, dl *Group
	g.tenant(func(tn *Tenant) {
		ta, hiring, dl = groupByName(tn, "Talent Acquisition"), groupByName(tn, "Hiring Managers"), groupByName(tn, "Recruiting Announcements")
	})
	members := g.must(200, g.do("GET", "/v1.0/groups/"+ta.ID+"/members", tok, nil)).values()
	if len(members) != 1 || members[0]["@odata.type"] != "#microsoft.graph.group" || members[0]["displayName"] != "Recruiters" {
		t.Errorf("Talent Acquisition members = %v", members)
	}
	var names []string
	for _, m := range g.must(200, g.do("GET", "/v1.0/groups/"+ta.ID+"/transitiveMembers", tok, nil)).values() {
		names = append(names, m["displayName"].(string))
	}
	if strings.Join(names, ",") != "Recruiters,Rita Recruiter,Rob Recruiter" {
		t.Errorf("Talent Acquisition transitive members = %v", names)
	}
	m365 := g.must(200, g.do("GET", "/v1.0/groups/"+hiring.ID, tok, nil))
	if types := m365.Body["groupTypes"].([]any); len(types) != 1 || types[0] != "Unified" || m365.Body["securityEnabled"] != false {
		t.Errorf("Microsoft 365 group = %v", m365.Body)
	}
	list := g.must(200, g.do("GET", "/v1.0/groups/"+dl.ID, tok, nil))
	if types := list.Body["groupTypes"].([]any); len(types) != 0 || list.Body["mailEnabled"] != true || list.Body["securityEnabled"] != false {
		t.Errorf("distribution list = %v", list.Body)
	}
}

// licenseDetails as Graph returns them: foundation plans that apply to the
// company, several SKUs per user, plans disabled in the assignment, and an
// enterprise suite sold without Teams.
func TestLicenseDetailsAsGraphReturnsThem(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "User.Read.All")
	plans := func(upn string) map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, l := range g.must(200, g.do("GET", "/v1.0/users/"+upn+"/licenseDetails", tok, nil)).values() {
			for _, p := range l["servicePlans"].([]any) {
				p := p.(map[string]any)
				p["sku"] = l["skuPartNumber"]
				out[p["servicePlanName"].(string)] = p
			}
		}
		return out
	}

	noMailbox := plans("nomailbox@contoso.onmicrosoft.com")
	if f := noMailbox["EXCHANGE_S_FOUNDATION"]; f == nil || f["appliesTo"] != "Company" || f["sku"] != "MS_TEAMS_IW" || noMailbox["TEAMS1"] == nil {
		t.Errorf("nomailbox plans = %v", noMailbox)
	}
	for name := range noMailbox {
		if strings.HasPrefix(name, "EXCHANGE_S_") && name != "EXCHANGE_S_FOUNDATION" {
			t.Errorf("nomailbox has mailbox plan %s", name)
		}
	}

	nils := plans("nils.noteams@contoso.onmicrosoft.com")
	if nils["TEAMS1"] != nil || nils["EXCHANGE_S_ENTERPRISE"] == nil || nils["MCOSTANDARD"] == nil || nils["AAD_PREMIUM"] == nil {
		t.Errorf("Microsoft 365 E3 EEA (no Teams) plans = %v", nils)
	}

	ella := g.must(200, g.do("GET", "/v1.0/users/ella.eea@contoso.onmicrosoft.com/licenseDetails", tok, nil)).values()
	if len(ella) != 2 || ella[0]["skuPartNumber"] != "O365_w/o Teams Bundle_M3" || ella[1]["skuPartNumber"] != "Microsoft_Teams_EEA_New" ||
		ella[1]["skuId"] != "7e74bd05-2c47-404e-829a-ba95c66fe8e5" {
		t.Fatalf("ella licenseDetails = %v", ella)
	}
	ellaPlans := plans("ella.eea@contoso.onmicrosoft.com")
	if k := ellaPlans["EXCHANGE_S_DESKLESS"]; k == nil || k["provisioningStatus"] != "Disabled" || ellaPlans["TEAMS1"]["provisioningStatus"] != "Success" {
		t.Errorf("ella plans = %v", ellaPlans)
	}

	admin := g.must(200, g.do("GET", "/v1.0/users/"+upnAdmin+"/licenseDetails", tok, nil)).values()
	if len(admin) != 2 {
		t.Errorf("admin holds %d SKUs, want Office 365 E3 and Entra ID P1", len(admin))
	}
}

// The licences decide what the workloads allow: no mailbox without an
// Exchange plan that gives one, no Teams meeting on a suite without Teams.
func TestLicencesGateMailboxAndTeams(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	event := map[string]any{"subject": "Interview", "start": map[string]any{"dateTime": "2026-03-02T10:00:00", "timeZone": "UTC"},
		"end": map[string]any{"dateTime": "2026-03-02T11:00:00", "timeZone": "UTC"}}
	noMailbox := g.token("nomailbox@contoso.onmicrosoft.com", "Calendars.ReadWrite")
	if res := g.do("POST", "/v1.0/me/events", noMailbox, event); res.Status != 404 || res.errCode() != "MailboxNotEnabledForRESTAPI" {
		t.Errorf("event without a mailbox = %d %s", res.Status, res.errCode())
	}
	meeting := map[string]any{"subject": "Interview", "startDateTime": "2026-03-02T10:00:00Z", "endDateTime": "2026-03-02T11:00:00Z"}
	nils := g.token("nils.noteams@contoso.onmicrosoft.com", "OnlineMeetings.ReadWrite")
	if res := g.do("POST", "/v1.0/me/onlineMeetings", nils, meeting); res.Status != 403 {
		t.Errorf("meeting on a suite without Teams = %d %s", res.Status, res.errCode())
	}
	ella := g.token("ella.eea@contoso.onmicrosoft.com", "OnlineMeetings.ReadWrite")
	g.must(201, g.do("POST", "/v1.0/me/onlineMeetings", ella, meeting))
}

// Vendor and Microsoft apps carry their verified publisher on the
// application and on every service principal made from it; apps registered
// in the tenant have none (all three properties null).
func TestVerifiedPublisherOnAppsAndServicePrincipals(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "Application.ReadWrite.All")
	ebms := g.must(200, g.do("GET", "/v1.0/servicePrincipals(appId='"+ebmsAppID+"')", tok, nil))
	vp, _ := ebms.Body["verifiedPublisher"].(map[string]any)
	if vp["displayName"] != "EBMS GmbH" || vp["verifiedPublisherId"] == nil || vp["addedDateTime"] == nil {
		t.Errorf("EBMS verifiedPublisher = %v", vp)
	}
	// publisherName is beta-only: the v1.0 schema's servicePrincipal lacks it.
	if beta := g.must(200, g.do("GET", "/beta/servicePrincipals(appId='"+ebmsAppID+"')", tok, nil)); beta.str("publisherName") != "EBMS GmbH" {
		t.Errorf("beta publisherName = %q", beta.str("publisherName"))
	}
	if _, ok := ebms.Body["publisherName"]; ok {
		t.Error("v1.0 answers publisherName, which its schema does not have")
	}
	cli := g.must(200, g.do("GET", "/v1.0/servicePrincipals(appId='"+GraphCommandLineToolsAppID+"')", tok, nil))
	if vp := cli.Body["verifiedPublisher"].(map[string]any); vp["displayName"] != "Microsoft Corporation" {
		t.Errorf("Graph Command Line Tools verifiedPublisher = %v", vp)
	}
	app := g.must(201, g.do("POST", "/v1.0/applications", tok, map[string]any{"displayName": "In-house"}))
	if vp := app.Body["verifiedPublisher"].(map[string]any); vp["displayName"] != nil || vp["verifiedPublisherId"] != nil || vp["addedDateTime"] != nil {
		t.Errorf("own app verifiedPublisher = %v", vp)
	}
}
