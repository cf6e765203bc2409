package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// csdlResponseTypes name the type of a response where the route's own
// type does not: writes that answer with another type, and actions.
var csdlResponseTypes = map[string]string{
	"POST /me/onlineMeetings":                   "microsoft.graph.onlineMeeting",
	"POST /users/{user}/onlineMeetings":         "microsoft.graph.onlineMeeting",
	"POST /me/events":                           "microsoft.graph.event",
	"POST /users/{user}/events":                 "microsoft.graph.event",
	"POST /applications/{app}/addPassword":      "microsoft.graph.passwordCredential",
	"POST /identity/conditionalAccess/evaluate": "Collection(microsoft.graph.whatIfAnalysisResult)",
}

// csdlPropertyRoutes are the property-segment routes and the entity type
// whose property they address.
var csdlPropertyRoutes = map[string]string{
	"GET /servicePrincipals/{sp}/{property}": "microsoft.graph.servicePrincipal",
	"GET /applications/{app}/{property}":     "microsoft.graph.application",
	"GET /users/{user}/{property}":           "microsoft.graph.user",
	"GET /me/{property}":                     "microsoft.graph.user",
	"GET /groups/{group}/{property}":         "microsoft.graph.group",
}

// csdlExchange is one recorded request and its response.
type csdlExchange struct {
	method, path string
	res          graphResult
}

// TestCSDLConformance walks every route the emulator serves (each one must
// answer a 2xx at least once in the flow below; the flow is the one a
// vendor integration goes through: sign-in data, app registration,
// consent, assignment, policies, meetings and events) and checks every
// JSON body it answers against Microsoft Graph's v1.0 schema: each
// property is one the type (or an ancestor) declares unless the type is
// open, navigation properties appear only with $expand, each value has its
// property's type (Edm.DateTimeOffset as OData's dateTimeOffsetValue,
// enums by member name, GUIDs, complex values recursively), and each
// @odata.type names the declared type or one derived from it.
func TestCSDLConformance(t *testing.T) {
	m := loadCSDLSubset(t)
	g := newGraphEnv(t, FaultOptions{})
	g.clock.Advance(1234567 * time.Microsecond)
	var log []csdlExchange
	g.seen = func(method, path string, res graphResult) { log = append(log, csdlExchange{method, path, res}) }
	runConformanceFlow(t, g)

	hit := map[string]bool{}
	checker := &csdlChecker{m: m, missing: map[string]bool{}}
	for _, ex := range log {
		u, err := url.Parse(ex.path)
		if err != nil || !strings.HasPrefix(u.Path, "/v1.0/") {
			continue // login endpoints
		}
		segs, _, _ := splitGraphPath(strings.TrimPrefix(u.Path, "/v1.0"))
		r, _, gerr := matchRoute(ex.method, "v1.0", segs)
		if gerr != nil || ex.res.Status >= 300 {
			continue
		}
		key := r.Method + " " + r.Pattern
		hit[key] = true
		if len(bytes.TrimSpace(ex.res.Raw)) == 0 {
			continue
		}
		checkResponse(checker, m, key, r, ex)
	}
	for _, p := range checker.problems {
		t.Error(p)
	}
	if len(checker.missing) > 0 {
		t.Errorf("%s lacks types the emulator answers with; regenerate it (see csdl_test.go): %v", csdlSubsetPath, keysOf(checker.missing))
	}
	var unwalked []string
	for _, r := range graphRoutes {
		if key := r.Method + " " + r.Pattern; !hit[key] {
			unwalked = append(unwalked, key)
		}
	}
	if len(unwalked) > 0 {
		t.Errorf("routes the conformance flow did not walk (add them to runConformanceFlow): %v", unwalked)
	}
}

