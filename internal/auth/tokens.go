package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// TokenFor returns a Graph token carrying scopes. It uses the saved
// sign-in silently (cached token, else the refresh token). When the
// sign-in lacks consent for scopes it signs in interactively if it may
// (a terminal, prompts allowed, a browser or device code sign-in; always
// in the sandbox), and otherwise returns a RequiredError naming the
// missing scopes and the login command that adds them.
//
// TEAMSCTL_ACCESS_TOKEN, when set, is used as is for every call.
//
// The token is always of the asked tenant (Options.Tenant): a saved
// sign-in of another tenant is replaced by a sign-in to it when the user
// may be prompted (always in the sandbox) and refused otherwise, and the
// token's tid claim is checked before it is handed out.
//
// Tokens are remembered for the rest of the invocation, so the Graph
// client's requests do not each read the token cache.
func (a *Authenticator) TokenFor(ctx context.Context, scopes Scopes) (Token, error) {
	key := scopes.key()
	a.mu.Lock()
	tok, ok := a.issued[key]
	a.mu.Unlock()
	if ok && tok.ExpiresOn.After(a.now().Add(time.Minute)) {
		return tok, nil
	}
	tok, err := a.tokenFor(ctx, scopes)
	if err != nil {
		return Token{}, err
	}
	if err := a.checkTokenTenant(ctx, tok.Value); err != nil {
		return Token{}, err
	}
	a.mu.Lock()
	a.issued[key] = tok
	a.mu.Unlock()
	return tok, nil
}

func (a *Authenticator) tokenFor(ctx context.Context, scopes Scopes) (Token, error) {
	if raw := strings.TrimSpace(a.getenv(EnvAccessToken)); raw != "" {
		tok, err := a.providedToken(raw, scopes, EnvAccessToken)
		if err != nil {
			return Token{}, err
		}
		if err := a.checkTokenTenant(ctx, tok.Value); err != nil {
			var req *RequiredError
			if errors.As(err, &req) {
				req.Fix = fmt.Sprintf("%s holds a token of another tenant: get one for %s, or leave out --tenant and TEAMSCTL_TENANT.",
					EnvAccessToken, a.askedTenant())
			}
			return Token{}, err
		}
		return tok, nil
	}
	s, err := a.files.loadSession()
	if err != nil {
		return Token{}, err
	}
	if reason := a.unusable(s); reason != "" {
		if a.Sandbox() {
			return a.sandboxSignIn(ctx, scopes)
		}
		return Token{}, &RequiredError{Reason: reason, Profile: a.profileArg()}
	}
	same, err := a.sessionIsForAskedTenant(ctx, s)
	if err != nil {
		return Token{}, err
	}
	if !same {
		return a.otherTenant(ctx, s, scopes)
	}
	if a.otherSandboxUser(s) {
		fmt.Fprintf(a.opts.ErrOut, "The saved sandbox sign-in is of %s; this command runs as %s (%s).\n",
			s.Account, a.opts.SandboxUser, "TEAMSCTL_SANDBOX_USER")
		return a.sandboxSignIn(ctx, scopes)
	}
	switch s.Mode {
	case ModeAccessToken:
		raw, err := os.ReadFile(a.files.accessToken())
		if err != nil {
			return Token{}, &RequiredError{Reason: "the saved access token is missing", Profile: a.profileArg(), Err: err}
		}
		return a.providedToken(string(raw), scopes, "the access token given to teamsctl login")
	case ModeServicePrincipal:
		return a.servicePrincipalToken(ctx, s)
	default:
		return a.delegatedToken(ctx, s, scopes)
	}
}

// otherSandboxUser reports a saved sandbox sign-in of another user than
// the one asked for, which is replaced like one of another tenant.
func (a *Authenticator) otherSandboxUser(s *Session) bool {
	return a.Sandbox() && a.opts.SandboxUser != "" && s.Mode != ModeServicePrincipal && s.Mode != ModeAccessToken &&
		!strings.EqualFold(s.Account, a.opts.SandboxUser)
}

// unusable says why a session cannot give tokens for these endpoints, or "".
func (a *Authenticator) unusable(s *Session) string {
	switch {
	case s == nil:
		return "not signed in"
	case !strings.EqualFold(s.LoginURL, a.endpoints.LoginURL):
		return fmt.Sprintf("the saved sign-in is for %s, not %s", s.LoginURL, a.endpoints.LoginURL)
	default:
		return ""
	}
}

// CurrentSession describes the sign-in TokenFor uses: the saved session,
// or one made up for TEAMSCTL_ACCESS_TOKEN.
func (a *Authenticator) CurrentSession() (*Session, error) {
	if raw := strings.TrimSpace(a.getenv(EnvAccessToken)); raw != "" {
		c, err := ParseClaims(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvAccessToken, err)
		}
		return &Session{Mode: ModeAccessToken, ClientID: c.AppID, Tenant: c.TenantID, TenantID: c.TenantID, Account: c.Account()}, nil
	}
	return a.files.loadSession()
}

func (a *Authenticator) delegatedToken(ctx context.Context, s *Session, scopes Scopes) (Token, error) {
	pc, err := a.newPublicClient(s.ClientID, s.Tenant)
	if err != nil {
		return Token{}, err
	}
	account, err := a.account(ctx, pc, s)
	if err != nil {
		return Token{}, err
	}
	var res public.AuthResult
	err = a.lock.hold(ctx, func(ctx context.Context) error {
		res, err = pc.AcquireTokenSilent(ctx, a.graphScopes(scopes), public.WithSilentAccount(account))
		return err
	})
	if err == nil {
		return Token{Value: res.AccessToken, ExpiresOn: res.ExpiresOn}, nil
	}
	return a.silentFailed(ctx, pc, s, scopes, err)
}

