// Package doctor implements `teamsctl doctor`.
package doctor

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/build"
	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/doctor"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/permissions"
	htmlreport "github.com/teamsctl/teamsctl/internal/report"
	"github.com/teamsctl/teamsctl/internal/setup"
)

// readNeeds is what doctor requires of the sign-in: reading the signed-in
// user. Tokens carry every permission consented to teamsctl's client, so
// the pre-flight sees the rest and skips the checks whose reads the
// sign-in lacks (internal/doctor's catalog lists the permissions of each
// read); doctor never forces a consent prompt for its reads.
var readNeeds = permissions.Of(permissions.ReadMe)

// Options are the inputs of doctor.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Auth   func() (*auth.Authenticator, error)
	Graph  func(ctx context.Context, needs ...auth.Need) (graph.Client, error)
	Now    func() time.Time
	Deps   shared.Deps

	Expectations doctor.Expectations
	// Preset fills the expectations the flags leave empty.
	Preset cmdutil.PresetFlags
	Users  []string
	Fix    bool
	Yes    bool
	Strict bool
	// Report is the --report file: the result as one self-contained HTML
	// page ("" for none).
	Report string
	// Profiles runs doctor across profiles.
	Profiles cmdutil.ProfilesFlags
	factory  *cmdutil.Factory
}

