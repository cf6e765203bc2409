package emulator

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
)

// rawClaims decodes a JWT payload without verifying it, so tests see
// exactly which claims are present.
func rawClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkClaims fails for every claim of want with another value and every
// claim of absent that is present.
func checkClaims(t *testing.T, claims map[string]any, want map[string]any, absent ...string) {
	t.Helper()
	for k, v := range want {
		if got, ok := claims[k]; !ok || toJSON(got) != toJSON(v) {
			t.Errorf("claim %s = %v, want %v", k, got, v)
		}
	}
	for _, k := range absent {
		if v, ok := claims[k]; ok {
			t.Errorf("claim %s = %v, want none (not in v1.0 tokens)", k, v)
		}
	}
}

// v2OnlyClaims never appear in a v1.0 access token, which is what Graph
// receives ("Access token claims reference": azp, azpacr and
// preferred_username are "only present in v2.0 tokens"; uti, not jti,
// identifies the token).
var v2OnlyClaims = []string{"azp", "azpacr", "preferred_username", "jti"}

// Client credentials: appidacr is "1" with a secret and "2" with a
// certificate; app-only tokens name the app (app_displayname) and carry
// idp equal to the issuer (Access token claims reference, "Payload claims").
func TestAppOnlyTokenClaimsPerCredential(t *testing.T) {
	env := newLoginEnv(t, Options{})
	cert, key := selfSignedCert(t)
	appID := env.addDaemonApp("correct-horse-battery-staple", env.clock.Now().Add(24*time.Hour), cert)
	secretCred, _ := confidential.NewCredFromSecret("correct-horse-battery-staple")
	certCred, err := confidential.NewCredFromCert([]*x509.Certificate{cert}, key)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		cred confidential.Credential
		acr  string
	}{"secret": {secretCred, "1"}, "certificate": {certCred, "2"}} {
		t.Run(name, func(t *testing.T) {
			c, err := confidential.New(env.authority(contosoID), appID, tc.cred,
				confidential.WithInstanceDiscovery(false), confidential.WithHTTPClient(env.ts.Client()))
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.AcquireTokenByCredential(context.Background(), []string{"https://graph.microsoft.com/.default"})
			if err != nil {
				t.Fatal(err)
			}
			claims := rawClaims(t, res.AccessToken)
			checkClaims(t, claims, map[string]any{
				"ver": "1.0", "appid": appID, "appidacr": tc.acr, "app_displayname": "Daemon", "idtyp": "app",
				"idp": "https://sts.windows.net/" + contosoID + "/", "iss": "https://sts.windows.net/" + contosoID + "/",
				"tid": contosoID, "aud": GraphResource, "roles": []string{"User.Read.All"},
			}, append(v2OnlyClaims, "scp", "upn", "unique_name", "acr", "amr")...)
			if uti, _ := claims["uti"].(string); len(uti) != 22 {
				t.Errorf("uti = %q, want Entra's 22-character id", uti)
			}
			if claims["sub"] != claims["oid"] {
				t.Errorf("app-only sub %v != oid %v", claims["sub"], claims["oid"])
			}
		})
	}
}

// A user signing in with a public client gets appidacr "0", upn,
// unique_name and name, acr "1" and a pairwise sub, and no idp (it would
// equal iss for a member).
func TestUserTokenClaimsPublicClient(t *testing.T) {
	env := newLoginEnv(t, Options{})
	c := env.publicClient(GraphCommandLineToolsAppID)
	res, err := env.deviceCodeLogin(c, graphUserRead, env.approveAs(adminUPN))
	if err != nil {
		t.Fatal(err)
	}
	claims := rawClaims(t, res.AccessToken)
	checkClaims(t, claims, map[string]any{
		"ver": "1.0", "appid": GraphCommandLineToolsAppID, "appidacr": "0", "app_displayname": "Microsoft Graph Command Line Tools",
		"idtyp": "user", "upn": adminUPN, "unique_name": adminUPN, "name": "Adele Admin", "acr": "1",
	}, append(v2OnlyClaims, "idp", "roles")...)
	if claims["sub"] == claims["oid"] || claims["sub"] == "" {
		t.Errorf("sub %v should be pairwise, not the object id", claims["sub"])
	}
	if _, ok := claims["amr"].([]any); !ok {
		t.Errorf("amr = %v", claims["amr"])
	}
}

// The token endpoint answers errors as Entra does: plain JSON (not Graph's
// OData content type), the trace id in x-ms-request-id, the caller's
// client-request-id as correlation_id, and the client-request-id header
// only when asked for with return-client-request-id (which MSAL Go sets to
// false).
func TestTokenEndpointRequestIDs(t *testing.T) {
	env := newLoginEnv(t, Options{})
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"00000000-0000-0000-0000-00000000dead"},
		"client_secret": {"x"}, "scope": {"https://graph.microsoft.com/.default"}}
	for _, echo := range []bool{false, true} {
		req, _ := http.NewRequest(http.MethodPost, env.authority(contosoID)+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("client-request-id", "5e1b2c3d-0000-4000-8000-000000000001")
		if echo {
			req.Header.Set("return-client-request-id", "true")
		} else {
			req.Header.Set("Return-Client-Request-Id", "false")
		}
		resp, err := env.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := decodeJSON(t, resp)
		resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("Content-Type = %q, want Entra's plain JSON", ct)
		}
		if body["correlation_id"] != "5e1b2c3d-0000-4000-8000-000000000001" {
			t.Errorf("correlation_id = %v, want the client-request-id", body["correlation_id"])
		}
		if rid := resp.Header.Get("x-ms-request-id"); rid == "" || rid != body["trace_id"] {
			t.Errorf("x-ms-request-id = %q, trace_id = %v", rid, body["trace_id"])
		}
		if got := resp.Header.Get("client-request-id"); (got != "") != echo {
			t.Errorf("return-client-request-id %v: client-request-id header = %q", echo, got)
		}
		if resp.Header.Get("request-id") != "" {
			t.Error("login endpoints answer with Graph's request-id header")
		}
	}
}
