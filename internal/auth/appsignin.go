package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/teamsctl/teamsctl/internal/aadsts"
)

// AppFlow is how SignInApp obtains the token of the application under test.
type AppFlow string

const (
	// AppFlowDeviceCode: a public client app ("Allow public client flows"),
	// the test user signs in on another device.
	AppFlowDeviceCode AppFlow = "device-code"
	// AppFlowBrowser: auth code with PKCE through a loopback redirect
	// (http://localhost); with a secret or certificate the app signs in as
	// a confidential (web) client, otherwise as a public one.
	AppFlowBrowser AppFlow = "browser"
	// AppFlowClientCredentials: the app's own token (application
	// permissions), with its secret or certificate.
	AppFlowClientCredentials AppFlow = "client-credentials"
)

// AppSignIn asks for a token as another application, the one an
// integration runs as, instead of teamsctl's own client. meeting test uses
// it to do what the vendor's app does.
type AppSignIn struct {
	ClientID string
	// Tenant is the tenant to sign in to (id or domain); empty means the
	// configured one.
	Tenant string
	Flow   AppFlow
	// Scopes are the delegated permissions of a user flow; client
	// credentials always ask for the resource's .default.
	Scopes Scopes
	// LoginHint pre-selects the test user in the browser flow.
	LoginHint string
	// Secret, or CertificatePath with CertificatePassword, prove a
	// confidential app. They are used for this sign-in only.
	Secret              string
	CertificatePath     string
	CertificatePassword string
	// ApproveDeviceCode plays the user of a device code (the sandbox);
	// nil prints the sign-in instructions to ErrOut.
	ApproveDeviceCode func(userCode string) error
	// Browser overrides the Authenticator's browser.
	Browser Browser
	// Retry is the command to suggest in explanations ({login}).
	Retry string
}

// AppToken is a token of the application under test.
type AppToken struct {
	Token
	// Claims are the token's, when it is a JWT.
	Claims *Claims
}

// SignInApp obtains a token as in.ClientID. The token is kept in memory
// by an MSAL client of its own and never reaches the profile's token
// cache: signing in as a test user must not replace the admin's sign-in.
// Failures of the token endpoint are *SignInError with the AADSTS
// explanation.
func (a *Authenticator) SignInApp(ctx context.Context, in AppSignIn) (*AppToken, error) {
	if in.ClientID == "" {
		return nil, errors.New("no client id to sign in with")
	}
	tenant := a.tenant(in.Tenant)
	explain := aadsts.Context{ClientID: in.ClientID, Tenant: tenant, Login: in.Retry, User: in.LoginHint, Scopes: in.Scopes}
	var tok Token
	var err error
	switch in.Flow {
	case AppFlowClientCredentials:
		tok, err = a.appClientCredentials(ctx, in, tenant)
	case AppFlowDeviceCode:
		tok, err = a.appDeviceCode(ctx, in, tenant)
	case AppFlowBrowser:
		if in.Secret != "" || in.CertificatePath != "" {
			tok, err = a.appConfidentialBrowser(ctx, in, tenant)
		} else {
			tok, err = a.appPublicBrowser(ctx, in, tenant)
		}
	default:
		return nil, fmt.Errorf("unknown sign-in flow %q", in.Flow)
	}
	if err != nil {
		return nil, appSignInError(ctx, err, explain)
	}
	claims, _ := ParseClaims(tok.Value)
	return &AppToken{Token: tok, Claims: claims}, nil
}

// appSignInError explains a failed sign-in like signInError does, and
// also recognises errors an authorization redirect carried (MSAL reports
// those as text).
func appSignInError(ctx context.Context, err error, c aadsts.Context) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	var se *SignInError
	if errors.As(err, &se) || errors.Is(err, context.Canceled) {
		return err
	}
	if se := signInErrorFrom(err, c); se != nil {
		return se
	}
	if code, ok := aadsts.FromText(err.Error()); ok {
		return newSignInError(code, "", err.Error(), c)
	}
	return fmt.Errorf("sign-in failed: %w", err)
}

func newSignInError(code int, oauthErr, description string, c aadsts.Context) *SignInError {
	se := &SignInError{Code: code, OAuthError: oauthErr, Description: description}
	if entry, ok := aadsts.Explain(code, c); ok {
		se.Summary, se.Fix = entry.Summary, entry.Fix
	}
	return se
}

func (in AppSignIn) credential() (confidential.Credential, error) {
	if in.CertificatePath != "" {
		return certificateCredential(in.CertificatePath, in.CertificatePassword)
	}
	if in.Secret == "" {
		return confidential.Credential{}, fmt.Errorf("application %s needs its client secret (--client-secret-stdin or %s) or --certificate", in.ClientID, EnvClientSecret)
	}
	return confidential.NewCredFromSecret(in.Secret)
}

// appConfidential builds a confidential client with MSAL's in-memory cache.
func (a *Authenticator) appConfidential(in AppSignIn, tenant string) (confidential.Client, error) {
	cred, err := in.credential()
	if err != nil {
		return confidential.Client{}, err
	}
	c, err := confidential.New(a.endpoints.Authority(tenant), in.ClientID, cred,
		confidential.WithHTTPClient(a.httpClient),
		confidential.WithInstanceDiscovery(a.endpoints.IsMicrosoftLogin()))
	if err != nil {
		return confidential.Client{}, fmt.Errorf("setting up sign-in: %w", err)
	}
	return c, nil
}

