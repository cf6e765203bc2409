package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// consentPermissions are the permissions an admin consent grants on one
// resource: delegated scope values and application role ids.
type consentPermissions struct {
	resource *ServicePrincipal
	scopes   []string
	roles    []string
}

// serveAdminConsentV1 is /{tenant}/adminconsent: it consents to everything
// in the app's requiredResourceAccess.
func (s *Server) serveAdminConsentV1(w http.ResponseWriter, r *http.Request, ref string) {
	s.serveAdminConsent(w, r, ref, false)
}

// serveAdminConsentV2 is /{tenant}/v2.0/adminconsent: scope is required;
// <resource>/.default consents to all configured permissions of the
// resource including app roles, explicit scopes to only those.
func (s *Server) serveAdminConsentV2(w http.ResponseWriter, r *http.Request, ref string) {
	s.serveAdminConsent(w, r, ref, true)
}

// serveAdminConsent signs the admin in, records the tenant-wide consent
// and redirects with admin_consent=True. An app without any redirect URI
// still gets the consent, then the 500113 page (as observed in Entra).
func (s *Server) serveAdminConsent(w http.ResponseWriter, r *http.Request, ref string, v2 bool) {
	p := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	if v2 && strings.EqualFold(ref, "common") {
		// The v2 endpoint refuses common; the code is a plausible guess.
		writeLoginErrorPage(w, r, fail("invalid_request", 900023, "Specified tenant identifier 'common' is neither a valid DNS name, nor a valid external domain."))
		return
	}
	lt, f := resolveLoginTenant(s.state, ref)
	if f != nil {
		writeLoginErrorPage(w, r, f)
		return
	}
	c, f := resolveClient(s.state, lt, p.Get("client_id"))
	if f != nil {
		writeLoginErrorPage(w, r, f)
		return
	}
	redirect, _, redirectErr := resolveRedirectURI(c.app, p.Get("redirect_uri"))
	if redirectErr != nil && redirectErr.Code != 500113 {
		writeLoginErrorPage(w, r, redirectErr)
		return
	}
	finish := func(v url.Values, f *LoginFailure) {
		resp := authResponder{w: w, r: r, redirectURI: redirect, state: p.Get("state")}
		switch {
		case redirectErr != nil:
			writeLoginErrorPage(w, r, redirectErr)
		case f != nil && f.Code == 50058:
			writeLoginErrorPage(w, r, f)
		case f != nil:
			resp.fail(f)
		default:
			resp.send(v)
		}
	}
	v, f := s.adminConsent(lt.tenant, c, p, v2)
	finish(v, f)
}

// adminConsent signs the admin in and records the consent; it returns the
// success redirect's parameters.
func (s *Server) adminConsent(t *Tenant, c *loginClient, p url.Values, v2 bool) (url.Values, *LoginFailure) {
	perms, f := adminConsentPermissions(s.state, t, c.app, p, v2)
	if f != nil {
		return nil, f
	}
	user, upn, mfaWilling := interactiveUser(t, p.Get("login_hint"))
	if upn == "" {
		return nil, fail("interaction_required", 50058, "A silent sign-in request was sent but no user is signed in.")
	}
	graph := t.ServicePrincipalByAppID(GraphAppID)
	a := signInAttempt{tenant: t, client: c, user: user, upn: upn, scopes: &scopeRequest{resource: graph},
		interactive: true, mfaWilling: mfaWilling, clientAppType: clientAppBrowser}
	now := s.now()
	ca, f := evaluateAdminSignIn(t, a, perms)
	recordSignIn(s.state, a, ca, f, now)
	if f != nil {
		return nil, f
	}
	if f := grantAdminConsent(s.state, t, c.app, perms, now); f != nil {
		return nil, f
	}
	v := url.Values{"admin_consent": {"True"}, "tenant": {t.ID}}
	if v2 {
		v.Set("scope", consentedScopeString(perms))
	}
	return v, nil
}

// adminConsentPermissions works out what the request consents to.
func adminConsentPermissions(st *State, t *Tenant, app *Application, p url.Values, v2 bool) ([]consentPermissions, *LoginFailure) {
	if !v2 {
		return configuredPermissions(t, app)
	}
	if p.Get("scope") == "" {
		return nil, errMissingParam("scope")
	}
	q, f := parseScopes(st, t, p.Get("scope"))
	if f != nil {
		return nil, f
	}
	if q.isDefault {
		return []consentPermissions{{resource: q.resource, scopes: configuredScopes(app, q.resource), roles: configuredRoles(app, q.resource)}}, nil
	}
	return []consentPermissions{{resource: q.resource, scopes: neededScopes(app, q)}}, nil
}

