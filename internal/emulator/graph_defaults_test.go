package emulator

import (
	"regexp"
	"strconv"
	"testing"
	"time"
)

// graphTimestamp is how the directory and Teams write Edm.DateTimeOffset:
// UTC with seven fractional digits (Graph's own examples, e.g. the
// application resource's createdDateTime "2019-09-17T19:10:35.2742618Z").
var graphTimestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$`)

// Before the fix timestamps had no fraction, so a client parsing a fixed
// whole-second layout passed here and failed against Graph.
func TestDirectoryTimestampsHaveSevenDigits(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	g.clock.Advance(1234567 * time.Microsecond) // a clock with a fraction
	tok := g.token(upnAdmin, "Application.ReadWrite.All", "Group.Read.All", "Organization.Read.All")
	app := g.must(201, g.do("POST", "/v1.0/applications", tok, map[string]any{"displayName": "Timestamps"}))
	pw := g.must(200, g.do("POST", "/v1.0/applications/"+app.str("id")+"/addPassword", tok, map[string]any{}))
	stamps := map[string]any{
		"application.createdDateTime":    app.Body["createdDateTime"],
		"passwordCredential.endDateTime": pw.Body["endDateTime"],
		"organization.createdDateTime":   g.must(200, g.do("GET", "/v1.0/organization", tok, nil)).values()[0]["createdDateTime"],
		"group.createdDateTime":          g.must(200, g.do("GET", "/v1.0/groups", tok, nil)).values()[0]["createdDateTime"],
	}
	for name, v := range stamps {
		s, _ := v.(string)
		if !graphTimestamp.MatchString(s) {
			t.Errorf("%s = %v, want seven fractional digits", name, v)
		}
		if _, err := time.Parse("2006-01-02T15:04:05.0000000Z", s); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if got := app.str("createdDateTime"); got != "2026-03-01T09:00:01.2345670Z" {
		t.Errorf("createdDateTime = %q, want the clock's time to the 100 ns tick", got)
	}
}

// GET /groups/{id} and GET /organization return every default property,
// null when unset (Graph "Get group" response 1; organization resource),
// and createdDateTime is set.
func TestGroupAndOrganizationDefaultProperties(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "Group.Read.All", "Organization.Read.All")
	group := g.must(200, g.do("GET", "/v1.0/groups", tok, nil)).values()[0]
	for _, k := range []string{"expirationDateTime", "isAssignableToRole", "membershipRule", "membershipRuleProcessingState",
		"resourceProvisioningOptions", "resourceBehaviorOptions", "proxyAddresses", "renewedDateTime", "securityIdentifier",
		"onPremisesSyncEnabled", "preferredDataLocation", "theme", "onPremisesProvisioningErrors", "serviceProvisioningErrors"} {
		if _, ok := group[k]; !ok {
			t.Errorf("group lacks %s", k)
		}
	}
	if group["createdDateTime"] == nil {
		t.Error("group createdDateTime is null")
	}
	if sid, _ := group["securityIdentifier"].(string); !regexp.MustCompile(`^S-1-12-1-\d+-\d+-\d+-\d+$`).MatchString(sid) {
		t.Errorf("securityIdentifier = %q", sid)
	}
	org := g.must(200, g.do("GET", "/v1.0/organization", tok, nil)).values()[0]
	for _, k := range []string{"privacyProfile", "provisionedPlans", "defaultUsageLocation", "marketingNotificationEmails",
		"securityComplianceNotificationMails", "securityComplianceNotificationPhones", "partnerTenantType", "onPremisesLastSyncDateTime"} {
		if _, ok := org[k]; !ok {
			t.Errorf("organization lacks %s", k)
		}
	}
	if org["createdDateTime"] == nil {
		t.Error("organization createdDateTime is null")
	}
	if plans, _ := org["provisionedPlans"].([]any); len(plans) == 0 {
		t.Error("no provisionedPlans for a licensed tenant")
	}
}

// cloudSecurityIdentifier follows Entra's object id to SID mapping
// (S-1-12-1- and the GUID's bytes in .NET order read as four uint32s);
// the expected value is worked out by hand: 0x6e8a7a4d, 0x4b4f1c2e,
// 0x5b0c478a, 0x2e1d7f6a.
func TestCloudSecurityIdentifier(t *testing.T) {
	if got := cloudSecurityIdentifier("6e8a7a4d-1c2e-4b4f-8a47-0c5b6a7f1d2e"); got != "S-1-12-1-1854569037-1263475758-1527531402-773685098" {
		t.Errorf("SID = %q", got)
	}
}

// isFallbackPublicClient is null until set, as Graph returns it for a new
// application (application resource: "The default value is null").
func TestIsFallbackPublicClientNullUntilSet(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "Application.ReadWrite.All")
	app := g.must(201, g.do("POST", "/v1.0/applications", tok, map[string]any{"displayName": "Null by default"}))
	if v, ok := app.Body["isFallbackPublicClient"]; !ok || v != nil {
		t.Errorf("new app: isFallbackPublicClient = %v (present %v), want null", v, ok)
	}
	g.must(204, g.do("PATCH", "/v1.0/applications/"+app.str("id"), tok, map[string]any{"isFallbackPublicClient": true}))
	if v := g.must(200, g.do("GET", "/v1.0/applications/"+app.str("id"), tok, nil)).Body["isFallbackPublicClient"]; v != true {
		t.Errorf("after PATCH: %v", v)
	}
}

// Grants listed through a navigation property carry a per-item @odata.id
// (what Graph answers in real tenants; undocumented), the entity set's
// listing does not.
func TestGrantsListedByNavigationCarryODataID(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "DelegatedPermissionGrant.ReadWrite.All", "Directory.Read.All")
	cli := g.spID(GraphCommandLineToolsAppID)
	for _, path := range []string{"/v1.0/servicePrincipals/" + cli + "/oauth2PermissionGrants", "/v1.0/me/oauth2PermissionGrants"} {
		items := g.must(200, g.do("GET", path, tok, nil)).values()
		if len(items) == 0 {
			t.Fatalf("%s: no grants", path)
		}
		want := "https://graph.microsoft.com/v2/" + contosoID + "/oauth2PermissionGrants/" + items[0]["id"].(string)
		if items[0]["@odata.id"] != want {
			t.Errorf("%s: @odata.id = %v, want %s", path, items[0]["@odata.id"], want)
		}
	}
	if items := g.must(200, g.do("GET", "/v1.0/oauth2PermissionGrants", tok, nil)).values(); items[0]["@odata.id"] != nil {
		t.Errorf("entity set item has @odata.id %v", items[0]["@odata.id"])
	}
}

// A scripted 429 without a configured Retry-After still sends a positive
// one, as Graph always does (Microsoft Graph throttling guidance: "the
// Retry-After header ... the number of seconds to wait").
func TestScriptedThrottleRetryAfterPositive(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{Scripted: []ScriptedFault{{Method: "GET", Path: "/organization", Nth: 1, Status: 429}}})
	res := g.do("GET", "/v1.0/organization", g.token(upnAdmin, "Organization.Read.All"), nil)
	if n, err := strconv.Atoi(res.Header.Get("Retry-After")); res.Status != 429 || err != nil || n < 1 {
		t.Errorf("429 Retry-After = %q", res.Header.Get("Retry-After"))
	}
}