// NewCmdDoctor builds the command; runF replaces the run step in tests.
func NewCmdDoctor(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, Auth: f.Auth, Graph: f.Graph, Now: f.Now, Deps: shared.FromFactory(f), factory: f}
	var scopes, application []string
	cmd := &cobra.Command{
		Use:   "doctor [APP]",
		Short: "Find out why a recruiter cannot connect an integration",
		Long: `Check everything that decides whether users can connect a recruiting
integration: the tenant's user consent setting and admin consent workflow,
who may register apps, the app management policy; the app registration
(redirect URIs, permissions, secrets) for an app of this tenant; the
enterprise app (enabled, assignment, admin consent, application
permissions) for your own or a vendor's app; and with --user, for each
recruiter: account, assignment (directly or through groups), whether they
can get a token without admin help, Teams and Exchange licences,
Conditional Access (What If), and recent failed sign-ins with their AADSTS
codes explained. Teams settings Graph cannot see are listed with the exact
PowerShell.

APP is an application (client) id, or the display name of an app
registered in this tenant; a vendor app is found by its appId (or by the
admin-consent link the vendor sent, whose client_id it is). Without APP
only the tenant and user checks run.

Tell doctor what the vendor needs with --preset (a built-in vendor preset,
'teamsctl presets list') or --preset-file, or with --scopes, --application
and --redirect-uri; explicit flags win over the preset. With a preset, APP
defaults to the vendor's appId or the preset's app name. Without any of
them, an app registered here is compared with its own API permissions.
A preset whose redirect URIs hold your vendor instance (elevato) reads the
instance from the app's registered redirect URIs, unless --instance names
one.

Checks the sign-in lacks a permission for are skipped, naming the
permission; the others still run. --fix applies only safe fixes scoped to
this app or user (grant this app's missing consent, enable sign-in, assign
the user, add a redirect URI or permission), after confirmation, then
checks again. Tenant-wide settings (user consent, Conditional Access) are
never changed: doctor prints the steps and the trade-off.

--report FILE.html also writes the report as one self-contained HTML page
(no scripts or external styles) to send to a vendor's support.

--all-profiles (or --profiles a,b,c) runs the same checks (without --fix)
for each profile concurrently, at most --max-parallel at once, each with
its own sign-in and tenant check, into one result with the profile on
every line; a profile that fails does not stop the others, and the exit
status is the worst profile's.

Exit status 0 when no check failed (warnings allowed unless --strict), 6
when one did. The JSON (-o json) schema is in docs/doctor.md.`,
		Example: `  teamsctl doctor c0ec60b5-60a8-4768-8053-870f11315492 --user rita@contoso.com \
      --scopes User.Read,Calendars.ReadWrite,OnlineMeetings.ReadWrite,Place.Read.All,offline_access
  teamsctl doctor "elevato - MS Teams integration" --redirect-uri https://elevato.net/Integrations/BusinessIntegration/Microsoft/OAuth2.aspx
  teamsctl doctor APP --user rita@contoso.com --fix --yes
  teamsctl doctor --user rita@contoso.com -o json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.FlagErrorWithHint(fmt.Errorf("doctor takes one APP, got %d arguments", len(args)),
					"Quote an app name with spaces: teamsctl doctor \"elevato - MS Teams integration\"")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if len(args) == 1 {
				if opts.Expectations.App, err = cmdutil.AppArg("APP", args[0]); err != nil {
					return err
				}
			}
			if opts.Expectations.DelegatedScopes, err = permissions.ParseLists(scopes); err != nil {
				return cmdutil.FlagErrorf("--scopes: %v", err)
			}
			if opts.Expectations.ApplicationRoles, err = permissions.ParseLists(application); err != nil {
				return cmdutil.FlagErrorf("--application: %v", err)
			}
			if err := applyPreset(opts); err != nil {
				return err
			}
			for _, u := range opts.Expectations.RedirectURIs {
				if u == "" {
					return cmdutil.FlagErrorf("--redirect-uri: empty value")
				}
			}
			for _, u := range opts.Users {
				if u == "" {
					return cmdutil.FlagErrorf("--user: empty value")
				}
			}
			if opts.Expectations.App == "" && (len(scopes)+len(application)+len(opts.Expectations.RedirectURIs) > 0 || opts.Fix || opts.Expectations.NeedsPublicClient) {
				return cmdutil.FlagErrorWithHint(fmt.Errorf("--scopes, --application, --redirect-uri, --public-client and --fix need an APP"),
					"Run: teamsctl doctor APP ... with the app's application (client) id.")
			}
			if err := opts.Profiles.Validate(cmd); err != nil {
				return err
			}
			if opts.Profiles.Enabled() && (opts.Fix || opts.Report != "") {
				return cmdutil.FlagErrorf("--fix and --report act on one tenant: leave them out with --all-profiles or --profiles")
			}
			if opts.Report != "" {
				if err := htmlreport.CheckPath(opts.Report); err != nil {
					return cmdutil.FlagErrorf("--report: %v", err)
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if opts.Profiles.Enabled() {
				return profilesRun(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&opts.Users, "user", nil, "Check this user too (UPN; repeatable)")
	fs.StringArrayVar(&scopes, "scopes", nil, "Delegated Microsoft Graph permissions the integration needs, comma or space separated")
	fs.StringArrayVar(&application, "application", nil, "Application Microsoft Graph permissions the integration needs")
	fs.StringArrayVar(&opts.Expectations.RedirectURIs, "redirect-uri", nil, "Web redirect URI the vendor needs (repeatable)")
	fs.BoolVar(&opts.Expectations.NeedsPublicClient, "public-client", false, "The integration signs in with a public client flow (device code, desktop): check \"Allow public client flows\"")
	cmdutil.AddPresetFlags(cmd, &opts.Preset, "the expectations", true)
	fs.BoolVar(&opts.Fix, "fix", false, "Apply the safe fixes (this app and users only) after confirmation, then check again")
	fs.BoolVarP(&opts.Yes, "yes", "y", false, "Confirm --fix without asking (needed when not in a terminal)")
	fs.BoolVar(&opts.Strict, "strict", false, "Treat warnings as failures (exit 6)")
	cmdutil.AddProfilesFlags(cmd, &opts.Profiles)
	fs.StringVar(&opts.Report, "report", "", "Also write the report as one self-contained HTML `FILE` to send to a vendor's support")
	return cmd
}

// Run runs doctor and prints the report.
func Run(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	client, err := opts.Graph(ctx, readNeeds...)
	if err != nil {
		return err
	}
	tok, err := token(ctx, opts)
	if err != nil {
		return err
	}
	do := doctor.Options{Graph: client, Token: tok, Now: opts.Now, Users: opts.Users}
	report, err := doctor.Run(ctx, do, opts.Expectations)
	if err != nil {
		return err
	}
	if opts.Fix {
		if report, err = fix(ctx, opts, do, report); err != nil {
			return err
		}
	}
	if opts.Strict {
		report.Strict()
	}
	if err := cmdutil.Print(opts.IO, cfg.Output, report, cmdutil.Method((*doctor.Report).Render)); err != nil {
		return err
	}
	if opts.Report != "" {
		page := htmlreport.Doctor(report, htmlreport.Meta{Profile: cfg.Profile, Version: build.Version, Generated: opts.Now()})
		if err := page.WriteFile(opts.Report); err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "Report written to %s\n", opts.Report)
	}
	if failed := report.Failed(opts.Strict); len(failed) > 0 {
		return &cmdutil.CheckFailedError{Failed: failed}
	}
	return nil
}

// profilesRun runs doctor (without --fix) for each profile and prints one
// result.
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
		func(ctx context.Context, pf *cmdutil.Factory) (*doctor.Report, error) {
			po := *opts
			po.Config, po.Auth, po.Graph, po.Now, po.Deps = pf.Config, pf.Auth, pf.Graph, pf.Now, shared.FromFactory(pf)
			client, err := po.Graph(ctx, readNeeds...)
			if err != nil {
				return nil, err
			}
			tok, err := token(ctx, &po)
			if err != nil {
				return nil, err
			}
			report, err := doctor.Run(ctx, doctor.Options{Graph: client, Token: tok, Now: po.Now, Users: po.Users}, po.Expectations)
			if err != nil {
				return nil, err
			}
			if po.Strict {
				report.Strict()
			}
			if failed := report.Failed(po.Strict); len(failed) > 0 {
				return report, &cmdutil.CheckFailedError{Failed: failed}
			}
			return report, nil
		})
	if err := cmdutil.PrintProfiles(opts.IO, cfg.Output, runs, cmdutil.Method((*doctor.Report).Render)); err != nil {
		return err
	}
	return cmdutil.WorstError(runs)
}

// token reads the sign-in's permissions for the pre-flight.
func token(ctx context.Context, opts *Options) (doctor.Token, error) {
	a, err := opts.Auth()
	if err != nil {
		return doctor.Token{}, err
	}
	t, err := a.TokenFor(ctx, a.ScopesFor(readNeeds...))
	if err != nil {
		return doctor.Token{}, err
	}
	claims, err := auth.ParseClaims(t.Value)
	if err != nil {
		return doctor.Token{}, err
	}
	return doctor.Token{TenantID: claims.TenantID, AppOnly: claims.AppOnly(), Permissions: claims.Permissions()}, nil
}

// fixNeeds are what the fixes do: update the registration and the
// enterprise app, grant delegated permissions and assign app roles.
var fixNeeds = permissions.Of(permissions.WriteApplications, permissions.WriteServicePrincipals, permissions.WriteGrants,
	permissions.WriteAssignments)

func fix(ctx context.Context, opts *Options, do doctor.Options, report *doctor.Report) (*doctor.Report, error) {
	planned := report.Planned()
	errOut := opts.IO.ErrOut
	if len(planned) == 0 {
		fmt.Fprintln(errOut, "Nothing doctor can fix by itself; the report says what to do.")
		return report, nil
	}
	fmt.Fprintln(errOut, "doctor --fix will:")
	for _, p := range planned {
		fmt.Fprintf(errOut, "  - %s\n", p.Action.Describe())
	}
	if err := shared.Confirm(opts.IO, opts.Yes, fmt.Sprintf("Apply %d fix(es)?", len(planned))); err != nil {
		return nil, err
	}
	writer, err := opts.Graph(ctx, fixNeeds...)
	if err != nil {
		return nil, err
	}
	results := doctor.ApplyFixes(ctx, &doctor.Fixer{Graph: writer, Wait: opts.Deps.Waiter(0)}, planned)
	// Check again; reads right after the writes may lag behind them.
	again, err := doctor.Run(ctx, do, opts.Expectations)
	if err != nil {
		return nil, err
	}
	again.MarkFixed(results)
	return again, nil
}

// applyPreset fills the expectations the flags left empty from --preset
// or --preset-file.
func applyPreset(opts *Options) error {
	pre, err := opts.Preset.Load()
	if err != nil || pre == nil {
		return err
	}
	// Without --instance, a preset whose redirect URIs hold the
	// customer's instance is checked against the instance the app was
	// registered for (its redirect URIs say which).
	if opts.Preset.Instance != "" || !pre.UsesInstance() {
		if _, err := opts.Preset.RedirectURIs(pre); err != nil {
			return err
		}
	}
	want := setup.Expectations(pre, opts.Preset.Instance)
	e := &opts.Expectations
	if e.App == "" {
		if e.App, err = cmdutil.PresetApp(pre); err != nil {
			return err
		}
	}
	if len(e.DelegatedScopes)+len(e.ApplicationRoles) == 0 {
		e.DelegatedScopes, e.ApplicationRoles = want.DelegatedScopes, want.ApplicationRoles
	}
	if len(e.RedirectURIs) == 0 {
		e.RedirectURIs, e.InstanceRedirects = want.RedirectURIs, want.InstanceRedirects
	}
	if e.NeedsSecret == nil {
		e.NeedsSecret = want.NeedsSecret
	}
	if e.MeetingKind == "" {
		e.MeetingKind = want.MeetingKind
	}
	e.NeedsTeams, e.NeedsMailbox = cmp.Or(e.NeedsTeams, want.NeedsTeams), cmp.Or(e.NeedsMailbox, want.NeedsMailbox)
	e.NeedsRooms = e.NeedsRooms || want.NeedsRooms
	e.VerifiedPublisher = cmp.Or(e.VerifiedPublisher, want.VerifiedPublisher)
	e.AccessPolicy = cmp.Or(e.AccessPolicy, want.AccessPolicy)
	e.VendorHosted = e.VendorHosted || want.VendorHosted
	if len(e.Licences) == 0 {
		e.Licences = want.Licences
	}
	return nil
}
