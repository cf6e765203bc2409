package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// refreshTokenLifetime is Entra's inactivity window for refresh tokens.
const refreshTokenLifetime = 90 * 24 * time.Hour

// tokenRequest is one call to the token endpoint, handled with s.mu held.
type tokenRequest struct {
	r    *http.Request
	st   *State
	lt   loginTenant
	ref  string // the {tenant} segment as sent
	now  time.Time
	base string
}

func (q *tokenRequest) form(key string) string { return q.r.PostForm.Get(key) }

// client resolves the client_id and authenticates it.
func (q *tokenRequest) client() (*loginClient, clientAuthMethod, *LoginFailure) {
	c, f := resolveClient(q.st, q.lt, q.form("client_id"))
	if f != nil {
		return nil, authNone, f
	}
	method, f := c.authenticate(readClientCredentials(q.r), tokenAudiences(q.base, q.ref, q.lt.tenant), q.now)
	return c, method, f
}

type tokenGrant func(s *Server, q *tokenRequest) (map[string]any, *LoginFailure)

var tokenGrants = map[string]tokenGrant{
	"client_credentials": (*Server).grantClientCredentials,
	"device_code":        (*Server).grantDeviceCode, // what MSAL sends
	"urn:ietf:params:oauth:grant-type:device_code": (*Server).grantDeviceCode,
	"refresh_token":      (*Server).grantRefreshToken,
	"authorization_code": (*Server).grantAuthorizationCode,
	"password":           (*Server).grantPassword,
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request, ref string) {
	if err := r.ParseForm(); err != nil {
		writeLoginFailure(w, r, fail("invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'."))
		return
	}
	grantType := r.PostForm.Get("grant_type")
	grant, ok := tokenGrants[grantType]
	switch {
	case grantType == "":
		writeLoginFailure(w, r, errMissingParam("grant_type"))
		return
	case !ok:
		writeLoginFailure(w, r, fail("unsupported_grant_type", 70003, "The app requested an unsupported grant type '%s'.", grantType))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lt, f := resolveLoginTenant(s.state, ref)
	if f != nil {
		writeLoginFailure(w, r, f)
		return
	}
	body, f := grant(s, &tokenRequest{r: r, st: s.state, lt: lt, ref: ref, now: s.now(), base: baseURL(r)})
	if f != nil {
		writeLoginFailure(w, r, f)
		return
	}
	writeTokenResponse(w, body)
}

// writeTokenResponse writes a successful token response with the headers
// Entra sends (tokens must never be cached by intermediaries).
func writeTokenResponse(w http.ResponseWriter, body map[string]any) {
	w.Header().Set("Cache-Control", "no-store, no-cache")
	w.Header().Set("Pragma", "no-cache")
	writeLoginJSON(w, http.StatusOK, body)
}

// grantClientCredentials issues an app-only token carrying the application
// permissions (app role assignments) the client's service principal holds
// in the tenant.
func (s *Server) grantClientCredentials(q *tokenRequest) (map[string]any, *LoginFailure) {
	if q.lt.multi {
		// Entra cannot tell which tenant's app-only token is wanted.
		return nil, fail("invalid_request", 50059, "No tenant-identifying information found in either the request or implied by any provided credentials.")
	}
	c, method, f := q.client()
	if f != nil {
		return nil, f
	}
	if method == authNone {
		return nil, errCredentialRequired()
	}
	scopes, f := parseScopes(q.st, q.lt.tenant, q.form("scope"))
	if f != nil {
		return nil, f
	}
	if !scopes.isDefault {
		return nil, fail("invalid_scope", 1002012, "The provided value for scope %s is not valid. Client credential flows must have a scope value "+
			"with /.default suffixed to the resource identifier (application ID URI).", q.form("scope"))
	}
	t := q.lt.tenant
	sp := t.ServicePrincipalByAppID(c.app.AppID)
	if sp == nil {
		// Entra's current answer for an app never consented in the tenant;
		// the error name is a plausible guess.
		return nil, fail("invalid_client", 7000229, "The client application %s is missing service principal in the tenant %s. "+
			"See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119", c.app.AppID, t.ID)
	}
	if !sp.AccountEnabled {
		return nil, errAppDisabled(sp)
	}
	claims := appAccessClaims(t, sp, method, assignedRoleValues(t, sp, scopes.resource))
	claims.Aud = scopes.audience()
	at, err := s.signAccessToken(claims, q.now, s.tokenLifetime)
	if err != nil {
		return nil, errServer(err)
	}
	secs := int(s.tokenLifetime / time.Second)
	return map[string]any{"token_type": "Bearer", "expires_in": secs, "ext_expires_in": secs, "access_token": at}, nil
}

func errCredentialRequired() *LoginFailure {
	return failClient(7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
}

func errServer(err error) *LoginFailure {
	f := fail("temporarily_unavailable", 90033, "A transient error has occurred. Please try again. (%v)", err)
	f.Status = http.StatusServiceUnavailable
	return f
}

// assignedRoleValues lists the values of resource's app roles assigned to
// the service principal.
func assignedRoleValues(t *Tenant, sp, resource *ServicePrincipal) []string {
	var out []string
	for _, a := range t.AssignmentsOf(sp.ID) {
		if !strings.EqualFold(a.ResourceID, resource.ID) {
			continue
		}
		for _, role := range resource.AppRoles {
			if strings.EqualFold(role.ID, a.AppRoleID) && role.IsEnabled {
				out = unionScopes(out, role.Value)
			}
		}
	}
	return out
}

// grantPassword is the resource owner password credentials flow (ROPC,
// "Microsoft identity platform and OAuth 2.0 Resource Owner Password
// Credentials"): a work account's username and password, checked against
// the user's seeded password (50126 when wrong or when the account has
// none). It cannot prompt, so the sign-in is evaluated as a silent one: no
// consent (65001) and no MFA, which Entra refuses with 50076 where
// Conditional Access requires it. A public client needs "Allow public
// client flows" (7000218 otherwise), as for the device code flow.
func (s *Server) grantPassword(q *tokenRequest) (map[string]any, *LoginFailure) {
	c, method, f := q.client()
	if f != nil {
		return nil, f
	}
	if method == authNone && !allowsPublicClientFlows(c.app) {
		return nil, errCredentialRequired()
	}
	upn, password := q.form("username"), q.form("password")
	switch {
	case upn == "":
		return nil, errMissingParam("username")
	case password == "":
		return nil, errMissingParam("password")
	}
	scopes, f := parseScopes(q.st, q.lt.tenant, q.form("scope"))
	if f != nil {
		return nil, f
	}
	user := q.lt.tenant.UserByIDOrUPN(upn)
	a := signInAttempt{tenant: q.lt.tenant, client: c, user: user, upn: upn, scopes: scopes, clientAppType: clientAppDesktop}
	if user != nil && (user.Password == "" || subtle.ConstantTimeCompare([]byte(user.Password), []byte(password)) != 1) {
		f := fail("invalid_grant", 50126, "Error validating credentials due to invalid username or password.")
		recordSignIn(q.st, a, caOutcome{status: "notApplied"}, f, q.now)
		return nil, f
	}
	res, f := s.signIn(q.st, a, q.now)
	if f != nil {
		return nil, f
	}
	return s.issueUserTokens(q, userTokens{client: c, user: user, scopes: scopes, clientSP: res.clientSP,
		mfa: res.mfa, clientAppType: clientAppDesktop, auth: method})
}

// grantRefreshToken redeems a refresh token. Entra re-evaluates the
// sign-in silently: account state, assignment, consent and Conditional
// Access, with the MFA the original interactive sign-in performed. Used
// refresh tokens stay valid: Entra does not revoke a refresh token when it
// is redeemed ("you're expected to discard the old refresh token").
func (s *Server) grantRefreshToken(q *tokenRequest) (map[string]any, *LoginFailure) {
	c, method, f := q.client()
	if f != nil {
		return nil, f
	}
	raw := q.form("refresh_token")
	if raw == "" {
		return nil, errMissingParam("refresh_token")
	}
	rt, f := findRefreshToken(q.st, q.lt.tenant, c.app, raw, q.now)
	if f != nil {
		return nil, f
	}
	if rt.Confidential && method == authNone {
		return nil, errCredentialRequired()
	}
	scope := q.form("scope")
	if strings.TrimSpace(scope) == "" {
		scope = strings.Join(rt.Scopes, " ")
	}
	scopes, f := parseScopes(q.st, q.lt.tenant, scope)
	if f != nil {
		return nil, f
	}
	user := q.lt.tenant.UserByIDOrUPN(rt.UserID)
	attempt := signInAttempt{tenant: q.lt.tenant, client: c, user: user, upn: rt.UserID, scopes: scopes,
		mfaDone: rt.MFA, clientAppType: rt.ClientAppType}
	res, f := s.signIn(q.st, attempt, q.now)
	if f != nil {
		return nil, f
	}
	return s.issueUserTokens(q, userTokens{client: c, user: user, scopes: scopes, clientSP: res.clientSP,
		mfa: res.mfa, clientAppType: rt.ClientAppType, auth: method})
}

// findRefreshToken checks a presented refresh token.
func findRefreshToken(st *State, t *Tenant, app *Application, raw string, now time.Time) (*RefreshToken, *LoginFailure) {
	var rt *RefreshToken
	for _, cand := range st.RefreshTokens {
		if cand.Token == raw {
			rt = cand
			break
		}
	}
	switch {
	case rt == nil:
		return nil, fail("invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")
	case !strings.EqualFold(rt.ClientID, app.AppID) || rt.TenantID != t.ID:
		return nil, fail("invalid_grant", 70000, "Provided grant is invalid or malformed.")
	case rt.Revoked:
		return nil, fail("invalid_grant", 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. "+
			"The user might have changed or reset their password.")
	case now.After(rt.ExpiresAt):
		return nil, fail("invalid_grant", 700082, "The refresh token has expired due to inactivity. The token was issued on %s and was inactive for 90.00:00:00.",
			rt.ExpiresAt.Add(-refreshTokenLifetime).UTC().Format(time.RFC3339))
	}
	return rt, nil
}

// userTokens is what a successful user sign-in is issued tokens for.
type userTokens struct {
	client        *loginClient
	user          *User
	scopes        *scopeRequest
	clientSP      *ServicePrincipal
	mfa           bool
	clientAppType string
	// auth is how the client authenticated (appidacr); a refresh token
	// issued to a client that authenticated must be redeemed the same way.
	auth  clientAuthMethod
	nonce string
}

// issueUserTokens builds the token response of a user flow: an access
// token carrying every consented scope of the resource, a refresh token
// when offline_access was asked for, an id_token for openid, and
// client_info (unpadded base64url) when the client sent client_info=1.
func (s *Server) issueUserTokens(q *tokenRequest, u userTokens) (map[string]any, *LoginFailure) {
	t := q.lt.tenant
	granted := tokenScopes(q.st, t, u.client.app, u.clientSP, u.scopes.resource, u.user.ID)
	amr := []string{"pwd"}
	if u.mfa {
		amr = append(amr, "mfa")
	}
	claims := userAccessClaims(t, u.user, u.client.app, u.auth, amr, granted)
	claims.Aud = u.scopes.audience()
	at, err := s.signAccessToken(claims, q.now, s.tokenLifetime)
	if err != nil {
		return nil, errServer(err)
	}
	secs := int(s.tokenLifetime / time.Second)
	body := map[string]any{"token_type": "Bearer", "scope": responseScope(u.scopes, granted),
		"expires_in": secs, "ext_expires_in": secs, "access_token": at}
	if u.scopes.has("offline_access") {
		body["refresh_token"] = issueRefreshToken(q.st, t, u, q.now)
	}
	if u.scopes.has("openid") {
		idt, err := s.signUserIDToken(q, u)
		if err != nil {
			return nil, errServer(err)
		}
		body["id_token"] = idt
	}
	if q.form("client_info") == "1" {
		body["client_info"] = clientInfo(u.user.ID, t.ID)
	}
	return body, nil
}

// idTokenClaims are the v2 id_token claims. aud is a single string, as
// Entra sends it: MSAL Go fails to decode an id_token whose aud is an
// array, which is what jwt.ClaimStrings (and so signIDToken) produces.
type idTokenClaims struct {
	Issuer            string `json:"iss"`
	Subject           string `json:"sub"`
	Audience          string `json:"aud"`
	ExpiresAt         int64  `json:"exp"`
	NotBefore         int64  `json:"nbf"`
	IssuedAt          int64  `json:"iat"`
	TenantID          string `json:"tid"`
	ObjectID          string `json:"oid"`
	PreferredUsername string `json:"preferred_username"`
	Name              string `json:"name"`
	Nonce             string `json:"nonce,omitempty"`
	Version           string `json:"ver"`
}

// GetExpirationTime and the other getters make idTokenClaims a jwt.Claims.
func (c idTokenClaims) GetExpirationTime() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(time.Unix(c.ExpiresAt, 0)), nil
}
func (c idTokenClaims) GetIssuedAt() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(time.Unix(c.IssuedAt, 0)), nil
}
func (c idTokenClaims) GetNotBefore() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(time.Unix(c.NotBefore, 0)), nil
}
func (c idTokenClaims) GetIssuer() (string, error)  { return c.Issuer, nil }
func (c idTokenClaims) GetSubject() (string, error) { return c.Subject, nil }
func (c idTokenClaims) GetAudience() (jwt.ClaimStrings, error) {
	return jwt.ClaimStrings{c.Audience}, nil
}

