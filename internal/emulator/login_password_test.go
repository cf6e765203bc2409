package emulator

import (
	"net/url"
	"strings"
	"testing"
)

// ropc posts a password grant for Graph Command Line Tools (a public
// client that allows public client flows).
func (e *loginEnv) ropc(clientID, upn, password string) (int, map[string]any) {
	e.t.Helper()
	return e.postToken(contosoID, url.Values{"grant_type": {"password"}, "client_id": {clientID},
		"username": {upn}, "password": {password}, "scope": {"https://graph.microsoft.com/User.Read offline_access openid"}}, nil)
}

// The password grant ("Microsoft identity platform and OAuth 2.0 Resource
// Owner Password Credentials") checks the seeded password: the right one
// gets tokens, a wrong one AADSTS50126, and a user Conditional Access
// requires MFA of gets AADSTS50076, since ROPC cannot do MFA. Before, the
// grant was unsupported (70003) and docs/sandbox.md said passwords were
// never checked.
func TestPasswordGrant(t *testing.T) {
	env := newLoginEnv(t, Options{})
	// Rita may sign in to Graph Command Line Tools once an admin consented
	// for everyone (ROPC cannot ask her).
	env.update(func(st *State, tn *Tenant) {
		mergeGrant(st, tn, tn.ServicePrincipalByAppID(GraphCommandLineToolsAppID), tn.ServicePrincipalByAppID(GraphAppID),
			"AllPrincipals", "", []string{"User.Read", "openid", "offline_access"})
	})

	status, body := env.ropc(GraphCommandLineToolsAppID, ritaUPN, "Rita.Sandbox#2026")
	if status != 200 || body["access_token"] == nil || body["refresh_token"] == nil || body["id_token"] == nil {
		t.Fatalf("right password: %d %v", status, body)
	}
	claims := rawClaims(t, body["access_token"].(string))
	checkClaims(t, claims, map[string]any{"upn": ritaUPN, "appidacr": "0", "amr": []string{"pwd"}}, v2OnlyClaims...)
	if in := env.lastSignIn(); in.ErrorCode != 0 || in.IsInteractive || in.UserPrincipalName != ritaUPN {
		t.Errorf("sign-in log: %+v", in)
	}

	status, body = env.ropc(GraphCommandLineToolsAppID, ritaUPN, "wrong")
	if status != 400 || bodyCode(body) != 50126 || body["error"] != "invalid_grant" {
		t.Errorf("wrong password: %d %v", status, body)
	}
	if in := env.lastSignIn(); in.ErrorCode != 50126 {
		t.Errorf("wrong password not logged: %+v", in)
	}

	// The admin's password is right, but the seed's Conditional Access
	// policy requires MFA of administrators.
	status, body = env.ropc(GraphCommandLineToolsAppID, adminUPN, "Adele.Sandbox#2026")
	if status != 400 || bodyCode(body) != 50076 || body["suberror"] != "basic_action" {
		t.Errorf("MFA required: %d %v", status, body)
	}

	// A user of the tenant without a password (a guest) cannot use it.
	if status, body = env.ropc(GraphCommandLineToolsAppID, guestUPN, "anything"); bodyCode(body) != 50126 {
		t.Errorf("no password: %d %v", status, body)
	}
	// Nor can an app that does not allow public client flows, without a
	// secret.
	if status, body = env.ropc(ebmsAppID, ritaUPN, "Rita.Sandbox#2026"); bodyCode(body) != 7000218 {
		t.Errorf("confidential app without secret: %d %v", status, body)
	}
}

// Dumps never show passwords.
func TestDumpRedactsPasswords(t *testing.T) {
	env := newLoginEnv(t, Options{})
	raw, err := env.srv.Dump(false)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "Rita.Sandbox#2026") || !strings.Contains(string(raw), `"password": "<redacted>"`) {
		t.Error("dump shows a password")
	}
}
