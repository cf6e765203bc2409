package emulator

import (
	"net/http"
	"strings"
	"testing"
)

func TestApplicationLifecycle(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "Application.ReadWrite.All")
	created := g.must(http.StatusCreated, g.do("POST", "/v1.0/applications", tok, map[string]any{
		"displayName": "Interview Scheduler", "signInAudience": "AzureADMyOrg",
		"web": map[string]any{"redirectUris": []string{"https://app.example.com/cb"}},
	}))
	if got := created.str("@odata.context"); got != "https://graph.microsoft.com/v1.0/$metadata#applications/$entity" {
		t.Errorf("@odata.context = %q", got)
	}
	id, appID := created.str("id"), created.str("appId")
	for _, key := range []string{"identifierUris", "tags", "keyCredentials", "passwordCredentials", "requiredResourceAccess", "api", "spa", "publicClient", "info"} {
		if _, ok := created.Body[key]; !ok {
			t.Errorf("created application lacks %q", key)
		}
	}
	g.must(http.StatusOK, g.do("GET", "/v1.0/applications(appId='"+appID+"')", tok, nil))
	g.must(http.StatusNoContent, g.do("PATCH", "/v1.0/applications/"+id, tok, map[string]any{
		"web": map[string]any{"redirectUris": []string{"https://app.example.com/cb", "http://localhost:8400/"}},
	}))
	got := g.must(http.StatusOK, g.do("GET", "/v1.0/applications/"+id+"?$select=web,displayName", tok, nil))
	web := got.Body["web"].(map[string]any)
	if uris := web["redirectUris"].([]any); len(uris) != 2 {
		t.Errorf("redirectUris = %v", uris)
	}
	if _, ok := got.Body["appId"]; ok {
		t.Error("$select did not project")
	}
	pw := g.must(http.StatusOK, g.do("POST", "/v1.0/applications/"+id+"/addPassword", tok, map[string]any{"passwordCredential": map[string]any{"displayName": "ci"}}))
	secret := pw.str("secretText")
	if len(secret) != 40 || pw.str("hint") != secret[:3] {
		t.Errorf("secret %q hint %q", secret, pw.str("hint"))
	}
	list := g.must(http.StatusOK, g.do("GET", "/v1.0/applications?$filter=appId eq '"+appID+"'", tok, nil))
	if v := list.values(); len(v) != 1 || strings.Contains(toJSON(v), secret) {
		t.Errorf("list = %v", v)
	}
	g.must(http.StatusNoContent, g.do("POST", "/v1.0/applications/"+id+"/removePassword", tok, map[string]any{"keyId": pw.str("keyId")}))
	g.must(http.StatusNoContent, g.do("DELETE", "/v1.0/applications/"+id, tok, nil))
	res := g.must(http.StatusNotFound, g.do("GET", "/v1.0/applications/"+id, tok, nil))
	if res.errCode() != "Request_ResourceNotFound" {
		t.Errorf("code %q", res.errCode())
	}
}

// TestRejectedPatchLeavesObjectUnchanged guards against a rejected PATCH
// writing through slices shared with the stored application.
func TestRejectedPatchLeavesObjectUnchanged(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	tok := g.token(upnAdmin, "Application.ReadWrite.All")
	app := g.must(http.StatusCreated, g.do("POST", "/v1.0/applications", tok, map[string]any{"displayName": "A", "signInAudience": "AzureADMyOrg",
		"web": map[string]any{"redirectUris": []string{"https://a.example.com/1", "https://a.example.com/2"}}}))
	g.must(http.StatusBadRequest, g.do("PATCH", "/v1.0/applications/"+app.str("id"), tok, map[string]any{
		"web": map[string]any{"redirectUris": []string{"http://evil.example.com/1"}}}))
	got := g.must(http.StatusOK, g.do("GET", "/v1.0/applications/"+app.str("id"), tok, nil))
	if uris := toJSON(got.Body["web"].(map[string]any)["redirectUris"]); uris != `["https://a.example.com/1","https://a.example.com/2"]` {
		t.Errorf("redirectUris after rejected PATCH = %s", uris)
	}
}