// checkResponse checks one 2xx body against the route's type.
func checkResponse(c *csdlChecker, m *csdlModel, key string, r *graphRoute, ex csdlExchange) {
	var body map[string]any
	dec := json.NewDecoder(bytes.NewReader(ex.res.Raw))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		c.fail(key, "body is not a JSON object: %v", err)
		return
	}
	where := ex.method + " " + ex.path
	if _, ok := body["@odata.context"]; !ok && key != "POST /$batch" {
		c.fail(where, "no @odata.context")
	}
	switch {
	case key == "POST /$batch":
		checkBatch(c, m, where, body)
	case csdlPropertyRoutes[key] != "":
		checkPropertyResponse(c, m, where, csdlPropertyRoutes[key], ex.path, body)
	default:
		typ := csdlResponseTypes[key]
		if typ == "" && r.Type != nil {
			typ = r.Type.Name
		}
		if typ == "" {
			c.fail(where, "route %s answers a body but names no type (add it to csdlResponseTypes)", key)
			return
		}
		checkTyped(c, m, where, typ, body)
	}
}

// checkTyped checks an entity, or a collection page ({"value": [...]}) of
// the type.
func checkTyped(c *csdlChecker, m *csdlModel, where, typ string, body map[string]any) {
	item := strings.TrimSuffix(strings.TrimPrefix(typ, "Collection("), ")")
	values, isPage := body["value"].([]any)
	if _, hasValueProp, _ := m.property(item, "value"); isPage && !hasValueProp {
		for k := range body {
			if k != "value" && !strings.HasPrefix(k, "@odata.") {
				c.fail(where, "collection page has %s besides value", k)
			}
		}
		for i, v := range values {
			c.checkValue(fmt.Sprintf("%s value[%d]", where, i), item, v, false)
		}
		return
	}
	c.checkValue(where, item, body, false)
}

// checkPropertyResponse checks GET /{set}/{id}/{property}: the value of
// a primitive or collection property in "value", a complex one as the
// object itself.
func checkPropertyResponse(c *csdlChecker, m *csdlModel, where, entityType, path string, body map[string]any) {
	u, _ := url.Parse(path)
	name := u.Path[strings.LastIndex(u.Path, "/")+1:]
	p, navigation, ok := m.property(entityType, name)
	if !ok || navigation {
		c.fail(where, "%s has no structural property %s", entityType, name)
		return
	}
	if m.structs[p.Type] != nil {
		delete(body, "@odata.context")
		c.checkValue(where, p.Type, body, false)
		return
	}
	c.checkValue(where, p.Type, body["value"], p.Nullable != "false")
}

// checkBatch checks every inner 2xx response of a $batch against the
// route of its request URL, which the flow uses as the request's id.
func checkBatch(c *csdlChecker, m *csdlModel, where string, body map[string]any) {
	responses, _ := body["responses"].([]any)
	for _, raw := range responses {
		resp, _ := raw.(map[string]any)
		inner, _ := resp["body"].(map[string]any)
		status, _ := resp["status"].(json.Number).Int64()
		url, _ := resp["id"].(string)
		if inner == nil || status >= 300 || !strings.HasPrefix(url, "/") {
			continue
		}
		segs, _, _ := splitGraphPath(url)
		r, _, gerr := matchRoute("GET", "v1.0", segs)
		if gerr != nil || r.Type == nil {
			continue
		}
		checkTyped(c, m, where+" → "+url, r.Type.Name, inner)
	}
}

