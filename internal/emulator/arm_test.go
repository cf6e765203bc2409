package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const (
	azureCLIAppID        = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
	azurePowerShellAppID = "1950a258-227b-4e31-a9cf-717495945fc2"
	// armDefault is the scope `az login` asks for (MSAL Python appends
	// /.default to the resource https://management.core.windows.net/).
	armDefault = "https://management.core.windows.net//.default"
)

// postForm posts a login form to tenant's endpoint (token or devicecode)
// and decodes the reply.
func (e *loginEnv) postForm(tenant, endpoint string, form url.Values) (int, map[string]any) {
	e.t.Helper()
	resp, err := e.ts.Client().PostForm(e.authority(tenant)+"/oauth2/v2.0/"+endpoint, form)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, decodeJSON(e.t, resp)
}

// deviceCodeAs runs the device code flow as MSAL Python does for `az login
// --use-device-code`: start, approve as upn, poll once.
func (e *loginEnv) deviceCodeAs(tenant, clientID, scope, upn string) (int, map[string]any) {
	e.t.Helper()
	status, dc := e.postForm(tenant, "devicecode", url.Values{"client_id": {clientID}, "scope": {scope}})
	if status != 200 {
		e.t.Fatalf("devicecode: %d %v", status, dc)
	}
	_ = e.srv.ApproveDeviceCode(dc["user_code"].(string), upn) // a failed sign-in reaches the poll
	return e.postForm(tenant, "token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"},
		"client_id": {clientID}, "device_code": {dc["device_code"].(string)}, "client_info": {"1"}})
}

// arm calls an ARM read with a token, on the management host.
func (e *loginEnv) arm(path, token string) (int, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.ts.URL+path, nil)
	req.Host = "management.azure.com"
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, decodeJSON(e.t, resp)
}

// `az login --use-device-code` as the Azure CLI does it: a device code at
// /organizations for an ARM token, GET /tenants and GET /subscriptions on
// ARM, then a Graph token for `az ad` from the refresh token at the
// tenant. Entra issues ARM tokens to any client ("Tenants - List" and
// "Subscriptions - List" answer with the tenant and, without Azure
// subscriptions, an empty list), and pre-authorizes the Azure CLI, so no
// consent is asked. Before, the emulator refused every resource but Graph
// (AADSTS500011) and knew no Azure CLI client (AADSTS700016).
func TestAzureCLIDeviceCodeLogin(t *testing.T) {
	env := newLoginEnv(t, Options{})
	status, tok := env.deviceCodeAs("organizations", azureCLIAppID, armDefault+" offline_access openid profile", ritaUPN)
	if status != 200 {
		t.Fatalf("token: %d %v", status, tok)
	}
	armToken := tok["access_token"].(string)
	checkClaims(t, rawClaims(t, armToken), map[string]any{"aud": "https://management.core.windows.net/",
		"scp": "user_impersonation", "appid": azureCLIAppID, "appidacr": "0", "app_displayname": "Microsoft Azure CLI",
		"upn": ritaUPN, "ver": "1.0"}, v2OnlyClaims...)
	var provisioned bool
	env.update(func(_ *State, tn *Tenant) { provisioned = tn.ServicePrincipalByAppID(azureCLIAppID) != nil })
	if !provisioned {
		t.Error("the Azure CLI's service principal was not created on first sign-in")
	}

	status, tenants := env.arm("/tenants?api-version=2022-12-01", armToken)
	list, _ := tenants["value"].([]any)
	if status != 200 || len(list) != 1 || list[0].(map[string]any)["tenantId"] != contosoID ||
		list[0].(map[string]any)["defaultDomain"] != contosoDomain {
		t.Fatalf("GET /tenants: %d %v", status, tenants)
	}
	status, subs := env.arm("/subscriptions?api-version=2022-12-01", armToken)
	if status != 200 || toJSON(subs) != `{"count":{"type":"Total","value":0},"value":[]}` {
		t.Errorf("GET /subscriptions: %d %v", status, subs)
	}

	// az ad: a Graph token from the refresh token, at the tenant.
	status, graphTok := env.postForm(contosoID, "token", url.Values{"grant_type": {"refresh_token"}, "client_id": {azureCLIAppID},
		"refresh_token": {tok["refresh_token"].(string)}, "scope": {"https://graph.microsoft.com//.default offline_access openid profile"}})
	if status != 200 {
		t.Fatalf("Graph token: %d %v", status, graphTok)
	}
	claims := env.verify(graphTok["access_token"].(string))
	if !claims.HasScope("Directory.AccessAsUser.All") || !claims.HasScope("Application.ReadWrite.All") {
		t.Errorf("Graph scopes = %q", claims.Scopes)
	}
	req, _ := http.NewRequest(http.MethodGet, env.ts.URL+"/v1.0/me", nil)
	req.Header.Set("Authorization", "Bearer "+graphTok["access_token"].(string))
	resp, err := env.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /me with the Azure CLI's Graph token: %d", resp.StatusCode)
	}
	// Azure PowerShell signs in the same way.
	if status, body := env.deviceCodeAs("organizations", azurePowerShellAppID, armDefault+" offline_access openid profile", ritaUPN); status != 200 {
		t.Errorf("Azure PowerShell: %d %v", status, body)
	}
}

