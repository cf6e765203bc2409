package emulator

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// Each sign-in rule, exercised through the real MSAL client where MSAL can
// reach it, produces its AADSTS code and is recorded in the sign-in log.
func TestSignInRulesDeviceCode(t *testing.T) {
	calendars := []string{"https://graph.microsoft.com/Calendars.ReadWrite"}
	tests := []struct {
		name     string
		clientID string
		scopes   []string
		user     string
		setup    func(st *State, tn *Tenant)
		code     int
		suberror string
		logged   bool // a user sign-in is recorded with the code
	}{
		{name: "unknown client 700016", clientID: "11111111-2222-4333-8444-555555555555", code: 700016},
		{name: "app without public client flows 7000218", clientID: ebmsAppID, code: 7000218},
		{name: "disabled enterprise app 7000112", code: 7000112, logged: true,
			setup: func(_ *State, tn *Tenant) {
				tn.ServicePrincipalByAppID(GraphCommandLineToolsAppID).AccountEnabled = false
			}},
		{name: "assignment required 50105", code: 50105, logged: true,
			setup: func(_ *State, tn *Tenant) {
				tn.ServicePrincipalByAppID(GraphCommandLineToolsAppID).AppRoleAssignmentRequired = true
			}},
		{name: "user may not consent 90094", user: ritaUPN, scopes: calendars, code: 90094, logged: true},
		{name: "admin consent workflow on 90095", user: ritaUPN, scopes: calendars, code: 90095, logged: true,
			setup: func(_ *State, tn *Tenant) { tn.AdminConsentRequestPolicy.IsEnabled = true }},
		{name: "user consent disabled 90094", user: ritaUPN, code: 90094, logged: true,
			setup: func(_ *State, tn *Tenant) { tn.AuthorizationPolicy.PermissionGrantPoliciesAssigned = nil }},
		{name: "disabled user 50057", user: "disabled@contoso.onmicrosoft.com", code: 50057, logged: true},
		{name: "unknown user 50034", user: "nobody@contoso.onmicrosoft.com", code: 50034, logged: true},
		{name: "compliant device required 53000", user: ritaUPN, code: 53000, logged: true,
			setup: func(_ *State, tn *Tenant) {
				caPolicy(tn, "Require compliant device (report-only)").State = CAStateEnabled
			}},
		{name: "MFA required, user not registered 50079", user: ritaUPN, code: 50079, suberror: "basic_action", logged: true,
			setup: func(_ *State, tn *Tenant) {
				caPolicy(tn, "Require MFA for administrators").IncludeUsers = []string{"All"}
			}},
		{name: "block policy 53003", user: ritaUPN, code: 53003, suberror: "message_only", logged: true,
			setup: func(_ *State, tn *Tenant) {
				p := caPolicy(tn, "Block legacy authentication")
				p.ClientAppTypes = []string{"all"}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newLoginEnv(t, Options{})
			if tt.setup != nil {
				env.update(tt.setup)
			}
			clientID, scopes, user := tt.clientID, tt.scopes, tt.user
			if clientID == "" {
				clientID = GraphCommandLineToolsAppID
			}
			if scopes == nil {
				scopes = graphUserRead
			}
			if user == "" {
				user = adminUPN
			}
			_, err := env.deviceCodeLogin(env.publicClient(clientID), scopes, env.approveAs(user))
			te := wantCode(t, err, tt.code)
			if te.SubError != tt.suberror {
				t.Errorf("suberror = %q, want %q", te.SubError, tt.suberror)
			}
			if tt.logged {
				if in := env.lastSignIn(); in.ErrorCode != tt.code || in.FailureReason == "" {
					t.Errorf("sign-in log: %+v", in)
				}
			}
		})
	}
}

func caPolicy(tn *Tenant, name string) *ConditionalAccessPolicy {
	for _, p := range tn.ConditionalAccess {
		if p.DisplayName == name {
			return p
		}
	}
	panic("no CA policy " + name)
}

func TestReportOnlyPolicyNotEnforced(t *testing.T) {
	// The seed's compliant-device policy is report-only and covers Rita.
	env := newLoginEnv(t, Options{})
	res, err := env.deviceCodeLogin(env.publicClient(GraphCommandLineToolsAppID), graphUserRead, env.approveAs(ritaUPN))
	if err != nil {
		t.Fatal(err)
	}
	if claims := env.verify(res.AccessToken); containsFold(claims.AuthMethods, "mfa") {
		t.Errorf("no MFA was required, amr = %v", claims.AuthMethods)
	}
	if in := env.lastSignIn(); in.ErrorCode != 0 || in.ConditionalAccess != "notApplied" || len(in.AppliedCAPolicies) != 0 {
		t.Errorf("sign-in log: %+v", in)
	}
}

