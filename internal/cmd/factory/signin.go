package factory

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
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

// sandboxAdmin is the seed tenant's Global Administrator.
const sandboxAdmin = "admin@contoso.onmicrosoft.com"

// addSignIn wires Endpoints, HTTPClient, Auth, Graph and Browser. Each
// runs at most once per invocation and only when a command needs it.
func addSignIn(f *cmdutil.Factory, globalFlags func() *pflag.FlagSet) {
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
			if sb, err = openSandbox(cfg, f.IOStreams.ErrOut); err != nil {
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
			Tenant: cfg.Tenant, ClientID: cfg.ClientID, Getenv: f.Getenv, Now: f.Now,
			ErrOut: f.IOStreams.ErrOut, CanPrompt: f.IOStreams.CanPrompt(), Browser: f.Browser}
		if cfg.Sandbox {
			// The configured tenant and client belong to the real tenant.
			o.Dir, o.Tenant, o.ClientID = sandbox.Dir(cfg.Dir()), "", ""
			o.ApproveDeviceCode = sandboxApprover(sb, sandboxUser(f.Getenv))
		}
		return auth.New(o), nil
	})

	f.Graph = func(ctx context.Context, scopes ...string) (graph.Client, error) {
		a, err := f.Auth()
		if err != nil {
			return nil, err
		}
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

// openSandbox opens the sandbox tenant and says so, once per invocation.
func openSandbox(cfg *config.Config, errOut io.Writer) (*sandbox.Sandbox, error) {
	sb, err := sandbox.OpenForConfig(context.Background(), cfg.Dir())
	if err != nil {
		return nil, err
	}
	name := "the sandbox"
	_ = sb.Server.Update(func(st *emulator.State) error {
		if t := st.HomeTenant(); t != nil {
			name = t.DisplayName
		}
		return nil
	})
	fmt.Fprintf(errOut, "Using the sandbox tenant (%s): nothing here touches a real tenant.\n", name)
	return sb, nil
}

func sandboxUser(getenv func(string) string) string {
	if u := getenv(EnvSandboxUser); u != "" {
		return u
	}
	return sandboxAdmin
}

// sandboxApprover plays the user at the sandbox's device-login page, so
// --sandbox runs MSAL's real device code flow without anyone typing a
// code. A sign-in the emulator refuses (consent, Conditional Access) is
// recorded on the code and reaches MSAL's next poll as Entra's error.
func sandboxApprover(sb *sandbox.Sandbox, upn string) func(string) error {
	return func(userCode string) error {
		return sb.Do(context.Background(), func(s *emulator.Server) error {
			var refused *emulator.LoginFailure
			if err := s.ApproveDeviceCode(userCode, upn); err != nil && !errors.As(err, &refused) {
				return err
			}
			return nil
		})
	}
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
