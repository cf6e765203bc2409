package factory

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/pkg/browser"
	"github.com/spf13/pflag"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/build"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/graph/msgraph"
	"github.com/teamsctl/teamsctl/internal/sandbox"
)

// EnvSandboxUser names the sandbox user --sandbox signs in as.
const EnvSandboxUser = "TEAMSCTL_SANDBOX_USER"

// sandboxAdmin is the built-in seed's Global Administrator, who signs in to
// a sandbox tenant that has none.
const sandboxAdmin = "admin@contoso.onmicrosoft.com"

// addSignIn wires Endpoints, HTTPClient, Auth, Graph and Browser. Each
// runs at most once per invocation and only when a command needs it.
func addSignIn(f *cmdutil.Factory, globalFlags func() *pflag.FlagSet, perProfile bool) {
	var sb *sandbox.Sandbox // opened by HTTPClient in --sandbox mode

	f.Browser = systemBrowser{}

	// Cloud, overrides and --sandbox come from the resolved config.
	f.Endpoints = sync.OnceValues(func() (auth.Endpoints, error) {
		cfg, err := f.Config()
		if err != nil {
			return auth.Endpoints{}, err
		}
		return auth.ResolveEndpoints(auth.EndpointOptions{Cloud: cfg.Cloud, LoginURL: cfg.LoginURL, GraphURL: cfg.GraphURL,
			Sandbox: cfg.Sandbox, SandboxLoginURL: sandbox.LoginURL(), SandboxGraphURL: sandbox.GraphURL()})
	})

	// One client for MSAL and Graph: --ca-file, the sandbox's in-process
	// transport, and the -v trace on stderr.
	f.HTTPClient = sync.OnceValues(func() (*http.Client, error) {
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		o := auth.HTTPOptions{CAFile: cfg.CAFile, Now: f.Now}
		if verbose, _ := globalFlags().GetBool("verbose"); verbose {
			o.Trace = f.IOStreams.ErrOut
		}
		if cfg.Sandbox {
			if sb, err = openSandbox(cfg, perProfile, f.IOStreams.ErrOut); err != nil {
				return nil, err
			}
			o.Transport = sb.Transport()
		}
		return auth.NewHTTPClient(o)
	})

	// The profile's sign-in; in the sandbox, a sign-in of its own that the
	// sandbox approves without asking anyone.
	f.Auth = sync.OnceValues(func() (*auth.Authenticator, error) {
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		endpoints, err := f.Endpoints()
		if err != nil {
			return nil, err
		}
		hc, err := f.HTTPClient()
		if err != nil {
			return nil, err
		}
		o := auth.Options{Endpoints: endpoints, HTTPClient: hc, Dir: cfg.Dir(), Profile: cfg.Profile,
			Tenant: cfg.Tenant, TenantSource: tenantSource(cfg), ClientID: cfg.ClientID, Getenv: f.Getenv, Now: f.Now,
			ErrOut: f.IOStreams.ErrOut, CanPrompt: f.IOStreams.CanPrompt(), Browser: f.Browser}
		if cfg.Sandbox {
			o.Dir, o.Tenant, o.ClientID = sandbox.Dir(cfg.Dir()), sandboxTenant(cfg, perProfile, sb), ""
			o.SandboxUser = strings.TrimSpace(f.Getenv(EnvSandboxUser))
			o.ApproveDeviceCode = sandboxApprover(sb, o.SandboxUser)
		}
		return auth.New(o), nil
	})

	f.Graph = func(ctx context.Context, needs ...auth.Need) (graph.Client, error) {
		a, err := f.Auth()
		if err != nil {
			return nil, err
		}
		scopes := a.ScopesFor(needs...)
		hc, err := f.HTTPClient()
		if err != nil {
			return nil, err
		}
		if _, err := a.TokenFor(ctx, scopes); err != nil {
			return nil, err
		}
		return msgraph.New(msgraph.Options{Endpoints: a.Endpoints(), HTTPClient: hc, Tokens: a.TokenFor,
			Scopes: scopes, Version: build.Version, Retry: RetryPolicy(f)})
	}
}

