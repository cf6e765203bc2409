package auth

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/emulator"
)

func deviceCodeLogin(t *testing.T, h *harness, scopes ...string) *LoginResult {
	t.Helper()
	res, err := h.auth(nil).Login(context.Background(), LoginRequest{Mode: ModeDeviceCode, Scopes: scopes})
	if err != nil {
		t.Fatalf("login: %v\nstderr: %s", err, h.errOut)
	}
	return res
}

func TestDeviceCodeSignInIsReusedByTheNextInvocation(t *testing.T) {
	h := newHarness(t)
	res := deviceCodeLogin(t, h)
	if res.Session.Account != adminUPN || res.Session.Mode != ModeDeviceCode || res.Session.ClientID != DefaultClientID {
		t.Errorf("session = %+v", res.Session)
	}
	if !strings.Contains(h.errOut.String(), "https://microsoft.com/devicelogin") {
		t.Errorf("device code instructions not shown: %q", h.errOut)
	}
	before := h.tokenRequests()
	tok, err := h.auth(nil).TokenFor(context.Background(), Scopes{"User.Read"})
	if err != nil {
		t.Fatal(err)
	}
	if h.tokenRequests() != before {
		t.Errorf("the second invocation called the token endpoint %d times", h.tokenRequests()-before)
	}
	claims, err := ParseClaims(tok.Value)
	if err != nil || claims.Account() != adminUPN || !containsFold(claims.Scopes(), "Application.ReadWrite.All") {
		t.Errorf("claims = %+v, %v", claims, err)
	}
}

func TestDeviceCodeDeclinedIsACancellation(t *testing.T) {
	h := newHarness(t)
	h.device.set("decline")
	_, err := h.auth(nil).Login(context.Background(), LoginRequest{Mode: ModeDeviceCode})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want a cancellation", err)
	}
}

func TestDeviceCodeExpiredAsksToSignInAgain(t *testing.T) {
	h := newHarness(t)
	h.device.set("expire")
	_, err := h.auth(nil).Login(context.Background(), LoginRequest{Mode: ModeDeviceCode})
	var req *RequiredError
	var se *SignInError
	if !errors.As(err, &req) || !errors.As(err, &se) || se.Code != 70019 {
		t.Fatalf("err = %v, want RequiredError from AADSTS70019", err)
	}
	if !strings.Contains(req.Hint(), "teamsctl login") {
		t.Errorf("hint = %q", req.Hint())
	}
}

