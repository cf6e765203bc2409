package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// authCodeLifetime is how long an authorization code can be redeemed.
const authCodeLifetime = 10 * time.Minute

// Redirect URI platforms of an application.
const (
	redirectWeb    = "web"
	redirectSPA    = "spa"
	redirectPublic = "publicClient"
)

// serveAuthorize is the interactive sign-in. The emulator has no login UI:
// it signs in the user named by login_hint, else the tenant's interactive
// user, then redirects with a code. Errors that make the redirect URI
// untrustworthy (unknown tenant or client, unregistered redirect URI) are
// rendered as a page, as Entra does; later errors go back to the app as an
// error redirect. Entra shows some of those on its own page and lets the
// user return to the app; a headless emulator redirects straight away so
// clients see them.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request, ref string) {
	_ = r.ParseForm() // a malformed query simply lacks parameters, reported below
	p := r.Form
	s.mu.Lock()
	defer s.mu.Unlock()
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
	redirect, kind, f := resolveRedirectURI(c.app, p.Get("redirect_uri"))
	if f != nil {
		writeLoginErrorPage(w, r, f)
		return
	}
	resp := authResponder{w: w, r: r, redirectURI: redirect, mode: p.Get("response_mode"), state: p.Get("state")}
	code, f := s.authorize(lt.tenant, c, p, redirect, kind)
	switch {
	case f != nil && f.Code == 50058:
		writeLoginErrorPage(w, r, f)
	case f != nil:
		resp.fail(f)
	default:
		resp.send(url.Values{"code": {code}, "session_state": {NewGUIDRandom()}})
	}
}

// authorize validates the request, signs the user in and stores a code.
func (s *Server) authorize(t *Tenant, c *loginClient, p url.Values, redirect, kind string) (string, *LoginFailure) {
	if f := validateAuthorizeParams(p); f != nil {
		return "", f
	}
	scopes, f := parseScopes(s.state, t, p.Get("scope"))
	if f != nil {
		return "", f
	}
	user, upn, mfaWilling := interactiveUser(t, p.Get("login_hint"))
	if upn == "" {
		return "", fail("interaction_required", 50058, "A silent sign-in request was sent but no user is signed in. "+
			"(The emulator signs in the login_hint user or the interactive user set through its control API; neither is set.)")
	}
	now := s.now()
	res, f := s.signIn(s.state, signInAttempt{tenant: t, client: c, user: user, upn: upn, scopes: scopes,
		interactive: p.Get("prompt") != "none", mfaWilling: mfaWilling, clientAppType: clientAppTypeOf(kind)}, now)
	if f != nil {
		return "", f
	}
	method := p.Get("code_challenge_method")
	if method == "" && p.Get("code_challenge") != "" {
		method = "plain"
	}
	ac := &AuthCode{Code: "1.A" + NewSecret(96), TenantID: t.ID, ClientID: c.app.AppID, UserID: user.ID, RedirectURI: redirect,
		Scopes: scopes.asWritten(), CodeChallenge: p.Get("code_challenge"), CodeChallengeMethod: method, Nonce: p.Get("nonce"),
		ExpiresAt: now.Add(authCodeLifetime), MFA: res.mfa}
	s.state.AuthCodes = append(pruneAuthCodes(s.state.AuthCodes, now), ac)
	return ac.Code, nil
}

// interactiveUser picks who signs in: login_hint, else the tenant's
// configured interactive user. upn is empty when neither is set.
func interactiveUser(t *Tenant, loginHint string) (user *User, upn string, mfaWilling bool) {
	if loginHint != "" {
		return t.UserByIDOrUPN(loginHint), loginHint, true
	}
	if iu := t.InteractiveUser; iu != nil {
		if u := t.UserByIDOrUPN(iu.UserID); u != nil {
			return u, u.UserPrincipalName, iu.MFA
		}
	}
	return nil, "", false
}

func validateAuthorizeParams(p url.Values) *LoginFailure {
	if rt := p.Get("response_type"); rt != "code" {
		if rt == "" {
			return errMissingParam("response_type")
		}
		// The emulator implements the code flow only (no implicit grant).
		return fail("unsupported_response_type", 700054, "response_type '%s' is not enabled for the application.", rt)
	}
	if !containsFold([]string{"", "S256", "plain"}, p.Get("code_challenge_method")) ||
		!containsFold([]string{"", "query", "form_post", "fragment"}, p.Get("response_mode")) {
		return fail("invalid_request", 9002313, "Invalid request. Request is malformed or invalid.")
	}
	return nil
}