// appPublic builds a public client with MSAL's in-memory cache.
func (a *Authenticator) appPublic(in AppSignIn, tenant string) (public.Client, error) {
	c, err := public.New(in.ClientID,
		public.WithAuthority(a.endpoints.Authority(tenant)),
		public.WithHTTPClient(a.httpClient),
		public.WithInstanceDiscovery(a.endpoints.IsMicrosoftLogin()))
	if err != nil {
		return public.Client{}, fmt.Errorf("setting up sign-in: %w", err)
	}
	return c, nil
}

func (a *Authenticator) appClientCredentials(ctx context.Context, in AppSignIn, tenant string) (Token, error) {
	cc, err := a.appConfidential(in, tenant)
	if err != nil {
		return Token{}, err
	}
	res, err := cc.AcquireTokenByCredential(ctx, []string{a.endpoints.DefaultScope()})
	if err != nil {
		return Token{}, err
	}
	return Token{Value: res.AccessToken, ExpiresOn: res.ExpiresOn}, nil
}

func (a *Authenticator) appDeviceCode(ctx context.Context, in AppSignIn, tenant string) (Token, error) {
	pc, err := a.appPublic(in, tenant)
	if err != nil {
		return Token{}, err
	}
	dc, err := pc.AcquireTokenByDeviceCode(ctx, a.graphScopes(in.Scopes))
	if err != nil {
		return Token{}, err
	}
	if in.ApproveDeviceCode != nil {
		if err := in.ApproveDeviceCode(dc.Result.UserCode); err != nil {
			return Token{}, fmt.Errorf("approving the sandbox sign-in: %w", err)
		}
	} else {
		fmt.Fprintln(a.opts.ErrOut, dc.Result.Message)
	}
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		return Token{}, err
	}
	return Token{Value: res.AccessToken, ExpiresOn: res.ExpiresOn}, nil
}

func (a *Authenticator) appBrowser(in AppSignIn) func(string) error {
	b := in.Browser
	if b == nil {
		b = a.opts.Browser
	}
	return func(u string) error {
		if b != nil && b.Open(u) == nil {
			msg := "Opened your browser: sign in there as the test user. Waiting..."
			if n, ok := b.(interface{ SignInNote() string }); ok {
				msg = n.SignInNote() // no browser opened: the sandbox signs in
			}
			if msg != "" {
				fmt.Fprintln(a.opts.ErrOut, msg)
			}
			return nil
		}
		fmt.Fprintf(a.opts.ErrOut, "Open this URL in a browser on this computer and sign in as the test user:\n\n  %s\n\nWaiting...\n", u)
		return nil
	}
}

func (a *Authenticator) appPublicBrowser(ctx context.Context, in AppSignIn, tenant string) (Token, error) {
	pc, err := a.appPublic(in, tenant)
	if err != nil {
		return Token{}, err
	}
	opts := []public.AcquireInteractiveOption{public.WithOpenURL(a.appBrowser(in))}
	if in.LoginHint != "" {
		opts = append(opts, public.WithLoginHint(in.LoginHint))
	}
	res, err := pc.AcquireTokenInteractive(ctx, a.graphScopes(in.Scopes), opts...)
	if err != nil {
		return Token{}, err
	}
	return Token{Value: res.AccessToken, ExpiresOn: res.ExpiresOn}, nil
}

// appConfidentialBrowser runs the auth code flow of a web app: MSAL has no
// interactive flow for confidential clients, so teamsctl listens on the
// loopback itself (http://localhost:<port>; Entra ignores the port of
// loopback redirect URIs), with PKCE and form_post like MSAL's public flow.
func (a *Authenticator) appConfidentialBrowser(ctx context.Context, in AppSignIn, tenant string) (Token, error) {
	cc, err := a.appConfidential(in, tenant)
	if err != nil {
		return Token{}, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Token{}, fmt.Errorf("listening for the sign-in redirect: %w", err)
	}
	defer ln.Close()
	redirect := fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port)
	scopes := a.graphScopes(in.Scopes)
	var opts []confidential.AuthCodeURLOption
	if in.LoginHint != "" {
		opts = append(opts, confidential.WithLoginHint(in.LoginHint))
	}
	authURL, err := cc.AuthCodeURL(ctx, in.ClientID, redirect, append(scopes, "openid", "offline_access", "profile"), opts...)
	if err != nil {
		return Token{}, err
	}
	verifier, state := randomString(), randomString()
	sum := sha256.Sum256([]byte(verifier))
	u, err := url.Parse(authURL)
	if err != nil {
		return Token{}, err
	}
	q := u.Query()
	q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
	q.Set("code_challenge_method", "S256")
	q.Set("state", state)
	q.Set("response_mode", "form_post")
	u.RawQuery = q.Encode()

	results := make(chan url.Values, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Form.Get("state") != state {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		fmt.Fprintln(w, "<html><body><p>teamsctl received the sign-in. You can close this window.</p></body></html>")
		select {
		case results <- r.Form:
		default:
		}
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	_ = a.appBrowser(in)(u.String())
	var form url.Values
	select {
	case <-ctx.Done():
		return Token{}, ctx.Err()
	case form = <-results:
	}
	if e := form.Get("error"); e != "" {
		code, _ := aadsts.FromText(form.Get("error_description"))
		return Token{}, newSignInError(code, e, form.Get("error_description"), aadsts.Context{ClientID: in.ClientID, Tenant: tenant, Login: in.Retry, User: in.LoginHint, Scopes: in.Scopes})
	}
	res, err := cc.AcquireTokenByAuthCode(ctx, form.Get("code"), redirect, scopes, confidential.WithChallenge(verifier))
	if err != nil {
		return Token{}, err
	}
	return Token{Value: res.AccessToken, ExpiresOn: res.ExpiresOn}, nil
}

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return strings.TrimRight(base64.RawURLEncoding.EncodeToString(b), "=")
}