func TestCancellationWhileWaitingForTheUser(t *testing.T) {
	h := newHarness(t)
	h.device.set("ignore")
	ctx, cancel := context.WithCancel(context.Background())
	// The user reads the device code prompt and presses Ctrl-C.
	h.errOut.onWrite = func(text string) {
		if strings.Contains(text, "devicelogin") {
			cancel()
		}
	}
	_, err := h.auth(nil).Login(ctx, LoginRequest{Mode: ModeDeviceCode})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// headlessBrowser completes the emulator's sign-in page: it GETs the
// authorize URL without following redirects and submits the form_post
// page's form to the loopback listener, as a browser would.
type headlessBrowser struct {
	client    *http.Client
	authorize *url.URL
	code      string
}

var (
	formAction = regexp.MustCompile(`<form[^>]*action="([^"]+)"`)
	formInput  = regexp.MustCompile(`<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"`)
)

func (b *headlessBrowser) Open(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	b.authorize = u
	resp, err := b.client.Get(raw)
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	action := formAction.FindStringSubmatch(string(page))
	if action == nil {
		return errors.New("no form on the sign-in page: " + string(page))
	}
	form := url.Values{}
	for _, m := range formInput.FindAllStringSubmatch(string(page), -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	b.code = form.Get("code")
	// MSAL waits for this post in its own goroutine; post from another.
	go func() {
		resp, err := http.PostForm(html.UnescapeString(action[1]), form)
		if err == nil {
			resp.Body.Close()
		}
	}()
	return nil
}

func TestBrowserSignInWithPKCE(t *testing.T) {
	h := newHarness(t)
	if err := h.env.Server.SetInteractiveUser(adminUPN, true); err != nil {
		t.Fatal(err)
	}
	browser := &headlessBrowser{client: h.env.HTTPClient()}
	a := h.auth(nil, func(o *Options) { o.Browser = browser })
	res, err := a.Login(context.Background(), LoginRequest{Mode: ModeBrowser, Scopes: Scopes{"User.Read"}})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	q := browser.authorize.Query()
	if q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" || !strings.HasPrefix(q.Get("redirect_uri"), "http://localhost:") {
		t.Errorf("authorize request lacks PKCE or a loopback redirect: %s", browser.authorize)
	}
	if res.Session.Mode != ModeBrowser || res.Session.Account != adminUPN {
		t.Errorf("session = %+v", res.Session)
	}
	h.seen.add(browser.code)
	before := h.tokenRequests()
	if _, err := h.auth(nil).TokenFor(context.Background(), Scopes{"User.Read"}); err != nil {
		t.Fatal(err)
	}
	if h.tokenRequests() != before {
		t.Error("the second invocation called the token endpoint")
	}
}

func TestBrowserThatCannotOpenPrintsTheURL(t *testing.T) {
	h := newHarness(t)
	if err := h.env.Server.SetInteractiveUser(adminUPN, true); err != nil {
		t.Fatal(err)
	}
	user := &headlessBrowser{client: h.env.HTTPClient()}
	// The user reads the URL off stderr and opens it by hand.
	var once sync.Once
	h.errOut.onWrite = func(text string) {
		if m := regexp.MustCompile(`https://\S+/authorize\S+`).FindString(text); m != "" {
			once.Do(func() { go user.Open(m) })
		}
	}
	a := h.auth(nil, func(o *Options) { o.Browser = failingBrowser{} })
	if _, err := a.Login(context.Background(), LoginRequest{Mode: ModeBrowser, Scopes: Scopes{"User.Read"}}); err != nil {
		t.Fatalf("login: %v", err)
	}
	if !strings.Contains(h.errOut.String(), "Open this URL in a browser") {
		t.Errorf("stderr = %q", h.errOut)
	}
}

type failingBrowser struct{}

func (failingBrowser) Open(string) error { return errors.New("no display") }

func TestServicePrincipalWithSecret(t *testing.T) {
	h := newHarness(t)
	appID := h.daemonApp("s3cret~value-1234567890", 24*time.Hour, nil)
	res, err := h.auth(nil).Login(context.Background(), LoginRequest{Mode: ModeServicePrincipal, ClientID: appID, ClientSecret: "s3cret~value-1234567890"})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if res.Session.Mode != ModeServicePrincipal || res.Session.Account != appID || res.Session.Tenant != "contoso.onmicrosoft.com" {
		t.Errorf("session = %+v", res.Session)
	}
	raw, _ := os.ReadFile(h.auth(nil).files.session())
	if strings.Contains(string(raw), "s3cret") {
		t.Fatal("the secret was saved in the session record")
	}
	before := h.tokenRequests()
	// The next invocation has no secret: the cached token serves it.
	tok, err := h.auth(nil).TokenFor(context.Background(), Scopes{"Application.ReadWrite.All"})
	if err != nil {
		t.Fatal(err)
	}
	if h.tokenRequests() != before {
		t.Error("the second invocation called the token endpoint")
	}
	if c, _ := ParseClaims(tok.Value); c == nil || !c.AppOnly() || c.AppID != appID {
		t.Errorf("claims = %+v", c)
	}
}

func TestServicePrincipalWithoutSecretOnceTheTokenExpires(t *testing.T) {
	// Tokens of 299 s are never cached by MSAL, so each call needs the secret.
	h := newHarness(t, emulator.Options{AccessTokenLifetime: 299 * time.Second})
	appID := h.daemonApp("s3cret~value-1234567890", 24*time.Hour, nil)
	if _, err := h.auth(nil).Login(context.Background(), LoginRequest{Mode: ModeServicePrincipal, ClientID: appID, ClientSecret: "s3cret~value-1234567890"}); err != nil {
		t.Fatal(err)
	}
	_, err := h.auth(nil).TokenFor(context.Background(), nil)
	var req *RequiredError
	if !errors.As(err, &req) || !strings.Contains(req.Hint(), EnvClientSecret) {
		t.Fatalf("err = %v, want RequiredError naming %s", err, EnvClientSecret)
	}
	if _, err := h.auth(map[string]string{EnvClientSecret: "s3cret~value-1234567890"}).TokenFor(context.Background(), nil); err != nil {
		t.Fatalf("with %s set: %v", EnvClientSecret, err)
	}
}

func TestServicePrincipalWithCertificate(t *testing.T) {
	h := newHarness(t, emulator.Options{AccessTokenLifetime: 299 * time.Second})
	cert, path := h.certificatePEM()
	appID := h.daemonApp("unused-secret-1234567890", time.Hour, cert)
	res, err := h.auth(nil).Login(context.Background(), LoginRequest{Mode: ModeServicePrincipal, ClientID: appID, CertificatePath: path})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if res.Session.Certificate != path {
		t.Errorf("certificate path = %q", res.Session.Certificate)
	}
	// Tokens are not cached (299 s): the next invocation signs in with the
	// certificate file again.
	before := h.tokenRequests()
	if _, err := h.auth(nil).TokenFor(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if h.tokenRequests() != before+1 {
		t.Errorf("token requests: %d, want 1", h.tokenRequests()-before)
	}
}

// signInFailure asserts err is a SignInError with code and an explanation.
func signInFailure(t *testing.T, err error, code int) *SignInError {
	t.Helper()
	var se *SignInError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want SignInError AADSTS%d", err, err, code)
	}
	if se.Code != code || se.Summary == "" || se.Fix == "" || se.CorrelationID == "" {
		t.Fatalf("SignInError = %+v, want AADSTS%d explained", se, code)
	}
	return se
}

func TestWrongSecret(t *testing.T) {
	h := newHarness(t)
	appID := h.daemonApp("right-secret-1234567890", time.Hour, nil)
	_, err := h.auth(nil).Login(context.Background(), LoginRequest{Mode: ModeServicePrincipal, ClientID: appID, ClientSecret: "wrong-secret-1234567890"})
	se := signInFailure(t, err, 7000215)
	if !strings.Contains(se.Error(), "secret") || !strings.Contains(se.Hint(), "--client-secret-stdin") {
		t.Errorf("message %q / hint %q", se.Error(), se.Hint())
	}
	var req *RequiredError
	if errors.As(err, &req) {
		t.Error("a wrong secret is not fixed by signing in again: it must not exit 4")
	}
}

func TestExpiredSecret(t *testing.T) {
	h := newHarness(t)
	appID := h.daemonApp("old-secret-1234567890", time.Hour, nil)
	h.clock.Advance(2 * time.Hour)
	_, err := h.auth(nil).Login(context.Background(), LoginRequest{Mode: ModeServicePrincipal, ClientID: appID, ClientSecret: "old-secret-1234567890"})
	signInFailure(t, err, 7000222)
}

func TestUnknownClientID(t *testing.T) {
	h := newHarness(t)
	_, err := h.auth(nil).Login(context.Background(), LoginRequest{Mode: ModeDeviceCode, ClientID: "0b5b6a4e-3c2d-4e1f-9a8b-7c6d5e4f3a2b"})
	se := signInFailure(t, err, 700016)
	if !strings.Contains(se.Summary, "0b5b6a4e-3c2d-4e1f-9a8b-7c6d5e4f3a2b") {
		t.Errorf("summary does not name the client: %q", se.Summary)
	}
}

func TestWrongTenant(t *testing.T) {
	h := newHarness(t)
	_, err := h.auth(nil).Login(context.Background(), LoginRequest{Mode: ModeDeviceCode, Tenant: "fabrikam.onmicrosoft.com"})
	se := signInFailure(t, err, 90002)
	if !strings.Contains(se.Summary, "fabrikam.onmicrosoft.com") {
		t.Errorf("summary = %q", se.Summary)
	}
}

// The fix for an unknown tenant names where the tenant came from, so a
// profile's tenant setting is not blamed on a --tenant never given.
func TestWrongTenantFixNamesItsSource(t *testing.T) {
	h := newHarness(t)
	for source, want := range map[string]string{
		"":                                  "Check --tenant: ",
		"TEAMSCTL_TENANT":                   "Check TEAMSCTL_TENANT: ",
		"profile fabrikam's tenant setting": "Check profile fabrikam's tenant setting: ",
	} {
		a := h.auth(nil, func(o *Options) { o.Tenant, o.TenantSource = "fabrikam.onmicrosoft.us", source })
		_, err := a.Login(context.Background(), LoginRequest{Mode: ModeDeviceCode})
		if se := signInFailure(t, err, 90002); !strings.HasPrefix(se.Fix, want) {
			t.Errorf("source %q: fix %q, want it to start with %q", source, se.Fix, want)
		}
	}
}

func TestExpiredRefreshTokenAsksToSignInAgain(t *testing.T) {
	h := newHarness(t, emulator.Options{AccessTokenLifetime: 299 * time.Second})
	deviceCodeLogin(t, h)
	h.clock.Advance(91 * 24 * time.Hour)
	_, err := h.auth(nil).TokenFor(context.Background(), Scopes{"User.Read"})
	var req *RequiredError
	if !errors.As(err, &req) {
		t.Fatalf("err = %v, want RequiredError", err)
	}
	signInFailure(t, err, 700082)
	if req.Hint() != "Run: teamsctl login" {
		t.Errorf("hint = %q", req.Hint())
	}
}

func TestMissingScopeNamesTheLoginCommand(t *testing.T) {
	h := newHarness(t)
	deviceCodeLogin(t, h, "User.Read")
	_, err := h.auth(nil).TokenFor(context.Background(), Scopes{"User.Read", "Application.ReadWrite.All"})
	var req *RequiredError
	if !errors.As(err, &req) {
		t.Fatalf("err = %v, want RequiredError", err)
	}
	if got := req.LoginCommand(); got != "teamsctl login --scopes Application.ReadWrite.All" {
		t.Errorf("login command = %q", got)
	}
}

func TestMissingScopeSignsInInteractivelyWhenAllowed(t *testing.T) {
	h := newHarness(t)
	deviceCodeLogin(t, h, "User.Read")
	a := h.auth(nil, func(o *Options) { o.CanPrompt = true })
	tok, err := a.TokenFor(context.Background(), Scopes{"Application.ReadWrite.All"})
	if err != nil {
		t.Fatalf("TokenFor: %v\nstderr: %s", err, h.errOut)
	}
	if c, _ := ParseClaims(tok.Value); c == nil || !containsFold(c.Scopes(), "Application.ReadWrite.All") {
		t.Errorf("token lacks the scope: %+v", c)
	}
	if !strings.Contains(h.errOut.String(), "needs the permissions Application.ReadWrite.All") {
		t.Errorf("stderr = %q", h.errOut)
	}
}

func TestSandboxApprovesItsOwnDeviceCode(t *testing.T) {
	h := newHarness(t)
	h.device.set("ignore")
	approve := func(code string) error { return h.env.Server.ApproveDeviceCode(code, adminUPN) }
	a := h.auth(nil, func(o *Options) { o.ApproveDeviceCode = approve })
	tok, err := a.TokenFor(context.Background(), Scopes{"User.Read"})
	if err != nil {
		t.Fatalf("TokenFor: %v", err)
	}
	if c, _ := ParseClaims(tok.Value); c == nil || c.Account() != adminUPN {
		t.Errorf("claims = %+v", c)
	}
	if strings.Contains(h.errOut.String(), "devicelogin") || !strings.Contains(h.errOut.String(), "Signed in to the sandbox as "+adminUPN) {
		t.Errorf("stderr = %q", h.errOut)
	}
}

func TestAccessTokenFromTheEnvironment(t *testing.T) {
	h := newHarness(t)
	raw := h.env.Token(t, adminUPN, "", "User.Read")
	env := map[string]string{EnvAccessToken: raw}
	tok, err := h.auth(env).TokenFor(context.Background(), Scopes{"User.Read"})
	if err != nil || tok.Value != raw {
		t.Fatalf("TokenFor = %v", err)
	}
	_, err = h.auth(env).TokenFor(context.Background(), Scopes{"Application.ReadWrite.All"})
	var req *RequiredError
	if !errors.As(err, &req) || req.Scopes[0] != "Application.ReadWrite.All" || !strings.Contains(req.Hint(), EnvAccessToken) {
		t.Fatalf("err = %v, want the missing scope named", err)
	}
	h.clock.Advance(2 * time.Hour)
	_, err = h.auth(env).TokenFor(context.Background(), Scopes{"User.Read"})
	if !errors.As(err, &req) || !strings.Contains(req.Reason, "expired") {
		t.Fatalf("err = %v, want an expiry", err)
	}
}

func TestAccessTokenLogin(t *testing.T) {
	h := newHarness(t)
	raw := h.env.Token(t, adminUPN, "", "User.Read")
	res, err := h.auth(nil).Login(context.Background(), LoginRequest{Mode: ModeAccessToken, AccessToken: raw + "\n"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Session.Account != adminUPN {
		t.Errorf("session = %+v", res.Session)
	}
	a := h.auth(nil)
	assertMode0600(t, a.files.accessToken())
	tok, err := a.TokenFor(context.Background(), Scopes{"User.Read"})
	if err != nil || tok.Value != raw {
		t.Fatalf("TokenFor = %v", err)
	}
}

func TestNotSignedIn(t *testing.T) {
	h := newHarness(t)
	_, err := h.auth(nil, func(o *Options) { o.Profile = "work" }).TokenFor(context.Background(), Scopes{"User.Read"})
	var req *RequiredError
	if !errors.As(err, &req) || req.LoginCommand() != "teamsctl login --profile work" {
		t.Fatalf("err = %v", err)
	}
}

func TestLogout(t *testing.T) {
	h := newHarness(t)
	deviceCodeLogin(t, h)
	s, err := h.auth(nil).Logout(context.Background())
	if err != nil || s == nil || s.Account != adminUPN {
		t.Fatalf("Logout = %+v, %v", s, err)
	}
	a := h.auth(nil)
	for _, f := range []string{a.files.session(), a.files.tokens()} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still exists", f)
		}
	}
	if _, err := a.TokenFor(context.Background(), Scopes{"User.Read"}); err == nil {
		t.Error("still signed in")
	}
}

func TestLogoutAll(t *testing.T) {
	h := newHarness(t)
	deviceCodeLogin(t, h)
	if _, err := h.auth(nil, func(o *Options) { o.Profile = "work" }).Login(context.Background(), LoginRequest{Mode: ModeDeviceCode}); err != nil {
		t.Fatal(err)
	}
	out, err := h.auth(nil).LogoutAll(context.Background())
	if err != nil || len(out) != 2 || out[0].Profile != "default" || out[1].Profile != "work" {
		t.Fatalf("LogoutAll = %+v, %v", out, err)
	}
}

func assertMode0600(t *testing.T, path string) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, info.Mode().Perm())
	}
}

