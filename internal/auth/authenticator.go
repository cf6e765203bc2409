package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/teamsctl/teamsctl/internal/aadsts"
)

// Environment variables read for sign-in. Secrets are accepted from the
// environment or stdin, never as flag values (shell history).
const (
	EnvAccessToken         = "TEAMSCTL_ACCESS_TOKEN"
	EnvClientSecret        = "TEAMSCTL_CLIENT_SECRET"
	EnvCertificatePassword = "TEAMSCTL_CERTIFICATE_PASSWORD"
)

// Browser opens URLs for the browser sign-in.
type Browser interface {
	Open(url string) error
}

// Options configure an Authenticator.
type Options struct {
	Endpoints  Endpoints
	HTTPClient *http.Client
	// Dir holds the sign-in files, in auth/<profile>/ (the config
	// directory; the sandbox keeps its own).
	Dir     string
	Profile string
	// Tenant is the tenant commands act on (flag, env, profile): a saved
	// sign-in of another tenant is never used for it, and every token's
	// tenant is checked against it. Empty means whichever tenant the saved
	// sign-in belongs to (organizations when signing in).
	Tenant string
	// TenantSource says where Tenant came from, for the fix of an
	// unknown tenant: "--tenant", "TEAMSCTL_TENANT", or a profile's
	// tenant setting. Empty means --tenant.
	TenantSource string
	// ClientID is the configured client; empty means DefaultClientID.
	ClientID string
	Getenv   func(string) string
	Now      func() time.Time
	// ErrOut receives sign-in instructions (device code, browser URL).
	ErrOut io.Writer
	// CanPrompt allows an interactive sign-in when a command needs
	// permissions the saved sign-in lacks.
	CanPrompt bool
	Browser   Browser
	// SandboxUser is the account the sandbox signs in as
	// (TEAMSCTL_SANDBOX_USER), when one is asked for: a saved sign-in of
	// another account is never used for it, the sandbox signs this one in
	// instead.
	SandboxUser string
	// ApproveDeviceCode, when set, approves device codes itself instead of
	// asking the user: the sandbox signs its admin in this way, through
	// the real device code flow.
	ApproveDeviceCode func(userCode string) error
}

// Authenticator signs in and hands out Graph tokens for one profile.
type Authenticator struct {
	endpoints  Endpoints
	httpClient *http.Client
	files      profileFiles
	lock       *profileLock
	opts       Options

	mu sync.Mutex
	// issued are the tokens handed out in this invocation, by scope set.
	issued map[string]Token
	// tenantIDs are the tenant ids of domains, as resolved by Entra.
	tenantIDs map[string]string
}

// New returns an Authenticator; it does no I/O until asked for a token.
func New(o Options) *Authenticator {
	files := newProfileFiles(o.Dir, o.Profile)
	return &Authenticator{
		endpoints:  o.Endpoints,
		httpClient: o.HTTPClient,
		files:      files,
		lock:       &profileLock{path: files.lock()},
		opts:       o,
		issued:     map[string]Token{},
		tenantIDs:  map[string]string{},
	}
}

// Endpoints are the endpoints this Authenticator signs in to.
func (a *Authenticator) Endpoints() Endpoints { return a.endpoints }

// Sandbox reports whether sign-ins are approved automatically (--sandbox).
func (a *Authenticator) Sandbox() bool { return a.opts.ApproveDeviceCode != nil }

// tokenCache is a fresh view of a token cache file (the profile's
// tokens.json, or a staged one) for one MSAL client.
func (a *Authenticator) tokenCache(path string) *fileCache {
	return &fileCache{path: path, lock: a.lock}
}

// Session returns the profile's saved sign-in, or nil.
func (a *Authenticator) Session() (*Session, error) { return a.files.loadSession() }

// aadContext fills the placeholders of AADSTS explanations.
func (a *Authenticator) aadContext(clientID, tenant string) aadsts.Context {
	c := aadsts.Context{ClientID: clientID, Tenant: tenant, Login: (&RequiredError{Profile: a.profileArg()}).LoginCommand()}
	if tenant == a.opts.Tenant {
		c.TenantSource = a.opts.TenantSource
	}
	return c
}

// profileArg is the --profile to name in suggested commands: none for the
// default profile.
func (a *Authenticator) profileArg() string {
	if a.opts.Profile == "" || a.opts.Profile == "default" {
		return ""
	}
	return a.opts.Profile
}

// signInError turns an MSAL error into SignInError, cancellation, or a
// plain error with context.
func (a *Authenticator) signInError(ctx context.Context, err error, clientID, tenant string) error {
	if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
		return ctxErr
	}
	if errors.Is(err, context.Canceled) {
		return context.Canceled
	}
	if se := signInErrorFrom(err, a.aadContext(clientID, tenant)); se != nil {
		return se
	}
	return fmt.Errorf("sign-in failed: %w", err)
}

