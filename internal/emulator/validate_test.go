package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRedirectURIProblem(t *testing.T) {
	long := "https://app.example.com/" + strings.Repeat("a", 240)
	tests := []struct {
		platform, uri, audience string
		valid                   bool
	}{
		{"web", "https://app.example.com/cb", "AzureADMyOrg", true},
		{"web", "http://localhost:8400/cb", "AzureADMyOrg", true},
		{"web", "http://127.0.0.1/cb", "AzureADMyOrg", true},
		{"web", "http://contoso.com/cb", "AzureADMyOrg", false},
		{"web", "http://[::1]/cb", "AzureADMyOrg", false},
		{"web", "https://app.example.com/cb#frag", "AzureADMyOrg", false},
		{"web", long, "AzureADMyOrg", false},
		{"web", "https://app.example.com/c,b", "AzureADMyOrg", false},
		{"web", "https://app.example.com/c;b", "AzureADMyOrg", false},
		{"web", "https://app.example.com/cb?tenant=x", "AzureADMyOrg", true},
		{"web", "https://app.example.com/cb?tenant=x", "AzureADandPersonalMicrosoftAccount", false},
		{"web", "https://*.example.com/cb", "AzureADMultipleOrgs", true},
		{"web", "https://*.example.com/cb", "AzureADandPersonalMicrosoftAccount", false},
		{"spa", "https://*.example.com/cb", "AzureADMyOrg", false},
		{"spa", "msal://auth", "AzureADMyOrg", false},
		{"publicClient", "msal14d82eec://auth", "AzureADMyOrg", true},
		{"publicClient", "http://example.com", "AzureADMyOrg", false},
		{"web", "not a uri", "AzureADMyOrg", false},
		{"web", "", "AzureADMyOrg", false},
	}
	for _, tt := range tests {
		problem := redirectURIProblem(tt.platform, tt.uri, tt.audience)
		if (problem == "") != tt.valid {
			t.Errorf("%s %q (%s): problem %q, want valid=%v", tt.platform, tt.uri, tt.audience, problem, tt.valid)
		}
	}
}

func TestRedirectURILimits(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "Application.ReadWrite.All")
	uris := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("https://app.example.com/cb%d", i)
		}
		return out
	}
	for _, tt := range []struct {
		audience string
		n        int
		status   int
	}{
		{"AzureADMyOrg", 256, http.StatusCreated},
		{"AzureADMyOrg", 257, http.StatusBadRequest},
		{"AzureADandPersonalMicrosoftAccount", 100, http.StatusCreated},
		{"AzureADandPersonalMicrosoftAccount", 101, http.StatusBadRequest},
	} {
		res := g.do("POST", "/v1.0/applications", tok, map[string]any{"displayName": "x", "signInAudience": tt.audience,
			"web": map[string]any{"redirectUris": uris(tt.n)}})
		if res.Status != tt.status {
			t.Errorf("%s with %d URIs: %d %v", tt.audience, tt.n, res.Status, res.Body)
		}
	}
}

