package emulator

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/lazyregexp"
)

// Validation rules Graph applies to application objects (graph.md section
// 1, entra-docs reply-url.md). Pure functions; the handlers map their
// results to Graph errors.

// Sign-in audiences Graph accepts.
var signInAudiences = []string{"AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"}

func validSignInAudience(s string) bool {
	for _, a := range signInAudiences {
		if a == s { // Graph matches the enum case-sensitively (unverified)
			return true
		}
	}
	return false
}

// workOrSchoolOnly reports whether an audience excludes personal accounts,
// which unlocks query strings and wildcards in redirect URIs.
func workOrSchoolOnly(audience string) bool {
	return audience == "AzureADMyOrg" || audience == "AzureADMultipleOrgs"
}

// maxRedirectURIs is the limit for all redirect URIs of an app together.
func maxRedirectURIs(audience string) int {
	if workOrSchoolOnly(audience) {
		return 256
	}
	return 100
}

const maxRedirectURILength = 256

// redirectURIProblem explains why uri is not a valid redirect URI for the
// platform (web, spa or publicClient) and audience; "" means valid.
func redirectURIProblem(platform, uri, audience string) string {
	if uri == "" {
		return "empty"
	}
	if len(uri) > maxRedirectURILength {
		return "longer than 256 characters"
	}
	if strings.ContainsAny(uri, "!$'(),;") {
		return "contains a disallowed character"
	}
	if strings.Contains(uri, "#") {
		return "contains a fragment"
	}
	u, err := url.Parse(uri)
	if err != nil || u.Scheme == "" {
		return "not an absolute URI"
	}
	if strings.Contains(uri, "*") && (platform != "web" || !workOrSchoolOnly(audience)) {
		return "wildcards are allowed only for web URIs of work or school apps"
	}
	if u.RawQuery != "" && !workOrSchoolOnly(audience) {
		return "query strings are allowed only for work or school apps"
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		if u.Host == "" {
			return "no host"
		}
		return ""
	case "http":
		if isLoopbackHost(u.Hostname()) {
			return ""
		}
		return "http is allowed only for localhost and 127.0.0.1"
	}
	// Custom schemes (msal{appId}://auth, ms-appx-web://, urn:...) are for
	// mobile and desktop clients only.
	if platform == "publicClient" {
		return ""
	}
	return "the scheme must be https"
}

// isLoopbackHost: [::1] is documented as unsupported.
func isLoopbackHost(host string) bool {
	return strings.EqualFold(host, "localhost") || host == "127.0.0.1"
}

// errInvalidProperty is Graph's generic validation error for applications.
func errInvalidProperty(prop, resource string) *graphError {
	return errBadRequest("Invalid value specified for property '%s' of resource '%s'.", prop, resource)
}

// validateRedirectURIs checks one platform's URIs.
func validateRedirectURIs(platform string, uris []string, audience string) *graphError {
	for _, uri := range uris {
		if redirectURIProblem(platform, uri, audience) != "" {
			return errInvalidProperty(platform, "Application")
		}
	}
	return nil
}

// errInvalidObjectID is the directory's 400 for an id that is not a GUID.
func errInvalidObjectID(ref string) *graphError {
	return errBadRequest("Invalid object identifier '%s'.", ref)
}

// identifierURIProblem checks an application ID URI: api:// URIs are
// always allowed; http(s) URIs must use a verified domain of the tenant.
func identifierURIProblem(uri string, verifiedDomains []string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme == "" {
		return "not an absolute URI"
	}
	if strings.Contains(uri, "#") || strings.Contains(uri, "*") {
		return "contains a fragment or wildcard"
	}
	switch strings.ToLower(u.Scheme) {
	case "api", "urn":
		return ""
	case "https", "http":
		host := strings.ToLower(u.Hostname())
		for _, d := range verifiedDomains {
			d = strings.ToLower(d)
			if host == d || strings.HasSuffix(host, "."+d) {
				return ""
			}
		}
		return "host is not a verified domain"
	}
	return "unsupported scheme"
}

// errIdentifierURIDomain is Graph's refusal of an identifier URI outside
// the tenant's verified domains (observed wording).
func errIdentifierURIDomain(uri string) *graphError {
	return newGraphError(http.StatusBadRequest, "HostNameNotOnVerifiedDomain",
		"Values of identifierUris property must use a verified domain of the organization or its subdomain: '"+uri+"'")
}

// Limits on requiredResourceAccess (Verified, graph.md section 1).
const (
	maxRequiredResources   = 50
	maxRequiredPermissions = 400
)

// requiredResourceAccessProblem validates requested permissions: GUIDs of
// type Scope or Role within Graph's limits. Graph does not check them
// against what the API publishes: an app may request an id its API does not
// have (a stale or mistyped one) and the failure comes at consent, which
// Entra validates as a whole (observed in
// github.com/Azure-Samples/azure-finops-agent/issues/52: app role ids requested as scopes and an id Log Analytics does
// not publish, stored; admin consent then failed for the whole app).
func requiredResourceAccessProblem(rra []RequiredResourceAccess) string {
	if len(rra) > maxRequiredResources {
		return "more than 50 resources"
	}
	total := 0
	for _, r := range rra {
		if !IsGUID(r.ResourceAppID) {
			return "resourceAppId " + r.ResourceAppID + " is not a GUID"
		}
		for _, ra := range r.ResourceAccess {
			total++
			if !IsGUID(ra.ID) {
				return "permission id " + ra.ID + " is not a GUID"
			}
			if ra.Type != "Scope" && ra.Type != "Role" {
				return "permission type " + ra.Type + " is neither Scope nor Role"
			}
		}
	}
	if total > maxRequiredPermissions {
		return "more than 400 permissions"
	}
	return ""
}

func publishesPermission(scopes []PermissionScope, roles []AppRole, ra ResourceAccess) bool {
	switch ra.Type {
	case "Scope":
		for _, s := range scopes {
			if strings.EqualFold(s.ID, ra.ID) {
				return true
			}
		}
	case "Role":
		for _, r := range roles {
			if strings.EqualFold(r.ID, ra.ID) {
				return true
			}
		}
	}
	return false
}

var isoDurationRE = lazyregexp.New(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// parseISODuration reads the ISO 8601 durations app management policies
// use (P90D, P1Y, PT12H). Years and months count as 365 and 30 days.
func parseISODuration(s string) (time.Duration, bool) {
	m := isoDurationRE.FindStringSubmatch(s)
	if m == nil || s == "P" || s == "PT" {
		return 0, false
	}
	units := []time.Duration{365 * 24 * time.Hour, 30 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second}
	var d time.Duration
	for i, unit := range units {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.Atoi(m[i+1])
		if err != nil {
			return 0, false
		}
		d += time.Duration(n) * unit
	}
	return d, true
}

// scopeValuesProblem checks a grant's space-separated scope against the
// resource's published delegated permissions; it returns the first
// unknown value.
func scopeValuesProblem(scope string, published []PermissionScope) string {
	for _, v := range strings.Fields(scope) {
		found := false
		for _, p := range published {
			if strings.EqualFold(p.Value, v) && p.IsEnabled {
				found = true
				break
			}
		}
		if !found {
			return v
		}
	}
	return ""
}
