package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/teamsctl/teamsctl/internal/fsutil"
)

// LoginRequest is one `teamsctl login`.
type LoginRequest struct {
	Mode Mode
	// Scopes to consent to; empty means DefaultLoginScopes. Ignored for
	// service principals, whose permissions are granted to the app.
	Scopes Scopes
	// Tenant and ClientID override the configured ones.
	Tenant   string
	ClientID string
	// ClientSecret or CertificatePath (with CertificatePassword) for a
	// service principal. The secret is used for this sign-in only and
	// never saved.
	ClientSecret        string
	CertificatePath     string
	CertificatePassword string
	// AccessToken for ModeAccessToken.
	AccessToken string
}

// LoginResult describes a completed sign-in.
type LoginResult struct {
	Session *Session
	// Claims are the access token's, for the summary.
	Claims *Claims
	token  Token
}

// Login signs the profile in and saves the session.
func (a *Authenticator) Login(ctx context.Context, req LoginRequest) (*LoginResult, error) {
	switch req.Mode {
	case ModeServicePrincipal:
		return a.loginServicePrincipal(ctx, req)
	case ModeAccessToken:
		return a.loginAccessToken(ctx, req)
	case ModeBrowser, ModeDeviceCode:
		return a.loginUser(ctx, req)
	default:
		return nil, fmt.Errorf("unknown sign-in mode %q", req.Mode)
	}
}

func (a *Authenticator) loginUser(ctx context.Context, req LoginRequest) (*LoginResult, error) {
	clientID, tenant := a.clientID(req.ClientID), a.tenant(req.Tenant)
	scopes := req.Scopes
	if len(scopes) == 0 {
		scopes = DefaultLoginScopes
	}
	pc, err := a.newPublicClient(clientID, tenant)
	if err != nil {
		return nil, err
	}
	mode := req.Mode
	if a.Sandbox() {
		mode = ModeDeviceCode
	}
	res, err := a.userToken(ctx, pc, mode, scopes, clientID, tenant)
	if err != nil {
		return nil, a.reauthError(err)
	}
	s := &Session{Mode: mode, ClientID: clientID, Tenant: tenant, LoginURL: a.endpoints.LoginURL, SignedInAt: a.now().UTC()}
	return a.finishUserLogin(s, res)
}

// finishUserLogin records a user sign-in's account and saves the session.
func (a *Authenticator) finishUserLogin(s *Session, res public.AuthResult) (*LoginResult, error) {
	claims, _ := ParseClaims(res.AccessToken) // opaque tokens are allowed; the account says who signed in
	s.Account, s.HomeAccountID, s.TenantID = res.Account.PreferredUsername, res.Account.HomeAccountID, res.Account.Realm
	if claims != nil {
		s.TenantID, s.Scopes = claims.TenantID, claims.Scopes()
	}
	a.rememberTenant(s.Tenant, s.TenantID)
	if err := a.saveSession(s); err != nil {
		return nil, err
	}
	return &LoginResult{Session: s, Claims: claims, token: Token{Value: res.AccessToken, ExpiresOn: res.ExpiresOn}}, nil
}

