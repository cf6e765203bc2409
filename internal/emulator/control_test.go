package emulator

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
)

func (e *loginEnv) control(method, path, body string) (*http.Response, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.ts.URL+"/_emulator"+path, strings.NewReader(body))
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNoContent || resp.Header.Get("Content-Type") == "" {
		return resp, nil
	}
	return resp, decodeJSON(e.t, resp)
}

func TestControlDeviceCodeOverHTTP(t *testing.T) {
	env := newLoginEnv(t, Options{})
	c := env.publicClient(GraphCommandLineToolsAppID)
	res, err := env.deviceCodeLogin(c, graphUserRead, func(userCode string) {
		_, list := env.control(http.MethodGet, "/devicecodes", "")
		if codes, _ := list["value"].([]any); len(codes) != 1 || codes[0].(map[string]any)["userCode"] != userCode {
			t.Errorf("pending = %v", list)
		}
		resp, body := env.control(http.MethodPost, "/devicecodes/"+strings.ToLower(userCode)+"/approve", `{"user":"`+adminUPN+`"}`)
		if resp.StatusCode != http.StatusOK || body["status"] != "approved" {
			t.Errorf("approve: %d %v", resp.StatusCode, body)
		}
	})
	if err != nil || res.Account.PreferredUsername != adminUPN {
		t.Fatalf("%v %+v", err, res.Account)
	}
	if len(env.srv.PendingDeviceCodes()) != 0 {
		t.Error("approved code still pending")
	}
}

func TestControlErrors(t *testing.T) {
	env := newLoginEnv(t, Options{})
	tests := []struct {
		method, path, body string
		status             int
	}{
		{http.MethodPost, "/devicecodes/NOPE/approve", `{"user":"` + adminUPN + `"}`, http.StatusNotFound},
		{http.MethodPost, "/devicecodes/NOPE/decline", "", http.StatusNotFound},
		{http.MethodPost, "/devicecodes/NOPE/approve", `{"usr":"x"}`, http.StatusBadRequest},
		{http.MethodPut, "/interactive-user", `{"user":"nobody@contoso.onmicrosoft.com"}`, http.StatusBadRequest},
		{http.MethodGet, "/no-such-control", "", http.StatusNotFound},
		{http.MethodDelete, "/state", "", http.StatusNotFound},
	}
	for _, tt := range tests {
		resp, body := env.control(tt.method, tt.path, tt.body)
		if resp.StatusCode != tt.status || body["error"] == nil {
			t.Errorf("%s %s: %d %v", tt.method, tt.path, resp.StatusCode, body)
		}
	}
}

func TestInteractiveUserSignsInWithoutLoginHint(t *testing.T) {
	env := newLoginEnv(t, Options{})
	resp, _ := env.control(http.MethodPut, "/interactive-user", `{"user":"`+adminUPN+`","mfa":false}`)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status %d", resp.StatusCode)
	}
	// The admin needs MFA but the interactive user declines it: 500121.
	resp, _ = env.get(authorizeURL(env, map[string][]string{"client_id": {GraphCommandLineToolsAppID}, "redirect_uri": {"http://localhost:5000"}}))
	if q := redirectParams(t, resp); !strings.HasPrefix(q.Get("error_description"), "AADSTS500121") {
		t.Errorf("redirect %v", q)
	}
	if err := env.srv.SetInteractiveUser(adminUPN, true); err != nil {
		t.Fatal(err)
	}
	resp, _ = env.get(authorizeURL(env, map[string][]string{"client_id": {GraphCommandLineToolsAppID}, "redirect_uri": {"http://localhost:5000"}}))
	if q := redirectParams(t, resp); q.Get("code") == "" || q.Get("state") != "s1" {
		t.Errorf("redirect %v", q)
	}
}

