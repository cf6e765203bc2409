// Package login implements `teamsctl login`.
package login

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of login.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Auth   func() (*auth.Authenticator, error)
	Getenv func(string) string

	DeviceCode        bool
	ServicePrincipal  bool
	ClientID          string
	ClientSecretStdin bool
	Certificate       string
	CertPasswordStdin bool
	AccessTokenStdin  bool
	Scopes            auth.Scopes
}

// Result describes the sign-in; its JSON is the contract of -o json.
type Result struct {
	Profile   string    `json:"profile"`
	Mode      auth.Mode `json:"mode"`
	Account   string    `json:"account"`
	TenantID  string    `json:"tenantId"`
	ClientID  string    `json:"clientId"`
	Scopes    []string  `json:"scopes"`
	ExpiresOn time.Time `json:"expiresOn,omitzero"`
	Sandbox   bool      `json:"sandbox,omitempty"`
}

// NewCmdLogin builds the command; runF replaces the run step in tests.
func NewCmdLogin(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, Auth: f.Auth, Getenv: f.Getenv}
	var scopes string
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to Microsoft Entra ID",
		Long: `Sign in so teamsctl can call Microsoft Graph for the selected profile.

Modes:
  (default)             Browser sign-in (authorization code with PKCE) on this
                        computer; the URL is printed when no browser opens.
                        Over SSH without a display, the device code flow.
  --device-code         Device code flow: open the printed page on any device.
                        Hardened tenants may block it (CISA MS.AAD.3.9).
  --service-principal   Sign in as an app, for automation: --client-id,
                        --tenant, and --client-secret-stdin or
                        TEAMSCTL_CLIENT_SECRET, or --certificate FILE.pem
                        (key password from --certificate-password-stdin or
                        TEAMSCTL_CERTIFICATE_PASSWORD).
  --access-token-stdin  A Graph access token minted elsewhere; it cannot be
                        refreshed. TEAMSCTL_ACCESS_TOKEN works without login.

Secrets are read from stdin or the environment, never from flag values,
which would stay in your shell history. teamsctl saves no secret: a service
principal's later commands use its cached token while it is valid, then
need TEAMSCTL_CLIENT_SECRET again (or read the certificate file again).

Users sign in with Microsoft's "Microsoft Graph Command Line Tools" public
client (14d82eec-204b-4c2f-b7e8-296a70dab67e) unless --client-id or the
client-id setting names your own: a single-tenant app registration with
"Allow public client flows" on and the mobile and desktop redirect URI
http://localhost.

--profile NAME signs in for that profile. A profile that does not exist yet
is created in the config file once the sign-in succeeds, with --tenant as its
tenant, so its later commands act on that tenant only (every other command
refuses an unknown profile, as a typo would be).

Without --scopes, teamsctl asks for what every command but meeting test needs:
User.Read, Application.ReadWrite.All, DelegatedPermissionGrant.ReadWrite.All,
AppRoleAssignment.ReadWrite.All, Directory.Read.All, Policy.Read.All,
User.Read.All, GroupMember.Read.All, AuditLog.Read.All and
ConsentRequest.ReadWrite.All. A command asks
only for permissions the sign-in holds (a higher one, such as
Application.ReadWrite.All for Application.Read.All, satisfies it); one the
sign-in lacks is asked for when the command runs, or named in the error.`,
		Example: `  teamsctl login
  teamsctl login --device-code --tenant contoso.onmicrosoft.com
  teamsctl login --scopes Application.ReadWrite.All,DelegatedPermissionGrant.ReadWrite.All
  printf '%s' "$SECRET" | teamsctl login --service-principal --client-id 00000000-0000-0000-0000-000000000000 --tenant contoso.onmicrosoft.com --client-secret-stdin
  teamsctl --sandbox login`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parseScopes(cmd, scopes); err != nil {
				return err
			}
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return loginRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.DeviceCode, "device-code", false, "Sign in with the device code flow")
	fl.BoolVar(&opts.ServicePrincipal, "service-principal", false, "Sign in as an application (needs --client-id and --tenant)")
	fl.StringVar(&opts.ClientID, "client-id", "", "Application (client) ID to sign in with (default: the client-id setting, else Microsoft Graph Command Line Tools)")
	fl.BoolVar(&opts.ClientSecretStdin, "client-secret-stdin", false, "Read the service principal's client secret from stdin")
	fl.StringVar(&opts.Certificate, "certificate", "", "PEM `FILE` with the service principal's certificate and private key")
	fl.BoolVar(&opts.CertPasswordStdin, "certificate-password-stdin", false, "Read the certificate's key password from stdin")
	fl.BoolVar(&opts.AccessTokenStdin, "access-token-stdin", false, "Read a Microsoft Graph access token from stdin")
	fl.StringVar(&scopes, "scopes", "", "Delegated permissions to consent to, comma or space separated")
	_ = cmd.MarkFlagFilename("certificate", "pem")
	return cmd
}