func clientAppTypeOf(redirectKind string) string {
	if redirectKind == redirectPublic {
		return clientAppDesktop
	}
	return clientAppBrowser
}

func pruneAuthCodes(codes []*AuthCode, now time.Time) []*AuthCode {
	kept := codes[:0]
	for _, ac := range codes {
		if now.Before(ac.ExpiresAt.Add(time.Hour)) {
			kept = append(kept, ac)
		}
	}
	return kept
}

// resolveRedirectURI checks the requested redirect URI against the app's
// registered ones (web, spa, public client) and returns it with its
// platform; without one, Entra uses the app's first registered URI.
func resolveRedirectURI(app *Application, requested string) (string, string, *LoginFailure) {
	type registered struct{ uri, kind string }
	var all []registered
	for _, set := range []struct {
		uris []string
		kind string
	}{{app.WebRedirectURIs, redirectWeb}, {app.SpaRedirectURIs, redirectSPA}, {app.PublicClientRedirects, redirectPublic}} {
		for _, u := range set.uris {
			all = append(all, registered{u, set.kind})
		}
	}
	if len(all) == 0 {
		return "", "", fail("invalid_request", 500113, "No reply address is registered for the application.")
	}
	if requested == "" {
		return all[0].uri, all[0].kind, nil
	}
	for _, reg := range all {
		if redirectMatches(reg.uri, requested) {
			return requested, reg.kind, nil
		}
	}
	return "", "", fail("invalid_request", 50011, "The redirect URI '%s' specified in the request does not match the redirect URIs configured "+
		"for the application '%s'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. "+
		"Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.", requested, app.AppID)
}

// redirectMatches compares a registered and a requested redirect URI:
// scheme and host case-insensitively, path and query exactly (an empty path
// is "/"), and for http loopback URIs the port is ignored.
func redirectMatches(registered, requested string) bool {
	if registered == requested {
		return true
	}
	reg, err1 := url.Parse(registered)
	req, err2 := url.Parse(requested)
	if err1 != nil || err2 != nil || req.Fragment != "" {
		return false
	}
	path := func(u *url.URL) string {
		if u.Path == "" {
			return "/"
		}
		return u.Path
	}
	loopback := strings.EqualFold(reg.Scheme, "http") && (reg.Hostname() == "localhost" || reg.Hostname() == "127.0.0.1")
	sameHost := strings.EqualFold(reg.Host, req.Host) || (loopback && strings.EqualFold(reg.Hostname(), req.Hostname()))
	return strings.EqualFold(reg.Scheme, req.Scheme) && sameHost && path(reg) == path(req) && reg.RawQuery == req.RawQuery
}

// authResponder returns the authorize result to the app's redirect URI.
type authResponder struct {
	w           http.ResponseWriter
	r           *http.Request
	redirectURI string
	mode        string // query (default), fragment or form_post
	state       string
}

func (a authResponder) send(v url.Values) {
	if a.state != "" {
		v.Set("state", a.state)
	}
	switch a.mode {
	case "form_post":
		writeFormPost(a.w, a.redirectURI, v)
	case "fragment":
		http.Redirect(a.w, a.r, a.redirectURI+"#"+v.Encode(), http.StatusFound)
	default:
		http.Redirect(a.w, a.r, addQuery(a.redirectURI, v), http.StatusFound)
	}
}

// fail sends an error redirect: error, error_description with the AADSTS
// text, error_uri and state.
func (a authResponder) fail(f *LoginFailure) {
	rc := requestInfo(a.r)
	ts := rc.start.UTC().Format("2006-01-02 15:04:05Z")
	a.send(url.Values{
		"error": {authorizeErrorName(f)},
		"error_description": {fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s",
			f.Code, f.Message, rc.requestID, rc.clientRequestID, ts)},
		"error_uri": {fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", f.Code)},
	})
}

// authorizeErrorName maps a token-endpoint error to the OAuth error an
// authorization response carries.
func authorizeErrorName(f *LoginFailure) string {
	switch {
	case f.SubError == "consent_required":
		return "consent_required"
	case f.Err == "invalid_grant" || f.Err == "unauthorized_client":
		return "access_denied"
	}
	return f.Err
}

