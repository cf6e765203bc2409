// Package whoami implements `teamsctl whoami`.
package whoami

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// needs are what whoami reads: the user, their tenant and directory roles.
var needs = permissions.Of(permissions.ReadMe, permissions.ReadOrganization, permissions.ReadMyRoles)

// Options are the inputs of whoami.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Auth   func() (*auth.Authenticator, error)
	Graph  func(ctx context.Context, needs ...auth.Need) (graph.Directory, error)
	Now    func() time.Time

	// Profiles runs whoami across profiles.
	Profiles cmdutil.ProfilesFlags
	factory  *cmdutil.Factory
}

func optionsFor(f *cmdutil.Factory) *Options {
	return &Options{IO: f.IOStreams, Config: f.Config, Auth: f.Auth, Now: f.Now, factory: f,
		Graph: func(ctx context.Context, needs ...auth.Need) (graph.Directory, error) { return f.Graph(ctx, needs...) }}
}

// Result describes the sign-in; its JSON is the contract of -o json.
type Result struct {
	Profile     string       `json:"profile"`
	Account     string       `json:"account"`
	DisplayName string       `json:"displayName,omitempty"`
	ObjectID    string       `json:"objectId,omitempty"`
	Tenant      Tenant       `json:"tenant"`
	Mode        auth.Mode    `json:"mode"`
	ClientID    string       `json:"clientId"`
	Sandbox     bool         `json:"sandbox,omitempty"`
	TokenKind   string       `json:"tokenKind"` // delegated or application
	Permissions []string     `json:"permissions"`
	ExpiresOn   time.Time    `json:"expiresOn"`
	Roles       []string     `json:"directoryRoles"`
	Can         Capabilities `json:"can"`

	now time.Time
}

// Tenant is the signed-in tenant.
type Tenant struct {
	ID            string `json:"id"`
	Name          string `json:"name,omitempty"`
	DefaultDomain string `json:"defaultDomain,omitempty"`
}

// NewCmdWhoami builds the command; runF replaces the run step in tests.
func NewCmdWhoami(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := optionsFor(f)
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show who is signed in and what they can do here",
		Long: `Show the signed-in account, its tenant, how it signed in and with which
client, the permissions in its token and when the token expires, the user's
directory roles, and from them what this sign-in can do: register
applications, grant delegated permissions for the organisation, and grant
application permissions.

--all-profiles (or --profiles a,b,c) shows each profile's sign-in,
concurrently (at most --max-parallel at once), in one result with the
profile on every line; a profile that cannot sign in is reported and does
not stop the others, and the exit status is the worst profile's.`,
		Example: `  teamsctl whoami
  teamsctl whoami -o json
  teamsctl --sandbox whoami
  teamsctl whoami --all-profiles`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Profiles.Validate(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if opts.Profiles.Enabled() {
				return profilesRun(cmd.Context(), opts)
			}
			return whoamiRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddProfilesFlags(cmd, &opts.Profiles)
	return cmd
}

// profilesRun runs whoami for each profile and prints one result.
func profilesRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	names, err := opts.Profiles.Names(opts.factory.Getenv)
	if err != nil {
		return err
	}
	runs := cmdutil.RunProfiles(ctx, opts.factory, names, opts.Profiles.MaxParallel,
		func(ctx context.Context, pf *cmdutil.Factory) (*Result, error) { return whoami(ctx, optionsFor(pf)) })
	if err := cmdutil.PrintProfiles(opts.IO, cfg.Output, runs, func(w io.Writer, s *ui.Styles, r *Result) error { return r.render(w, s) }); err != nil {
		return err
	}
	return cmdutil.WorstError(runs)
}

func whoamiRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	r, err := whoami(ctx, opts)
	if err != nil {
		return err
	}
	return cmdutil.Print(opts.IO, cfg.Output, *r, cmdutil.Method(Result.render))
}

// whoami signs in and describes the sign-in.
func whoami(ctx context.Context, opts *Options) (*Result, error) {
	cfg, err := opts.Config()
	if err != nil {
		return nil, err
	}
	a, err := opts.Auth()
	if err != nil {
		return nil, err
	}
	client, err := opts.Graph(ctx, needs...)
	if err != nil {
		return nil, err
	}
	// The Graph client has the token by now; this reads it from memory.
	tok, err := a.TokenFor(ctx, a.ScopesFor(needs...))
	if err != nil {
		return nil, err
	}
	claims, err := auth.ParseClaims(tok.Value)
	if err != nil {
		return nil, err
	}
	session, err := a.CurrentSession()
	if err != nil {
		return nil, err
	}
	r := Result{Profile: cfg.Profile, Account: claims.Account(), ObjectID: claims.ObjectID, Tenant: Tenant{ID: claims.TenantID},
		Mode: session.Mode, ClientID: session.ClientID, Sandbox: a.Sandbox(), Permissions: claims.Permissions(),
		ExpiresOn: tok.ExpiresOn.UTC(), Roles: []string{}, now: opts.Now()}
	if err := r.describe(ctx, client, claims); err != nil {
		return nil, err
	}
	return &r, nil
}

