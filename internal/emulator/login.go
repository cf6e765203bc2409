package emulator

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultAccessTokenLifetime is Entra's usual expires_in for access tokens.
const DefaultAccessTokenLifetime = 3599 * time.Second

// loginTenant is the resolved {tenant} segment of a login URL.
type loginTenant struct {
	tenant *Tenant
	// segment is how endpoints name the tenant: its id, or "common" /
	// "organizations", which Entra keeps in the URLs it advertises.
	segment string
	// multi is true for common and organizations: the tenant comes from
	// whoever signs in, which the emulator takes to be the home tenant.
	multi bool
}

// serveLogin serves the Entra login endpoints under /{tenant}/...
func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request) {
	ref, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if ref == "" {
		writeLoginNotFound(w)
		return
	}
	if rest == "discovery/instance" && strings.EqualFold(ref, "common") {
		s.serveInstanceDiscovery(w, r)
		return
	}
	route, ok := loginRoutes[rest]
	if !ok {
		writeLoginNotFound(w)
		return
	}
	if !containsFold(route.methods, r.Method) {
		writeOAuthError(w, r, oauthError{Error: "invalid_request", Code: 900561,
			Message: fmt.Sprintf("The endpoint only accepts %s requests. Received a %s request.", strings.Join(route.methods, ", "), r.Method)})
		return
	}
	route.handler(s, w, r, ref)
}

// loginRoute is one endpoint below /{tenant}/.
type loginRoute struct {
	methods []string
	handler func(s *Server, w http.ResponseWriter, r *http.Request, tenantRef string)
}

var loginRoutes = map[string]loginRoute{
	"v2.0/.well-known/openid-configuration": {[]string{http.MethodGet}, (*Server).serveOpenIDConfiguration},
	".well-known/openid-configuration":      {[]string{http.MethodGet}, (*Server).serveOpenIDConfigurationV1},
	"discovery/v2.0/keys":                   {[]string{http.MethodGet}, (*Server).serveKeys},
	"discovery/keys":                        {[]string{http.MethodGet}, (*Server).serveKeys},
	"oauth2/v2.0/token":                     {[]string{http.MethodPost}, (*Server).serveToken},
	"oauth2/v2.0/devicecode":                {[]string{http.MethodPost}, (*Server).serveDeviceCode},
	"oauth2/v2.0/authorize":                 {[]string{http.MethodGet, http.MethodPost}, (*Server).serveAuthorize},
	"adminconsent":                          {[]string{http.MethodGet}, (*Server).serveAdminConsentV1},
	"v2.0/adminconsent":                     {[]string{http.MethodGet}, (*Server).serveAdminConsentV2},
}

// writeLoginNotFound answers an unknown login path; Entra serves an HTML
// 404 page there, not JSON.
func writeLoginNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprint(w, "<!DOCTYPE html><html><head><title>404 - Not Found</title></head><body><h1>404 - Not Found</h1></body></html>")
}

// resolveLoginTenant maps the {tenant} segment to a tenant. The caller
// holds s.mu.
func resolveLoginTenant(st *State, ref string) (loginTenant, *LoginFailure) {
	if strings.EqualFold(ref, "common") || strings.EqualFold(ref, "organizations") {
		if t := st.HomeTenant(); t != nil {
			return loginTenant{tenant: t, segment: strings.ToLower(ref), multi: true}, nil
		}
	}
	if t := st.TenantByIDOrDomain(ref); t != nil {
		return loginTenant{tenant: t, segment: t.ID}, nil
	}
	return loginTenant{}, errInvalidTenant(ref)
}

// lookupTenant resolves the tenant under the lock, for handlers that only
// read it before taking the lock again.
func (s *Server) lookupTenant(ref string) (loginTenant, *LoginFailure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return resolveLoginTenant(s.state, ref)
}

// serveOpenIDConfigurationV1 is the v1.0 discovery document, which the
// Azure CLI reads to turn a tenant domain into its id (the GUID in the
// issuer https://sts.windows.net/{tenant id}/) before it signs in. Its
// fields are those of Entra's v1.0 document ("OpenID Connect on the
// Microsoft identity platform", v1.0 metadata).
func (s *Server) serveOpenIDConfigurationV1(w http.ResponseWriter, r *http.Request, ref string) {
	lt, f := s.lookupTenant(ref)
	if f != nil {
		writeLoginFailure(w, r, f)
		return
	}
	base := baseURL(r)
	root := base + "/" + lt.segment
	issuer := accessTokenIssuer(lt.tenant.ID)
	var region any = tenantRegionScope(lt.tenant)
	if lt.multi {
		issuer, region = "https://sts.windows.net/{tenantid}/", nil
	}
	writeLoginJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":                        root + "/oauth2/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/common/discovery/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "token id_token", "token"},
		"scopes_supported":                      []string{"openid"},
		"issuer":                                issuer,
		"microsoft_multi_refresh_token":         true,
		"authorization_endpoint":                root + "/oauth2/authorize",
		"device_authorization_endpoint":         root + "/oauth2/devicecode",
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"end_session_endpoint":                  root + "/oauth2/logout",
		"claims_supported": []string{"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
			"msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "amr", "nonce", "email", "given_name", "family_name",
			"nickname"},
		"check_session_iframe":  root + "/oauth2/checksession",
		"userinfo_endpoint":     root + "/openid/userinfo",
		"kerberos_endpoint":     root + "/kerberos",
		"tenant_region_scope":   region,
		"cloud_instance_name":   "microsoftonline.com",
		"cloud_graph_host_name": "graph.windows.net",
		"msgraph_host":          "graph.microsoft.com",
		"rbac_url":              "https://pas.windows.net",
	})
}

