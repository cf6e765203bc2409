package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const ebmsRedirect = "https://ebms-vendor.example.invalid/oauth/microsoft/callback"

// get fetches a login URL without following redirects.
func (e *loginEnv) get(rawURL string) (*http.Response, string) {
	e.t.Helper()
	resp, err := e.noRedirectClient().Get(rawURL)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// redirectParams parses the query of a redirect response.
func redirectParams(t *testing.T, resp *http.Response) url.Values {
	t.Helper()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d, want a redirect", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc.Query()
}

func TestAdminConsentV1(t *testing.T) {
	env := newLoginEnv(t, Options{})
	env.update(func(st *State, tn *Tenant) {
		// An earlier per-user grant and tenant-wide scope must survive.
		ebms := tn.ServicePrincipalByAppID(ebmsAppID)
		graph := tn.ServicePrincipalByAppID(GraphAppID)
		mergeGrant(st, tn, ebms, graph, "AllPrincipals", "", []string{"Mail.Read"})
		mergeGrant(st, tn, ebms, graph, "Principal", tn.UserByIDOrUPN(ritaUPN).ID, []string{"User.Read"})
	})
	resp, _ := env.get(env.authority(contosoDomain) + "/adminconsent?" + url.Values{
		"client_id": {ebmsAppID}, "redirect_uri": {ebmsRedirect}, "state": {"xyz"}, "login_hint": {adminUPN}}.Encode())
	q := redirectParams(t, resp)
	if q.Get("admin_consent") != "True" || q.Get("tenant") != contosoID || q.Get("state") != "xyz" {
		t.Errorf("redirect = %v", q)
	}
	st, _ := env.srv.Snapshot()
	tn := st.HomeTenant()
	ebms, graph := tn.ServicePrincipalByAppID(ebmsAppID), tn.ServicePrincipalByAppID(GraphAppID)
	all := grantedScopes(tn, ebms, graph, "")
	for _, want := range []string{"Mail.Read", "User.Read", "Calendars.ReadWrite", "OnlineMeetings.ReadWrite", "Place.Read.All", "offline_access"} {
		if !containsFold(all, want) {
			t.Errorf("tenant-wide grant %v lacks %s", all, want)
		}
	}
	if len(tn.Grants) != 3 {
		t.Errorf("want the seed grant, the merged tenant-wide grant and Rita's grant, got %d grants", len(tn.Grants))
	}
}

// Entra consents to an app's whole requiredResourceAccess or nothing: one
// id its API does not publish fails the consent with AADSTS650053, and no
// grant is written.
func TestAdminConsentToUnpublishedPermission(t *testing.T) {
	env := newLoginEnv(t, Options{})
	const stale = "11111111-1111-4111-8111-111111111111"
	env.update(func(st *State, tn *Tenant) {
		app, _ := st.ApplicationAnywhere(ebmsAppID)
		app.RequiredResourceAccess[0].ResourceAccess = append(app.RequiredResourceAccess[0].ResourceAccess, ResourceAccess{ID: stale, Type: "Scope"})
	})
	before, _ := env.srv.Snapshot()
	resp, _ := env.get(env.authority(contosoDomain) + "/adminconsent?" + url.Values{
		"client_id": {ebmsAppID}, "redirect_uri": {ebmsRedirect}, "login_hint": {adminUPN}}.Encode())
	q := redirectParams(t, resp)
	if !strings.HasPrefix(q.Get("error_description"), "AADSTS650053: The application 'EBMS Kalenderintegration' asked for scope '"+stale+
		"' that doesn't exist on the resource '"+GraphAppID+"'. Contact the app vendor.") {
		t.Errorf("redirect = %v", q)
	}
	after, _ := env.srv.Snapshot()
	if len(after.HomeTenant().Grants) != len(before.HomeTenant().Grants) {
		t.Error("a grant was written although consent failed")
	}
}

func TestAdminConsentV2(t *testing.T) {
	tests := []struct {
		name      string
		scope     string
		upn       string
		wantError string // AADSTS code in error_description, "" for success
		wantRole  bool
		wantScope string
	}{
		{name: ".default grants configured scopes and app roles", scope: "https://graph.microsoft.com/.default", upn: adminUPN,
			wantRole: true, wantScope: "https://graph.microsoft.com/User.Read"},
		{name: "explicit scopes only", scope: "https://graph.microsoft.com/User.Read", upn: "appadmin@contoso.onmicrosoft.com",
			wantScope: "https://graph.microsoft.com/User.Read"},
		{name: "application admin cannot grant Graph app roles", scope: "https://graph.microsoft.com/.default", upn: "appadmin@contoso.onmicrosoft.com",
			wantError: "AADSTS90094"},
		{name: "non-admin", scope: "https://graph.microsoft.com/User.Read", upn: ritaUPN, wantError: "AADSTS90094"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newLoginEnv(t, Options{})
			// A daemon-style role on EBMS makes .default include an app role.
			env.update(func(st *State, tn *Tenant) {
				app, _ := st.ApplicationAnywhere(ebmsAppID)
				app.RequiredResourceAccess[0].ResourceAccess = append(app.RequiredResourceAccess[0].ResourceAccess,
					ResourceAccess{ID: "df021288-bdef-4463-88db-98f22de89214", Type: "Role"})
			})
			resp, _ := env.get(env.authority(contosoID) + "/v2.0/adminconsent?" + url.Values{
				"client_id": {ebmsAppID}, "redirect_uri": {ebmsRedirect}, "scope": {tt.scope}, "login_hint": {tt.upn}}.Encode())
			q := redirectParams(t, resp)
			st, _ := env.srv.Snapshot()
			tn := st.HomeTenant()
			roles := assignedRoleValues(tn, tn.ServicePrincipalByAppID(ebmsAppID), tn.ServicePrincipalByAppID(GraphAppID))
			if tt.wantError != "" {
				if q.Get("error") != "access_denied" || !strings.HasPrefix(q.Get("error_description"), tt.wantError) || len(roles) != 0 {
					t.Errorf("redirect %v, roles %v", q, roles)
				}
				return
			}
			if q.Get("admin_consent") != "True" || !strings.Contains(q.Get("scope"), tt.wantScope) || (len(roles) > 0) != tt.wantRole {
				t.Errorf("redirect %v, roles %v", q, roles)
			}
		})
	}
}

