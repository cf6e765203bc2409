package emulator

import (
	"slices"
	"strings"
)

// oidcScopes are the OpenID Connect scopes MSAL appends to every user
// request. They are Graph permissions too, so consent covers them.
var oidcScopes = []string{"openid", "profile", "email", "offline_access"}

// scopeRequest is a parsed scope parameter: OIDC scopes plus scopes of one
// resource, either explicit or its .default.
type scopeRequest struct {
	oidc     []string // lower-case OIDC scopes, as requested
	resource *ServicePrincipal
	// resourceName is the resource as the client named it (an identifier
	// URI or the appId), which a v1.0 token's aud echoes.
	resourceName string
	isDefault    bool
	explicit     []string // resource scope values, in the resource's spelling
	echo         []string // the resource scopes as the client wrote them
}

// has reports whether the OIDC scope was requested.
func (q *scopeRequest) has(oidcScope string) bool { return containsFold(q.oidc, oidcScope) }

// canonical is the request as stored with codes and tokens: resource scopes
// fully qualified, then OIDC scopes. Parsing it yields the same request.
func (q *scopeRequest) canonical() []string {
	var out []string
	if q.isDefault {
		out = append(out, q.resourceName+"/.default")
	}
	for _, v := range q.explicit {
		out = append(out, q.resourceName+"/"+v)
	}
	return append(out, q.oidc...)
}

// audience is the aud claim of the access token: for a v1.0 token, the
// resource as the client named it ("it can be the client ID or the
// resource URI used in the request", Access token claims reference).
// Graph tokens keep Graph's URI, which every Graph client accepts.
func (q *scopeRequest) audience() string {
	if strings.EqualFold(q.resource.AppID, GraphAppID) {
		return GraphResource
	}
	return q.resourceName
}

// asWritten is the request as the client wrote it, stored with device and
// authorization codes: Entra echoes the scopes of the original request in
// the client's spelling when the code is redeemed (bare "User.Read" stays
// bare), and MSAL rejects a response whose scope lacks a requested spelling.
func (q *scopeRequest) asWritten() []string {
	return append(append([]string{}, q.echo...), q.oidc...)
}

// parseScopes parses a space-separated scope parameter against tenant t.
// Bare scope names belong to Microsoft Graph, as in Entra. The resource is
// the service principal in t that the scopes' prefix names: its appId or
// one of its servicePrincipalNames (Entra's "resource principal named
// ... was not found in the tenant" otherwise). All scopes must name one
// resource.
func parseScopes(st *State, t *Tenant, raw string) (*scopeRequest, *LoginFailure) {
	fields := strings.Fields(raw)
	if len(fields) == 0 {
		return nil, errMissingParam("scope")
	}
	q := &scopeRequest{}
	resourceKey := ""
	for _, f := range fields {
		if containsFold(oidcScopes, f) {
			if !q.has(f) {
				q.oidc = append(q.oidc, strings.ToLower(f))
			}
			continue
		}
		ref, value := splitScope(f)
		if value == "" {
			return nil, errInvalidScope(f)
		}
		// A resource is known by its appId or any of its names; one the
		// tenant lacks is compared by name.
		resource, key := resourceByName(st, t, ref), strings.TrimRight(strings.ToLower(ref), "/")
		if resource != nil {
			key = resource.AppID
		}
		if resourceKey != "" && key != resourceKey {
			// Entra: AADSTS700022 (InvalidMultipleResourcesScope); the
			// wording is recalled, not verified.
			return nil, fail("invalid_scope", 700022, "The provided value for the input parameter scope is not valid because it contains more than one resource. Scope %s is not valid.", raw)
		}
		if resourceKey == "" {
			resourceKey, q.resource, q.resourceName = key, resource, ref
		}
		q.echo = append(q.echo, f)
		if value == ".default" {
			q.isDefault = true
			continue
		}
		q.explicit = append(q.explicit, value)
	}
	if resourceKey != "" && q.resource == nil {
		return nil, errResourceNotFound(q.resourceName, t)
	}
	if q.resource == nil {
		// Only OIDC scopes: Entra issues a Graph token.
		q.resource, q.resourceName = resourceByName(st, t, GraphResource), GraphResource
		if q.resource == nil {
			return nil, errResourceNotFound(GraphResource, t)
		}
	}
	return q, q.resolveExplicit()
}