// configuredPermissions is everything in requiredResourceAccess; every
// resource needs a service principal in the tenant (650052 otherwise), and
// every permission must be one the resource publishes: Entra consents to
// the whole list or nothing (650053 otherwise).
func configuredPermissions(t *Tenant, app *Application) ([]consentPermissions, *LoginFailure) {
	var out []consentPermissions
	for _, rra := range app.RequiredResourceAccess {
		resource := t.ServicePrincipalByAppID(rra.ResourceAppID)
		if resource == nil {
			return nil, fail("invalid_client", 650052, "The app is trying to access a service '%s' that your organization '%s' lacks a service principal for. "+
				"Contact your IT Admin to review the configuration of your service subscriptions or consent to the application in order to create the required service principal.",
				rra.ResourceAppID, t.DisplayName)
		}
		for _, ra := range rra.ResourceAccess {
			if !publishesPermission(resource.Scopes, resource.AppRoles, ra) {
				return nil, errUnpublishedPermission(app, ra.ID, rra.ResourceAppID)
			}
		}
		out = append(out, consentPermissions{resource: resource, scopes: configuredScopes(app, resource), roles: configuredRoles(app, resource)})
	}
	return out, nil
}

// evaluateAdminSignIn checks the admin's account, Conditional Access and
// role: delegated permissions need a consent admin role, Microsoft Graph
// application permissions Global or Privileged Role Administrator.
func evaluateAdminSignIn(t *Tenant, a signInAttempt, perms []consentPermissions) (caOutcome, *LoginFailure) {
	none := caOutcome{status: "notApplied"}
	switch {
	case a.user == nil:
		return none, errUserNotFound(a.upn, t)
	case !a.user.AccountEnabled:
		return none, errUserDisabled()
	}
	ca := evaluateCA(t, a)
	if ca.failure != nil {
		return ca, ca.failure
	}
	required := consentAdminRoles
	for _, p := range perms {
		if len(p.roles) > 0 && strings.EqualFold(p.resource.AppID, GraphAppID) {
			required = graphAppRoleAdminRoles
		}
	}
	if !intersectsFold(a.user.DirectoryRoles, required) {
		return ca, errAdminConsentRequired(t.AdminConsentRequestPolicy.IsEnabled)
	}
	return ca, nil
}

// grantAdminConsent creates the client's service principal if needed,
// merges the AllPrincipals grants (keeping other scopes and every per-user
// grant) and assigns the missing app roles.
func grantAdminConsent(st *State, t *Tenant, app *Application, perms []consentPermissions, now time.Time) *LoginFailure {
	sp, f := ensureServicePrincipal(st, t, app, now)
	if f != nil {
		return f
	}
	for _, p := range perms {
		if len(p.scopes) > 0 {
			mergeGrant(st, t, sp, p.resource, "AllPrincipals", "", p.scopes)
		}
		for _, roleID := range p.roles {
			assignAppRole(st, t, sp, p.resource, roleID, now)
		}
	}
	return nil
}

// assignAppRole gives the client service principal an application
// permission of resource unless it already holds it. Unknown role ids are
// skipped, as consent only grants what the resource publishes.
func assignAppRole(st *State, t *Tenant, client, resource *ServicePrincipal, roleID string, now time.Time) {
	known := false
	for _, role := range resource.AppRoles {
		known = known || strings.EqualFold(role.ID, roleID)
	}
	if !known {
		return
	}
	for _, a := range t.AssignmentsOf(client.ID) {
		if strings.EqualFold(a.ResourceID, resource.ID) && strings.EqualFold(a.AppRoleID, roleID) {
			return
		}
	}
	t.AppRoleAssignments = append(t.AppRoleAssignments, &AppRoleAssignment{
		ID: st.NewOpaqueID(), AppRoleID: roleID, PrincipalID: client.ID, PrincipalType: "ServicePrincipal",
		PrincipalDisplayName: client.DisplayName, ResourceID: resource.ID, ResourceDisplayName: resource.DisplayName, CreatedDateTime: now,
	})
}

// consentedScopeString is the scope parameter of the v2 success redirect:
// the delegated permissions granted, qualified by resource.
func consentedScopeString(perms []consentPermissions) string {
	var out []string
	for _, p := range perms {
		prefix := GraphResource
		if !strings.EqualFold(p.resource.AppID, GraphAppID) {
			prefix = p.resource.AppID
		}
		for _, v := range p.scopes {
			out = append(out, prefix+"/"+v)
		}
	}
	return strings.Join(out, " ")
}

// errUnpublishedPermission is AADSTS650053 (observed in
// github.com/O365/python-o365/issues/551 and
// github.com/MicrosoftDocs/azure-docs/issues/37280): the app asks for a permission its resource
// does not publish, such as a stale id in its requiredResourceAccess.
func errUnpublishedPermission(app *Application, permission, resourceAppID string) *LoginFailure {
	return fail("invalid_client", 650053, "The application '%s' asked for scope '%s' that doesn't exist on the resource '%s'. Contact the app vendor.",
		app.DisplayName, permission, resourceAppID)
}