func TestAdminConsentWithoutRedirectURIRecordsThenFails(t *testing.T) {
	env := newLoginEnv(t, Options{})
	env.update(func(st *State, _ *Tenant) {
		app, _ := st.ApplicationAnywhere(ebmsAppID)
		app.WebRedirectURIs = nil
	})
	resp, page := env.get(env.authority(contosoID) + "/adminconsent?client_id=" + ebmsAppID + "&login_hint=" + url.QueryEscape(adminUPN))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "AADSTS500113") {
		t.Errorf("%d %s", resp.StatusCode, page)
	}
	st, _ := env.srv.Snapshot()
	tn := st.HomeTenant()
	if got := grantedScopes(tn, tn.ServicePrincipalByAppID(ebmsAppID), tn.ServicePrincipalByAppID(GraphAppID), ""); !containsFold(got, "Calendars.ReadWrite") {
		t.Errorf("consent not recorded: %v", got)
	}
}

func authorizeURL(env *loginEnv, params url.Values) string {
	base := url.Values{"client_id": {ebmsAppID}, "response_type": {"code"}, "redirect_uri": {ebmsRedirect},
		"scope": {"openid profile offline_access User.Read"}, "state": {"s1"}}
	for k, v := range params {
		base[k] = v
	}
	return env.authority(contosoID) + "/oauth2/v2.0/authorize?" + base.Encode()
}

func TestAuthorizeErrors(t *testing.T) {
	tests := []struct {
		name   string
		params url.Values
		setup  func(st *State, tn *Tenant)
		page   string // AADSTS shown on an error page (no redirect)
		code   string // AADSTS in the error redirect
		error  string
	}{
		{name: "redirect URI not registered", params: url.Values{"redirect_uri": {"https://evil.example/cb"}}, page: "AADSTS50011"},
		{name: "unknown client", params: url.Values{"client_id": {"11111111-2222-4333-8444-555555555555"}}, page: "AADSTS700016"},
		{name: "nobody to sign in", page: "AADSTS50058"},
		{name: "not assigned", params: url.Values{"login_hint": {ritaUPN}}, code: "AADSTS50105", error: "access_denied"},
		{name: "guest blocked by CA", params: url.Values{"login_hint": {guestUPN}}, code: "AADSTS53003", error: "access_denied",
			setup: func(st *State, tn *Tenant) {
				ebms := tn.ServicePrincipalByAppID(ebmsAppID)
				guest := tn.UserByIDOrUPN(guestUPN)
				tn.AppRoleAssignments = append(tn.AppRoleAssignments, &AppRoleAssignment{ID: st.NewOpaqueID(), AppRoleID: DefaultAppRoleID,
					PrincipalID: guest.ID, PrincipalType: "User", ResourceID: ebms.ID})
				mergeGrant(st, tn, ebms, tn.ServicePrincipalByAppID(GraphAppID), "AllPrincipals", "", []string{"User.Read", "openid", "profile", "offline_access"})
			}},
		{name: "prompt=none without consent", code: "AADSTS65001", error: "consent_required", params: url.Values{"login_hint": {ritaUPN}, "prompt": {"none"},
			"client_id": {GraphCommandLineToolsAppID}, "redirect_uri": {"http://localhost:1234"}}},
		{name: "implicit flow", params: url.Values{"login_hint": {adminUPN}, "response_type": {"token"}}, code: "AADSTS700054", error: "unsupported_response_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newLoginEnv(t, Options{})
			if tt.setup != nil {
				env.update(tt.setup)
			}
			resp, page := env.get(authorizeURL(env, tt.params))
			if tt.page != "" {
				if resp.StatusCode == http.StatusFound || !strings.Contains(page, tt.page) {
					t.Errorf("%d %s", resp.StatusCode, page)
				}
				return
			}
			q := redirectParams(t, resp)
			if q.Get("error") != tt.error || !strings.HasPrefix(q.Get("error_description"), tt.code) || q.Get("state") != "s1" {
				t.Errorf("redirect = %v", q)
			}
		})
	}
}

