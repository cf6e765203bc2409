package emulator

import "testing"

// Entra echoes the scopes of a device-code request in the client's own
// spelling, and MSAL rejects a response that lacks a requested spelling
// ("declined scopes"), so a bare User.Read must come back bare.
func TestDeviceCodeWithBareScopeNamesSignsIn(t *testing.T) {
	e := newLoginEnv(t, Options{})
	c := e.publicClient(GraphCommandLineToolsAppID)
	res, err := e.deviceCodeLogin(c, []string{"User.Read"}, e.approveAs("admin@contoso.onmicrosoft.com"))
	if err != nil {
		t.Fatalf("sign-in with a bare scope name failed: %v", err)
	}
	if !containsFold(res.GrantedScopes, "User.Read") {
		t.Fatalf("granted scopes = %v", res.GrantedScopes)
	}
}
