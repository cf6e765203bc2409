package auth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/lazyregexp"
)

// Scopes are Microsoft Graph delegated permissions, e.g.
// auth.Scopes{"Application.ReadWrite.All"}. Commands declare the ones they
// need; teamsctl asks Entra for them when the first Graph call is made.
type Scopes []string

// DefaultLoginScopes is what `teamsctl login` asks for without --scopes:
// enough for every command but meeting test (the table of package
// permissions checks that each command's needs are satisfied by it), so
// an admin consents once. Register an app, add redirect URIs, secrets and
// owners (Graph documents adding an owner as Application.ReadWrite.All and
// Directory.Read.All), grant delegated and application permissions, read
// the consent, app-management and Conditional Access policies, and
// doctor's per-user checks (users, licences, group memberships, sign-in
// logs). Meeting tests sign in as the app under test, with its own
// permissions.
var DefaultLoginScopes = Scopes{
	"User.Read",
	"Application.ReadWrite.All",
	"DelegatedPermissionGrant.ReadWrite.All",
	"AppRoleAssignment.ReadWrite.All",
	"Directory.Read.All",
	"Policy.Read.All",
	"User.Read.All",
	"GroupMember.Read.All",
	"AuditLog.Read.All",
	"ConsentRequest.ReadWrite.All",
}

// oidcScopes are added by MSAL to every user sign-in; they are not Graph
// permissions a command can lack.
var oidcScopes = []string{"openid", "profile", "offline_access", "email"}

var scopePattern = lazyregexp.New(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// ParseScopes reads a --scopes value: names separated by commas and/or
// spaces, duplicates dropped.
func ParseScopes(s string) (Scopes, error) {
	var out Scopes
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if !scopePattern.MatchString(f) {
			return nil, fmt.Errorf("%q is not a Microsoft Graph permission name such as Application.ReadWrite.All", f)
		}
		out = out.with(f)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no permissions given")
	}
	return out, nil
}

// with returns s plus scope unless s already has it (case-insensitively).
func (s Scopes) with(scope ...string) Scopes {
	out := slices.Clone(s)
	for _, sc := range scope {
		if !containsFold(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}

// key identifies the scope set regardless of order and case.
func (s Scopes) key() string {
	k := make([]string, len(s))
	for i, sc := range s {
		k[i] = strings.ToLower(sc)
	}
	slices.Sort(k)
	return strings.Join(k, " ")
}

// missingFrom returns the scopes of s that granted lacks. A ReadWrite
// permission grants its Read permission (Application.ReadWrite.All can do
// what Application.Read.All can), as everywhere in Microsoft Graph, so a
// token with the former is not sent back for the latter.
func (s Scopes) missingFrom(granted []string) Scopes {
	var out Scopes
	for _, sc := range s {
		if !containsFold(granted, sc) && !containsFold(oidcScopes, sc) && !containsFold(granted, readWriteOf(sc)) {
			out = append(out, sc)
		}
	}
	return out
}

// readWriteOf is the ReadWrite permission of a Read permission
// (Calendars.Read: Calendars.ReadWrite), or "" for any other.
func readWriteOf(scope string) string {
	parts := strings.Split(scope, ".")
	for i, p := range parts {
		if strings.EqualFold(p, "Read") {
			parts[i] = "ReadWrite"
			return strings.Join(parts, ".")
		}
	}
	return ""
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// Token is an access token for Microsoft Graph.
type Token struct {
	Value     string
	ExpiresOn time.Time
}

// Claims are what teamsctl reads from an access token. The token is not
// verified: Graph does that; these claims only describe the sign-in.
type Claims struct {
	TenantID string   `json:"tid"`
	ObjectID string   `json:"oid"`
	AppID    string   `json:"appid"`
	UPN      string   `json:"upn"`
	Username string   `json:"preferred_username"`
	Name     string   `json:"name"`
	Scope    string   `json:"scp"`
	Roles    []string `json:"roles"`
	IDType   string   `json:"idtyp"`
	Expiry   int64    `json:"exp"`
}

// ParseClaims decodes an access token's payload.
func ParseClaims(token string) (*Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("the access token is not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, fmt.Errorf("the access token's payload is not base64url: %w", err)
	}
	var c Claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, fmt.Errorf("the access token's payload is not JSON: %w", err)
	}
	return &c, nil
}

// Scopes are the delegated permissions the token carries.
func (c *Claims) Scopes() []string { return strings.Fields(c.Scope) }

// AppOnly reports whether the token is an application's own (service
// principal) rather than a user's.
func (c *Claims) AppOnly() bool {
	return c.IDType == "app" || (c.IDType == "" && c.Scope == "" && len(c.Roles) > 0)
}

// Account is the user's sign-in name, or the application id.
func (c *Claims) Account() string {
	switch {
	case c.Username != "":
		return c.Username
	case c.UPN != "":
		return c.UPN
	default:
		return c.AppID
	}
}

// ExpiresOn is the token's expiry.
func (c *Claims) ExpiresOn() time.Time { return time.Unix(c.Expiry, 0).UTC() }

// Permissions are the Graph permissions of the token: the delegated
// scopes of a user token (without the OpenID Connect ones), or the roles
// of an app token.
func (c *Claims) Permissions() []string {
	if c.AppOnly() {
		return c.Roles
	}
	out := []string{}
	for _, s := range c.Scopes() {
		if !containsFold(oidcScopes, s) {
			out = append(out, s)
		}
	}
	return out
}