// tenantSource names where the tenant setting came from, as the admin
// would correct it: the flag, the environment variable, or the profile's
// tenant setting.
func tenantSource(cfg *config.Config) string {
	s, _ := cfg.Setting("tenant")
	switch {
	case s.Source == config.SourceFile:
		return fmt.Sprintf("profile %s's tenant setting (teamsctl config set tenant TENANT --profile %s)", cfg.Profile, cfg.Profile)
	case strings.HasPrefix(s.Source, "env "):
		return strings.TrimPrefix(s.Source, "env ")
	}
	return "--tenant"
}

// openSandbox opens the sandbox and says which of its tenants this
// invocation acts on, once per invocation.
func openSandbox(cfg *config.Config, perProfile bool, errOut io.Writer) (*sandbox.Sandbox, error) {
	sb, err := sandbox.OpenForConfig(context.Background(), cfg.Dir())
	if err != nil {
		return nil, err
	}
	name := sandboxTenant(cfg, perProfile, sb)
	_ = sb.Server.Update(func(st *emulator.State) error {
		if t := st.TenantByIDOrDomain(name); t != nil {
			name = t.DisplayName
		}
		return nil
	})
	fmt.Fprintf(errOut, "Using the sandbox tenant (%s): nothing here touches a real tenant.\n", name)
	return sb, nil
}

// sandboxTenant is the sandbox tenant --sandbox acts on: the one --tenant
// or TEAMSCTL_TENANT names (an id or domain of a sandbox tenant; an
// unknown one fails with AADSTS90002, as in Entra), or the profile's
// tenant when the profile itself is a sandbox profile (sandbox: true in
// the file) or one profile of a run across profiles (perProfile: each
// profile must act on its own tenant, never the same one under several
// names, so a real tenant the sandbox lacks fails with AADSTS90002), else
// the sandbox's home tenant (Contoso). A single profile's tenant is
// otherwise a real tenant, which the sandbox does not have.
func sandboxTenant(cfg *config.Config, perProfile bool, sb *sandbox.Sandbox) string {
	tenant, _ := cfg.Setting("tenant")
	sandboxSetting, _ := cfg.Setting("sandbox")
	if cfg.Tenant != "" && (perProfile || tenant.Source != config.SourceFile || sandboxSetting.Source == config.SourceFile) {
		return cfg.Tenant
	}
	var home string
	_ = sb.Server.Update(func(st *emulator.State) error {
		if t := st.HomeTenant(); t != nil {
			home = t.ID
		}
		return nil
	})
	return home
}

// sandboxApprover plays the user at the sandbox's device-login page, so
// --sandbox runs MSAL's real device code flow without anyone typing a
// code. The user is upn (TEAMSCTL_SANDBOX_USER), else the first Global
// Administrator of the tenant the code was issued for. A sign-in the
// emulator refuses (consent, Conditional Access, a user of another
// tenant) is recorded on the code and reaches MSAL's next poll as Entra's
// error.
func sandboxApprover(sb *sandbox.Sandbox, upn string) func(string) error {
	return func(userCode string) error {
		return sb.Do(context.Background(), func(s *emulator.Server) error {
			user := upn
			if user == "" {
				user = tenantAdmin(s, userCode)
			}
			var refused *emulator.LoginFailure
			if err := s.ApproveDeviceCode(userCode, user); err != nil && !errors.As(err, &refused) {
				return err
			}
			return nil
		})
	}
}

// tenantAdmin is the first enabled Global Administrator of the tenant the
// device code belongs to, or the seed's admin when it has none.
func tenantAdmin(s *emulator.Server, userCode string) string {
	var tenantID string
	for _, p := range s.PendingDeviceCodes() {
		if strings.EqualFold(p.UserCode, userCode) {
			tenantID = p.TenantID
		}
	}
	admin := sandboxAdmin
	_ = s.Update(func(st *emulator.State) error {
		t := st.TenantByIDOrDomain(tenantID)
		if t == nil {
			return nil
		}
		for _, u := range t.Users {
			if u.AccountEnabled && slices.Contains(u.DirectoryRoles, emulator.RoleGlobalAdministrator) {
				admin = u.UserPrincipalName
				return nil
			}
		}
		return nil
	})
	return admin
}

// systemBrowser opens URLs in the user's browser.
type systemBrowser struct{}

// Open starts the browser. pkg/browser copies the launcher's output to
// its Stdout and Stderr, which default to the process's: they are
// silenced so nothing but results reaches stdout.
func (systemBrowser) Open(url string) error {
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	return browser.OpenURL(url)
}
