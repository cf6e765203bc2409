package emulator

import (
	"strings"
	"time"
)

// Directory roles that may consent to delegated permissions (for
// themselves and, through the admin consent endpoints, for everyone).
var consentAdminRoles = []string{RoleGlobalAdministrator, RolePrivilegedRoleAdministrator,
	RoleCloudApplicationAdministrator, RoleApplicationAdministrator}

// Directory roles that may also grant Microsoft Graph application
// permissions (app roles); the application administrator roles may not.
var graphAppRoleAdminRoles = []string{RoleGlobalAdministrator, RolePrivilegedRoleAdministrator}

const selfConsentPrefix = "ManagePermissionGrantsForSelf."

// consentDecision is the outcome of the consent rule for a sign-in.
type consentDecision struct {
	record  bool     // the user consents now; write their grant after the other rules pass
	scopes  []string // what the user consents to
	failure *LoginFailure
	// request, with the admin consent workflow on, are the permissions the
	// user may not consent to: the user's request to the reviewers.
	request []string
}

// decideConsent checks that every delegated permission the sign-in needs
// is covered by the tenant-wide grant or the user's own grant. When not,
// an interactive sign-in lets the user consent if allowed, a silent one
// fails with 65001 (Entra asks for an interactive request; whether the
// user could then consent is decided there), and a user who may not
// consent needs an admin (90094, or 90095 with the admin consent workflow).
//
// Permissions the resource pre-authorizes the client for need no consent;
// for .default they are what the client asks for. A client used for the
// first time with only pre-authorized permissions gets its service
// principal, as Entra provisions Microsoft's clients on first sign-in.
func decideConsent(st *State, t *Tenant, a signInAttempt, sp *ServicePrincipal) consentDecision {
	preAuthorized := preAuthorizedScopes(st, a.client.app, a.scopes.resource)
	needed := neededScopes(a.client.app, a.scopes)
	if a.scopes.isDefault {
		needed = unionScopes(needed, preAuthorized...)
	}
	if len(preAuthorized) > 0 {
		// A pre-authorized client's sign-in scopes need no consent either
		// (no Microsoft client asks for consent to offline_access).
		preAuthorized = unionScopes(preAuthorized, oidcScopes...)
	}
	var granted []string
	if sp != nil {
		granted = grantedScopes(t, sp, a.scopes.resource, a.user.ID)
	}
	var missing []string
	for _, v := range needed {
		if !containsFold(granted, v) && !containsFold(preAuthorized, v) {
			missing = append(missing, v)
		}
	}
	switch {
	case sp != nil && len(missing) == 0:
		return consentDecision{}
	case len(missing) == 0:
		return consentDecision{record: true}
	case !a.interactive:
		return consentDecision{failure: errConsentRequired(a.client.app)}
	case !mayConsentForSelf(t, a, sp, missing):
		d := consentDecision{failure: errAdminConsentRequired(t.AdminConsentRequestPolicy.IsEnabled)}
		if t.AdminConsentRequestPolicy.IsEnabled {
			d.request = missing
		}
		return d
	}
	var record []string
	for _, v := range needed {
		if !containsFold(preAuthorized, v) {
			record = append(record, v)
		}
	}
	return consentDecision{record: true, scopes: record}
}

// preAuthorizedScopes are the delegated permissions of resource that its
// application pre-authorizes client for, as the resource publishes them.
func preAuthorizedScopes(st *State, client *Application, resource *ServicePrincipal) []string {
	app, _ := st.ApplicationAnywhere(resource.AppID)
	if app == nil {
		return nil
	}
	var out []string
	for _, pa := range app.PreAuthorizedApplications {
		if !strings.EqualFold(pa.AppID, client.AppID) {
			continue
		}
		for _, v := range pa.Permissions {
			if ps := publishedScope(resource, v); ps != nil {
				out = unionScopes(out, ps.Value)
			}
		}
	}
	return out
}

// preAuthorizedViews renders api.preAuthorizedApplications with Graph's
// delegatedPermissionIds, the ids of the application's published scopes
// (Microsoft Graph's come from the catalog).
func preAuthorizedViews(a *Application) []map[string]any {
	scopes := a.Scopes
	if strings.EqualFold(a.AppID, GraphAppID) {
		scopes, _ = graphScopesAndRoles()
	}
	out := []map[string]any{}
	for _, pa := range a.PreAuthorizedApplications {
		ids := []string{}
		for _, v := range pa.Permissions {
			for _, s := range scopes {
				if strings.EqualFold(s.Value, v) {
					ids = append(ids, s.ID)
				}
			}
		}
		out = append(out, map[string]any{"appId": pa.AppID, "delegatedPermissionIds": ids})
	}
	return out
}

