package emulator

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Device code flow constants, as Entra sends them.
const (
	deviceCodeLifetime    = 15 * time.Minute
	deviceCodeInterval    = 5
	deviceVerificationURI = "https://microsoft.com/devicelogin"
)

// Device code statuses.
const (
	deviceCodePending  = "pending"
	deviceCodeApproved = "approved"
	deviceCodeDeclined = "declined"
	deviceCodeRedeemed = "redeemed"
)

// Errors of the device code control methods.
var (
	ErrDeviceCodeNotFound   = errors.New("no device code with that user code")
	ErrDeviceCodeNotPending = errors.New("device code is no longer pending")
)

// serveDeviceCode starts a device authorization. Whether the app allows
// public client flows is checked when the token is polled (7000218), where
// the client authenticates.
func (s *Server) serveDeviceCode(w http.ResponseWriter, r *http.Request, ref string) {
	if err := r.ParseForm(); err != nil {
		writeLoginFailure(w, r, errMissingParam("client_id"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	dc, f := s.newDeviceCode(ref, r.PostForm.Get("client_id"), r.PostForm.Get("scope"))
	if f != nil {
		writeLoginFailure(w, r, f)
		return
	}
	writeLoginJSON(w, http.StatusOK, map[string]any{
		"user_code":        dc.UserCode,
		"device_code":      dc.DeviceCode,
		"verification_uri": deviceVerificationURI,
		"expires_in":       int(deviceCodeLifetime / time.Second),
		"interval":         deviceCodeInterval,
		"message": fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate.",
			deviceVerificationURI, dc.UserCode),
	})
}

func (s *Server) newDeviceCode(ref, clientID, scope string) (*DeviceCode, *LoginFailure) {
	lt, f := resolveLoginTenant(s.state, ref)
	if f != nil {
		return nil, f
	}
	c, f := resolveClient(s.state, lt, clientID)
	if f != nil {
		return nil, f
	}
	// At /organizations and /common the tenant, and so the resource's
	// service principal, is known only once someone signs in: the scopes
	// are only read here, and resolved when the code is approved (a
	// failure then reaches the client's next poll).
	var written []string
	if lt.multi {
		if written, f = scopeSyntax(scope); f != nil {
			return nil, f
		}
	} else {
		scopes, f := parseScopes(s.state, lt.tenant, scope)
		if f != nil {
			return nil, f
		}
		written = scopes.asWritten()
	}
	now := s.now()
	dc := &DeviceCode{DeviceCode: "DAQABAAEAAAD" + NewSecret(96), UserCode: newUserCode(), TenantID: lt.tenant.ID,
		ClientID: c.app.AppID, Scopes: written, ExpiresAt: now.Add(deviceCodeLifetime), Status: deviceCodePending}
	s.state.DeviceCodes = append(pruneDeviceCodes(s.state.DeviceCodes, now), dc)
	return dc, nil
}

// pruneDeviceCodes drops codes expired for over an hour; recently expired
// ones stay so a late poll still gets expired_token.
func pruneDeviceCodes(codes []*DeviceCode, now time.Time) []*DeviceCode {
	kept := codes[:0]
	for _, dc := range codes {
		if now.Before(dc.ExpiresAt.Add(time.Hour)) {
			kept = append(kept, dc)
		}
	}
	return kept
}

// newUserCode returns a 9-character code like Entra's (upper-case letters
// and digits without look-alikes).
func newUserCode() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var b [9]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// grantDeviceCode answers a device code poll. MSAL keeps polling only on
// HTTP 400 authorization_pending (or slow_down).
func (s *Server) grantDeviceCode(q *tokenRequest) (map[string]any, *LoginFailure) {
	c, method, f := q.client()
	if f != nil {
		return nil, f
	}
	if method == authNone && !allowsPublicClientFlows(c.app) {
		return nil, errCredentialRequired()
	}
	raw := q.form("device_code")
	if raw == "" {
		return nil, errMissingParam("device_code")
	}
	dc := findDeviceCode(q.st, func(d *DeviceCode) bool {
		return d.DeviceCode == raw && d.TenantID == q.lt.tenant.ID && strings.EqualFold(d.ClientID, c.app.AppID)
	})
	if f := deviceCodeState(dc, q.now); f != nil {
		return nil, f
	}
	dc.Status = deviceCodeRedeemed
	if dc.Failure != nil {
		return nil, dc.Failure
	}
	return s.redeemApproval(q, c, method, dc)
}

// deviceCodeState maps a code that cannot be redeemed to its poll error.
// The declined and already-redeemed codes are unverified guesses.
func deviceCodeState(dc *DeviceCode, now time.Time) *LoginFailure {
	switch {
	case dc == nil:
		return fail("bad_verification_code", 70018, "Invalid verification code entered.")
	case dc.Status == deviceCodeRedeemed:
		return fail("invalid_grant", 70000, "Provided grant is invalid or malformed.")
	case !now.Before(dc.ExpiresAt):
		return fail("expired_token", 70019, "Verification code expired.")
	case dc.Status == deviceCodeDeclined:
		return fail("authorization_declined", 70000, "The user declined the authentication request.")
	case dc.Status == deviceCodePending:
		return fail("authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
	}
	return nil
}

// redeemApproval issues tokens for an approved code. The approval was the
// interactive sign-in; redemption re-checks silently (state may have
// changed since) and logs only a failure.
func (s *Server) redeemApproval(q *tokenRequest, c *loginClient, method clientAuthMethod, dc *DeviceCode) (map[string]any, *LoginFailure) {
	scopes, f := parseScopes(q.st, q.lt.tenant, strings.Join(dc.Scopes, " "))
	if f != nil {
		return nil, f
	}
	user := q.lt.tenant.UserByIDOrUPN(dc.UserID)
	a := signInAttempt{tenant: q.lt.tenant, client: c, user: user, upn: dc.UserID, scopes: scopes, mfaDone: dc.MFA, clientAppType: clientAppDesktop}
	res, ca, f := evaluateSignIn(q.st, a, q.now)
	if f != nil {
		recordSignIn(q.st, a, ca, f, q.now)
		return nil, f
	}
	return s.issueUserTokens(q, userTokens{client: c, user: user, scopes: scopes, clientSP: res.clientSP, mfa: res.mfa, clientAppType: clientAppDesktop, auth: method})
}

func findDeviceCode(st *State, match func(*DeviceCode) bool) *DeviceCode {
	for _, dc := range st.DeviceCodes {
		if match(dc) {
			return dc
		}
	}
	return nil
}

// ApproveDeviceCode signs the user in on the "device login page" for the
// code: an interactive sign-in, so the user may consent and perform MFA.
// It returns ErrDeviceCodeNotFound or ErrDeviceCodeNotPending (wrapped) for
// a code that cannot be approved, and a *LoginFailure when the sign-in
// failed; the client's next poll then receives that failure.
func (s *Server) ApproveDeviceCode(userCode, upn string) error {
	return s.approveDeviceCode(userCode, upn, true)
}

func (s *Server) approveDeviceCode(userCode, upn string, mfaWilling bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	dc, err := s.pendingDeviceCode(userCode, now)
	if err != nil {
		return err
	}
	t := s.state.TenantByIDOrDomain(dc.TenantID)
	if t == nil {
		return fmt.Errorf("%w: its tenant no longer exists", ErrDeviceCodeNotFound)
	}
	dc.Status = deviceCodeApproved
	c, f := resolveClient(s.state, loginTenant{tenant: t, segment: t.ID}, dc.ClientID)
	if f != nil {
		dc.Failure = f
		return f
	}
	scopes, f := parseScopes(s.state, t, strings.Join(dc.Scopes, " "))
	if f != nil {
		dc.Failure = f
		return f
	}
	user := t.UserByIDOrUPN(upn)
	res, f := s.signIn(s.state, signInAttempt{tenant: t, client: c, user: user, upn: upn, scopes: scopes,
		interactive: true, mfaWilling: mfaWilling, clientAppType: clientAppDesktop}, now)
	if f != nil {
		dc.Failure = f
		return f
	}
	dc.UserID, dc.MFA = user.ID, res.mfa
	return nil
}

// DeclineDeviceCode makes the client's next poll fail with
// authorization_declined.
func (s *Server) DeclineDeviceCode(userCode string) error {
	return s.settleDeviceCode(userCode, func(dc *DeviceCode, _ time.Time) { dc.Status = deviceCodeDeclined })
}

// ExpireDeviceCode ends the code's lifetime now: the next poll gets
// expired_token.
func (s *Server) ExpireDeviceCode(userCode string) error {
	return s.settleDeviceCode(userCode, func(dc *DeviceCode, now time.Time) { dc.ExpiresAt = now })
}

func (s *Server) settleDeviceCode(userCode string, apply func(*DeviceCode, time.Time)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	dc, err := s.pendingDeviceCode(userCode, now)
	if err != nil {
		return err
	}
	apply(dc, now)
	return nil
}

// pendingDeviceCode finds a code by user code (case and dashes ignored, as
// the device login page does).
func (s *Server) pendingDeviceCode(userCode string, now time.Time) (*DeviceCode, error) {
	norm := func(c string) string { return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(c), "-", "")) }
	dc := findDeviceCode(s.state, func(d *DeviceCode) bool { return norm(d.UserCode) == norm(userCode) })
	switch {
	case dc == nil:
		return nil, fmt.Errorf("%w: %q", ErrDeviceCodeNotFound, userCode)
	case dc.Status != deviceCodePending:
		return nil, fmt.Errorf("%w: %q is %s", ErrDeviceCodeNotPending, userCode, dc.Status)
	case !now.Before(dc.ExpiresAt):
		return nil, fmt.Errorf("%w: %q has expired", ErrDeviceCodeNotPending, userCode)
	}
	return dc, nil
}

// PendingDeviceCode is a device code waiting for a user.
type PendingDeviceCode struct {
	UserCode       string    `json:"userCode"`
	ClientID       string    `json:"clientId"`
	AppDisplayName string    `json:"appDisplayName"`
	TenantID       string    `json:"tenantId"`
	Scopes         []string  `json:"scopes"`
	ExpiresAt      time.Time `json:"expiresAt"`
}

// PendingDeviceCodes lists the codes still waiting for approval, oldest
// first.
func (s *Server) PendingDeviceCodes() []PendingDeviceCode {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := []PendingDeviceCode{}
	for _, dc := range s.state.DeviceCodes {
		if dc.Status != deviceCodePending || !now.Before(dc.ExpiresAt) {
			continue
		}
		p := PendingDeviceCode{UserCode: dc.UserCode, ClientID: dc.ClientID, TenantID: dc.TenantID,
			Scopes: append([]string{}, dc.Scopes...), ExpiresAt: dc.ExpiresAt}
		if app, _ := s.state.ApplicationAnywhere(dc.ClientID); app != nil {
			p.AppDisplayName = app.DisplayName
		}
		out = append(out, p)
	}
	return out
}