// TestApplicationValidation covers each rule with Graph's status, code and
// message.
func TestApplicationValidation(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "Application.ReadWrite.All")
	base := func(extra map[string]any) map[string]any {
		body := map[string]any{"displayName": "App", "signInAudience": "AzureADMyOrg"}
		for k, v := range extra {
			body[k] = v
		}
		return body
	}
	graphRRA := func(id, typ string) []any {
		return []any{map[string]any{"resourceAppId": GraphAppID, "resourceAccess": []any{map[string]any{"id": id, "type": typ}}}}
	}
	tests := []struct {
		name   string
		body   any
		status int
		code   string
		msg    string
	}{
		{"ok", base(nil), 201, "", ""},
		{"no displayName", map[string]any{"signInAudience": "AzureADMyOrg"}, 400, "Request_BadRequest", "Invalid value specified for property 'displayName' of resource 'Application'."},
		{"bad audience", base(map[string]any{"signInAudience": "Everyone"}), 400, "Request_BadRequest", "Invalid value specified for property 'signInAudience' of resource 'Application'."},
		{"http web uri", base(map[string]any{"web": map[string]any{"redirectUris": []string{"http://contoso.com/cb"}}}), 400, "Request_BadRequest", "Invalid value specified for property 'web' of resource 'Application'."},
		{"spa fragment", base(map[string]any{"spa": map[string]any{"redirectUris": []string{"https://a.example.com/#x"}}}), 400, "Request_BadRequest", "Invalid value specified for property 'spa' of resource 'Application'."},
		{"public client http", base(map[string]any{"publicClient": map[string]any{"redirectUris": []string{"http://example.com"}}}), 400, "Request_BadRequest", "Invalid value specified for property 'publicClient' of resource 'Application'."},
		{"unknown property", base(map[string]any{"colour": "blue"}), 400, "BadRequest", "Property 'colour' does not exist on type 'microsoft.graph.application'. Make sure to only use property names that are defined by the type or mark the type as open type."},
		{"unknown nested property", base(map[string]any{"web": map[string]any{"redirectUri": "https://x"}}), 400, "BadRequest", "Property 'redirectUri' does not exist on type 'microsoft.graph.webApplication'. Make sure to only use property names that are defined by the type or mark the type as open type."},
		{"passwordCredentials", base(map[string]any{"passwordCredentials": []any{map[string]any{"displayName": "x"}}}), 400, "Request_BadRequest", "New password credentials must be generated with service actions."},
		{"read-only appId", base(map[string]any{"appId": "00000000-0000-0000-0000-000000000001"}), 400, "Request_BadRequest", "Property 'appId' is read-only and cannot be set."},
		// Graph stores permission ids its API does not publish; consent
		// fails later (TestAdminConsentToUnpublishedPermission).
		{"unknown scope id", base(map[string]any{"requiredResourceAccess": graphRRA("11111111-1111-1111-1111-111111111111", "Scope")}), 201, "", ""},
		{"scope id as role", base(map[string]any{"requiredResourceAccess": graphRRA("e1fe6dd8-ba31-4d61-89e7-88639da4683d", "Role")}), 201, "", ""},
		{"known scope", base(map[string]any{"requiredResourceAccess": graphRRA("e1fe6dd8-ba31-4d61-89e7-88639da4683d", "Scope")}), 201, "", ""},
		{"unknown resource", base(map[string]any{"requiredResourceAccess": []any{map[string]any{"resourceAppId": "22222222-2222-2222-2222-222222222222", "resourceAccess": []any{}}}}), 201, "", ""},
		{"permission id not a GUID", base(map[string]any{"requiredResourceAccess": graphRRA("User.Read", "Scope")}), 400, "Request_BadRequest", "Invalid value specified for property 'requiredResourceAccess' of resource 'Application'."},
		{"permission type neither Scope nor Role", base(map[string]any{"requiredResourceAccess": graphRRA("e1fe6dd8-ba31-4d61-89e7-88639da4683d", "Delegated")}), 400, "Request_BadRequest", "Invalid value specified for property 'requiredResourceAccess' of resource 'Application'."},
		{"identifier uri foreign domain", base(map[string]any{"identifierUris": []string{"https://fabrikam.com/api"}}), 400, "HostNameNotOnVerifiedDomain", "Values of identifierUris property must use a verified domain of the organization or its subdomain: 'https://fabrikam.com/api'"},
		{"identifier uri api scheme", base(map[string]any{"identifierUris": []string{"api://interview-scheduler"}}), 201, "", ""},
		{"bad key", base(map[string]any{"keyCredentials": []any{map[string]any{"type": "AsymmetricX509Cert", "usage": "Verify", "key": "bm90IGEgY2VydA=="}}}), 400, "Request_BadRequest", "Invalid certificate: Key value is invalid certificate"},
		{"wrong type", base(map[string]any{"tags": "x"}), 400, "BadRequest", "Cannot convert the literal 'x' to the expected type of property 'tags'."},
		{"not JSON", "{", 400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."},
		{"unmodelled property", base(map[string]any{"optionalClaims": map[string]any{"idToken": []any{map[string]any{"name": "email"}}}}), 501, "NotImplemented", ""},
		{"unmodelled property, empty", base(map[string]any{"optionalClaims": nil, "info": map[string]any{}}), 201, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := g.do("POST", "/v1.0/applications", tok, tt.body)
			if res.Status != tt.status || res.errCode() != tt.code || (tt.msg != "" && res.errMessage() != tt.msg) {
				t.Errorf("got %d %s %q, want %d %s %q", res.Status, res.errCode(), res.errMessage(), tt.status, tt.code, tt.msg)
			}
		})
	}
}