// signUserIDToken mints the id_token of a user flow: issuer
// https://<host>/<tid>/v2.0, audience the client, pairwise sub.
func (s *Server) signUserIDToken(q *tokenRequest, u userTokens) (string, error) {
	t, appID := q.lt.tenant, u.client.app.AppID
	return s.keys.sign(idTokenClaims{
		Issuer: q.base + "/" + t.ID + "/v2.0", Subject: pairwiseSubject(u.user.ID, appID), Audience: appID,
		ExpiresAt: q.now.Add(time.Hour).Unix(), NotBefore: q.now.Unix(), IssuedAt: q.now.Unix(),
		TenantID: t.ID, ObjectID: u.user.ID, PreferredUsername: u.user.UserPrincipalName, Name: u.user.DisplayName,
		Nonce: u.nonce, Version: "2.0",
	})
}

// issueRefreshToken stores and returns a new refresh token, dropping
// expired ones so a long-lived sandbox state does not grow without bound.
func issueRefreshToken(st *State, t *Tenant, u userTokens, now time.Time) string {
	kept := st.RefreshTokens[:0]
	for _, rt := range st.RefreshTokens {
		if now.Before(rt.ExpiresAt) {
			kept = append(kept, rt)
		}
	}
	raw := "1.A" + NewSecret(120) // Entra refresh tokens are opaque; the prefix only looks familiar
	st.RefreshTokens = append(kept, &RefreshToken{
		Token: raw, TenantID: t.ID, ClientID: u.client.app.AppID, UserID: u.user.ID, Scopes: u.scopes.canonical(),
		ExpiresAt: now.Add(refreshTokenLifetime), MFA: u.mfa, ClientAppType: u.clientAppType, Confidential: u.auth != authNone,
	})
	return raw
}

// pairwiseSubject imitates the v2 sub claim: stable per user and app, and
// different across apps.
func pairwiseSubject(userID, appID string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(userID + "/" + appID)))
	return base64.RawURLEncoding.EncodeToString(sum[:])[:43]
}

// clientInfo is MSAL's account key: base64url without padding, which MSAL
// requires (padding fails the whole response).
func clientInfo(uid, utid string) string {
	raw, _ := json.Marshal(map[string]string{"uid": uid, "utid": utid}) // two strings always marshal
	return base64.RawURLEncoding.EncodeToString(raw)
}