// account finds the session's account in the token cache.
func (a *Authenticator) account(ctx context.Context, pc publicClient, s *Session) (public.Account, error) {
	accounts, err := pc.Accounts(ctx)
	if err != nil {
		return public.Account{}, err
	}
	for _, acc := range accounts {
		if acc.HomeAccountID == s.HomeAccountID {
			return acc, nil
		}
	}
	return public.Account{}, &RequiredError{Reason: "the saved sign-in is no longer in the token cache", Profile: a.profileArg()}
}

// silentFailed decides what a failed silent acquisition means: missing
// consent (sign in interactively or name the scopes), an expired sign-in,
// a network problem, or a sign-in failure to explain.
func (a *Authenticator) silentFailed(ctx context.Context, pc publicClient, s *Session, scopes Scopes, err error) (Token, error) {
	err = a.signInError(ctx, err, s.ClientID, s.Tenant)
	var se *SignInError
	var netErr *url.Error
	switch {
	case errors.As(err, &se) && se.needsConsent():
		return a.consent(ctx, pc, s, scopes, se)
	case errors.As(err, &se) && a.Sandbox():
		// The sandbox tenant may have been reset since: sign in afresh.
		return a.sandboxSignIn(ctx, scopes)
	case errors.As(err, &se):
		return Token{}, a.reauthError(err)
	case errors.As(err, &netErr), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return Token{}, err
	default:
		// MSAL found no refresh token for the account.
		return Token{}, &RequiredError{Reason: "the saved sign-in cannot be refreshed", Profile: a.profileArg(), Err: err}
	}
}

// consent signs in interactively for scopes when allowed.
func (a *Authenticator) consent(ctx context.Context, pc publicClient, s *Session, scopes Scopes, cause error) (Token, error) {
	missing := scopes.missingFrom(s.Scopes)
	if len(missing) == 0 {
		missing = scopes
	}
	if !a.mayPrompt(s) {
		return Token{}, &RequiredError{Scopes: missing, Profile: a.profileArg(), Err: cause}
	}
	fmt.Fprintf(a.opts.ErrOut, "This command needs the permissions %s. Sign in to consent to them.\n", strings.Join(missing, ", "))
	res, err := a.userToken(ctx, pc, s.Mode, scopes, s.ClientID, s.Tenant)
	if err != nil {
		return Token{}, a.reauthError(err)
	}
	login, err := a.finishUserLogin(s, res)
	if err != nil {
		return Token{}, err
	}
	return login.token, nil
}

func (a *Authenticator) mayPrompt(s *Session) bool {
	if a.Sandbox() {
		return true
	}
	return a.opts.CanPrompt && (s.Mode == ModeBrowser || s.Mode == ModeDeviceCode)
}

// sandboxSignIn signs the sandbox's admin in without user action. The
// token asked for covers scopes, so it is returned directly.
func (a *Authenticator) sandboxSignIn(ctx context.Context, scopes Scopes) (Token, error) {
	res, err := a.loginUser(ctx, LoginRequest{Mode: ModeDeviceCode, Scopes: DefaultLoginScopes.with(scopes...)})
	if err != nil {
		return Token{}, err
	}
	fmt.Fprintf(a.opts.ErrOut, "Signed in to the sandbox as %s.\n", res.Session.Account)
	return res.token, nil
}

func (a *Authenticator) servicePrincipalToken(ctx context.Context, s *Session) (Token, error) {
	cred, err := a.appCredential(s)
	if err != nil {
		return Token{}, err
	}
	res, err := a.appToken(ctx, s, cred, a.files.tokens())
	if errors.Is(err, errNoCredential) {
		return Token{}, &RequiredError{
			Reason:  "the service principal's token expired and no credential is available to renew it",
			Profile: a.profileArg(),
			Fix:     fmt.Sprintf("Set %s to the app's client secret (teamsctl never saves it), or sign in with --certificate.", EnvClientSecret),
		}
	}
	if err != nil {
		return Token{}, a.reauthError(err)
	}
	return Token{Value: res.AccessToken, ExpiresOn: res.ExpiresOn}, nil
}

// providedToken checks an access token minted elsewhere: it cannot be
// refreshed, so an expired one or one lacking scopes is reported with
// what to do.
func (a *Authenticator) providedToken(raw string, scopes Scopes, source string) (Token, error) {
	c, err := a.checkProvidedToken(raw, scopes, source)
	if err != nil {
		return Token{}, err
	}
	return Token{Value: strings.TrimSpace(raw), ExpiresOn: c.ExpiresOn()}, nil
}

func (a *Authenticator) checkProvidedToken(raw string, scopes Scopes, source string) (*Claims, error) {
	c, err := ParseClaims(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	mint := "Get a new token where this one came from (e.g. az account get-access-token --resource-type ms-graph), or use teamsctl login."
	if !c.ExpiresOn().After(a.now()) {
		return nil, &RequiredError{Reason: fmt.Sprintf("%s expired at %s", source, c.ExpiresOn().Format(time.RFC3339)),
			Profile: a.profileArg(), Fix: mint}
	}
	if c.AppOnly() {
		return c, nil
	}
	if missing := scopes.missingFrom(c.Scopes()); len(missing) > 0 {
		return nil, &RequiredError{Scopes: missing, Profile: a.profileArg(),
			Fix: fmt.Sprintf("%s lacks %s. %s", source, strings.Join(missing, ", "), mint)}
	}
	return c, nil
}
