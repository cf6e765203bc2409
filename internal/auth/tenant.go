package auth

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/teamsctl/teamsctl/internal/lazyregexp"
)

// The tenant a command acts on is the one asked for (Options.Tenant: the
// --tenant flag, TEAMSCTL_TENANT or the profile's tenant), never merely the
// one a cached sign-in belongs to. Before a saved sign-in is used its
// tenant is compared with the asked one; a sign-in of another tenant is
// replaced by a sign-in to the asked tenant, or refused with the login
// command that makes one. Every token handed out is then checked once
// more: its tid claim must be the asked tenant's id.
//
// A tenant asked for by domain is resolved to its id the way Entra
// resolves it: from a token issued at that domain's authority (a sign-in
// made with --tenant DOMAIN records the tid it got), else from the
// domain's OpenID Connect discovery document, whose issuer carries the
// tenant id (https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#fetch-the-openid-configuration-document).
// An unknown domain is Entra's AADSTS90002 there.

var guidPattern = lazyregexp.New(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// isTenantID reports whether a tenant reference is an id (GUID) rather
// than a domain.
func isTenantID(ref string) bool { return guidPattern.MatchString(ref) }

// multiTenant reports whether an authority segment names no tenant.
func multiTenant(ref string) bool {
	return ref == "" || strings.EqualFold(ref, "organizations") || strings.EqualFold(ref, "common")
}

// askedTenant is the tenant the command acts on, or "" when none was
// asked for (the saved sign-in's tenant is then used).
func (a *Authenticator) askedTenant() string {
	if multiTenant(a.opts.Tenant) {
		return ""
	}
	return a.opts.Tenant
}

// rememberTenant records that a sign-in at authority ref got a token of
// tenant id, which is how Entra resolved the domain ref.
func (a *Authenticator) rememberTenant(ref, id string) {
	if id == "" || multiTenant(ref) || isTenantID(ref) {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tenantIDs[strings.ToLower(ref)] = id
}

// tenantID resolves a tenant reference to the tenant's id.
func (a *Authenticator) tenantID(ctx context.Context, ref string) (string, error) {
	if isTenantID(ref) {
		return strings.ToLower(ref), nil
	}
	a.mu.Lock()
	id, ok := a.tenantIDs[strings.ToLower(ref)]
	a.mu.Unlock()
	if ok {
		return id, nil
	}
	id, err := a.discoverTenantID(ctx, ref)
	if err != nil {
		return "", err
	}
	a.rememberTenant(ref, id)
	return id, nil
}

// discoverTenantID reads the domain's OpenID Connect discovery document.
// Its issuer is https://<login host>/<tenant id>/v2.0.
func (a *Authenticator) discoverTenantID(ctx context.Context, domain string) (string, error) {
	u := a.endpoints.Authority(url.PathEscape(domain)) + "/v2.0/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := a.httpClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("looking up tenant %s: %w", domain, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("looking up tenant %s: %w", domain, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e tokenErrorBody
		if json.Unmarshal(body, &e) == nil && len(e.Codes) > 0 {
			se := newSignInError(e.Codes[0], e.Error, e.Description, a.aadContext(a.clientID(""), domain))
			se.CorrelationID, se.TraceID = e.CorrelationID, e.TraceID
			return "", se
		}
		return "", fmt.Errorf("looking up tenant %s: %s answered %s", domain, a.endpoints.LoginURL, resp.Status)
	}
	var doc struct {
		Issuer string `json:"issuer"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("looking up tenant %s: the discovery document is not JSON: %w", domain, err)
	}
	iss, err := url.Parse(doc.Issuer)
	if err == nil {
		if id, _, _ := strings.Cut(strings.TrimPrefix(iss.Path, "/"), "/"); isTenantID(id) {
			return strings.ToLower(id), nil
		}
	}
	return "", fmt.Errorf("looking up tenant %s: the discovery document's issuer %q names no tenant id", domain, doc.Issuer)
}

// sessionIsForAskedTenant reports whether the saved sign-in belongs to the
// asked tenant (always, when none was asked for).
func (a *Authenticator) sessionIsForAskedTenant(ctx context.Context, s *Session) (bool, error) {
	asked := a.askedTenant()
	switch {
	case asked == "":
		return true, nil
	case strings.EqualFold(s.Tenant, asked) && s.TenantID != "":
		a.rememberTenant(s.Tenant, s.TenantID)
		return true, nil
	case s.TenantID == "":
		return false, nil
	}
	id, err := a.tenantID(ctx, asked)
	if err != nil {
		return false, err
	}
	return strings.EqualFold(id, s.TenantID), nil
}

// checkTokenTenant refuses a token of another tenant than the asked one.
func (a *Authenticator) checkTokenTenant(ctx context.Context, raw string) error {
	asked := a.askedTenant()
	if asked == "" {
		return nil
	}
	c, err := ParseClaims(raw)
	if err != nil || c.TenantID == "" {
		return a.wrongTenant("the token does not say which tenant it is for, so teamsctl cannot check that it is " + asked)
	}
	want, err := a.tenantID(ctx, asked)
	if err != nil {
		return err
	}
	if !strings.EqualFold(c.TenantID, want) {
		return a.wrongTenant(fmt.Sprintf("the sign-in of %s is for tenant %s, not %s", c.Account(), c.TenantID, a.describeAsked()))
	}
	return nil
}

// describeAsked names the asked tenant, with its id when it was asked by
// a domain that has been resolved.
func (a *Authenticator) describeAsked() string {
	asked := a.askedTenant()
	a.mu.Lock()
	id := a.tenantIDs[strings.ToLower(asked)]
	a.mu.Unlock()
	if id != "" {
		return asked + " (" + id + ")"
	}
	return asked
}

// wrongTenant is the error of a sign-in that belongs to another tenant:
// nothing was sent to Graph with it, and signing in to the asked tenant
// fixes it (exit 4).
func (a *Authenticator) wrongTenant(reason string) *RequiredError {
	return &RequiredError{Reason: reason + ", the tenant this command acts on; nothing was changed",
		Profile: a.profileArg(), Tenant: a.askedTenant()}
}

// otherTenant handles a saved sign-in of another tenant than the asked
// one: the sandbox signs in to the asked tenant, and so does a user who
// may be prompted; anything else is a RequiredError whose login command
// names the asked tenant.
func (a *Authenticator) otherTenant(ctx context.Context, s *Session, scopes Scopes) (Token, error) {
	if a.Sandbox() {
		return a.sandboxSignIn(ctx, scopes)
	}
	asked := a.askedTenant()
	actual := cmp.Or(s.TenantID, s.Tenant)
	mismatch := a.wrongTenant(fmt.Sprintf("the saved sign-in of %s is for tenant %s, not %s", s.Account, actual, a.describeAsked()))
	if s.Mode == ModeServicePrincipal {
		mismatch.Fix = fmt.Sprintf("Sign the app in to %s: %s --service-principal --client-id %s "+
			"(with its secret or certificate).", asked, mismatch.LoginCommand(), s.ClientID)
		return Token{}, mismatch
	}
	if !a.mayPrompt(s) {
		return Token{}, mismatch
	}
	fmt.Fprintf(a.opts.ErrOut, "The saved sign-in of %s is for tenant %s; this command acts on %s. Sign in to %s.\n",
		s.Account, actual, asked, asked)
	res, err := a.loginUser(ctx, LoginRequest{Mode: s.Mode, Scopes: DefaultLoginScopes.with(scopes...)})
	if err != nil {
		return Token{}, err
	}
	return res.token, nil
}