func addQuery(base string, v url.Values) string {
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + v.Encode()
}

// writeFormPost renders Entra's auto-submitting form (response_mode
// form_post, which MSAL Go's interactive flow uses).
func writeFormPost(w http.ResponseWriter, action string, v url.Values) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store, no-cache")
	var inputs strings.Builder
	for _, k := range sortedFormKeys(v) {
		fmt.Fprintf(&inputs, `<input type="hidden" name="%s" value="%s" />`, html.EscapeString(k), html.EscapeString(v.Get(k)))
	}
	fmt.Fprintf(w, `<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="%s">%s`+
		`<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form>`+
		`<script language="javascript">document.forms[0].submit();</script></body></html>`, html.EscapeString(action), inputs.String())
}

func sortedFormKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// grantAuthorizationCode redeems a code: single use, same client and
// redirect URI as at authorize, PKCE verifier, and client authentication
// by platform (web apps are confidential, SPA codes need a cross-origin
// request, public clients send no secret). The sign-in is re-checked
// silently, so consent or access revoked meanwhile fails here.
func (s *Server) grantAuthorizationCode(q *tokenRequest) (map[string]any, *LoginFailure) {
	c, method, f := q.client()
	if f != nil {
		return nil, f
	}
	ac, f := redeemableCode(q, c)
	if f != nil {
		return nil, f
	}
	_, kind, _ := resolveRedirectURI(c.app, ac.RedirectURI)
	switch {
	case kind == redirectWeb && method == authNone:
		return nil, errCredentialRequired()
	case kind == redirectSPA && q.r.Header.Get("Origin") == "":
		return nil, fail("invalid_request", 9002327, "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.")
	}
	ac.Redeemed = true
	scopes, f := parseScopes(q.st, q.lt.tenant, strings.Join(ac.Scopes, " "))
	if f != nil {
		return nil, f
	}
	user := q.lt.tenant.UserByIDOrUPN(ac.UserID)
	a := signInAttempt{tenant: q.lt.tenant, client: c, user: user, upn: ac.UserID, scopes: scopes, mfaDone: ac.MFA, clientAppType: clientAppTypeOf(kind)}
	res, ca, f := evaluateSignIn(q.st, a, q.now)
	if f != nil {
		recordSignIn(q.st, a, ca, f, q.now)
		return nil, f
	}
	return s.issueUserTokens(q, userTokens{client: c, user: user, scopes: scopes, clientSP: res.clientSP, mfa: res.mfa,
		clientAppType: a.clientAppType, auth: method, nonce: ac.Nonce})
}

// redeemableCode finds the code and checks it can be redeemed by this
// request. 500112 and 501481 are Entra's codes; their wording is recalled.
func redeemableCode(q *tokenRequest, c *loginClient) (*AuthCode, *LoginFailure) {
	raw := q.form("code")
	if raw == "" {
		return nil, errMissingParam("code")
	}
	var ac *AuthCode
	for _, cand := range q.st.AuthCodes {
		if cand.Code == raw {
			ac = cand
		}
	}
	switch {
	case ac == nil:
		return nil, fail("invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")
	case !strings.EqualFold(ac.ClientID, c.app.AppID) || ac.TenantID != q.lt.tenant.ID:
		return nil, fail("invalid_grant", 70000, "Provided grant is invalid or malformed.")
	case ac.Redeemed:
		return nil, fail("invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")
	case !q.now.Before(ac.ExpiresAt):
		return nil, fail("invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. "+
			"Send a new interactive authorization request for this user and resource.")
	case q.form("redirect_uri") != ac.RedirectURI:
		return nil, fail("invalid_grant", 500112, "The reply address '%s' does not match the reply address '%s' provided when requesting Authorization code.",
			q.form("redirect_uri"), ac.RedirectURI)
	}
	return ac, verifyPKCE(ac, q.form("code_verifier"))
}

func verifyPKCE(ac *AuthCode, verifier string) *LoginFailure {
	if ac.CodeChallenge == "" {
		return nil
	}
	if verifier == "" {
		return errMissingParam("code_verifier")
	}
	computed := verifier
	if ac.CodeChallengeMethod == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		computed = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	if subtle.ConstantTimeCompare([]byte(computed), []byte(ac.CodeChallenge)) != 1 {
		return fail("invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.")
	}
	return nil
}
