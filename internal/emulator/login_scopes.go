package emulator

import (
	"strings"
)

// oidcScopes are the OpenID Connect scopes MSAL appends to every user
// request. They are Graph permissions too, so consent covers them.
var oidcScopes = []string{"openid", "profile", "email", "offline_access"}

// scopeRequest is a parsed scope parameter: OIDC scopes plus scopes of one
// resource, either explicit or its .default.
type scopeRequest struct {
	oidc      []string // lower-case OIDC scopes, as requested
	resource  *ServicePrincipal
	isDefault bool
	explicit  []string // resource scope values, in the resource's spelling
	echo      []string // the resource scopes as the client wrote them
}

// has reports whether the OIDC scope was requested.
func (q *scopeRequest) has(oidcScope string) bool { return containsFold(q.oidc, oidcScope) }

// canonical is the request as stored with codes and tokens: resource scopes
// fully qualified, then OIDC scopes. Parsing it yields the same request.
func (q *scopeRequest) canonical() []string {
	var out []string
	if q.isDefault {
		out = append(out, GraphResource+"/.default")
	}
	for _, v := range q.explicit {
		out = append(out, GraphResource+"/"+v)
	}
	return append(out, q.oidc...)
}

// asWritten is the request as the client wrote it, stored with device and
// authorization codes: Entra echoes the scopes of the original request in
// the client's spelling when the code is redeemed (bare "User.Read" stays
// bare), and MSAL rejects a response whose scope lacks a requested spelling.
func (q *scopeRequest) asWritten() []string {
	return append(append([]string{}, q.echo...), q.oidc...)
}

// parseScopes parses a space-separated scope parameter against tenant t.
// Bare scope names belong to Microsoft Graph, as in Entra. The emulator
// issues tokens for Graph only, so other resources are unknown to it.
func parseScopes(t *Tenant, raw string) (*scopeRequest, *LoginFailure) {
	fields := strings.Fields(raw)
	if len(fields) == 0 {
		return nil, errMissingParam("scope")
	}
	q := &scopeRequest{}
	resourceRef := ""
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
		if resourceRef != "" && !sameResource(resourceRef, ref) {
			// Entra: AADSTS700022 (InvalidMultipleResourcesScope); the
			// wording is recalled, not verified.
			return nil, fail("invalid_scope", 700022, "The provided value for the input parameter scope is not valid because it contains more than one resource. Scope %s is not valid.", raw)
		}
		resourceRef = ref
		q.echo = append(q.echo, f)
		if value == ".default" {
			q.isDefault = true
			continue
		}
		q.explicit = append(q.explicit, value)
	}
	if resourceRef == "" {
		resourceRef = GraphResource // only OIDC scopes: Entra issues a Graph token
	}
	if !sameResource(resourceRef, GraphResource) {
		return nil, errResourceNotFound(resourceRef, t)
	}
	q.resource = t.ServicePrincipalByAppID(GraphAppID)
	if q.resource == nil {
		return nil, errResourceNotFound(resourceRef, t)
	}
	return q, q.resolveExplicit()
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
// and value; a bare "User.Read" belongs to Graph.
func splitScope(s string) (resource, value string) {
	i := strings.LastIndex(s, "/")
	if i < 0 {
		return GraphResource, s
	}
	return strings.TrimRight(s[:i], "/"), s[i+1:]
}

// sameResource compares resource identifiers, treating Graph's URI and
// appId as the same resource.
func sameResource(a, b string) bool {
	norm := func(s string) string {
		s = strings.TrimRight(strings.ToLower(s), "/")
		if s == GraphAppID {
			return GraphResource
		}
		return s
	}
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