// reauthError turns an error into RequiredError when signing in again
// fixes it (expired or revoked refresh token, expired device code).
func (a *Authenticator) reauthError(err error) error {
	var se *SignInError
	if errors.As(err, &se) && se.kind() == aadsts.Reauthenticate {
		return &RequiredError{Reason: se.Summary, Profile: a.profileArg(), Err: err}
	}
	return err
}

func (a *Authenticator) now() time.Time {
	if a.opts.Now != nil {
		return a.opts.Now()
	}
	return time.Now()
}

func (a *Authenticator) getenv(key string) string {
	if a.opts.Getenv == nil {
		return ""
	}
	return a.opts.Getenv(key)
}

func (a *Authenticator) clientID(override string) string {
	switch {
	case override != "":
		return override
	case a.opts.ClientID != "":
		return a.opts.ClientID
	default:
		return DefaultClientID
	}
}

func (a *Authenticator) tenant(override string) string {
	switch {
	case override != "":
		return override
	case a.opts.Tenant != "":
		return a.opts.Tenant
	default:
		return "organizations"
	}
}

// graphScopes qualifies permissions for the cloud.
func (a *Authenticator) graphScopes(s Scopes) []string {
	out := make([]string, len(s))
	for i, p := range s {
		out[i] = a.endpoints.Scope(p)
	}
	return out
}

// userToken acquires a token interactively (browser or device code) or
// by device code approved by the sandbox.
func (a *Authenticator) userToken(ctx context.Context, pc publicClient, mode Mode, scopes Scopes, clientID, tenant string) (public.AuthResult, error) {
	var res public.AuthResult
	var err error
	if mode == ModeBrowser && a.opts.ApproveDeviceCode == nil {
		res, err = a.browserToken(ctx, pc, scopes)
	} else {
		res, err = a.deviceCodeToken(ctx, pc, scopes)
	}
	if err != nil {
		return res, a.signInError(ctx, err, clientID, tenant)
	}
	return res, nil
}

func (a *Authenticator) browserToken(ctx context.Context, pc publicClient, scopes Scopes) (public.AuthResult, error) {
	open := func(url string) error {
		if a.opts.Browser != nil && a.opts.Browser.Open(url) == nil {
			fmt.Fprintln(a.opts.ErrOut, "Opened your browser to sign in. Waiting for you to finish there...")
			return nil
		}
		fmt.Fprintf(a.opts.ErrOut, "Open this URL in a browser on this computer to sign in:\n\n  %s\n\nWaiting for you to finish there...\n", url)
		return nil
	}
	return pc.AcquireTokenInteractive(ctx, a.graphScopes(scopes), public.WithOpenURL(open))
}

func (a *Authenticator) deviceCodeToken(ctx context.Context, pc publicClient, scopes Scopes) (public.AuthResult, error) {
	dc, err := pc.AcquireTokenByDeviceCode(ctx, a.graphScopes(scopes))
	if err != nil {
		return public.AuthResult{}, err
	}
	if approve := a.opts.ApproveDeviceCode; approve != nil {
		if err := approve(dc.Result.UserCode); err != nil {
			return public.AuthResult{}, fmt.Errorf("approving the sandbox sign-in: %w", err)
		}
	} else {
		fmt.Fprintln(a.opts.ErrOut, dc.Result.Message)
	}
	return dc.AuthenticationResult(ctx)
}

// appToken gets a service principal's token, from the token cache at
// cachePath while valid.
func (a *Authenticator) appToken(ctx context.Context, s *Session, cred confidential.Credential, cachePath string) (confidential.AuthResult, error) {
	cc, err := a.newConfidentialClient(s.ClientID, s.Tenant, cred, cachePath)
	if err != nil {
		return confidential.AuthResult{}, err
	}
	var res confidential.AuthResult
	err = a.lock.hold(ctx, func(ctx context.Context) error {
		res, err = cc.AcquireTokenByCredential(ctx, []string{a.endpoints.DefaultScope()})
		return err
	})
	if err != nil {
		return res, a.signInError(ctx, err, s.ClientID, s.Tenant)
	}
	return res, nil
}

// appCredential is how a service principal proves itself in this
// invocation: its certificate file, else TEAMSCTL_CLIENT_SECRET, else
// nothing (cached tokens only).
func (a *Authenticator) appCredential(s *Session) (confidential.Credential, error) {
	if s.Certificate != "" {
		return certificateCredential(s.Certificate, a.getenv(EnvCertificatePassword))
	}
	if secret := strings.TrimSpace(a.getenv(EnvClientSecret)); secret != "" {
		return confidential.NewCredFromSecret(secret)
	}
	return deferredCredential(), nil
}
