package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Every login endpoint answers an authority naming a tenant that does not
// exist (by domain or by id) with Entra's AADSTS90002 invalid_tenant,
// before looking at anything else in the request; the authorize endpoint
// shows it on its error page, as it cannot trust the redirect URI of an
// unknown tenant. Clients rely on this to refuse acting on a tenant that
// is not there (teamsctl --tenant, --sandbox --tenant).
func TestUnknownTenantInTheAuthorityIs90002OnEveryLoginEndpoint(t *testing.T) {
	env := newLoginEnv(t, Options{})
	client := env.noRedirectClient()
	form := url.Values{"client_id": {"14d82eec-204b-4c2f-b7e8-296a70dab67e"}, "scope": {"User.Read"},
		"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {"x"}}.Encode()
	for _, tenant := range []string{"nosuch.onmicrosoft.com", "00000000-1111-4222-8333-444444444444"} {
		for _, c := range []struct {
			method, path string
			html         bool
		}{
			{"GET", "/v2.0/.well-known/openid-configuration", false},
			{"GET", "/discovery/v2.0/keys", false},
			{"POST", "/oauth2/v2.0/devicecode", false},
			{"POST", "/oauth2/v2.0/token", false},
			{"GET", "/oauth2/v2.0/authorize?client_id=14d82eec-204b-4c2f-b7e8-296a70dab67e&response_type=code&redirect_uri=http%3A%2F%2Flocalhost&scope=User.Read", true},
		} {
			var body io.Reader
			if c.method == "POST" {
				body = strings.NewReader(form)
			}
			req, err := http.NewRequest(c.method, env.authority(tenant)+c.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if body != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s %s/%s: status %d, want 400", c.method, tenant, c.path, resp.StatusCode)
			}
			if c.html {
				if !strings.Contains(string(raw), "AADSTS90002") {
					t.Errorf("%s %s/%s: page does not show AADSTS90002: %s", c.method, tenant, c.path, raw)
				}
				continue
			}
			var b map[string]any
			if err := json.Unmarshal(raw, &b); err != nil || bodyCode(b) != 90002 || b["error"] != "invalid_tenant" {
				t.Errorf("%s %s/%s: %s, want invalid_tenant 90002", c.method, tenant, c.path, raw)
			}
		}
	}
}