func (s *Server) serveOpenIDConfiguration(w http.ResponseWriter, r *http.Request, ref string) {
	lt, f := s.lookupTenant(ref)
	if f != nil {
		writeLoginFailure(w, r, f)
		return
	}
	writeLoginJSON(w, http.StatusOK, openIDConfiguration(baseURL(r), lt))
}

// openIDConfiguration is the v2.0 discovery document. MSAL needs issuer,
// authorization_endpoint and token_endpoint, and checks only the issuer's
// host; the device code URL it derives from token_endpoint by replacing
// "token", so no other part of these URLs may contain that word (the tenant
// id never does, which is why endpoints name the tenant by id).
func openIDConfiguration(base string, lt loginTenant) map[string]any {
	root := base + "/" + lt.segment
	issuer := base + "/" + lt.tenant.ID + "/v2.0"
	var region any = tenantRegionScope(lt.tenant)
	if lt.multi {
		issuer = base + "/{tenantid}/v2.0" // Entra's multi-tenant documents carry this placeholder
		region = nil
	}
	return map[string]any{
		"token_endpoint":                        root + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              root + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                issuer,
		"request_uri_parameter_supported":       false,
		"userinfo_endpoint":                     "https://graph.microsoft.com/oidc/userinfo",
		"authorization_endpoint":                root + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         root + "/oauth2/v2.0/devicecode",
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"end_session_endpoint":                  root + "/oauth2/v2.0/logout",
		"claims_supported": []string{"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
			"msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver",
			"at_hash", "c_hash", "email"},
		"kerberos_endpoint":        root + "/kerberos",
		"tenant_region_scope":      region,
		"cloud_instance_name":      "microsoftonline.com",
		"cloud_graph_host_name":    "graph.windows.net",
		"msgraph_host":             "graph.microsoft.com",
		"rbac_url":                 "https://pas.windows.net",
		"tenant_region_sub_scope":  nil,
		"cloud_instance_host_name": "login.microsoftonline.com",
	}
}

// tenantRegionScope approximates Entra's region from the tenant's country
// (unverified mapping: Europe is EU, everything else NA, as most docs show).
func tenantRegionScope(t *Tenant) string {
	europe := []string{"AT", "BE", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IT", "NL", "NO", "PL", "PT", "SE"}
	if containsFold(europe, t.Country) {
		return "EU"
	}
	return "NA"
}

func (s *Server) serveKeys(w http.ResponseWriter, r *http.Request, ref string) {
	if _, f := s.lookupTenant(ref); f != nil {
		writeLoginFailure(w, r, f)
		return
	}
	writeLoginJSON(w, http.StatusOK, s.keys.jwks())
}

// serveInstanceDiscovery answers MSAL's instance discovery call, made only
// by clients that keep discovery on; every alias is the emulator's host.
func (s *Server) serveInstanceDiscovery(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeOAuthError(w, r, oauthError{Error: "invalid_request", Code: 900561, Message: "The endpoint only accepts GET requests. Received a " + r.Method + " request."})
		return
	}
	tenantSeg := "common"
	if ae, err := url.Parse(r.URL.Query().Get("authorization_endpoint")); err == nil {
		if seg, _, _ := strings.Cut(strings.TrimPrefix(ae.Path, "/"), "/"); seg != "" {
			tenantSeg = seg
		}
	}
	writeLoginJSON(w, http.StatusOK, map[string]any{
		"tenant_discovery_endpoint": baseURL(r) + "/" + tenantSeg + "/v2.0/.well-known/openid-configuration",
		"api-version":               "1.1",
		"metadata": []map[string]any{{
			"preferred_network": r.Host,
			"preferred_cache":   r.Host,
			"aliases":           []string{r.Host},
		}},
	})
}

// writeLoginErrorPage renders the error page Entra shows instead of
// redirecting when it cannot trust the redirect URI (or has none).
func writeLoginErrorPage(w http.ResponseWriter, r *http.Request, e *LoginFailure) {
	rc := requestInfo(r)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.WriteHeader(status)
	fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body>
<h1>Sorry, but we're having trouble signing you in.</h1>
<p id="error">AADSTS%d: %s</p>
<p>Request Id: %s</p><p>Correlation Id: %s</p><p>Timestamp: %s</p>
</body></html>`, e.Code, html.EscapeString(e.Message), rc.requestID, rc.clientRequestID, rc.start.UTC().Format(time.RFC3339))
}