func keysOf(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// runConformanceFlow calls every route at least once with a 2xx answer.
func runConformanceFlow(t *testing.T, g *graphEnv) {
	admin := g.token(upnAdmin, "Directory.ReadWrite.All", "Directory.AccessAsUser.All", "Application.ReadWrite.All",
		"AppRoleAssignment.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All", "User.Read.All", "Group.Read.All",
		"RoleManagement.Read.Directory", "Organization.Read.All", "Policy.Read.All", "Policy.ReadWrite.Authorization",
		"Policy.ReadWrite.ConsentRequest", "Policy.ReadWrite.ApplicationConfiguration", "Policy.ReadWrite.ConditionalAccess",
		"Policy.Read.ConditionalAccess", "Policy.ReadWrite.SecurityDefaults", "AuditLog.Read.All", "LicenseAssignment.Read.All", "User.Read")
	rita := g.token(upnRita, "User.Read", "OnlineMeetings.ReadWrite", "Calendars.ReadWrite")
	ritaID, adminID := g.userID(upnRita), g.userID(upnAdmin)
	graphSP, ebmsSP, cliSP := g.spID(GraphAppID), g.spID(ebmsAppID), g.spID(GraphCommandLineToolsAppID)
	var recruiters, hr, skuID string
	g.tenant(func(tn *Tenant) {
		for _, gr := range tn.Groups {
			switch gr.DisplayName {
			case "Recruiters":
				recruiters = gr.ID
			case "HR Department":
				hr = gr.ID
			}
		}
		tn.TeamsAccessPolicies = append(tn.TeamsAccessPolicies, &TeamsAccessPolicy{Identity: "conformance", AppIDs: []string{ebmsAppID}, Global: true})
	})
	get := func(path, tok string) graphResult { t.Helper(); return g.must(200, g.do("GET", path, tok, nil)) }
	// Directory reads.
	for _, p := range []string{"/v1.0/organization", "/v1.0/organization/" + contosoID, "/v1.0/me", "/v1.0/users",
		"/v1.0/users/" + ritaID, "/v1.0/me/licenseDetails", "/v1.0/users/" + ritaID + "/licenseDetails",
		"/v1.0/me/memberOf", "/v1.0/me/transitiveMemberOf", "/v1.0/users/" + ritaID + "/memberOf",
		"/v1.0/users/" + ritaID + "/transitiveMemberOf", "/v1.0/me/appRoleAssignments",
		"/v1.0/users/" + ritaID + "/appRoleAssignments", "/v1.0/me/oauth2PermissionGrants",
		"/v1.0/users/" + adminID + "/oauth2PermissionGrants", "/v1.0/groups", "/v1.0/groups/" + recruiters,
		"/v1.0/groups/" + hr + "/members", "/v1.0/groups/" + hr + "/transitiveMembers", "/v1.0/directoryRoles",
		"/v1.0/directoryRoles(roleTemplateId='" + RoleGlobalAdministrator + "')",
		"/v1.0/directoryRoles(roleTemplateId='" + RoleGlobalAdministrator + "')/members",
		"/v1.0/applications", "/v1.0/servicePrincipals", "/v1.0/servicePrincipals/" + graphSP,
		"/v1.0/servicePrincipals/" + graphSP + "/appRoleAssignedTo", "/v1.0/servicePrincipals/" + cliSP + "/oauth2PermissionGrants",
		"/v1.0/oauth2PermissionGrants", "/v1.0/policies/authorizationPolicy", "/v1.0/policies/adminConsentRequestPolicy",
		"/v1.0/policies/permissionGrantPolicies", "/v1.0/policies/permissionGrantPolicies/microsoft-user-default-low",
		"/v1.0/policies/defaultAppManagementPolicy", "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
		"/v1.0/subscribedSkus", "/v1.0/identity/conditionalAccess/policies",
		"/v1.0/servicePrincipals/" + graphSP + "/appRoles", "/v1.0/servicePrincipals/" + graphSP + "/info",
		"/v1.0/users/" + ritaID + "/displayName", "/v1.0/me/businessPhones", "/v1.0/groups/" + recruiters + "/securityEnabled",
	} {
		res := get(p, admin)
		switch {
		case p == "/v1.0/subscribedSkus":
			skuID = res.values()[0]["id"].(string)
		case p == "/v1.0/identity/conditionalAccess/policies":
			get("/v1.0/identity/conditionalAccess/policies/"+res.values()[0]["id"].(string), admin)
		}
	}
	get("/v1.0/subscribedSkus/"+skuID, admin)

	// An app registration, its service principal, consent and assignment.
	app := g.must(201, g.do("POST", "/v1.0/applications", admin, map[string]any{"displayName": "Conformance",
		"web": map[string]any{"redirectUris": []string{"https://conformance.example/cb"}}}))
	appID, appObj := app.str("appId"), app.str("id")
	get("/v1.0/applications/"+appObj, admin)
	get("/v1.0/applications/"+appObj+"/web", admin)
	g.must(204, g.do("PATCH", "/v1.0/applications/"+appObj, admin, map[string]any{"notes": "checked"}))
	pw := g.must(200, g.do("POST", "/v1.0/applications/"+appObj+"/addPassword", admin, map[string]any{}))
	g.must(204, g.do("POST", "/v1.0/applications/"+appObj+"/removePassword", admin, map[string]any{"keyId": pw.str("keyId")}))
	g.must(204, g.do("POST", "/v1.0/applications/"+appObj+"/owners/$ref", admin, map[string]any{
		"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + ritaID}))
	get("/v1.0/applications/"+appObj+"/owners", admin)
	g.must(204, g.do("DELETE", "/v1.0/applications/"+appObj+"/owners/"+ritaID+"/$ref", admin, nil))
	g.must(201, g.do("PATCH", "/v1.0/applications(uniqueName='conformance-upsert')", admin,
		map[string]any{"displayName": "Conformance upsert"}, "Prefer", "create-if-missing"))
	sp := g.must(201, g.do("POST", "/v1.0/servicePrincipals", admin, map[string]any{"appId": appID}))
	spID := sp.str("id")
	g.must(204, g.do("PATCH", "/v1.0/servicePrincipals/"+spID, admin, map[string]any{"tags": []string{"conformance"}}))
	assignment := g.must(201, g.do("POST", "/v1.0/servicePrincipals/"+graphSP+"/appRoleAssignedTo", admin, map[string]any{
		"principalId": spID, "resourceId": graphSP, "appRoleId": "df021288-bdef-4463-88db-98f22de89214"}))
	get("/v1.0/servicePrincipals/"+spID+"/appRoleAssignments", admin)
	g.must(204, g.do("DELETE", "/v1.0/servicePrincipals/"+graphSP+"/appRoleAssignedTo/"+assignment.str("id"), admin, nil))
	again := g.must(201, g.do("POST", "/v1.0/servicePrincipals/"+spID+"/appRoleAssignments", admin, map[string]any{
		"principalId": spID, "resourceId": graphSP, "appRoleId": "df021288-bdef-4463-88db-98f22de89214"}))
	g.must(204, g.do("DELETE", "/v1.0/servicePrincipals/"+spID+"/appRoleAssignments/"+again.str("id"), admin, nil))
	grant := g.must(201, g.do("POST", "/v1.0/oauth2PermissionGrants", admin, map[string]any{
		"clientId": spID, "consentType": "AllPrincipals", "resourceId": graphSP, "scope": "User.Read"}))
	get("/v1.0/oauth2PermissionGrants/"+grant.str("id"), admin)
	g.must(204, g.do("PATCH", "/v1.0/oauth2PermissionGrants/"+grant.str("id"), admin, map[string]any{"scope": "User.Read openid"}))
	g.must(204, g.do("DELETE", "/v1.0/oauth2PermissionGrants/"+grant.str("id"), admin, nil))
	g.must(201, g.do("POST", "/v1.0/users/"+ritaID+"/appRoleAssignments", admin, map[string]any{
		"principalId": ritaID, "resourceId": ebmsSP, "appRoleId": DefaultAppRoleID}))

	// Policies.
	g.must(204, g.do("PATCH", "/v1.0/policies/authorizationPolicy", admin, map[string]any{"blockMsolPowerShell": false}))
	g.must(204, g.do("PUT", "/v1.0/policies/adminConsentRequestPolicy", admin, map[string]any{"isEnabled": false,
		"notifyReviewers": false, "remindersEnabled": false, "requestDurationInDays": 0, "reviewers": []any{}}))
	// The admin consent workflow's requests: one filed, listed, decided.
	var acr, ucr, stage string
	g.tenant(func(tn *Tenant) {
		acr, ucr, stage = "7322e5f3-0f15-4eb8-9e82-2029e8622f5d", "acef2660-d194-4943-b927-4fe4fb5cb7e3", "f5a4ca4a-1316-4872-8112-993c55dab51e"
		tn.AppConsentRequests = append(tn.AppConsentRequests, &AppConsentRequest{ID: acr, AppID: ebmsAppID, AppDisplayName: "EBMS",
			UserRequests: []*UserConsentRequest{{ID: ucr, Status: ConsentRequestInProgress, CreatedDateTime: g.clock.Now(), UserID: ritaID,
				UserDisplayName: "Rita Recruiter", UserPrincipalName: upnRita, Scopes: []string{"Calendars.ReadWrite"},
				Stage: ApprovalStage{ID: stage, Status: ConsentRequestInProgress, ReviewResult: ReviewNotReviewed}}}})
	})
	reviewer := g.token(upnAdmin, "ConsentRequest.ReadWrite.All")
	acrs := "/v1.0/identityGovernance/appConsent/appConsentRequests"
	get(acrs+"?$filter="+url.QueryEscape("userConsentRequests/any(u:u/status eq 'InProgress')"), reviewer)
	get(acrs+"/"+acr, reviewer)
	get(acrs+"/"+acr+"/userConsentRequests?$filter="+url.QueryEscape("status eq 'InProgress'"), reviewer)
	get(acrs+"/"+acr+"/userConsentRequests/"+ucr, reviewer)
	get(acrs+"/"+acr+"/userConsentRequests/"+ucr+"/approval", reviewer)
	get(acrs+"/"+acr+"/userConsentRequests/"+ucr+"/approval/stages", reviewer)
	g.must(204, g.do("PATCH", acrs+"/"+acr+"/userConsentRequests/"+ucr+"/approval/stages/"+stage, reviewer,
		map[string]any{"reviewResult": "Approve", "justification": "checked"}))
	get(acrs+"/"+acr+"/userConsentRequests/"+ucr+"/approval/stages", reviewer)
	g.must(204, g.do("PATCH", "/v1.0/policies/defaultAppManagementPolicy", admin, map[string]any{"isEnabled": false}))
	g.must(204, g.do("PATCH", "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy", admin, map[string]any{"isEnabled": false}))
	g.must(200, g.do("POST", "/v1.0/identity/conditionalAccess/evaluate", admin, map[string]any{
		"signInIdentity":      map[string]any{"@odata.type": "#microsoft.graph.userSignIn", "userId": ritaID},
		"signInContext":       map[string]any{"@odata.type": "#microsoft.graph.applicationContext", "includeApplications": []string{ebmsAppID}},
		"appliedPoliciesOnly": false}))
	// A sign-in for the log: the password grant records it, here refused.
	g.do("POST", "/"+contosoID+"/oauth2/v2.0/token", "", "grant_type=password&client_id="+GraphCommandLineToolsAppID+
		"&username="+url.QueryEscape(upnRita)+"&password=wrong&scope=User.Read", "Content-Type", "application/x-www-form-urlencoded")
	signIns := get("/v1.0/auditLogs/signIns", admin)
	get("/v1.0/auditLogs/signIns/"+signIns.values()[0]["id"].(string), admin)

	// Meetings and events, delegated and app-only.
	appTok := g.appToken(ebmsAppID, "OnlineMeetings.ReadWrite.All", "Calendars.ReadWrite")
	meeting := g.must(201, g.do("POST", "/v1.0/me/onlineMeetings", rita, map[string]any{"subject": "Interview",
		"participants": map[string]any{"attendees": []any{map[string]any{"upn": upnAdmin}}}}))
	filter := "?$filter=" + url.QueryEscape("JoinWebUrl eq '"+meeting.str("joinWebUrl")+"'")
	get("/v1.0/me/onlineMeetings"+filter, rita)
	get("/v1.0/me/onlineMeetings/"+meeting.str("id"), rita)
	g.must(204, g.do("DELETE", "/v1.0/me/onlineMeetings/"+meeting.str("id"), rita, nil))
	appMeeting := g.must(201, g.do("POST", "/v1.0/users/"+ritaID+"/onlineMeetings", appTok, map[string]any{"subject": "App"}))
	get("/v1.0/users/"+ritaID+"/onlineMeetings?$filter="+url.QueryEscape("JoinWebUrl eq '"+appMeeting.str("joinWebUrl")+"'"), appTok)
	get("/v1.0/users/"+ritaID+"/onlineMeetings/"+appMeeting.str("id"), appTok)
	g.must(204, g.do("DELETE", "/v1.0/users/"+ritaID+"/onlineMeetings/"+appMeeting.str("id"), appTok, nil))
	event := newEventBody("Interview", "2026-03-02T10:00:00", "2026-03-02T11:00:00", true)
	event["attendees"] = []any{map[string]any{"emailAddress": map[string]any{"address": upnAdmin, "name": "Adele"}, "type": "required"}}
	ev := g.must(201, g.do("POST", "/v1.0/me/events", rita, event))
	get("/v1.0/me/events", rita)
	get("/v1.0/me/events/"+ev.str("id"), rita)
	get("/v1.0/me/calendarView?startDateTime=2026-03-02T00:00:00Z&endDateTime=2026-03-03T00:00:00Z", rita)
	g.must(204, g.do("DELETE", "/v1.0/me/events/"+ev.str("id"), rita, nil))
	appEv := g.must(201, g.do("POST", "/v1.0/users/"+ritaID+"/events", appTok, newEventBody("App", "2026-03-02T12:00:00", "2026-03-02T13:00:00", false)))
	get("/v1.0/users/"+ritaID+"/events", appTok)
	get("/v1.0/users/"+ritaID+"/events/"+appEv.str("id"), appTok)
	get("/v1.0/users/"+ritaID+"/calendarView?startDateTime=2026-03-02T00:00:00Z&endDateTime=2026-03-03T00:00:00Z", appTok)
	g.must(204, g.do("DELETE", "/v1.0/users/"+ritaID+"/events/"+appEv.str("id"), appTok, nil))

	// $batch, whose inner answers are checked by their URLs (the ids).
	g.must(200, g.do("POST", "/v1.0/$batch", admin, map[string]any{"requests": []any{
		map[string]any{"id": "/users/" + ritaID, "method": "GET", "url": "/users/" + ritaID},
		map[string]any{"id": "/groups", "method": "GET", "url": "/groups"},
	}}))

	// Deletions last.
	g.must(204, g.do("DELETE", "/v1.0/servicePrincipals/"+spID, admin, nil))
	g.must(204, g.do("DELETE", "/v1.0/applications/"+appObj, admin, nil))
}

// docs/sandbox.md lists the routes the conformance test checks; every
// route the emulator serves must be there (and nothing else).
func TestSandboxDocsListCheckedRoutes(t *testing.T) {
	raw, err := os.ReadFile("../../docs/sandbox.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	start := strings.Index(doc, "## Schema conformance")
	if start < 0 {
		t.Fatal("docs/sandbox.md has no Schema conformance section")
	}
	section := doc[start+3:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile("`([A-Z]+(?:/[A-Z]+)*) (/[^`]*)`").FindAllStringSubmatch(section, -1) {
		for _, method := range strings.Split(m[1], "/") {
			listed[method+" "+m[2]] = true
		}
	}
	for _, r := range graphRoutes {
		key := r.Method + " " + r.Pattern
		if !listed[key] {
			t.Errorf("docs/sandbox.md does not list %s among the checked routes", key)
		}
		delete(listed, key)
	}
	for key := range listed {
		t.Errorf("docs/sandbox.md lists %s, which the emulator does not serve", key)
	}
}
