package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// Microsoft Graph's service principal lists its URIs among its
// servicePrincipalNames (as GET /servicePrincipals(appId='00000003-...')
// shows in a real tenant), so a client that names a permission
// "https://graph.microsoft.com/User.Read" finds the resource by that name
// (Graph "List servicePrincipals", example "Get service principals by
// servicePrincipalNames" with $filter=servicePrincipalNames/any(...)).
func TestGraphServicePrincipalNames(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "Application.Read.All")
	for _, name := range []string{"https://graph.microsoft.com", "https://graph.microsoft.com/", "https://canary.graph.microsoft.com", "https://ags.windows.net", GraphAppID} {
		res := g.must(200, g.do("GET", "/v1.0/servicePrincipals?$filter=servicePrincipalNames/any(c:c eq '"+name+"')", tok, nil))
		if v := res.values(); len(v) != 1 || v[0]["appId"] != GraphAppID {
			t.Errorf("%s: %v", name, v)
		}
	}
	// Before: a vendor's service principal still lists only its appId.
	res := g.must(200, g.do("GET", "/v1.0/servicePrincipals(appId='"+ebmsAppID+"')", tok, nil))
	if names, _ := res.Body["servicePrincipalNames"].([]any); len(names) != 1 || names[0] != ebmsAppID {
		t.Errorf("EBMS names = %v", res.Body["servicePrincipalNames"])
	}
}

// Structural properties are addressable as path segments (OData URL
// conventions 4.6, "Addressing a Property"; Graph answers GET
// /servicePrincipals/{id}/appRoles with the collection and its
// @odata.context). Segments the emulator does not model answer 501, never
// a 400 saying Graph lacks them; only an unknown first segment (no entity
// set or singleton of Graph's $metadata) is Graph's 400.
func TestPropertySegmentsAndUnmodelledRoutes(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "Application.Read.All", "User.Read.All", "Group.Read.All")
	graphSP := g.spID(GraphAppID)

	res := g.must(200, g.do("GET", "/v1.0/servicePrincipals/"+graphSP+"/appRoles", tok, nil))
	if ctx := res.str("@odata.context"); ctx != "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals('"+graphSP+"')/appRoles" {
		t.Errorf("@odata.context = %q", ctx)
	}
	if len(res.values()) == 0 || res.values()[0]["value"] == nil {
		t.Errorf("appRoles = %v", res.Body["value"])
	}
	res = g.must(200, g.do("GET", "/v1.0/servicePrincipals(appId='"+GraphAppID+"')/oauth2PermissionScopes", tok, nil))
	if len(res.values()) == 0 {
		t.Errorf("oauth2PermissionScopes = %v", res.Body)
	}
	res = g.must(200, g.do("GET", "/v1.0/users/"+upnRita+"/displayName", tok, nil))
	if res.Body["value"] != "Rita Recruiter" {
		t.Errorf("displayName = %v", res.Body)
	}
	// A complex property is the object itself; a null one is 204.
	res = g.must(200, g.do("GET", "/v1.0/servicePrincipals/"+graphSP+"/info", tok, nil))
	if _, ok := res.Body["logoUrl"]; !ok || res.str("@odata.context") == "" {
		t.Errorf("info = %v", res.Body)
	}
	g.must(http.StatusNoContent, g.do("GET", "/v1.0/servicePrincipals/"+graphSP+"/homepage", tok, nil))
	// The property exists, the object does not: 404 as for the entity.
	g.must(404, g.do("GET", "/v1.0/servicePrincipals/00000000-0000-0000-0000-00000000abcd/appRoles", tok, nil))

	for _, tc := range []struct{ method, path string }{
		{"GET", "/v1.0/servicePrincipals/" + graphSP + "/owners"},                      // navigation property
		{"GET", "/v1.0/servicePrincipals/" + graphSP + "/claimsPolicy"},                // another one
		{"GET", "/v1.0/users/" + upnRita + "/manager"},                                 // users' too
		{"POST", "/v1.0/servicePrincipals/" + graphSP + "/addTokenSigningCertificate"}, // an action
		{"PATCH", "/v1.0/organization/" + contosoID},                                   // a method
		{"GET", "/v1.0/identity/conditionalAccess/namedLocations"},                     // a path
	} {
		res := g.do(tc.method, tc.path, tok, map[string]any{})
		if res.Status != http.StatusNotImplemented || res.errCode() != "NotImplemented" {
			t.Errorf("%s %s: %d %s %q, want 501", tc.method, tc.path, res.Status, res.errCode(), res.errMessage())
		}
	}
	res = g.do("GET", "/v1.0/applicationz", tok, nil)
	if res.Status != 400 || res.errMessage() != "Resource not found for the segment 'applicationz'." {
		t.Errorf("unknown root: %d %q", res.Status, res.errMessage())
	}
}

// Accept: application/json;odata.metadata=none leaves out control
// information but keeps paging (OData JSON Format 4.01, 3.1.3); before,
// the header was ignored.
func TestODataMetadataNone(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "User.Read.All", "Group.Read.All")
	res := g.must(200, g.do("GET", "/v1.0/users?$top=2", tok, nil, "Accept", "application/json;odata.metadata=none"))
	if _, ok := res.Body["@odata.context"]; ok {
		t.Error("@odata.context with metadata=none")
	}
	if res.str("@odata.nextLink") == "" || len(res.values()) != 2 {
		t.Errorf("paging lost: %v", res.Body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, "odata.metadata=none") {
		t.Errorf("Content-Type = %q", ct)
	}
	members := g.must(200, g.do("GET", "/v1.0/groups", tok, nil, "Accept", "application/json; odata.metadata=none")).values()
	for _, m := range members {
		for k := range m {
			if strings.HasPrefix(k, "@odata.") {
				t.Errorf("item keeps %s", k)
			}
		}
	}
	// The default (minimal) keeps them.
	if res := g.must(200, g.do("GET", "/v1.0/users?$top=2", tok, nil)); res.str("@odata.context") == "" {
		t.Error("no @odata.context by default")
	}
}
