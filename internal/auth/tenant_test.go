package auth

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/emulator"
)

// Tenant ids of the built-in seed and of the second customer added below.
const (
	contosoID   = "8a1c3f52-7d4e-4b9a-9c61-2f0e5d7a4b13"
	ebmsID      = "3d0b6c1a-2e4f-4a7b-8c9d-0e1f2a3b4c5d"
	northwindID = "5b7f4c2e-9d1a-4e3b-8f6c-1a2b3c4d5e6f"
	northwindGA = "admin@northwind.onmicrosoft.com"
)

// northwind is a second customer tenant with its own Global Administrator,
// appended to the built-in seed: an admin who keeps one profile per
// customer signs in to both.
const northwind = `
  - id: 5b7f4c2e-9d1a-4e3b-8f6c-1a2b3c4d5e6f
    displayName: Northwind
    domains:
      - {name: northwind.onmicrosoft.com, isDefault: true, isInitial: true}
    users:
      - userPrincipalName: admin@northwind.onmicrosoft.com
        displayName: Nina Northwind
        directoryRoles: [Global Administrator]
        accountEnabled: true
    servicePrincipals:
      - appId: 00000003-0000-0000-c000-000000000000
        accountEnabled: true
      - appId: 14d82eec-204b-4c2f-b7e8-296a70dab67e
        accountEnabled: true
    authorizationPolicy:
      permissionGrantPoliciesAssigned: []
    adminConsentRequestPolicy: {}
    defaultAppManagementPolicy: {}
`

func twoCustomerHarness(t *testing.T) *harness {
	t.Helper()
	raw, err := os.ReadFile("../emulator/seeds/contoso.yaml")
	if err != nil {
		t.Fatal(err)
	}
	seed, err := emulator.ParseSeed("two customers", append(raw, northwind...))
	if err != nil {
		t.Fatal(err)
	}
	return newHarness(t, emulator.Options{Seed: seed})
}

func withTenant(tenant string) func(*Options) { return func(o *Options) { o.Tenant = tenant } }

// graphRequests counts requests to Graph so far.
func (h *harness) graphRequests() int {
	n := 0
	for _, r := range h.env.Server.RequestLog() {
		if strings.HasPrefix(r.Path, "/v1.0/") {
			n++
		}
	}
	return n
}

// An admin signed in to Contoso runs a command for another customer. The
// cached Contoso sign-in must never be used for it: without a prompt the
// command stops with the login command for the asked tenant, asked by id
// or by domain, and no token of Contoso is handed out.
func TestCachedSignInOfAnotherTenantIsNeverUsed_WorstDefectForOneProfilePerCustomer(t *testing.T) {
	h := twoCustomerHarness(t)
	deviceCodeLogin(t, h) // Contoso, by domain (the harness's tenant)
	for _, asked := range []string{northwindID, "northwind.onmicrosoft.com", "NorthWind.onmicrosoft.com", ebmsID} {
		t.Run(asked, func(t *testing.T) {
			before := h.tokenRequests()
			tok, err := h.auth(nil, withTenant(asked)).TokenFor(context.Background(), Scopes{"Application.ReadWrite.All"})
			var req *RequiredError
			if !errors.As(err, &req) {
				t.Fatalf("TokenFor = %v, %v; want RequiredError (a token of Contoso for %s)", tok.Value != "", err, asked)
			}
			if want := "teamsctl login --tenant " + asked; req.LoginCommand() != want {
				t.Errorf("login command = %q, want %q", req.LoginCommand(), want)
			}
			if !strings.Contains(err.Error(), contosoID) || !strings.Contains(err.Error(), asked) || !strings.Contains(err.Error(), "nothing was changed") {
				t.Errorf("message = %q, want both tenants named", err)
			}
			if h.tokenRequests() != before {
				t.Errorf("the token endpoint was called %d times for a tenant the sign-in is not for", h.tokenRequests()-before)
			}
		})
	}
	// The saved sign-in still serves Contoso, however Contoso is named.
	for _, asked := range []string{"contoso.onmicrosoft.com", contosoID, strings.ToUpper(contosoID), ""} {
		tok, err := h.auth(nil, withTenant(asked)).TokenFor(context.Background(), Scopes{"User.Read"})
		if err != nil {
			t.Fatalf("Contoso as %q: %v", asked, err)
		}
		if c, _ := ParseClaims(tok.Value); c == nil || c.TenantID != contosoID {
			t.Errorf("Contoso as %q: claims %+v", asked, c)
		}
	}
}