// tokenScopes are the delegated permissions a token of client for
// resource carries: what is consented for the user, and what the
// resource pre-authorizes the client for.
func tokenScopes(st *State, t *Tenant, client *Application, clientSP, resource *ServicePrincipal, userID string) []string {
	return unionScopes(grantedScopes(t, clientSP, resource, userID), preAuthorizedScopes(st, client, resource)...)
}

// neededScopes lists the delegated permissions a request needs consent
// for: explicit scopes, or for .default the app's configured (static)
// permissions on the resource, plus the OIDC scopes, which are Graph
// permissions as well.
func neededScopes(app *Application, q *scopeRequest) []string {
	needed := append([]string{}, q.explicit...)
	if q.isDefault {
		needed = append(needed, configuredScopes(app, q.resource)...)
	}
	for _, o := range q.oidc {
		if ps := publishedScope(q.resource, o); ps != nil {
			needed = unionScopes(needed, ps.Value)
		}
	}
	return needed
}

// configuredScopes are the delegated permissions on resource listed in the
// app's requiredResourceAccess.
func configuredScopes(app *Application, resource *ServicePrincipal) []string {
	var out []string
	for _, rra := range app.RequiredResourceAccess {
		if !strings.EqualFold(rra.ResourceAppID, resource.AppID) {
			continue
		}
		for _, ra := range rra.ResourceAccess {
			if !strings.EqualFold(ra.Type, "Scope") {
				continue
			}
			if ps := publishedScopeByID(resource, ra.ID); ps != nil {
				out = unionScopes(out, ps.Value)
			}
		}
	}
	return out
}

// configuredRoles are the application permissions (app role ids) on
// resource listed in the app's requiredResourceAccess.
func configuredRoles(app *Application, resource *ServicePrincipal) []string {
	var out []string
	for _, rra := range app.RequiredResourceAccess {
		if !strings.EqualFold(rra.ResourceAppID, resource.AppID) {
			continue
		}
		for _, ra := range rra.ResourceAccess {
			if strings.EqualFold(ra.Type, "Role") {
				out = unionScopes(out, ra.ID)
			}
		}
	}
	return out
}

// grantedScopes is the union of the scopes client holds on resource for
// the user: the tenant-wide (AllPrincipals) grant and the user's own.
func grantedScopes(t *Tenant, client, resource *ServicePrincipal, userID string) []string {
	if client == nil {
		return nil
	}
	var out []string
	for _, g := range t.DelegatedGrants(client.ID, resource.ID, userID) {
		out = unionScopes(out, strings.Fields(g.Scope)...)
	}
	return out
}

// mayConsentForSelf applies the user consent settings: consent admins may
// always consent for themselves; nobody else may for an app that requires
// assignment; otherwise every missing permission must be allowed by one of
// the ManagePermissionGrantsForSelf policies in the authorization policy.
func mayConsentForSelf(t *Tenant, a signInAttempt, sp *ServicePrincipal, missing []string) bool {
	if intersectsFold(a.user.DirectoryRoles, consentAdminRoles) {
		return true
	}
	if sp != nil && sp.AppRoleAssignmentRequired {
		return false
	}
	policies := selfConsentPolicies(t)
	if len(policies) == 0 {
		return false // user consent is turned off
	}
	for _, v := range missing {
		ps := publishedScope(a.scopes.resource, v)
		if ps == nil || !anyPolicyAllows(policies, t, a.client, a.scopes.resource, ps) {
			return false
		}
	}
	return true
}

// selfConsentPolicies are the permission grant policies assigned for user
// consent (compared case-insensitively: Graph capitalises the prefix, the
// docs' examples do not).
func selfConsentPolicies(t *Tenant) []*PermissionGrantPolicy {
	var out []*PermissionGrantPolicy
	for _, assigned := range t.AuthorizationPolicy.PermissionGrantPoliciesAssigned {
		if len(assigned) <= len(selfConsentPrefix) || !strings.EqualFold(assigned[:len(selfConsentPrefix)], selfConsentPrefix) {
			continue
		}
		id := assigned[len(selfConsentPrefix):]
		for _, p := range t.PermissionGrantPolicies {
			if strings.EqualFold(p.ID, id) {
				out = append(out, p)
			}
		}
	}
	return out
}

