package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is defined as a SHA-1 thumbprint
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// GraphResource is the audience of Graph access tokens and the prefix of
// fully qualified Graph scopes.
const GraphResource = "https://graph.microsoft.com"

// signingKeys holds the RSA key that signs every token the emulator issues.
type signingKeys struct {
	key *rsa.PrivateKey
	kid string
}

// loadOrCreateKeys reuses the key stored in the state, or creates one and
// stores it, so a persisted sandbox keeps accepting the tokens it issued.
func loadOrCreateKeys(st *State) (*signingKeys, error) {
	if st.SigningKey != "" {
		block, _ := pem.Decode([]byte(st.SigningKey))
		if block == nil {
			return nil, errors.New("emulator state: signingKey is not PEM")
		}
		key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("emulator state: signingKey: %w", err)
		}
		return newSigningKeys(key), nil
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	st.SigningKey = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	return newSigningKeys(key), nil
}

func newSigningKeys(key *rsa.PrivateKey) *signingKeys {
	sum := sha1.Sum(x509.MarshalPKCS1PublicKey(&key.PublicKey)) //nolint:gosec // thumbprint, not security
	return &signingKeys{key: key, kid: base64.RawURLEncoding.EncodeToString(sum[:])}
}

// jwks is the discovery/v2.0/keys document.
func (k *signingKeys) jwks() map[string]any {
	pub := k.key.PublicKey
	return map[string]any{"keys": []map[string]any{{
		"kty": "RSA",
		"use": "sig",
		"kid": k.kid,
		"x5t": k.kid,
		"n":   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e":   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}

func (k *signingKeys) sign(claims jwt.Claims) (string, error) {
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = k.kid
	tok.Header["x5t"] = k.kid
	return tok.SignedString(k.key)
}

// AccessClaims are the claims of an emulated access token: the v1.0 token
// format Microsoft Graph and Azure Resource Manager receive, with the
// claims Entra puts in such a token for the flow (Microsoft's "Access token
// claims reference", learn.microsoft.com/entra/identity-platform/
// access-token-claims-reference). v1.0 tokens carry appid/appidacr and,
// for users, upn/unique_name; they never carry the v2.0-only azp, azpacr
// or preferred_username, and name the token by uti, not jti. Delegated
// tokens carry scp, app-only tokens roles; idtyp says which.
type AccessClaims struct {
	jwt.RegisteredClaims
	// Aud shadows RegisteredClaims.Audience: Entra sends aud as a single
	// string, which jwt.ClaimStrings would encode as an array.
	Aud string `json:"aud"`
	// ACR is "1" for user sign-ins (v1.0 only); app-only tokens have none.
	ACR string `json:"acr,omitempty"`
	// AuthMethods (amr) is the user's authentication methods (v1.0 only).
	AuthMethods []string `json:"amr,omitempty"`
	// AppDisplayName is the calling application's display name.
	AppDisplayName string `json:"app_displayname,omitempty"`
	AppID          string `json:"appid"`
	// AppIDACR says how the client authenticated: "0" public client, "1"
	// client secret, "2" certificate.
	AppIDACR   string `json:"appidacr"`
	FamilyName string `json:"family_name,omitempty"`
	GivenName  string `json:"given_name,omitempty"`
	// IDP is the identity provider; Entra emits it in app-only tokens (the
	// issuer itself) and omits it for member users, for whom it would equal
	// iss.
	IDP               string   `json:"idp,omitempty"`
	IDType            string   `json:"idtyp"` // user or app
	Name              string   `json:"name,omitempty"`
	ObjectID          string   `json:"oid"`
	Roles             []string `json:"roles,omitempty"`
	Scopes            string   `json:"scp,omitempty"`
	TenantRegionScope string   `json:"tenant_region_scope,omitempty"`
	TenantID          string   `json:"tid"`
	UniqueName        string   `json:"unique_name,omitempty"`
	UPN               string   `json:"upn,omitempty"`
	// UTI is the unique token identifier (what jti is in the JWT spec).
	UTI            string   `json:"uti"`
	Version        string   `json:"ver"`
	DirectoryRoles []string `json:"wids,omitempty"`
}

// appIDACR is the appidacr value of a client authentication method.
func appIDACR(m clientAuthMethod) string {
	switch m {
	case authSecret:
		return "1"
	case authAssertion:
		return "2"
	}
	return "0"
}

// userAccessClaims are the claims of a delegated token: the user signed in
// to client (whose display name the token names) with the given methods.
// sub is pairwise per user and client, as in Entra.
func userAccessClaims(t *Tenant, u *User, client *Application, auth clientAuthMethod, amr []string, scopes []string) AccessClaims {
	return AccessClaims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: pairwiseSubject(u.ID, client.AppID)},
		TenantID:         t.ID, ObjectID: u.ID, UPN: u.UserPrincipalName, UniqueName: u.UserPrincipalName,
		Name: u.DisplayName, GivenName: u.GivenName, FamilyName: u.Surname,
		AppID: client.AppID, AppDisplayName: client.DisplayName, AppIDACR: appIDACR(auth), ACR: "1", AuthMethods: amr,
		IDType: "user", Scopes: strings.Join(scopes, " "), DirectoryRoles: u.DirectoryRoles,
		TenantRegionScope: tenantRegionScope(t),
	}
}

// appAccessClaims are the claims of an app-only token for the client's
// service principal sp; sub and oid are the service principal's id.
func appAccessClaims(t *Tenant, sp *ServicePrincipal, auth clientAuthMethod, roles []string) AccessClaims {
	return AccessClaims{
		TenantID: t.ID, ObjectID: sp.ID, AppID: sp.AppID, AppDisplayName: sp.DisplayName, AppIDACR: appIDACR(auth),
		IDP: accessTokenIssuer(t.ID), IDType: "app", Roles: roles, TenantRegionScope: tenantRegionScope(t),
	}
}

// IsAppOnly reports whether the token was issued to an application itself.
func (c *AccessClaims) IsAppOnly() bool { return c.IDType == "app" }

// ScopeList splits the space-separated scp claim.
func (c *AccessClaims) ScopeList() []string { return strings.Fields(c.Scopes) }

// HasScope reports whether the delegated token carries scope (case-insensitively).
func (c *AccessClaims) HasScope(scope string) bool { return containsFold(c.ScopeList(), scope) }

// HasRole reports whether the app-only token carries the application role.
func (c *AccessClaims) HasRole(role string) bool { return containsFold(c.Roles, role) }

// accessTokenIssuer is the v1 issuer Graph tokens carry.
func accessTokenIssuer(tenantID string) string {
	return "https://sts.windows.net/" + tenantID + "/"
}

// signAccessToken mints a Graph access token valid for lifetime.
func (s *Server) signAccessToken(c AccessClaims, now time.Time, lifetime time.Duration) (string, error) {
	c.Issuer = accessTokenIssuer(c.TenantID)
	if c.Aud == "" {
		c.Aud = GraphResource
	}
	c.IssuedAt = jwt.NewNumericDate(now)
	c.NotBefore = jwt.NewNumericDate(now.Add(-5 * time.Minute))
	c.ExpiresAt = jwt.NewNumericDate(now.Add(lifetime))
	c.UTI = newTokenID()
	c.Version = "1.0"
	if c.Subject == "" {
		c.Subject = c.ObjectID
	}
	return s.keys.sign(c)
}

// newTokenID returns a uti: like Entra's, 22 characters of base64url.
func newTokenID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Token validation failures, mapped by Graph to 401 InvalidAuthenticationToken.
var (
	errTokenMissing  = errors.New("Access token is empty.")
	errTokenExpired  = errors.New("Lifetime validation failed, the token is expired.")
	errTokenAudience = errors.New("Access token validation failure. Invalid audience.")
	errTokenInvalid  = errors.New("Access token validation failure.")
	errTokenIssuer   = errors.New("Access token validation failure. Invalid issuer.")
)

// graphAudiences are the aud values Microsoft Graph accepts.
var graphAudiences = []string{GraphResource, GraphAppID}

// verifyAccessToken checks signature, lifetime and audience (one of
// audiences, with or without a trailing slash) of a bearer token as the
// resource does, and returns its claims.
func (s *Server) verifyAccessToken(raw string, now time.Time, audiences []string) (*AccessClaims, error) {
	if raw == "" {
		return nil, errTokenMissing
	}
	var c AccessClaims
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithExpirationRequired(),
	)
	_, err := parser.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return &s.keys.key.PublicKey, nil })
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, errTokenExpired
	case err != nil:
		return nil, errTokenInvalid
	}
	if !slices.ContainsFunc(audiences, func(a string) bool { return sameResource(a, c.Aud) }) {
		return nil, errTokenAudience
	}
	if c.Issuer != accessTokenIssuer(c.TenantID) {
		return nil, errTokenIssuer
	}
	return &c, nil
}

// parseUnverified decodes a token's claims without checking it.
func parseUnverified(raw string, c *AccessClaims) bool {
	_, _, err := jwt.NewParser().ParseUnverified(raw, c)
	return err == nil
}