// scopeSyntax checks a scope parameter without a tenant: present, every
// resource scope with a value, one resource by name. It returns the scopes
// as asWritten would.
func scopeSyntax(raw string) ([]string, *LoginFailure) {
	fields := strings.Fields(raw)
	if len(fields) == 0 {
		return nil, errMissingParam("scope")
	}
	var resources, echo, oidc []string
	for _, f := range fields {
		if containsFold(oidcScopes, f) {
			oidc = unionScopes(oidc, strings.ToLower(f))
			continue
		}
		ref, value := splitScope(f)
		if value == "" {
			return nil, errInvalidScope(f)
		}
		if strings.EqualFold(ref, GraphAppID) {
			ref = GraphResource
		}
		if !slices.ContainsFunc(resources, func(r string) bool { return sameResource(r, ref) }) {
			resources = append(resources, ref)
		}
		echo = append(echo, f)
	}
	if len(resources) > 1 {
		return nil, fail("invalid_scope", 700022, "The provided value for the input parameter scope is not valid because it contains more than one resource. Scope %s is not valid.", raw)
	}
	return append(echo, oidc...), nil
}

// resourceByName finds the service principal of t that a scope prefix
// names: by appId, or by one of its servicePrincipalNames (compared
// without a trailing slash, as Entra accepts both spellings).
func resourceByName(st *State, t *Tenant, ref string) *ServicePrincipal {
	if IsGUID(ref) {
		return t.ServicePrincipalByAppID(ref)
	}
	for appID, names := range firstPartyNames {
		for _, n := range names {
			if sameResource(n, ref) {
				return t.ServicePrincipalByAppID(appID)
			}
		}
	}
	uris := st.identifierURIsByAppID()
	for _, sp := range t.ServicePrincipals {
		for _, uri := range uris[strings.ToLower(sp.AppID)] {
			if sameResource(uri, ref) {
				return sp
			}
		}
	}
	return nil
}

// resolveExplicit checks explicit scopes against the resource's published
// scopes and spells them as the resource does.
func (q *scopeRequest) resolveExplicit() *LoginFailure {
	if q.isDefault && len(q.explicit) > 0 {
		return fail("invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid. The scope '%s' is not valid. "+
			".default scope can't be combined with resource-specific scopes.", strings.Join(q.echo, " "))
	}
	for i, v := range q.explicit {
		ps := publishedScope(q.resource, v)
		if ps == nil {
			return errInvalidScope(q.echo[i])
		}
		q.explicit[i] = ps.Value
	}
	return nil
}

func errInvalidScope(scope string) *LoginFailure {
	return fail("invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid. The scope '%s' does not exist.", scope)
}

func errResourceNotFound(resource string, t *Tenant) *LoginFailure {
	return fail("invalid_resource", 500011, "The resource principal named %s was not found in the tenant named %s. "+
		"This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. "+
		"You might have sent your authentication request to the wrong tenant.", resource, t.DisplayName)
}

// splitScope splits "https://graph.microsoft.com/User.Read" into resource
// and value at the last slash, keeping the resource as written
// ("https://management.core.windows.net//.default" names
// "https://management.core.windows.net/"); a bare "User.Read" belongs to
// Graph.
func splitScope(s string) (resource, value string) {
	i := strings.LastIndex(s, "/")
	if i < 0 {
		return GraphResource, s
	}
	return s[:i], s[i+1:]
}

// sameResource compares resource identifiers with or without a trailing
// slash, case-insensitively.
func sameResource(a, b string) bool {
	norm := func(s string) string { return strings.TrimRight(strings.ToLower(s), "/") }
	return norm(a) == norm(b)
}

// publishedScope finds an enabled delegated permission of a resource.
func publishedScope(resource *ServicePrincipal, value string) *PermissionScope {
	for i := range resource.Scopes {
		if strings.EqualFold(resource.Scopes[i].Value, value) && resource.Scopes[i].IsEnabled {
			return &resource.Scopes[i]
		}
	}
	return nil
}

// publishedScopeByID finds a delegated permission by id.
func publishedScopeByID(resource *ServicePrincipal, id string) *PermissionScope {
	for i := range resource.Scopes {
		if strings.EqualFold(resource.Scopes[i].ID, id) {
			return &resource.Scopes[i]
		}
	}
	return nil
}

// responseScope is the scope string of a token response. MSAL fails unless
// every requested scope appears in it (case-insensitively), so the
// requested resource scopes are echoed as written, followed by the other
// scopes the token carries, in Graph's short form.
func responseScope(q *scopeRequest, granted []string) string {
	out := append([]string{}, q.echo...)
	for _, g := range granted {
		if containsFold(oidcScopes, g) || containsFold(q.explicit, g) {
			continue
		}
		out = append(out, g)
	}
	return strings.Join(out, " ")
}

// unionScopes appends the values of add missing from base (case-insensitive).
func unionScopes(base []string, add ...string) []string {
	out := append([]string{}, base...)
	for _, v := range add {
		if !containsFold(out, v) {
			out = append(out, v)
		}
	}
	return out
}
