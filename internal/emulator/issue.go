package emulator

import (
	"fmt"
	"time"
)

// TokenRequest describes an access token to mint directly, without a
// sign-in: tests and the sandbox use it to call Graph as a given user or
// app. Sign-in rules (consent, Conditional Access, assignment) are not
// applied; the login endpoints enforce those.
type TokenRequest struct {
	// TenantID selects the tenant (id or domain); empty means the home tenant.
	TenantID string
	// UPN of the signed-in user for a delegated token; empty for app-only.
	UPN string
	// ClientAppID is the calling application's appId; empty means Microsoft
	// Graph Command Line Tools for delegated tokens. App-only tokens need
	// the app's service principal in the tenant.
	ClientAppID string
	// Scopes are the delegated permissions (scp) of a delegated token.
	Scopes []string
	// Roles are the application permissions (roles) of an app-only token.
	Roles []string
	// Lifetime defaults to the server's access token lifetime.
	Lifetime time.Duration
}

// IssueAccessToken mints a signed Graph access token for in.
func (s *Server) IssueAccessToken(in TokenRequest) (string, error) {
	s.mu.Lock()
	claims, err := s.tokenClaims(in)
	s.mu.Unlock()
	if err != nil {
		return "", err
	}
	lifetime := in.Lifetime
	if lifetime <= 0 {
		lifetime = s.tokenLifetime
	}
	return s.signAccessToken(claims, s.now(), lifetime)
}

// tokenClaims resolves the tenant, user and client; the caller holds s.mu.
func (s *Server) tokenClaims(in TokenRequest) (AccessClaims, error) {
	t := s.state.HomeTenant()
	if in.TenantID != "" {
		t = s.state.TenantByIDOrDomain(in.TenantID)
	}
	if t == nil {
		return AccessClaims{}, fmt.Errorf("emulator: no tenant %q", in.TenantID)
	}
	if in.UPN == "" {
		return appOnlyClaims(t, in)
	}
	u := t.UserByIDOrUPN(in.UPN)
	if u == nil {
		return AccessClaims{}, fmt.Errorf("emulator: no user %q in tenant %s", in.UPN, t.ID)
	}
	client := in.ClientAppID
	if client == "" {
		client = GraphCommandLineToolsAppID
	}
	app, _ := s.state.ApplicationAnywhere(client)
	if app == nil {
		return AccessClaims{}, fmt.Errorf("emulator: no application with appId %s", client)
	}
	return userAccessClaims(t, u, app, authNone, []string{"pwd"}, in.Scopes), nil
}

// appOnlyClaims are those of a client credentials token obtained with a
// client secret.
func appOnlyClaims(t *Tenant, in TokenRequest) (AccessClaims, error) {
	sp := t.ServicePrincipalByAppID(in.ClientAppID)
	if sp == nil {
		return AccessClaims{}, fmt.Errorf("emulator: app-only token needs a service principal for appId %q in tenant %s", in.ClientAppID, t.ID)
	}
	return appAccessClaims(t, sp, authSecret, in.Roles), nil
}