// `az login --service-principal`: client credentials for ARM. The token
// carries no roles (ARM authorizes by Azure RBAC, not app roles).
func TestAzureCLIServicePrincipalLogin(t *testing.T) {
	env := newLoginEnv(t, Options{})
	appID := env.addDaemonApp("s3cret-value", env.clock.Now().Add(24*time.Hour), nil)
	status, tok := env.postForm(contosoID, "token", url.Values{"grant_type": {"client_credentials"}, "client_id": {appID},
		"client_secret": {"s3cret-value"}, "scope": {armDefault}})
	if status != 200 {
		t.Fatalf("token: %d %v", status, tok)
	}
	armToken := tok["access_token"].(string)
	checkClaims(t, rawClaims(t, armToken), map[string]any{"aud": "https://management.core.windows.net/", "appidacr": "1", "idtyp": "app"},
		"roles", "scp")
	if status, subs := env.arm("/subscriptions?api-version=2022-12-01", armToken); status != 200 || len(subs["value"].([]any)) != 0 {
		t.Errorf("GET /subscriptions: %d %v", status, subs)
	}
	// The bare path works on the emulator's own address too (one
	// `sandbox serve` address for everything).
	req, _ := http.NewRequest(http.MethodGet, env.ts.URL+"/tenants?api-version=2020-01-01", nil)
	req.Header.Set("Authorization", "Bearer "+armToken)
	resp, err := env.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("bare /tenants: %d", resp.StatusCode)
	}
}

// Each service accepts only tokens issued for it: ARM answers a Graph
// token 401 InvalidAuthenticationTokenAudience naming its audiences,
// Graph answers an ARM token 401 InvalidAuthenticationToken; ARM also
// requires the Authorization header and api-version.
func TestARMAndGraphAudiences(t *testing.T) {
	env := newLoginEnv(t, Options{})
	graphTok, err := env.srv.IssueAccessToken(TokenRequest{UPN: ritaUPN, Scopes: []string{"User.Read"}})
	if err != nil {
		t.Fatal(err)
	}
	status, body := env.arm("/tenants?api-version=2022-12-01", graphTok)
	e, _ := body["error"].(map[string]any)
	if status != 401 || e["code"] != "InvalidAuthenticationTokenAudience" || !strings.Contains(e["message"].(string), "'https://management.core.windows.net/'") {
		t.Errorf("Graph token at ARM: %d %v", status, body)
	}
	if status, body := env.arm("/tenants?api-version=2022-12-01", ""); status != 401 || body["error"].(map[string]any)["code"] != "AuthenticationFailed" {
		t.Errorf("no token: %d %v", status, body)
	}

	appID := env.addDaemonApp("s3cret-value", env.clock.Now().Add(24*time.Hour), nil)
	_, tok := env.postForm(contosoID, "token", url.Values{"grant_type": {"client_credentials"}, "client_id": {appID},
		"client_secret": {"s3cret-value"}, "scope": {"https://management.azure.com/.default"}})
	armToken := tok["access_token"].(string)
	if aud := rawClaims(t, armToken)["aud"]; aud != "https://management.azure.com" {
		t.Errorf("aud = %v, want the resource as requested", aud)
	}
	if status, body := env.arm("/tenants", armToken); status != 400 || body["error"].(map[string]any)["code"] != "MissingApiVersionParameter" {
		t.Errorf("no api-version: %d %v", status, body)
	}
	req, _ := http.NewRequest(http.MethodGet, env.ts.URL+"/v1.0/organization", nil)
	req.Header.Set("Authorization", "Bearer "+armToken)
	resp, err := env.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	gb := decodeJSON(t, resp)
	resp.Body.Close()
	if resp.StatusCode != 401 || gb["error"].(map[string]any)["message"] != errTokenAudience.Error() {
		t.Errorf("ARM token at Graph: %d %v", resp.StatusCode, gb)
	}
}