func TestKeyCredentialAndLifetimePolicy(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "Application.ReadWrite.All")
	cert, _ := selfSignedCert(t)
	app := g.must(201, g.do("POST", "/v1.0/applications", tok, map[string]any{"displayName": "Daemon", "signInAudience": "AzureADMyOrg",
		"keyCredentials": []any{map[string]any{"type": "AsymmetricX509Cert", "usage": "Verify", "key": cert.Raw, "displayName": "CN=daemon"}}}))
	keys := app.Body["keyCredentials"].([]any)
	if len(keys) != 1 || keys[0].(map[string]any)["key"] != nil {
		t.Fatalf("keyCredentials = %v (key must be hidden unless selected)", keys)
	}
	sel := g.must(200, g.do("GET", "/v1.0/applications/"+app.str("id")+"?$select=keyCredentials", tok, nil))
	if sel.Body["keyCredentials"].([]any)[0].(map[string]any)["key"] == nil {
		t.Error("$select=keyCredentials did not return the key")
	}
	g.tenant(func(tn *Tenant) {
		tn.AppManagementPolicy = AppManagementPolicy{IsEnabled: true, MaxPasswordLifetime: "P90D"}
	})
	id := app.str("id")
	end := g.clock.Now().Add(120 * 24 * time.Hour).Format(time.RFC3339)
	res := g.do("POST", "/v1.0/applications/"+id+"/addPassword", tok, map[string]any{"passwordCredential": map[string]any{"endDateTime": end}})
	if res.Status != 400 || !strings.Contains(res.errMessage(), "P90D") {
		t.Errorf("lifetime cap: %d %v", res.Status, res.Body)
	}
	g.must(200, g.do("POST", "/v1.0/applications/"+id+"/addPassword", tok, map[string]any{"passwordCredential": map[string]any{
		"endDateTime": g.clock.Now().Add(30 * 24 * time.Hour).Format(time.RFC3339)}}))
	g.tenant(func(tn *Tenant) { tn.AppManagementPolicy.PasswordAdditionBlocked = true })
	if res := g.do("POST", "/v1.0/applications/"+id+"/addPassword", tok, nil); res.Status != 400 {
		t.Errorf("blocked: %d %v", res.Status, res.Body)
	}
	if res := g.do("POST", "/v1.0/applications/"+id+"/removePassword", tok, map[string]any{"keyId": "00000000-0000-0000-0000-000000000009"}); res.Status != 404 {
		t.Errorf("unknown keyId: %d", res.Status)
	}
}

func TestInvalidObjectIdentifierAndNotFound(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "Application.ReadWrite.All", "Directory.Read.All")
	tests := []struct {
		path, code, msg string
		status          int
	}{
		{"/v1.0/applications/not-a-guid", "Request_BadRequest", "Invalid object identifier 'not-a-guid'.", 400},
		{"/v1.0/applications/00000000-0000-0000-0000-00000000abcd", "Request_ResourceNotFound", "Resource '00000000-0000-0000-0000-00000000abcd' does not exist or one of its queried reference-property objects are not present.", 404},
		{"/v1.0/servicePrincipals(appId='00000000-0000-0000-0000-00000000abcd')", "Request_ResourceNotFound", "Resource '00000000-0000-0000-0000-00000000abcd' does not exist or one of its queried reference-property objects are not present.", 404},
		{"/v1.0/groups/xyz", "Request_BadRequest", "Invalid object identifier 'xyz'.", 400},
		{"/v1.0/applicationz", "BadRequest", "Resource not found for the segment 'applicationz'.", 400},
		// Below the root the emulator cannot know whether Graph has a
		// segment, so it never claims Graph lacks it.
		{"/v1.0/applications/00000000-0000-0000-0000-00000000abcd/bogus", "NotImplemented", "The emulator does not support GET /v1.0/applications/00000000-0000-0000-0000-00000000abcd/bogus.", 501},
		{"/v1.0/applications?$top=1000", "Request_UnsupportedQuery", "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.", 400},
		{"/v1.0/applications?$select=nope", "BadRequest", "Could not find a property named 'nope' on type 'microsoft.graph.application'.", 400},
		{"/v1.0/applications?$filter=notes eq 'x'", "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified for property 'notes' of resource 'Application'.", 400},
		{"/v1.0/applications?$count=true", "Request_BadRequest", "$count is not currently supported.", 400},
		{"/v1.0/applications?$skip=5", "Request_BadRequest", "'$skip' is not supported by the service.", 400},
		{"/v1.0/applications?$foo=1", "BadRequest", "The query parameter '$foo' is not supported.", 400},
		{"/v1.0/organization/" + "8a1c3f52-7d4e-4b9a-9c61-2f0e5d7a4b13" + "?$filter=id eq 'x'", "BadRequest", "The query specified in the URI is not valid. Query option 'Filter' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.", 400},
	}
	for _, tt := range tests {
		res := g.do("GET", tt.path, tok, nil)
		if res.Status != tt.status || res.errCode() != tt.code || res.errMessage() != tt.msg {
			t.Errorf("GET %s: %d %s %q, want %d %s %q", tt.path, res.Status, res.errCode(), res.errMessage(), tt.status, tt.code, tt.msg)
		}
	}
	// A method the emulator does not serve is 501, not Graph's 405: PATCH
	// /organization/{id} exists in Graph, and the emulator cannot tell
	// which methods do not.
	if res := g.do("DELETE", "/v1.0/organization", tok, nil); res.Status != http.StatusNotImplemented {
		t.Errorf("DELETE /organization: %d", res.Status)
	}
}

func TestParseISODuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"P90D": 90 * 24 * time.Hour, "P1Y": 365 * 24 * time.Hour, "PT12H": 12 * time.Hour, "P1DT1H": 25 * time.Hour} {
		if got, ok := parseISODuration(in); !ok || got != want {
			t.Errorf("%s = %v %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "P", "90D", "PT", "P1W"} {
		if _, ok := parseISODuration(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}