func TestSignInFilesArePrivate(t *testing.T) {
	h := newHarness(t)
	deviceCodeLogin(t, h)
	a := h.auth(nil)
	assertMode0600(t, a.files.tokens())
	assertMode0600(t, a.files.session())
}

func TestVerboseTraceLeaksNoSecret(t *testing.T) {
	h := newHarness(t, emulator.Options{AccessTokenLifetime: 299 * time.Second})
	ctx := context.Background()
	deviceCodeLogin(t, h)
	tok, err := h.auth(nil).TokenFor(ctx, Scopes{"User.Read"}) // redeems the refresh token
	if err != nil {
		t.Fatal(err)
	}
	h.seen.add(tok.Value)
	if err := h.env.Server.SetInteractiveUser(adminUPN, true); err != nil {
		t.Fatal(err)
	}
	browser := &headlessBrowser{client: h.env.HTTPClient()}
	if _, err := h.auth(nil, func(o *Options) { o.Browser = browser }).Login(ctx, LoginRequest{Mode: ModeBrowser, Scopes: Scopes{"User.Read"}}); err != nil {
		t.Fatal(err)
	}
	h.seen.add(browser.code)
	appID := h.daemonApp("s3cret~value-1234567890", time.Hour, nil)
	if _, err := h.auth(nil).Login(ctx, LoginRequest{Mode: ModeServicePrincipal, ClientID: appID, ClientSecret: "s3cret~value-1234567890"}); err != nil {
		t.Fatal(err)
	}
	_, _ = h.auth(nil).Login(ctx, LoginRequest{Mode: ModeServicePrincipal, ClientID: appID, ClientSecret: "wrong~secret-1234567890"})
	output := h.trace.String() + h.errOut.String()
	if !strings.Contains(output, "> POST ") || !strings.Contains(output, "/oauth2/v2.0/token") {
		t.Fatalf("no trace recorded:\n%s", output)
	}
	secrets := append(h.seen.list(), "s3cret~value-1234567890", "wrong~secret-1234567890")
	if len(secrets) < 8 {
		t.Fatalf("only %d secrets observed; the test is not looking", len(secrets))
	}
	for _, s := range secrets {
		if strings.Contains(output, s) {
			i := strings.Index(output, s)
			t.Errorf("the trace shows a secret value %.12s...: %q", s, output[max(0, i-200):i+20])
		}
	}
}

func TestFailedSignInKeepsThePreviousOne(t *testing.T) {
	h := newHarness(t)
	deviceCodeLogin(t, h)
	appID := h.daemonApp("right-secret-1234567890", time.Hour, nil)
	if _, err := h.auth(nil).Login(context.Background(), LoginRequest{Mode: ModeServicePrincipal, ClientID: appID, ClientSecret: "wrong-secret-1234567890"}); err == nil {
		t.Fatal("wrong secret accepted")
	}
	s, err := h.auth(nil).Session()
	if err != nil || s == nil || s.Mode != ModeDeviceCode {
		t.Fatalf("session after the failed sign-in = %+v, %v", s, err)
	}
	if _, err := h.auth(nil).TokenFor(context.Background(), Scopes{"User.Read"}); err != nil {
		t.Fatalf("the previous sign-in no longer works: %v", err)
	}
}