func (o *Options) parseScopes(cmd *cobra.Command, raw string) error {
	if !cmd.Flags().Changed("scopes") {
		return nil
	}
	s, err := auth.ParseScopes(raw)
	if err != nil {
		return cmdutil.FlagErrorf("--scopes: %v", err)
	}
	o.Scopes = s
	return nil
}

// validate rejects flag combinations that cannot mean anything.
func (o *Options) validate() error {
	modes := 0
	for _, on := range []bool{o.DeviceCode, o.ServicePrincipal, o.AccessTokenStdin} {
		if on {
			modes++
		}
	}
	switch {
	case modes > 1:
		return cmdutil.FlagErrorf("choose one of --device-code, --service-principal and --access-token-stdin")
	case !o.ServicePrincipal && (o.ClientSecretStdin || o.Certificate != "" || o.CertPasswordStdin):
		return cmdutil.FlagErrorf("--client-secret-stdin and --certificate need --service-principal")
	case o.ServicePrincipal && o.ClientID == "":
		return cmdutil.FlagErrorf("--service-principal needs --client-id, the application (client) ID")
	case o.ClientSecretStdin && o.Certificate != "":
		return cmdutil.FlagErrorf("use --client-secret-stdin or --certificate, not both")
	case o.CertPasswordStdin && o.Certificate == "":
		return cmdutil.FlagErrorf("--certificate-password-stdin needs --certificate")
	case o.ClientID != "" && config.CheckGUID(o.ClientID) != nil:
		return cmdutil.FlagErrorf("--client-id: %v", config.CheckGUID(o.ClientID))
	case len(o.Scopes) > 0 && (o.ServicePrincipal || o.AccessTokenStdin):
		return cmdutil.FlagErrorf("--scopes applies to user sign-ins; a service principal's permissions are granted to the app")
	}
	return nil
}

func loginRun(ctx context.Context, opts *Options) error {
	cfg, err := config.AllowNewProfile(opts.Config())
	if err != nil {
		return err
	}
	req, err := opts.request(cfg)
	if err != nil {
		return err
	}
	newProfile, err := addProfile(cfg)
	if err != nil {
		return err
	}
	a, err := opts.Auth()
	if err != nil {
		return err
	}
	res, err := a.Login(ctx, req)
	if err != nil {
		return err
	}
	if newProfile {
		if err := cfg.File().Save(); err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "Created profile %s in %s.\n", cfg.Profile, cfg.File().Path())
	}
	r := result(cfg.Profile, a.Sandbox(), res)
	return cmdutil.Print(opts.IO, cfg.Output, r, cmdutil.Method(Result.render))
}

// addProfile adds the selected profile to the config file in memory when
// it does not exist yet (login --profile NEW creates it, as config set
// does), pinned to the tenant the sign-in names: later commands of the
// profile then act on that tenant only. The file is saved only once the
// sign-in succeeded. A sandbox sign-in pins no tenant, since a profile's
// tenant names a real one.
func addProfile(cfg *config.Config) (bool, error) {
	if !cfg.IsNewProfile() {
		return false, nil
	}
	file := cfg.File()
	if err := file.AddProfile(cfg.Profile); err != nil {
		return false, err
	}
	if cfg.Tenant != "" && !cfg.Sandbox {
		if err := file.Set(cfg.Profile, "tenant", cfg.Tenant); err != nil {
			return false, err
		}
	}
	return true, nil
}