func anyPolicyAllows(policies []*PermissionGrantPolicy, t *Tenant, c *loginClient, resource *ServicePrincipal, ps *PermissionScope) bool {
	if strings.EqualFold(ps.Type, "Admin") {
		return false // admin-only permissions are never user-consentable
	}
	for _, p := range policies {
		if policyAllows(p, t, c, resource, ps) {
			return true
		}
	}
	return false
}

// policyAllows: some include condition set matches and no exclude does.
// The built-in low-risk policy only covers apps from a verified publisher
// or registered in the tenant itself (Microsoft's description of it; the
// seed's condition set does not spell that out).
func policyAllows(p *PermissionGrantPolicy, t *Tenant, c *loginClient, resource *ServicePrincipal, ps *PermissionScope) bool {
	if strings.EqualFold(p.ID, "microsoft-user-default-low") && c.app.VerifiedPublisher.Name() == "" && c.home != t {
		return false
	}
	matches := func(conds []PermissionGrantCondition) bool {
		for _, cond := range conds {
			if conditionMatches(cond, c, resource, ps) {
				return true
			}
		}
		return false
	}
	return matches(p.Includes) && !matches(p.Excludes)
}

// conditionMatches evaluates one delegated-permission condition set.
// Empty lists mean "all", as Graph fills them in.
func conditionMatches(cond PermissionGrantCondition, c *loginClient, resource *ServicePrincipal, ps *PermissionScope) bool {
	switch strings.ToLower(cond.PermissionType) {
	case "delegated":
	case "delegateduserconsentable":
		if !strings.EqualFold(ps.Type, "User") {
			return false
		}
	default:
		return false
	}
	allOr := func(list []string, v string) bool {
		return len(list) == 0 || containsFold(list, "all") || containsFold(list, v)
	}
	return (cond.PermissionClassification == "" || strings.EqualFold(cond.PermissionClassification, "all") ||
		strings.EqualFold(cond.PermissionClassification, ps.Classification)) &&
		(cond.ResourceApplication == "" || strings.EqualFold(cond.ResourceApplication, "any") || strings.EqualFold(cond.ResourceApplication, resource.AppID)) &&
		allOr(cond.Permissions, ps.ID) &&
		allOr(cond.ClientApplicationIDs, c.app.AppID) &&
		allOr(cond.ClientApplicationTenantIDs, c.home.ID) &&
		(!cond.ClientApplicationsFromVerifiedPublisherOnly || c.app.VerifiedPublisher.Name() != "")
}

// recordUserConsent writes the user's own grant, creating the client's
// service principal first when the app was never used in the tenant.
func recordUserConsent(st *State, t *Tenant, a signInAttempt, scopes []string, now time.Time) (*ServicePrincipal, *LoginFailure) {
	sp, f := ensureServicePrincipal(st, t, a.client.app, now)
	if f != nil {
		return nil, f
	}
	if len(scopes) > 0 {
		mergeGrant(st, t, sp, a.scopes.resource, "Principal", a.user.ID, scopes)
	}
	return sp, nil
}

// ensureServicePrincipal returns the app's service principal in t,
// creating it from the application as consent does.
func ensureServicePrincipal(st *State, t *Tenant, app *Application, now time.Time) (*ServicePrincipal, *LoginFailure) {
	if sp := t.ServicePrincipalByAppID(app.AppID); sp != nil {
		return sp, nil
	}
	sp := &ServicePrincipal{AppID: app.AppID, AccountEnabled: true}
	if err := completeServicePrincipal(st, t, sp, now); err != nil {
		return nil, errServer(err)
	}
	t.ServicePrincipals = append(t.ServicePrincipals, sp)
	return sp, nil
}

// mergeGrant adds scopes to the grant of client on resource for the
// consent type and principal, creating it if needed. It never removes
// scopes and never touches other grants.
func mergeGrant(st *State, t *Tenant, client, resource *ServicePrincipal, consentType, principalID string, scopes []string) *PermissionGrant {
	for _, g := range t.Grants {
		if strings.EqualFold(g.ClientID, client.ID) && strings.EqualFold(g.ResourceID, resource.ID) &&
			g.ConsentType == consentType && strings.EqualFold(g.PrincipalID, principalID) {
			g.Scope = strings.Join(unionScopes(strings.Fields(g.Scope), scopes...), " ")
			return g
		}
	}
	g := &PermissionGrant{ID: st.NewOpaqueID(), ClientID: client.ID, ConsentType: consentType, PrincipalID: principalID,
		ResourceID: resource.ID, Scope: strings.Join(scopes, " ")}
	t.Grants = append(t.Grants, g)
	return g
}