func TestSilentRefreshRules(t *testing.T) {
	tests := []struct {
		name     string
		scopes   []string
		change   func(st *State, tn *Tenant)
		code     int
		suberror string
	}{
		{name: "new scope without consent 65001", scopes: []string{"https://graph.microsoft.com/Calendars.ReadWrite"}, code: 65001, suberror: "consent_required"},
		{name: "MFA policy added, refresh cannot perform MFA 50076", code: 50076, suberror: "basic_action",
			change: func(_ *State, tn *Tenant) {
				caPolicy(tn, "Require MFA for administrators").IncludeUsers = []string{"All"}
			}},
		{name: "account disabled 50057", code: 50057,
			change: func(_ *State, tn *Tenant) { tn.UserByIDOrUPN(ritaUPN).AccountEnabled = false }},
		{name: "consent revoked 65001", code: 65001, suberror: "consent_required",
			change: func(_ *State, tn *Tenant) { tn.Grants = nil }},
		{name: "refresh token revoked 50173", code: 50173,
			change: func(st *State, _ *Tenant) {
				for _, rt := range st.RefreshTokens {
					rt.Revoked = true
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newLoginEnv(t, Options{AccessTokenLifetime: 299 * time.Second})
			c := env.publicClient(GraphCommandLineToolsAppID)
			if _, err := env.deviceCodeLogin(c, graphUserRead, env.approveAs(ritaUPN)); err != nil {
				t.Fatal(err)
			}
			if tt.change != nil {
				env.update(tt.change)
			}
			accounts, _ := c.Accounts(context.Background())
			scopes := tt.scopes
			if scopes == nil {
				scopes = graphUserRead
			}
			_, err := c.AcquireTokenSilent(context.Background(), scopes, public.WithSilentAccount(accounts[0]))
			if te := wantCode(t, err, tt.code); te.SubError != tt.suberror {
				t.Errorf("suberror = %q, want %q", te.SubError, tt.suberror)
			}
		})
	}
}

func TestClientCredentialRules(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		setup  func(st *State, tn *Tenant, appID string)
		tenant string
		scope  string
		code   int
	}{
		{name: "wrong secret 7000215", secret: "wrong", code: 7000215},
		{name: "expired secret 7000222", code: 7000222,
			setup: func(_ *State, tn *Tenant, appID string) {
				tn.ApplicationByAppID(appID).PasswordCredentials[0].EndDateTime = time.Now().Add(-time.Hour)
			}},
		{name: "disabled service principal 7000112", code: 7000112,
			setup: func(_ *State, tn *Tenant, appID string) { tn.ServicePrincipalByAppID(appID).AccountEnabled = false }},
		{name: "no service principal 7000229", code: 7000229,
			setup: func(_ *State, tn *Tenant, appID string) {
				tn.ServicePrincipals = tn.ServicePrincipals[:len(tn.ServicePrincipals)-1]
			}},
		{name: "scope without .default 1002012", scope: "https://graph.microsoft.com/User.Read", code: 1002012},
		{name: "unknown tenant 90002", tenant: "nowhere.onmicrosoft.com", code: 90002},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newLoginEnv(t, Options{})
			appID := env.addDaemonApp("s3cr3t-value", env.clock.Now().Add(24*time.Hour), nil)
			if tt.setup != nil {
				env.update(func(st *State, tn *Tenant) { tt.setup(st, tn, appID) })
			}
			secret, tenant, scope := tt.secret, tt.tenant, tt.scope
			if secret == "" {
				secret = "s3cr3t-value"
			}
			if tenant == "" {
				tenant = contosoID
			}
			if scope == "" {
				scope = "https://graph.microsoft.com/.default"
			}
			cred, _ := confidential.NewCredFromSecret(secret)
			c, err := confidential.New(env.authority(tenant), appID, cred, confidential.WithInstanceDiscovery(false), confidential.WithHTTPClient(env.ts.Client()))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.AcquireTokenByCredential(context.Background(), []string{scope})
			wantCode(t, err, tt.code)
		})
	}
}

func TestPublicClientSendingSecret(t *testing.T) {
	env := newLoginEnv(t, Options{})
	status, body := env.postToken(contosoID, url.Values{"grant_type": {"device_code"}, "client_id": {GraphCommandLineToolsAppID},
		"device_code": {"x"}, "client_secret": {"nope"}}, nil)
	if status != http.StatusUnauthorized || bodyCode(body) != 700025 || body["error"] != "invalid_client" {
		t.Errorf("%d %v", status, body)
	}
}

func TestTokenEndpointProtocolErrors(t *testing.T) {
	tests := []struct {
		name string
		form url.Values
		code int
		err  string
	}{
		{"no grant type", url.Values{}, 900144, "invalid_request"},
		{"unsupported grant", url.Values{"grant_type": {"client_assertion"}}, 70003, "unsupported_grant_type"},
		{"bad device code", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "client_id": {GraphCommandLineToolsAppID}, "device_code": {"nope"}}, 70018, "bad_verification_code"},
		{"unknown refresh token", url.Values{"grant_type": {"refresh_token"}, "client_id": {GraphCommandLineToolsAppID}, "refresh_token": {"nope"}, "scope": {"User.Read"}}, 9002313, "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newLoginEnv(t, Options{})
			status, body := env.postToken(contosoID, tt.form, nil)
			if status != http.StatusBadRequest || bodyCode(body) != tt.code || body["error"] != tt.err {
				t.Errorf("%d %v", status, body)
			}
			if !strings.HasPrefix(body["error_description"].(string), "AADSTS") || body["trace_id"] == nil || body["correlation_id"] == nil {
				t.Errorf("not Entra's error shape: %v", body)
			}
		})
	}
}

func TestDeviceCodeScopeErrors(t *testing.T) {
	tests := []struct {
		scope string
		code  int
	}{
		{"User.Read api://other/read", 700022},
		{"https://graph.microsoft.com/No.Such.Scope", 70011},
		{"https://graph.microsoft.com/.default User.Read", 70011},
		{"api://other/.default", 500011},
	}
	for _, tt := range tests {
		t.Run(tt.scope, func(t *testing.T) {
			env := newLoginEnv(t, Options{})
			resp, err := env.ts.Client().PostForm(env.authority(contosoID)+"/oauth2/v2.0/devicecode",
				url.Values{"client_id": {GraphCommandLineToolsAppID}, "scope": {tt.scope}})
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body := decodeJSON(t, resp)
			if resp.StatusCode != http.StatusBadRequest || bodyCode(body) != tt.code {
				t.Errorf("%d %v", resp.StatusCode, body)
			}
		})
	}
}