// At /organizations nobody has signed in yet, so Entra cannot know the
// tenant: an unknown client is not reported as missing from Contoso, and
// the device code endpoint does not resolve the resource (the approving
// sign-in does, and its failure reaches the poll). Before, both answered
// against the home tenant.
func TestOrganizationsResolvesNoTenantBeforeSignIn(t *testing.T) {
	env := newLoginEnv(t, Options{})
	status, body := env.postForm("organizations", "devicecode", url.Values{"client_id": {"00000000-0000-0000-0000-00000000beef"}, "scope": {"openid"}})
	desc, _ := body["error_description"].(string)
	if status != 400 || bodyCode(body) != 700016 || strings.Contains(desc, "Contoso") || !strings.Contains(desc, "'organizations'") {
		t.Errorf("unknown client: %d %s", status, desc)
	}
	// At the tenant itself the directory is named.
	_, body = env.postForm(contosoID, "devicecode", url.Values{"client_id": {"00000000-0000-0000-0000-00000000beef"}, "scope": {"openid"}})
	if desc, _ := body["error_description"].(string); !strings.Contains(desc, "'Contoso'") {
		t.Errorf("at the tenant: %s", desc)
	}

	status, body = env.deviceCodeAs("organizations", GraphCommandLineToolsAppID, "api://not-in-contoso/.default offline_access", ritaUPN)
	if status != 400 || bodyCode(body) != 500011 {
		t.Errorf("unknown resource after sign-in: %d %v", status, body)
	}
	if status, body := env.postForm(contosoID, "devicecode", url.Values{"client_id": {GraphCommandLineToolsAppID},
		"scope": {"api://not-in-contoso/.default"}}); status != 400 || bodyCode(body) != 500011 {
		t.Errorf("at the tenant the resource is checked at once: %d %v", status, body)
	}
	if status, body := env.postForm("organizations", "devicecode", url.Values{"client_id": {GraphCommandLineToolsAppID},
		"scope": {"User.Read api://other/read"}}); status != 400 || bodyCode(body) != 700022 {
		t.Errorf("two resources: %d %v", status, body)
	}
}

// The Azure CLI turns `--tenant contoso.onmicrosoft.com` into the tenant
// id by reading the v1.0 discovery document's issuer; before, that
// document was a 404 and `az login --service-principal --tenant DOMAIN`
// failed with "Failed to resolve tenant".
func TestV1DiscoveryResolvesTenantDomain(t *testing.T) {
	env := newLoginEnv(t, Options{})
	resp, err := env.ts.Client().Get(env.authority(contosoDomain) + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	doc := decodeJSON(t, resp)
	resp.Body.Close()
	issuer, _ := doc["issuer"].(string)
	if resp.StatusCode != 200 || strings.Split(issuer, "/")[3] != contosoID || doc["token_endpoint"] != env.authority(contosoID)+"/oauth2/token" {
		t.Errorf("v1 discovery: %d %v", resp.StatusCode, doc)
	}
}
