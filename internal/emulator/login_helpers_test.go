package emulator

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

const (
	contosoID     = "8a1c3f52-7d4e-4b9a-9c61-2f0e5d7a4b13"
	contosoDomain = "contoso.onmicrosoft.com"
	ebmsAppID     = "c0ec60b5-60a8-4768-8053-870f11315492"
	adminUPN      = "admin@contoso.onmicrosoft.com"
	ritaUPN       = "rita.recruiter@contoso.onmicrosoft.com"
	guestUPN      = "gina.guest_fabrikam.com#EXT#@contoso.onmicrosoft.com"
)

var graphUserRead = []string{"https://graph.microsoft.com/User.Read"}

// testClock is the emulator's injected clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// loginEnv is an emulator behind a TLS listener, with a count of token
// endpoint calls.
type loginEnv struct {
	t      *testing.T
	srv    *Server
	ts     *httptest.Server
	clock  *testClock
	tokens atomic.Int64
}

func newLoginEnv(t *testing.T, opts Options) *loginEnv {
	t.Helper()
	// The clock starts at the real time because MSAL stamps client
	// assertions with time.Now.
	env := &loginEnv{t: t, clock: &testClock{now: time.Now().UTC().Truncate(time.Second)}}
	opts.Now = env.clock.Now
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	env.srv = srv
	env.ts = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token") {
			env.tokens.Add(1)
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(env.ts.Close)
	return env
}

func (e *loginEnv) authority(tenant string) string { return e.ts.URL + "/" + tenant }

// noRedirectClient trusts the emulator's certificate and returns
// redirects instead of following them.
func (e *loginEnv) noRedirectClient() *http.Client {
	c := *e.ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func (e *loginEnv) publicClient(clientID string, opts ...public.Option) public.Client {
	e.t.Helper()
	opts = append([]public.Option{public.WithAuthority(e.authority(contosoID)), public.WithInstanceDiscovery(false), public.WithHTTPClient(e.ts.Client())}, opts...)
	c, err := public.New(clientID, opts...)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// update changes the tenant state directly.
func (e *loginEnv) update(fn func(st *State, t *Tenant)) {
	e.t.Helper()
	if err := e.srv.Update(func(st *State) error { fn(st, st.HomeTenant()); return nil }); err != nil {
		e.t.Fatal(err)
	}
}

// deviceCodeLogin runs MSAL's device code flow; approve is called with the
// user code once the client has polled at least once (so it saw
// authorization_pending).
func (e *loginEnv) deviceCodeLogin(c public.Client, scopes []string, approve func(userCode string)) (public.AuthResult, error) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dc, err := c.AcquireTokenByDeviceCode(ctx, scopes)
	if err != nil {
		return public.AuthResult{}, err
	}
	before := e.tokens.Load()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e.tokens.Load() == before && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		approve(dc.Result.UserCode)
	}()
	res, err := dc.AuthenticationResult(ctx)
	<-done
	return res, err
}

// approveAs returns an approval callback for MSAL device code tests.
func (e *loginEnv) approveAs(upn string) func(string) {
	return func(code string) { _ = e.srv.ApproveDeviceCode(code, upn) } // a failed sign-in reaches the client's poll
}

// lastSignIn is the newest sign-in log entry of the home tenant.
func (e *loginEnv) lastSignIn() SignIn {
	e.t.Helper()
	st, err := e.srv.Snapshot()
	if err != nil {
		e.t.Fatal(err)
	}
	ins := st.HomeTenant().SignIns
	if len(ins) == 0 {
		e.t.Fatal("no sign-in recorded")
	}
	return *ins[len(ins)-1]
}

// tokenError is the Entra error JSON inside an MSAL error.
type tokenError struct {
	Error      string `json:"error"`
	ErrorCodes []int  `json:"error_codes"`
	SubError   string `json:"suberror"`
	Claims     string `json:"claims"`
}

// parseCallErr extracts Entra's error body from MSAL's CallErr: MSAL keeps
// the raw body only in the error text (the device code poll drains the
// response body).
func parseCallErr(t *testing.T, err error) tokenError {
	t.Helper()
	var ce msalerrors.CallErr
	if !errors.As(err, &ce) {
		t.Fatalf("want an MSAL CallErr, got %T: %v", err, err)
	}
	text := ce.Err.Error()
	i := strings.Index(text, "{")
	if i < 0 {
		t.Fatalf("no JSON body in %q", text)
	}
	var te tokenError
	if err := json.Unmarshal([]byte(text[i:]), &te); err != nil {
		t.Fatalf("error body %q: %v", text[i:], err)
	}
	return te
}

func wantCode(t *testing.T, err error, code int) tokenError {
	t.Helper()
	if err == nil {
		t.Fatalf("want AADSTS%d, got success", code)
	}
	te := parseCallErr(t, err)
	if len(te.ErrorCodes) != 1 || te.ErrorCodes[0] != code {
		t.Fatalf("want AADSTS%d, got %+v (%v)", code, te, err)
	}
	return te
}

// postToken posts a form to the token endpoint and decodes the JSON reply.
func (e *loginEnv) postToken(tenant string, form url.Values, header http.Header) (int, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.authority(tenant)+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, body
}

// bodyCode is the AADSTS number of an error body.
func bodyCode(body map[string]any) int {
	codes, _ := body["error_codes"].([]any)
	if len(codes) != 1 {
		return 0
	}
	n, _ := codes[0].(float64)
	return int(n)
}

// verify decodes an issued access token, checking its signature.
func (e *loginEnv) verify(token string) *AccessClaims {
	e.t.Helper()
	c, err := e.srv.verifyAccessToken(token, e.clock.Now(), graphAudiences)
	if err != nil {
		e.t.Fatalf("issued access token does not verify: %v", err)
	}
	return c
}

// selfSignedCert makes a certificate for client assertion tests.
func selfSignedCert(t *testing.T) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "teamsctl test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// addDaemonApp registers a single-tenant confidential app in Contoso with
// a secret, a certificate (when given) and its service principal holding
// the User.Read.All application permission.
func (e *loginEnv) addDaemonApp(secret string, secretEnd time.Time, cert *x509.Certificate) string {
	e.t.Helper()
	var appID string
	e.update(func(st *State, t *Tenant) {
		appID = st.NewGUID()
		app := &Application{ID: st.NewGUID(), AppID: appID, DisplayName: "Daemon", SignInAudience: "AzureADMyOrg",
			PasswordCredentials: []*PasswordCredential{{KeyID: st.NewGUID(), SecretText: secret, StartDateTime: e.clock.Now().Add(-time.Hour), EndDateTime: secretEnd}}}
		if cert != nil {
			app.KeyCredentials = []*KeyCredential{{KeyID: st.NewGUID(), Type: "AsymmetricX509Cert", Usage: "Verify", Key: cert.Raw,
				StartDateTime: e.clock.Now().Add(-time.Hour), EndDateTime: e.clock.Now().Add(time.Hour)}}
		}
		t.Applications = append(t.Applications, app)
		sp := &ServicePrincipal{AppID: appID, AccountEnabled: true}
		if err := completeServicePrincipal(st, t, sp, e.clock.Now()); err != nil {
			e.t.Fatal(err)
		}
		t.ServicePrincipals = append(t.ServicePrincipals, sp)
		assignAppRole(st, t, sp, t.ServicePrincipalByAppID(GraphAppID), "df021288-bdef-4463-88db-98f22de89214", e.clock.Now())
	})
	return appID
}

func decodeJSON(t *testing.T, resp *http.Response) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return body
}