// describe fills in what Graph knows about the sign-in.
func (r *Result) describe(ctx context.Context, client graph.Directory, claims *auth.Claims) error {
	if org, err := client.Organization(ctx); err == nil {
		r.Tenant.Name, r.Tenant.DefaultDomain = org.DisplayName, org.DefaultDomain
	} else if !claims.AppOnly() || !isForbidden(err) {
		// An app may lack Organization.Read.All; a user never does.
		return err
	}
	if claims.AppOnly() {
		r.TokenKind = "application"
		r.Can = appCapabilities(r.Permissions)
		return nil
	}
	r.TokenKind = "delegated"
	me, err := client.Me(ctx)
	if err != nil {
		return err
	}
	r.DisplayName = me.DisplayName
	roles, err := client.MyDirectoryRoles(ctx)
	if err != nil {
		return err
	}
	for _, role := range roles {
		r.Roles = append(r.Roles, role.DisplayName)
	}
	r.Can = userCapabilities(roles)
	return nil
}

func isForbidden(err error) bool {
	var f *graph.Forbidden
	return errors.As(err, &f)
}

func (r Result) render(w io.Writer, s *ui.Styles) error {
	if !s.Terminal() {
		return s.KeyValues(w, r.fields(s))
	}
	if err := s.KeyValues(w, r.fields(s)); err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, s.Title.Render("What this sign-in can do here:"))
	for _, c := range []struct {
		what string
		cap  Capability
	}{
		{"Register applications", r.Can.RegisterApps},
		{"Grant delegated permissions for the organisation (admin consent)", r.Can.GrantDelegatedConsent},
		{"Grant application permissions", r.Can.GrantApplicationPermissions},
	} {
		mark := s.SuccessMark()
		if !c.cap.Allowed {
			mark = s.FailMark()
		}
		fmt.Fprintf(w, "  %s %s %s\n", mark, c.what, s.Muted.Render("("+c.cap.Why+")"))
	}
	if r.ClientID == auth.DefaultClientID {
		fmt.Fprintln(w)
		fmt.Fprintln(w, s.Muted.Render("Signed in with Microsoft's Graph Command Line Tools client. To use your own app registration:"))
		fmt.Fprintln(w, s.Muted.Render("teamsctl config set client-id <app-id> (a public client with the redirect URI http://localhost)."))
	}
	return nil
}

// fields are the key-value lines; off a terminal they are the whole output.
func (r Result) fields(s *ui.Styles) []ui.Field {
	account := r.Account
	if r.DisplayName != "" && s.Terminal() {
		account = fmt.Sprintf("%s <%s>", r.DisplayName, r.Account)
	}
	tenant := r.Tenant.ID
	if r.Tenant.Name != "" && s.Terminal() {
		tenant = fmt.Sprintf("%s (%s)", r.Tenant.Name, r.Tenant.ID)
	}
	mode := string(r.Mode)
	if r.Sandbox {
		mode += ", sandbox"
	}
	expires := r.ExpiresOn.Format(time.RFC3339)
	if s.Terminal() {
		expires = fmt.Sprintf("%s (%s)", r.ExpiresOn.Format("2006-01-02 15:04 MST"), remaining(r.ExpiresOn.Sub(r.now)))
	}
	fields := []ui.Field{
		{Key: "Account", Value: account},
		{Key: "Tenant", Value: tenant},
		{Key: "Sign-in", Value: mode},
		{Key: "Client", Value: clientName(r.ClientID)},
		{Key: "Token", Value: r.TokenKind + ", expires " + expires},
		{Key: "Permissions", Value: strings.Join(r.Permissions, " ")},
	}
	if r.TokenKind == "delegated" {
		fields = append(fields, ui.Field{Key: "Roles", Value: strings.Join(r.Roles, ", ")})
	}
	if !s.Terminal() {
		for i := range fields {
			fields[i].Key = strings.ToLower(fields[i].Key)
		}
	}
	return fields
}

// remaining prints a token's remaining lifetime the way people say it:
// in 59 min, in 1 h 5 min.
func remaining(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case m < 0:
		return "expired"
	case m < 60:
		return fmt.Sprintf("in %d min", m)
	default:
		return fmt.Sprintf("in %d h %d min", m/60, m%60)
	}
}

func clientName(id string) string {
	if id == auth.DefaultClientID {
		return id + " (Microsoft Graph Command Line Tools)"
	}
	return id
}