func (a *Authenticator) saveSession(s *Session) error {
	if s.Mode != ModeAccessToken {
		if err := os.Remove(a.files.accessToken()); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return a.files.saveSession(s)
}

func (a *Authenticator) loginServicePrincipal(ctx context.Context, req LoginRequest) (*LoginResult, error) {
	tenant := req.Tenant
	if tenant == "" {
		tenant = a.opts.Tenant
	}
	if tenant == "" {
		return nil, errors.New("a service principal signs in to one tenant: pass --tenant")
	}
	clientID := a.clientID(req.ClientID)
	s := &Session{Mode: ModeServicePrincipal, ClientID: clientID, Tenant: tenant, Account: clientID,
		LoginURL: a.endpoints.LoginURL, SignedInAt: a.now().UTC()}
	cred, err := a.loginCredential(req, s)
	if err != nil {
		return nil, err
	}
	res, err := a.verifiedAppToken(ctx, s, cred)
	if err != nil {
		return nil, err
	}
	claims, err := ParseClaims(res.AccessToken)
	if err == nil {
		s.TenantID = claims.TenantID
	}
	a.rememberTenant(s.Tenant, s.TenantID)
	if err := a.saveSession(s); err != nil {
		return nil, err
	}
	return &LoginResult{Session: s, Claims: claims}, nil
}

// verifiedAppToken signs the service principal in with a new token: a
// token cached by an earlier sign-in would be returned without checking
// cred. It goes to a staged cache file that replaces the profile's only
// on success, so a failed sign-in leaves the previous one in place.
func (a *Authenticator) verifiedAppToken(ctx context.Context, s *Session, cred confidential.Credential) (confidential.AuthResult, error) {
	staged := a.files.tokens() + ".new"
	defer os.Remove(staged)
	if err := os.Remove(staged); err != nil && !errors.Is(err, os.ErrNotExist) {
		return confidential.AuthResult{}, err
	}
	res, err := a.appToken(ctx, s, cred, staged)
	if err != nil {
		return res, err
	}
	return res, a.lock.with(ctx, func() error { return os.Rename(staged, a.files.tokens()) })
}

// loginCredential builds the service principal's credential and records
// the certificate path (never the secret) in the session.
func (a *Authenticator) loginCredential(req LoginRequest, s *Session) (confidential.Credential, error) {
	if req.CertificatePath != "" {
		path, err := filepath.Abs(req.CertificatePath)
		if err != nil {
			return confidential.Credential{}, err
		}
		s.Certificate = path
		return certificateCredential(path, req.CertificatePassword)
	}
	if req.ClientSecret == "" {
		return confidential.Credential{}, fmt.Errorf("a service principal needs a secret (--client-secret-stdin or %s) or --certificate", EnvClientSecret)
	}
	return confidential.NewCredFromSecret(req.ClientSecret)
}

func (a *Authenticator) loginAccessToken(ctx context.Context, req LoginRequest) (*LoginResult, error) {
	raw := strings.TrimSpace(req.AccessToken)
	claims, err := a.checkProvidedToken(raw, nil, "the access token")
	if err != nil {
		return nil, err
	}
	if err := a.checkTokenTenant(ctx, raw); err != nil {
		var req *RequiredError
		if errors.As(err, &req) {
			req.Fix = fmt.Sprintf("Give a token of %s, or leave out --tenant and TEAMSCTL_TENANT.", a.askedTenant())
		}
		return nil, err
	}
	if err := fsutil.WriteFileAtomic(a.files.accessToken(), []byte(raw), 0o600); err != nil {
		return nil, err
	}
	s := &Session{Mode: ModeAccessToken, ClientID: claims.AppID, Tenant: claims.TenantID, TenantID: claims.TenantID,
		Account: claims.Account(), Scopes: claims.Scopes(), LoginURL: a.endpoints.LoginURL, SignedInAt: a.now().UTC()}
	if err := a.saveSession(s); err != nil {
		return nil, err
	}
	return &LoginResult{Session: s, Claims: claims}, nil
}

// Logout removes the profile's sign-in files and returns the session that
// was signed in, or nil.
func (a *Authenticator) Logout(ctx context.Context) (*Session, error) {
	a.mu.Lock()
	clear(a.issued)
	a.mu.Unlock()
	var s *Session
	err := a.lock.with(ctx, func() error {
		var err error
		if s, err = a.files.loadSession(); err != nil {
			// A corrupt record is removed all the same.
			s = nil
		}
		return a.files.remove()
	})
	return s, err
}

// LoggedOut is one profile signed out by LogoutAll.
type LoggedOut struct {
	Profile string
	Session *Session
}

// LogoutAll signs every profile out.
func (a *Authenticator) LogoutAll(ctx context.Context) ([]LoggedOut, error) {
	profiles, err := signedInProfiles(a.opts.Dir)
	if err != nil {
		return nil, err
	}
	var out []LoggedOut
	for _, p := range profiles {
		o := a.opts
		o.Profile = p
		s, err := New(o).Logout(ctx)
		if err != nil {
			return out, fmt.Errorf("signing out profile %s: %w", p, err)
		}
		out = append(out, LoggedOut{Profile: p, Session: s})
	}
	return out, nil
}