// A sign-in made without a tenant (organizations) belongs to the user's
// home tenant; a domain asked later is resolved to compare, and an
// unknown one is Entra's AADSTS90002.
func TestSignInWithoutTenantIsCheckedAgainstTheAskedDomain_WorstDefectForOneProfilePerCustomer(t *testing.T) {
	h := twoCustomerHarness(t)
	if _, err := h.auth(nil, withTenant("")).Login(context.Background(), LoginRequest{Mode: ModeDeviceCode}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.auth(nil, withTenant("contoso.onmicrosoft.com")).TokenFor(context.Background(), Scopes{"User.Read"}); err != nil {
		t.Fatalf("Contoso by domain after an organizations sign-in: %v", err)
	}
	_, err := h.auth(nil, withTenant("northwind.onmicrosoft.com")).TokenFor(context.Background(), Scopes{"User.Read"})
	var req *RequiredError
	if !errors.As(err, &req) || req.Tenant != "northwind.onmicrosoft.com" || !strings.Contains(err.Error(), northwindID) {
		t.Fatalf("Northwind after a Contoso sign-in: %v", err)
	}
	_, err = h.auth(nil, withTenant("nosuch.onmicrosoft.com")).TokenFor(context.Background(), Scopes{"User.Read"})
	signInFailure(t, err, 90002)
}

// When the user may be prompted, a command for another tenant signs in to
// that tenant, and the token it uses is that tenant's.
func TestPromptableSignInGoesToTheAskedTenant_WorstDefectForOneProfilePerCustomer(t *testing.T) {
	h := twoCustomerHarness(t)
	deviceCodeLogin(t, h)
	h.device.upn = northwindGA
	a := h.auth(nil, withTenant("northwind.onmicrosoft.com"), func(o *Options) { o.CanPrompt = true })
	tok, err := a.TokenFor(context.Background(), Scopes{"Application.ReadWrite.All"})
	if err != nil {
		t.Fatalf("TokenFor: %v\nstderr: %s", err, h.errOut)
	}
	if c, _ := ParseClaims(tok.Value); c == nil || c.TenantID != northwindID || c.Account() != northwindGA {
		t.Fatalf("claims = %+v, want Northwind's admin", c)
	}
	if !strings.Contains(h.errOut.String(), "this command acts on northwind.onmicrosoft.com. Sign in to northwind.onmicrosoft.com.") {
		t.Errorf("stderr = %q", h.errOut)
	}
}

// The sandbox signs in to the asked sandbox tenant by itself.
func TestSandboxSignsInToTheAskedTenant_WorstDefectForOneProfilePerCustomer(t *testing.T) {
	h := twoCustomerHarness(t)
	h.device.set("ignore")
	approve := func(code string) error { return h.env.Server.ApproveDeviceCode(code, adminUPN) }
	sandbox := func(o *Options) { o.ApproveDeviceCode = approve }
	if _, err := h.auth(nil, sandbox).TokenFor(context.Background(), Scopes{"User.Read"}); err != nil {
		t.Fatal(err)
	}
	approve = func(code string) error { return h.env.Server.ApproveDeviceCode(code, northwindGA) }
	tok, err := h.auth(nil, sandbox, withTenant(northwindID)).TokenFor(context.Background(), Scopes{"User.Read"})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := ParseClaims(tok.Value); c == nil || c.TenantID != northwindID {
		t.Fatalf("claims = %+v, want Northwind", c)
	}
}

// A token given in TEAMSCTL_ACCESS_TOKEN or to login --access-token-stdin
// is refused for another tenant.
func TestAccessTokenOfAnotherTenantIsRefused_WorstDefectForOneProfilePerCustomer(t *testing.T) {
	h := twoCustomerHarness(t)
	raw := h.env.Token(t, adminUPN, "", "User.Read")
	env := map[string]string{EnvAccessToken: raw}
	_, err := h.auth(env, withTenant("northwind.onmicrosoft.com")).TokenFor(context.Background(), Scopes{"User.Read"})
	var req *RequiredError
	if !errors.As(err, &req) || !strings.Contains(req.Hint(), EnvAccessToken) {
		t.Fatalf("TokenFor = %v, want the token refused", err)
	}
	_, err = h.auth(nil, withTenant(northwindID)).Login(context.Background(), LoginRequest{Mode: ModeAccessToken, AccessToken: raw})
	if !errors.As(err, &req) {
		t.Fatalf("Login = %v, want the token refused", err)
	}
	if s, _ := h.auth(nil).Session(); s != nil {
		t.Errorf("a refused token was saved: %+v", s)
	}
}

// A service principal of one tenant is not used for another; the hint
// signs the app in to the asked tenant.
func TestServicePrincipalOfAnotherTenantIsRefused_WorstDefectForOneProfilePerCustomer(t *testing.T) {
	h := twoCustomerHarness(t)
	appID := h.daemonApp("right-secret-1234567890", time.Hour, nil)
	if _, err := h.auth(nil).Login(context.Background(), LoginRequest{Mode: ModeServicePrincipal, ClientID: appID, ClientSecret: "right-secret-1234567890"}); err != nil {
		t.Fatal(err)
	}
	before := h.graphRequests() + h.tokenRequests()
	_, err := h.auth(nil, withTenant(northwindID)).TokenFor(context.Background(), Scopes{"User.Read"})
	var req *RequiredError
	if !errors.As(err, &req) || !strings.Contains(req.Hint(), "--service-principal --client-id "+appID) || !strings.Contains(req.Hint(), "--tenant "+northwindID) {
		t.Fatalf("TokenFor = %v (hint %q)", err, req.Hint())
	}
	if after := h.graphRequests() + h.tokenRequests(); after != before {
		t.Errorf("%d requests were made with the other tenant's sign-in", after-before)
	}
}

// The token endpoint is never asked for a domain's tenant id twice in one
// invocation, and not at all when the sign-in was made with that domain.
func TestAskedDomainIsResolvedOnlyWhenNeeded(t *testing.T) {
	h := twoCustomerHarness(t)
	deviceCodeLogin(t, h)
	discovery := func() int {
		n := 0
		for _, r := range h.env.Server.RequestLog() {
			if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/.well-known/openid-configuration") {
				n++
			}
		}
		return n
	}
	before := discovery()
	a := h.auth(nil)
	for range 2 {
		if _, err := a.TokenFor(context.Background(), Scopes{"User.Read"}); err != nil {
			t.Fatal(err)
		}
	}
	if discovery() != before {
		t.Errorf("the sign-in's own domain was looked up %d times", discovery()-before)
	}
}
