package emulator

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Azure Resource Manager: only the two reads that sign-in clients make.
// `az login` (service principal and device code alike) and Azure
// PowerShell's Connect-AzAccount ask for an ARM token, then list the
// signed-in account's tenants (GET /tenants, "Tenants - List") and
// subscriptions (GET /subscriptions, "Subscriptions - List"); a tenant
// without Azure subscriptions has an empty list, which
// `az login --allow-no-subscriptions` accepts. Nothing else of ARM is
// modelled.

// AzureResourceManagerAppID is the appId of "Windows Azure Service
// Management API", the resource ARM tokens are issued for.
const AzureResourceManagerAppID = "797f4846-ba00-4fd7-ba43-dac1f8f63013"

// armAudiences are the audiences ARM accepts; its 401 for another lists
// exactly these.
var armAudiences = []string{"https://management.core.windows.net/", "https://management.core.windows.net",
	"https://management.azure.com/", "https://management.azure.com"}

// isARMRequest: a request to a management.* host (management.azure.com,
// management.core.windows.net, or a sandbox's), or to the bare paths
// /tenants and /subscriptions, which no login route uses, so that a
// single `sandbox serve` address serves ARM too.
func isARMRequest(r *http.Request) bool {
	host := strings.ToLower(r.Host)
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	path := strings.TrimSuffix(r.URL.Path, "/")
	return strings.HasPrefix(host, "management.") || path == "/tenants" || path == "/subscriptions"
}

// armError is ARM's error envelope: {"error":{"code","message"}}.
func writeARMError(w http.ResponseWriter, status int, code, message string) {
	writeLoginJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": message}})
}

func (s *Server) serveARM(w http.ResponseWriter, r *http.Request) {
	rc := requestInfo(r)
	w.Header().Set("x-ms-correlation-request-id", cmp.Or(r.Header.Get("x-ms-correlation-request-id"), rc.clientRequestID))
	claims, ok := s.authenticateARM(w, r)
	if !ok {
		return
	}
	if r.URL.Query().Get("api-version") == "" {
		writeARMError(w, http.StatusBadRequest, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
		return
	}
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case r.Method == http.MethodGet && path == "/tenants":
		s.listARMTenants(w, claims)
	case r.Method == http.MethodGet && path == "/subscriptions":
		writeLoginJSON(w, http.StatusOK, map[string]any{"value": []any{}, "count": map[string]any{"type": "Total", "value": 0}})
	default:
		// As on Graph: an ARM route the emulator does not serve is 501,
		// never a claim that ARM lacks it.
		writeARMError(w, http.StatusNotImplemented, "NotImplemented", fmt.Sprintf("The emulator does not support %s %s on Azure Resource Manager.", r.Method, r.URL.Path))
	}
}

// authenticateARM checks the bearer token as ARM does; the codes and
// messages are ARM's as clients observe them (ARM documents the codes in
// its troubleshooting pages, not the wording).
func (s *Server) authenticateARM(w http.ResponseWriter, r *http.Request) (*AccessClaims, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		writeARMError(w, http.StatusUnauthorized, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
		return nil, false
	}
	raw := ""
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		raw = strings.TrimSpace(h[7:])
	}
	now := s.now()
	claims, err := s.verifyAccessToken(raw, now, append(append([]string{}, armAudiences...), AzureResourceManagerAppID))
	switch {
	case errors.Is(err, errTokenExpired):
		writeARMError(w, http.StatusUnauthorized, "ExpiredAuthenticationToken", fmt.Sprintf(
			"The access token expiry UTC time '%s' is earlier than current UTC time '%s'.", expiryOf(raw), now.UTC().Format("1/2/2006 3:04:05 PM")))
	case errors.Is(err, errTokenAudience):
		writeARMError(w, http.StatusUnauthorized, "InvalidAuthenticationTokenAudience", fmt.Sprintf(
			"The access token has been obtained for wrong audience or resource '%s'. It should exactly match with one of the allowed audiences '%s'.",
			audienceOf(raw), strings.Join(armAudiences, "','")))
	case err != nil:
		writeARMError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "The access token is invalid.")
	default:
		s.mu.Lock()
		known := s.state.TenantByIDOrDomain(claims.TenantID) != nil
		s.mu.Unlock()
		if known {
			return claims, true
		}
		writeARMError(w, http.StatusUnauthorized, "InvalidAuthenticationTokenTenant", fmt.Sprintf(
			"The access token is from the wrong issuer '%s'.", claims.Issuer))
	}
	return nil, false
}

// listARMTenants answers GET /tenants with the tenant the token was
// issued in (the emulator's users and service principals belong to one
// tenant each).
func (s *Server) listARMTenants(w http.ResponseWriter, claims *AccessClaims) {
	s.mu.Lock()
	t := s.state.TenantByIDOrDomain(claims.TenantID)
	var domains []string
	for _, d := range t.Domains {
		domains = append(domains, d.Name)
	}
	tenant := map[string]any{
		"id": "/tenants/" + t.ID, "tenantId": t.ID, "countryCode": nullable(t.Country), "displayName": t.DisplayName,
		"domains": emptyIfNil(domains), "tenantCategory": "Home", "defaultDomain": t.DefaultDomain(), "tenantType": "AAD",
	}
	s.mu.Unlock()
	writeLoginJSON(w, http.StatusOK, map[string]any{"value": []any{tenant}})
}

// expiryOf and audienceOf read a claim of a token that failed validation,
// for ARM's messages.
func expiryOf(raw string) string {
	var c AccessClaims
	if parseUnverified(raw, &c) && c.ExpiresAt != nil {
		return c.ExpiresAt.UTC().Format("1/2/2006 3:04:05 PM")
	}
	return ""
}

func audienceOf(raw string) string {
	var c AccessClaims
	if parseUnverified(raw, &c) {
		return c.Aud
	}
	return ""
}
