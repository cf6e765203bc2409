package emulator

import (
	"context"
	"crypto/x509"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

func TestMSALDeviceCodeApprovedThenSilentFromCache(t *testing.T) {
	env := newLoginEnv(t, Options{})
	c := env.publicClient(GraphCommandLineToolsAppID)
	res, err := env.deviceCodeLogin(c, graphUserRead, env.approveAs(adminUPN))
	if err != nil {
		t.Fatal(err)
	}
	claims := env.verify(res.AccessToken)
	if claims.TenantID != contosoID || claims.UPN != adminUPN || claims.IDType != "user" || claims.AppID != GraphCommandLineToolsAppID {
		t.Errorf("claims = %+v", claims)
	}
	if !claims.HasScope("User.Read") || !containsFold(claims.AuthMethods, "mfa") {
		t.Errorf("scp %q amr %v: want User.Read and mfa (admin MFA policy satisfied interactively)", claims.Scopes, claims.AuthMethods)
	}
	if res.Account.PreferredUsername != adminUPN || res.IDToken.TenantID != contosoID {
		t.Errorf("account %+v id token %+v", res.Account, res.IDToken)
	}
	accounts, err := c.Accounts(context.Background())
	if err != nil || len(accounts) != 1 {
		t.Fatalf("accounts = %v, %v", accounts, err)
	}
	before := env.tokens.Load()
	again, err := c.AcquireTokenSilent(context.Background(), graphUserRead, public.WithSilentAccount(accounts[0]))
	if err != nil {
		t.Fatal(err)
	}
	if env.tokens.Load() != before || again.AccessToken != res.AccessToken {
		t.Error("second call was not served from MSAL's cache")
	}
	if in := env.lastSignIn(); in.ErrorCode != 0 || !in.IsInteractive || in.ConditionalAccess != "success" {
		t.Errorf("sign-in log: %+v", in)
	}
}

func TestMSALDeviceCodeDeclinedAndExpired(t *testing.T) {
	tests := []struct {
		name   string
		settle func(s *Server, code string) error
		want   string
		code   int
	}{
		{"declined", (*Server).DeclineDeviceCode, "authorization_declined", 70000},
		{"expired", (*Server).ExpireDeviceCode, "expired_token", 70019},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newLoginEnv(t, Options{})
			c := env.publicClient(GraphCommandLineToolsAppID)
			_, err := env.deviceCodeLogin(c, graphUserRead, func(code string) {
				if err := tt.settle(env.srv, code); err != nil {
					t.Error(err)
				}
			})
			if te := wantCode(t, err, tt.code); te.Error != tt.want {
				t.Errorf("error = %q, want %q", te.Error, tt.want)
			}
		})
	}
}

func TestMSALRefreshWhenAccessTokenNotCached(t *testing.T) {
	// MSAL never caches tokens expiring within 5 minutes, so every silent
	// call redeems the (rotated) refresh token.
	env := newLoginEnv(t, Options{AccessTokenLifetime: 299 * time.Second})
	c := env.publicClient(GraphCommandLineToolsAppID)
	first, err := env.deviceCodeLogin(c, graphUserRead, env.approveAs(adminUPN))
	if err != nil {
		t.Fatal(err)
	}
	accounts, _ := c.Accounts(context.Background())
	for i := 0; i < 2; i++ {
		env.clock.Advance(time.Minute)
		before := env.tokens.Load()
		res, err := c.AcquireTokenSilent(context.Background(), graphUserRead, public.WithSilentAccount(accounts[0]))
		if err != nil {
			t.Fatalf("refresh %d: %v", i, err)
		}
		if env.tokens.Load() != before+1 || res.AccessToken == first.AccessToken {
			t.Fatalf("refresh %d did not call the token endpoint", i)
		}
		if claims := env.verify(res.AccessToken); !containsFold(claims.AuthMethods, "mfa") {
			t.Errorf("refresh lost the MFA of the interactive sign-in: amr %v", claims.AuthMethods)
		}
	}
}

// formPostPattern reads Entra's form_post page: action and hidden inputs.
var (
	formActionPattern = regexp.MustCompile(`action="([^"]+)"`)
	formInputPattern  = regexp.MustCompile(`name="([^"]+)" value="([^"]*)"`)
)

// headlessBrowser plays the browser for AcquireTokenInteractive: it opens
// the authorize URL and submits the form_post page to the loopback
// listener.
func headlessBrowser(t *testing.T, env *loginEnv) func(string) error {
	return func(authURL string) error {
		resp, err := env.noRedirectClient().Get(authURL)
		if err != nil {
			return err
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		action := formActionPattern.FindSubmatch(page)
		if action == nil {
			t.Errorf("authorize answered %d without a form: %s", resp.StatusCode, page)
			return nil
		}
		form := url.Values{}
		for _, m := range formInputPattern.FindAllSubmatch(page, -1) {
			form.Set(string(m[1]), htmlUnescape(string(m[2])))
		}
		post, err := http.PostForm(htmlUnescape(string(action[1])), form)
		if err != nil {
			return err
		}
		return post.Body.Close()
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

func TestMSALInteractivePKCE(t *testing.T) {
	env := newLoginEnv(t, Options{})
	c := env.publicClient(GraphCommandLineToolsAppID)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := c.AcquireTokenInteractive(ctx, graphUserRead, public.WithLoginHint(ritaUPN), public.WithOpenURL(headlessBrowser(t, env)))
	if err != nil {
		t.Fatal(err)
	}
	claims := env.verify(res.AccessToken)
	if claims.UPN != ritaUPN || !claims.HasScope("User.Read") {
		t.Errorf("claims = %+v", claims)
	}
	// Rita consented for herself (User.Read is low impact, the client has a
	// verified publisher): her own grant was recorded.
	st, _ := env.srv.Snapshot()
	tn := st.HomeTenant()
	rita := tn.UserByIDOrUPN(ritaUPN)
	cli := tn.ServicePrincipalByAppID(GraphCommandLineToolsAppID)
	if got := grantedScopes(tn, cli, tn.ServicePrincipalByAppID(GraphAppID), rita.ID); !containsFold(got, "User.Read") {
		t.Errorf("rita's grant = %v", got)
	}
	if in := env.lastSignIn(); in.ClientAppUsed != "Mobile Apps and Desktop clients" || !in.IsInteractive {
		t.Errorf("sign-in log: %+v", in)
	}
}

func TestMSALConfidentialClient(t *testing.T) {
	env := newLoginEnv(t, Options{})
	cert, key := selfSignedCert(t)
	appID := env.addDaemonApp("correct-horse-battery-staple", env.clock.Now().Add(24*time.Hour), cert)
	secretCred, _ := confidential.NewCredFromSecret("correct-horse-battery-staple")
	certCred, err := confidential.NewCredFromCert([]*x509.Certificate{cert}, key)
	if err != nil {
		t.Fatal(err)
	}
	for name, cred := range map[string]confidential.Credential{"secret": secretCred, "certificate": certCred} {
		t.Run(name, func(t *testing.T) {
			c, err := confidential.New(env.authority(contosoID), appID, cred,
				confidential.WithInstanceDiscovery(false), confidential.WithHTTPClient(env.ts.Client()))
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.AcquireTokenByCredential(context.Background(), []string{"https://graph.microsoft.com/.default"})
			if err != nil {
				t.Fatal(err)
			}
			claims := env.verify(res.AccessToken)
			if !claims.IsAppOnly() || !claims.HasRole("User.Read.All") || claims.AppID != appID || claims.Scopes != "" {
				t.Errorf("claims = %+v", claims)
			}
		})
	}
}