// TestAuthorizationCodeRedemption: a web app signs in an assigned user,
// then redeems the code with its secret and PKCE verifier, once.
func TestAuthorizationCodeRedemption(t *testing.T) {
	env := newLoginEnv(t, Options{})
	env.update(func(st *State, tn *Tenant) {
		app, _ := st.ApplicationAnywhere(ebmsAppID)
		app.PasswordCredentials = []*PasswordCredential{{KeyID: st.NewGUID(), SecretText: "ebms-secret", EndDateTime: env.clock.Now().Add(24 * 60 * 60 * 1e9)}}
		ebms := tn.ServicePrincipalByAppID(ebmsAppID)
		mergeGrant(st, tn, ebms, tn.ServicePrincipalByAppID(GraphAppID), "AllPrincipals", "", []string{"User.Read", "openid", "profile", "offline_access"})
		tn.AppRoleAssignments = append(tn.AppRoleAssignments, &AppRoleAssignment{ID: st.NewOpaqueID(), AppRoleID: DefaultAppRoleID,
			PrincipalID: tn.GroupByID(tn.Groups[0].ID).ID, PrincipalType: "Group", ResourceID: ebms.ID}) // Recruiters
	})
	verifier := "a-verifier-that-is-long-enough-for-pkce-0123456789"
	sum := sha256.Sum256([]byte(verifier))
	resp, _ := env.get(authorizeURL(env, url.Values{"login_hint": {ritaUPN}, "nonce": {"n-1"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}))
	code := redirectParams(t, resp).Get("code")
	if code == "" {
		t.Fatal("no code")
	}
	redeem := func(verifier, secret, redirect string) (int, map[string]any) {
		return env.postToken(contosoID, url.Values{"grant_type": {"authorization_code"}, "client_id": {ebmsAppID}, "code": {code},
			"redirect_uri": {redirect}, "code_verifier": {verifier}, "client_secret": {secret}}, nil)
	}
	tests := []struct {
		name                       string
		verifier, secret, redirect string
		code                       int
	}{
		{"no secret for a web app", verifier, "", ebmsRedirect, 7000218},
		{"wrong redirect URI", verifier, "ebms-secret", ebmsRedirect + "x", 500112},
		{"wrong verifier", "wrong", "ebms-secret", ebmsRedirect, 501481},
		{"success", verifier, "ebms-secret", ebmsRedirect, 0},
		{"code used twice", verifier, "ebms-secret", ebmsRedirect, 54005},
	}
	for _, tt := range tests {
		status, body := redeem(tt.verifier, tt.secret, tt.redirect)
		if tt.code != 0 {
			if bodyCode(body) != tt.code {
				t.Errorf("%s: %d %v", tt.name, status, body)
			}
			continue
		}
		if status != http.StatusOK || body["id_token"] == nil || body["refresh_token"] == nil || body["client_info"] != nil {
			t.Fatalf("%s: %d %v", tt.name, status, body)
		}
		if c := env.verify(body["access_token"].(string)); c.UPN != ritaUPN || !c.HasScope("User.Read") {
			t.Errorf("claims %+v", c)
		}
		if in := env.lastSignIn(); in.ClientAppUsed != "Browser" || in.ErrorCode != 0 {
			t.Errorf("sign-in log %+v", in)
		}
	}
}