// request turns the options into a sign-in, reading secrets from stdin or
// the environment.
func (o *Options) request(cfg *config.Config) (auth.LoginRequest, error) {
	req := auth.LoginRequest{Mode: o.mode(), Scopes: o.Scopes, ClientID: o.ClientID, CertificatePath: o.Certificate}
	switch req.Mode {
	case auth.ModeAccessToken:
		token, err := readStdin(o.IO, "the access token")
		req.AccessToken = token
		return req, err
	case auth.ModeServicePrincipal:
		if cfg.Tenant == "" {
			return req, cmdutil.FlagErrorf("--service-principal needs --tenant: a service principal signs in to one tenant")
		}
		req.Tenant = cfg.Tenant
		return req, o.readCredential(&req)
	default:
		return req, nil
	}
}

// readCredential fills in the service principal's secret or certificate
// password.
func (o *Options) readCredential(req *auth.LoginRequest) (err error) {
	switch {
	case o.ClientSecretStdin:
		req.ClientSecret, err = readStdin(o.IO, "the client secret")
	case o.Certificate == "":
		if req.ClientSecret = o.Getenv(auth.EnvClientSecret); req.ClientSecret == "" {
			return cmdutil.FlagErrorf("--service-principal needs a secret (--client-secret-stdin or %s) or --certificate", auth.EnvClientSecret)
		}
	case o.CertPasswordStdin:
		req.CertificatePassword, err = readStdin(o.IO, "the certificate password")
	default:
		req.CertificatePassword = o.Getenv(auth.EnvCertificatePassword)
	}
	return err
}

// mode picks the sign-in mode. The browser flow needs a browser on this
// machine, which an SSH session without a display does not have.
func (o *Options) mode() auth.Mode {
	switch {
	case o.ServicePrincipal:
		return auth.ModeServicePrincipal
	case o.AccessTokenStdin:
		return auth.ModeAccessToken
	case o.DeviceCode || o.remoteSession():
		return auth.ModeDeviceCode
	default:
		return auth.ModeBrowser
	}
}

func (o *Options) remoteSession() bool {
	ssh := o.Getenv("SSH_CONNECTION") != "" || o.Getenv("SSH_TTY") != ""
	return ssh && o.Getenv("DISPLAY") == "" && o.Getenv("WAYLAND_DISPLAY") == ""
}

func readStdin(ios *iostreams.IOStreams, what string) (string, error) {
	data, err := io.ReadAll(ios.In)
	if err != nil {
		return "", fmt.Errorf("reading %s from stdin: %w", what, err)
	}
	value := strings.TrimSpace(string(data))
	if value == "" {
		return "", cmdutil.FlagErrorf("stdin is empty: pipe %s into teamsctl", what)
	}
	return value, nil
}

func result(profile string, sandbox bool, res *auth.LoginResult) Result {
	s := res.Session
	r := Result{Profile: profile, Mode: s.Mode, Account: s.Account, TenantID: s.TenantID, ClientID: s.ClientID, Sandbox: sandbox}
	if res.Claims != nil {
		r.Scopes, r.ExpiresOn = res.Claims.Permissions(), res.Claims.ExpiresOn()
	}
	if r.Scopes == nil {
		r.Scopes = []string{}
	}
	return r
}

func (r Result) render(w io.Writer, s *ui.Styles) error {
	if !s.Terminal() {
		return s.KeyValues(w, []ui.Field{{Key: "account", Value: r.Account}, {Key: "tenant", Value: r.TenantID},
			{Key: "mode", Value: string(r.Mode)}, {Key: "client", Value: r.ClientID}})
	}
	_, err := fmt.Fprintf(w, "%s Signed in as %s to tenant %s (%s, client %s).\n", s.SuccessMark(), r.Account, r.TenantID, r.Mode, r.ClientID)
	return err
}
