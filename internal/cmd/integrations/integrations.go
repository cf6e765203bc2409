// Package integrations implements `teamsctl integrations`.
package integrations

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/build"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/doctor"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/integrations"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/presets"
	htmlreport "github.com/teamsctl/teamsctl/internal/report"
)

// needs are what the inventory reads: enterprise apps, registrations and
// their app role assignments, the delegated grants on Microsoft Graph and
// the tenant's licences. doctor's checks and the sign-in log are read
// when the sign-in allows, and named as skipped otherwise.
var needs = permissions.Of(permissions.ReadMe, permissions.ReadApplications, permissions.ReadGrants, permissions.ReadSubscriptions)

// Options are the inputs of integrations.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Auth   func() (*auth.Authenticator, error)
	Graph  func(ctx context.Context, needs ...auth.Need) (graph.Client, error)
	Now    func() time.Time

	ExpiringWithin time.Duration
	// Report is the --report file: the inventory as one self-contained
	// HTML page ("" for none).
	Report string
	// Profiles runs the inventory across profiles.
	Profiles cmdutil.ProfilesFlags

	factory *cmdutil.Factory
}

// NewCmdIntegrations builds the command; runF replaces the run step in tests.
func NewCmdIntegrations(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, Auth: f.Auth, Graph: f.Graph, Now: f.Now, factory: f}
	var within string
	cmd := &cobra.Command{
		Use:   "integrations",
		Short: "List the recruiting and meeting integrations and what is about to break",
		Long: `List every recruiting or meeting integration connected to the tenant: the
enterprise apps of the vendors teamsctl has presets for (by appId and
verified publisher), the app registrations teamsctl made (tagged
"teamsctl", and "teamsctl:preset=NAME" when made from a preset), and any
other app holding Microsoft Graph meeting, calendar, mail or rooms
permissions (OnlineMeetings.*, Calendars.*, Mail.*, MailboxSettings.*,
Place.*), granted for the organisation, by users, or as application
permissions.

For each: name, vendor (preset) if known, customer-registered or
vendor-hosted, enterprise app enabled, assignment required and how many
users and groups are assigned, consent (admin-granted delegated
permissions, how many users consented for themselves, application
permissions), the app registration's secrets and certificates with their
expiry, the last sign-in (the sign-in log needs Entra ID P1 and
AuditLog.Read.All), and a one-word health (ok, warning, failing) from
doctor's tenant and app checks.

Exit status 6 when a credential of a listed integration expires within
--expiring-within (default 30d) or has expired, so it can run from cron or
a monitoring system; 0 otherwise. --report FILE.html also writes the
inventory as one self-contained HTML page.

--all-profiles (or --profiles a,b,c) runs the inventory for each profile
concurrently (at most --max-parallel at once), each with its own sign-in
and tenant check, into one table or JSON document with a profile field on
every row; a profile that fails is reported and does not stop the others,
and the exit status is the worst profile's. The JSON (-o json) schema is in
docs/integrations.md.`,
		Example: `  teamsctl integrations
  teamsctl integrations --all-profiles --max-parallel 8
  teamsctl integrations --expiring-within 60d -o json | jq '.integrations[] | select(.health != "ok")'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := presets.ParseLifetime(within)
			if err != nil {
				return cmdutil.FlagErrorf("--expiring-within: %v", err)
			}
			opts.ExpiringWithin = d
			if err := opts.Profiles.Validate(cmd); err != nil {
				return err
			}
			if opts.Profiles.Enabled() && opts.Report != "" {
				return cmdutil.FlagErrorf("--report writes one tenant's inventory: leave it out with --all-profiles or --profiles")
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
				return RunProfiles(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmdutil.AddProfilesFlags(cmd, &opts.Profiles)
	cmd.Flags().StringVar(&opts.Report, "report", "", "Also write the inventory as one self-contained HTML `FILE` to hand on")
	cmd.Flags().StringVar(&within, "expiring-within", "30d", "Exit 6 when a credential expires within this span (30d, 2w, 6m, 1y, as --expires takes) or has expired")
	return cmd
}

// Run reads the inventory and prints it.
func Run(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	report, err := Inventory(ctx, opts)
	if err != nil {
		return err
	}
	if err := cmdutil.Print(opts.IO, cfg.Output, report, cmdutil.Method((*integrations.Report).Render)); err != nil {
		return err
	}
	if opts.Report != "" {
		page := htmlreport.Integrations(report, htmlreport.Meta{Profile: cfg.Profile, Version: build.Version, Generated: report.GeneratedAt})
		if err := page.WriteFile(opts.Report); err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "Report written to %s\n", opts.Report)
	}
	return Verdict(report)
}

// Inventory signs in and reads the tenant's integrations.
func Inventory(ctx context.Context, opts *Options) (*integrations.Report, error) {
	client, err := opts.Graph(ctx, needs...)
	if err != nil {
		return nil, err
	}
	tok, err := token(ctx, opts)
	if err != nil {
		return nil, err
	}
	all, err := presets.List()
	if err != nil {
		return nil, err
	}
	return integrations.Run(ctx, integrations.Options{Graph: client, Token: tok, Now: opts.Now, Presets: all,
		ExpiringWithin: opts.ExpiringWithin})
}

// Verdict is the exit status of a report: CheckFailedError (exit 6) when
// a credential expires within the window or has expired.
func Verdict(r *integrations.Report) error {
	if expiring := r.Expiring(); len(expiring) > 0 {
		return &cmdutil.CheckFailedError{Failed: expiring}
	}
	return nil
}

// token reads the sign-in's tenant and permissions: doctor's pre-flight
// and the sign-in log need them.
func token(ctx context.Context, opts *Options) (doctor.Token, error) {
	a, err := opts.Auth()
	if err != nil {
		return doctor.Token{}, err
	}
	t, err := a.TokenFor(ctx, a.ScopesFor(needs...))
	if err != nil {
		return doctor.Token{}, err
	}
	claims, err := auth.ParseClaims(t.Value)
	if err != nil {
		return doctor.Token{}, err
	}
	return doctor.Token{TenantID: claims.TenantID, AppOnly: claims.AppOnly(), Permissions: claims.Permissions()}, nil
}