func TestStateDumpAndReset(t *testing.T) {
	env := newLoginEnv(t, Options{})
	env.addDaemonApp("very-secret-text", env.clock.Now().Add(time.Hour), nil)
	res, err := env.deviceCodeLogin(env.publicClient(GraphCommandLineToolsAppID), graphUserRead, env.approveAs(adminUPN))
	if err != nil {
		t.Fatal(err)
	}
	dump, err := env.srv.Dump(false)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"very-secret-text", "PRIVATE KEY", "signingKey"} {
		if bytes.Contains(dump, []byte(leak)) {
			t.Errorf("dump contains %q", leak)
		}
	}
	if !bytes.Contains(dump, []byte(`"token": "<redacted>"`)) {
		t.Error("refresh token not redacted")
	}
	stable, _ := env.srv.StableDump()
	if bytes.Contains(stable, []byte(env.clock.Now().Format("2006-01-02T15"))) {
		t.Error("stable dump keeps timestamps")
	}
	resp, body := env.control(http.MethodGet, "/state?mask=volatile", "")
	if resp.StatusCode != http.StatusOK || body["tenants"] == nil {
		t.Fatalf("%d %v", resp.StatusCode, body)
	}
	if resp, _ := env.control(http.MethodPost, "/reset", ""); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	st, _ := env.srv.Snapshot()
	if len(st.RefreshTokens) != 0 || len(st.HomeTenant().SignIns) != 0 || len(st.HomeTenant().Applications) != 0 {
		t.Error("reset kept sandbox changes")
	}
	env.verify(res.AccessToken) // the signing key survives a reset
}

func TestDiscovery(t *testing.T) {
	env := newLoginEnv(t, Options{})
	tests := []struct {
		path   string
		status int
		check  func(t *testing.T, body map[string]any)
	}{
		{"/" + contosoDomain + "/v2.0/.well-known/openid-configuration", http.StatusOK, func(t *testing.T, b map[string]any) {
			if b["issuer"] != env.ts.URL+"/"+contosoID+"/v2.0" || b["token_endpoint"] != env.ts.URL+"/"+contosoID+"/oauth2/v2.0/token" ||
				b["tenant_region_scope"] != "EU" || b["cloud_instance_name"] != "microsoftonline.com" {
				t.Errorf("%v", b)
			}
			if strings.Count(b["token_endpoint"].(string), "token") != 1 {
				t.Error(`"token" must appear once: MSAL derives the devicecode URL by replacing it`)
			}
		}},
		{"/organizations/v2.0/.well-known/openid-configuration", http.StatusOK, func(t *testing.T, b map[string]any) {
			if b["issuer"] != env.ts.URL+"/{tenantid}/v2.0" || b["device_authorization_endpoint"] != env.ts.URL+"/organizations/oauth2/v2.0/devicecode" {
				t.Errorf("%v", b)
			}
		}},
		{"/nowhere.example/v2.0/.well-known/openid-configuration", http.StatusBadRequest, func(t *testing.T, b map[string]any) {
			if bodyCode(b) != 90002 || b["error"] != "invalid_tenant" {
				t.Errorf("%v", b)
			}
		}},
		{"/" + contosoID + "/discovery/v2.0/keys", http.StatusOK, func(t *testing.T, b map[string]any) {
			if keys, _ := b["keys"].([]any); len(keys) != 1 {
				t.Errorf("%v", b)
			}
		}},
		{"/common/discovery/instance?api-version=1.1&authorization_endpoint=" + env.ts.URL + "/" + contosoID + "/oauth2/v2.0/authorize", http.StatusOK,
			func(t *testing.T, b map[string]any) {
				if b["tenant_discovery_endpoint"] != env.ts.URL+"/"+contosoID+"/v2.0/.well-known/openid-configuration" {
					t.Errorf("%v", b)
				}
			}},
		{"/" + contosoID + "/oauth2/v2.0/token", http.StatusBadRequest, func(t *testing.T, b map[string]any) {
			if bodyCode(b) != 900561 {
				t.Errorf("%v", b)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := env.ts.Client().Get(env.ts.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d", resp.StatusCode)
			}
			tt.check(t, decodeJSON(t, resp))
		})
	}
	if resp, _ := env.get(env.ts.URL + "/" + contosoID + "/no/such/path"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
}
