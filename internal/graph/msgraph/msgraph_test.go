package msgraph

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/emulator/emutest"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/retry"
)

const adminUPN = "admin@contoso.onmicrosoft.com"

// recorder keeps the requests the client sent.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	return r.base.RoundTrip(req)
}

type fixture struct {
	env   *emutest.Env
	clock *emutest.Clock
	rec   *recorder
	waits []time.Duration
}

func setup(t *testing.T) *fixture {
	t.Helper()
	c := emutest.NewClock(time.Now().UTC())
	env := emutest.Start(t, emulator.Options{Now: c.Now})
	return &fixture{env: env, clock: c, rec: &recorder{base: env.HTTPClient().Transport}}
}

// client builds the Graph client the factory would, with a token source
// handing out token and a retry policy whose waits advance the emulator's
// clock instead of sleeping.
func (f *fixture) client(t *testing.T, token string) *Client {
	t.Helper()
	return f.clientWith(t, token, func(*retry.Policy) {})
}

// clientWith is client with the retry policy adjusted by adjust.
func (f *fixture) clientWith(t *testing.T, token string, adjust func(*retry.Policy)) *Client {
	t.Helper()
	endpoints, err := auth.ResolveEndpoints(auth.EndpointOptions{LoginURL: f.env.URL, GraphURL: f.env.GraphURL})
	if err != nil {
		t.Fatal(err)
	}
	policy := retry.Default()
	policy.Now = f.clock.Now
	policy.Jitter = func() float64 { return 0 }
	policy.Sleep = func(_ context.Context, d time.Duration) error {
		f.waits = append(f.waits, d)
		f.clock.Advance(d)
		return nil
	}
	adjust(&policy)
	c, err := New(Options{
		Endpoints:  endpoints,
		HTTPClient: &http.Client{Transport: f.rec, Timeout: 10 * time.Second},
		Tokens:     func(context.Context, auth.Scopes) (auth.Token, error) { return auth.Token{Value: token}, nil },
		Scopes:     auth.Scopes{"User.Read"},
		Version:    "1.2.3",
		Retry:      policy,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestWhoAmICallsOverTLS(t *testing.T) {
	f := setup(t)
	c := f.client(t, f.env.Token(t, adminUPN, "", "User.Read"))
	ctx := context.Background()
	me, err := c.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.UserPrincipalName != adminUPN || me.DisplayName != "Adele Admin" || me.ID == "" {
		t.Errorf("Me = %+v", me)
	}
	org, err := c.Organization(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if org.DisplayName != "Contoso" || org.ID != f.env.TenantID || org.DefaultDomain != "contoso.onmicrosoft.com" {
		t.Errorf("Organization = %+v", org)
	}
	roles, err := c.MyDirectoryRoles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(roles) != 1 || roles[0].RoleTemplateID != graph.RoleGlobalAdministrator || roles[0].DisplayName != "Global Administrator" {
		t.Errorf("roles = %+v", roles)
	}
	for _, req := range f.rec.reqs {
		if ua := req.Header.Get("User-Agent"); ua != "teamsctl/1.2.3" {
			t.Errorf("User-Agent = %q", ua)
		}
		if req.Header.Get("Authorization") == "" {
			t.Errorf("%s sent without a token", req.URL)
		}
	}
}

func TestThrottlingIsRetriedAfterRetryAfter(t *testing.T) {
	f := setup(t)
	f.env.Server.SetFaults(emulator.FaultOptions{Scripted: []emulator.ScriptedFault{
		{Method: "GET", Path: "/me", Nth: 1, Times: 2, Status: 429, RetryAfter: 2 * time.Second},
	}})
	c := f.client(t, f.env.Token(t, adminUPN, "", "User.Read"))
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(f.waits) != 2 || f.waits[0] != 2*time.Second {
		t.Errorf("waits = %v", f.waits)
	}
	for _, r := range f.env.Server.RequestLog() {
		if r.EarlyRetry {
			t.Errorf("retried before Retry-After: %+v", r)
		}
	}
}

func TestPersistentThrottlingNamesEveryAttempt(t *testing.T) {
	f := setup(t)
	f.env.Server.SetFaults(emulator.FaultOptions{Scripted: []emulator.ScriptedFault{
		{Method: "GET", Path: "/me", Nth: 1, Times: 100, Status: 503, RetryAfter: time.Second},
	}})
	c := f.client(t, f.env.Token(t, adminUPN, "", "User.Read"))
	_, err := c.Me(context.Background())
	var th *graph.Throttled
	if !errors.As(err, &th) {
		t.Fatalf("err = %v, want Throttled", err)
	}
	if th.RequestID == "" || len(th.EarlierRequestIDs) != retry.Default().MaxRetries || th.RetryAfter != time.Second {
		t.Errorf("Throttled = %+v", th.APIError)
	}
}

func TestForbiddenCarriesCodeAndRequestID(t *testing.T) {
	f := setup(t)
	c := f.client(t, f.env.Token(t, adminUPN, "", "Calendars.Read"))
	_, err := c.Me(context.Background())
	var fb *graph.Forbidden
	if !errors.As(err, &fb) {
		t.Fatalf("err = %v, want Forbidden", err)
	}
	if fb.Code != "Authorization_RequestDenied" || fb.RequestID == "" || fb.Hint() == "" {
		t.Errorf("Forbidden = %+v", fb.APIError)
	}
}

func TestRejectedTokenAsksToSignIn(t *testing.T) {
	f := setup(t)
	c := f.client(t, "not-a-token")
	_, err := c.Organization(context.Background())
	var req *auth.RequiredError
	if !errors.As(err, &req) {
		t.Fatalf("err = %v, want auth.RequiredError", err)
	}
}

func TestAppOnlyTokenCannotUseMe(t *testing.T) {
	f := setup(t)
	c := f.client(t, f.env.AppToken(t, "14d82eec-204b-4c2f-b7e8-296a70dab67e", "User.Read.All"))
	_, err := c.Me(context.Background())
	var br *graph.BadRequest
	if !errors.As(err, &br) || br.Status != 400 {
		t.Fatalf("err = %v, want BadRequest", err)
	}
}

func TestTokensGoOnlyToTheGraphHost(t *testing.T) {
	hosts := map[string]bool{}
	p := &tokenProvider{
		tokens: func(context.Context, auth.Scopes) (auth.Token, error) { return auth.Token{Value: "t"}, nil },
	}
	endpoints, _ := auth.ResolveEndpoints(auth.EndpointOptions{})
	p.hosts = newHostsValidator(endpoints)
	for _, raw := range []string{"https://graph.microsoft.com/v1.0/me", "https://evil.example/v1.0/me", "http://graph.microsoft.com/v1.0/me"} {
		u, _ := url.Parse(raw)
		tok, err := p.GetAuthorizationToken(context.Background(), u, nil)
		hosts[raw] = tok != "" && err == nil
	}
	if !hosts["https://graph.microsoft.com/v1.0/me"] || hosts["https://evil.example/v1.0/me"] || hosts["http://graph.microsoft.com/v1.0/me"] {
		t.Errorf("tokens handed out: %v", hosts)
	}
}

// TestThrottleGateHoldsBackOtherRequests: after a 429 with Retry-After on
// one request, the next request of the process to the same workload is
// sent only once the Retry-After has passed, so the emulator counts no
// early retry. (The first request gives up at once here, so the second
// is not the first one's retry.)
func TestThrottleGateHoldsBackOtherRequests(t *testing.T) {
	f := setup(t)
	f.env.Server.SetFaults(emulator.FaultOptions{Scripted: []emulator.ScriptedFault{
		{Method: "GET", Path: "/servicePrincipals", Nth: 1, Times: 1, Status: 429, RetryAfter: 2 * time.Second},
	}})
	c := f.clientWith(t, f.env.Token(t, adminUPN, "", "Application.Read.All"), func(p *retry.Policy) {
		p.MaxRetries = 0
		p.Gate = retry.NewGate()
	})
	ctx := context.Background()
	var th *graph.Throttled
	if _, err := c.ServicePrincipalsByName(ctx, "Microsoft Graph"); !errors.As(err, &th) {
		t.Fatalf("first request: %v, want Throttled", err)
	}
	if _, err := c.ServicePrincipalsByName(ctx, "Microsoft Graph"); err != nil {
		t.Fatalf("second request: %v", err)
	}
	if len(f.waits) != 1 || f.waits[0] != 2*time.Second {
		t.Errorf("waits = %v, want the second request held back 2 s", f.waits)
	}
	for _, r := range f.env.Server.RequestLog() {
		if r.EarlyRetry {
			t.Errorf("sent before the Retry-After had passed: %+v", r)
		}
	}
}
