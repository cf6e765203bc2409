// Package setup implements `teamsctl setup VENDOR`.
package setup

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/doctor"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/meetingtest"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/plan"
	"github.com/teamsctl/teamsctl/internal/presets"
	"github.com/teamsctl/teamsctl/internal/setup"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of setup.
type Options struct {
	shared.Deps
	Auth func() (*auth.Authenticator, error)
	// HTTPClient and GraphWithToken serve the meeting test's sign-in as
	// the test user.
	HTTPClient     func() (*http.Client, error)
	GraphWithToken func(source func(ctx context.Context) (auth.Token, error)) (graph.Client, error)

	Vendor     string
	PresetFile string
	Instance   string
	AppID      string
	Name       string
	TestUser   string
	// Consent is admin (tenant-wide, the default) or user.
	Consent  string
	Group    string
	DryRun   bool
	SkipTest bool
	// Yes confirms the temporary per-user grant of a vendor-hosted
	// app's test; KeepTestGrant leaves it in place after the test.
	Yes           bool
	KeepTestGrant bool
	Handoff       string
	Timeout       time.Duration
}

// NewCmdSetup builds the command; runF replaces the run step in tests.
func NewCmdSetup(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Deps: shared.FromFactory(f), Auth: f.Auth, HTTPClient: f.HTTPClient, GraphWithToken: f.GraphWithToken}
	cmd := &cobra.Command{
		Use:   "setup [VENDOR]",
		Short: "Do a vendor's whole Entra help page in one command",
		Long: `Set up a recruiting vendor's Teams or Outlook integration the way its help
page asks, from a preset ('teamsctl presets list'; your own with
--preset-file):

  customer-registered (elevato, teams-meetings): register the app with the
    vendor's redirect URI, its enterprise app, a client secret and admin
    consent; then doctor; then a test meeting (--test-user); then the
    hand-off bundle for the vendor.
  vendor-hosted (eRecruiter, EBMS, onlyfy, Recruitee): create the enterprise
    app of the vendor's appId, grant admin consent, enable sign-in (and
    assign --group); then doctor.

With --test-user (unless --skip-test), a test meeting is created and
deleted as that user the way the integration does: a customer-registered
app signs them in with its client id and the secret this run made (a
http://localhost redirect URI is added for the test and removed after); a
vendor's app cannot be signed in as, so the user signs in with teamsctl's
own client, which shows the user side only (licence, mailbox), not the
app's consent path. A recruiter cannot consent to that client: setup asks
(--yes off a terminal) and grants it the test's scopes for the test user
only, and removes them after the test, also on failure or Ctrl-C
(--keep-test-grant keeps them). A vendor's app with application
permissions (onlyfy) is tested by its Teams application access policy for
the test user: read in the sandbox, which models it; in a tenant setup
prints the Teams PowerShell that shows it. In the sandbox the sandbox
approves the sign-in.

A vendor that publishes no appId needs --app-id: the appId, or the
admin-consent link the vendor sent, whose client_id setup reads. In the
sandbox the preset's stand-in for the vendor's app is used without it
(setup says so).

Every step is idempotent: a second run changes nothing and says so, and a
run after an interruption continues where the first stopped. When your
account lacks the directory role a step needs, nothing is changed and setup
ends with the admin-consent link to hand to an administrator (exit 5).

The summary says what changed, what the vendor needs (tenant id, primary
domain, client id, the secret - shown once -, redirect URIs, expiry,
consent), what is still manual (Teams policies) and how to undo it.
--handoff writes the bundle to a file (mode 0600; .json or .env) instead of
printing the secret.

Exit status: 0 done; 2 bad input (nothing written); 5 an administrator
must finish; 6 set up, but doctor or the meeting test still fails.`,
		Example: `  # customer-registered: app, secret, consent, doctor, bundle
  teamsctl setup elevato --instance https://acme.elevato.net --handoff elevato.json

  # vendor-hosted, with the recruiters assigned and a check for one of them
  teamsctl setup ebms --group Recruiters --test-user rita@contoso.com

  # the same in the sandbox, without asking before the test's grant
  teamsctl --sandbox setup ebms --group Recruiters --test-user rita.recruiter@contoso.onmicrosoft.com --yes

  # a vendor that does not publish its appId: its id, or the admin-consent link it sent
  teamsctl setup erecruiter --app-id 11111111-2222-3333-4444-555555555555
  teamsctl setup erecruiter --app-id 'https://login.microsoftonline.com/common/adminconsent?client_id=11111111-2222-3333-4444-555555555555'

  # rehearse it in the sandbox, where the preset's stand-in app is used
  teamsctl --sandbox setup erecruiter

  # your organisation's own preset; see what would be done
  teamsctl setup --preset-file our-ats.yaml --dry-run`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.FlagErrorf("setup takes one VENDOR, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Vendor = args[0]
			}
			if (opts.Vendor == "") == (opts.PresetFile == "") {
				return cmdutil.FlagErrorWithHint(errors.New("give a VENDOR or --preset-file FILE (not both)"),
					"Run 'teamsctl presets list' for the vendors teamsctl knows.")
			}
			if opts.Consent != "admin" && opts.Consent != "user" {
				return cmdutil.FlagErrorf("--consent must be admin or user, not %q", opts.Consent)
			}
			var err error
			if opts.AppID, err = cmdutil.AppArg("--app-id", opts.AppID); err != nil {
				return err
			}
			if opts.AppID != "" && !appreg.IsGUID(opts.AppID) {
				return cmdutil.FlagErrorWithHint(fmt.Errorf("--app-id: %q is not an application (client) id (a GUID)", opts.AppID),
					"Give the vendor's application (client) id, or the admin-consent link the vendor sent.")
			}
			if opts.Handoff != "" && !opts.DryRun {
				if err := appreg.CheckOutputFile(opts.Handoff, true); err != nil {
					return cmdutil.FlagErrorf("--handoff: %v", err)
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.PresetFile, "preset-file", "", "Use your organisation's preset file instead of a built-in VENDOR")
	fs.StringVar(&opts.Instance, "instance", "", "Your instance of the vendor's service, filling {instance} in redirect URIs (e.g. https://acme.elevato.net)")
	fs.StringVar(&opts.AppID, "app-id", "", "The vendor's appId or the admin-consent link it sent (vendor-hosted, when the preset has none), or the existing app to complete")
	fs.StringVar(&opts.Name, "name", "", "Display name of the app registration (customer-registered; default from the preset)")
	fs.StringVar(&opts.TestUser, "test-user", "", "Check this user with doctor and create and delete a test meeting as them (UPN)")
	fs.StringVar(&opts.Group, "group", "", "Assign this group to the enterprise app (by display name)")
	fs.StringVar(&opts.Consent, "consent", "admin", "Who consents for a vendor-hosted app: admin (for the whole organisation) or user (each recruiter for themselves; nothing tenant-wide)")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "Print the plan and change nothing")
	fs.BoolVar(&opts.SkipTest, "skip-test", false, "Do not create a test meeting")
	fs.BoolVarP(&opts.Yes, "yes", "y", false, "Make the test user's temporary grant for a vendor-hosted app's test meeting without asking")
	fs.BoolVar(&opts.KeepTestGrant, "keep-test-grant", false, "Keep the test user's temporary grant after the test meeting")
	fs.StringVar(&opts.Handoff, "handoff", "", "Write the vendor's bundle to this file (mode 0600; .json or .env) instead of printing the secret")
	fs.DurationVar(&opts.Timeout, "replication-timeout", 0, "How long to wait for Entra to replicate new objects (default 2m)")
	return cmd
}

// usage makes a bad preset or flag value exit 2 with its own hint.
func usage(err error) error {
	var fe *cmdutil.FlagError
	if errors.As(err, &fe) {
		return err
	}
	return &cmdutil.FlagError{Err: err, HintText: cmdutil.HintFor(err)}
}

// sandboxStandIn is the appId setup uses: --app-id, or in the sandbox the
// stand-in for a vendor app whose appId the vendor does not publish (the
// preset's sandboxAppId), which it says it uses.
func sandboxStandIn(opts *Options, pre *presets.Preset, sandbox bool) string {
	if opts.AppID != "" || !sandbox || pre.Shape != presets.VendorHosted || pre.AppID != "" || pre.SandboxAppID == "" {
		return opts.AppID
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s publishes no appId; using the sandbox's stand-in for its app (%s). In a real tenant give it with --app-id.\n",
		pre.Vendor, pre.SandboxAppID)
	return pre.SandboxAppID
}

// Run runs the setup pipeline and prints the result.
// needs are what setup does: app create's and consent grant's requests,
// plus reading the groups and users it assigns.
var needs = permissions.Of(permissions.ReadApplications, permissions.WriteApplications, permissions.ReadAppManagementPolicy,
	permissions.ReadUsers, permissions.ReadGroups, permissions.ReadSubscriptions, permissions.AddOwners, permissions.WriteServicePrincipals,
	permissions.ReadGrants, permissions.WriteGrants, permissions.WriteAssignments, permissions.ReadMyRoles,
	permissions.ReadOrganization)

func Run(ctx context.Context, opts *Options) error {
	pre, err := (&cmdutil.PresetFlags{Name: opts.Vendor, File: opts.PresetFile}).Load()
	if err != nil {
		return err
	}
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	appID := sandboxStandIn(opts, pre, cfg.Sandbox)
	// Bad flag values are refused before signing in.
	if err := setup.Validate(setup.Options{Preset: pre, Instance: opts.Instance, AppID: appID, Name: opts.Name, UserConsent: opts.Consent == "user"}); err != nil {
		return mapErr(err)
	}
	g, err := opts.Graph(ctx, needs...)
	if err != nil {
		return err
	}
	a, err := opts.Auth()
	if err != nil {
		return err
	}
	tok, err := token(ctx, a)
	if err != nil {
		return err
	}
	ep, err := opts.Endpoints()
	if err != nil {
		return err
	}
	if needsTestGrant(opts, pre) && !opts.Yes && !opts.IO.CanPrompt() {
		if err := refuseUnconfirmedGrant(ctx, opts, cfg, g, pre, tok.TenantID); err != nil {
			return err
		}
	}
	// Before anything reads the apps: a temporary redirect URI an
	// interrupted meeting test left goes first.
	redirects := meetingtest.NewRedirectJournal(cfg.Dir(), tok.TenantID)
	if !opts.DryRun {
		if err := redirects.Recover(ctx, g, opts.IO.ErrOut); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			opts.Warn(err.Error())
		}
		if err := meetingtest.RecoverGrants(ctx, g, cfg.Dir(), tok.TenantID, opts.IO.ErrOut); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			opts.Warn(err.Error())
		}
	}
	o := setup.Options{Preset: pre, Instance: opts.Instance, AppID: appID, Name: opts.Name, TestUser: opts.TestUser,
		Group: opts.Group, DryRun: opts.DryRun, SkipTest: opts.SkipTest, SecretHandled: opts.Handoff != "", UserConsent: opts.Consent == "user"}
	// The journal notes the secrets added so far before the app is read.
	pending := pendingJournal(opts, tok.TenantID)
	defer pending.Close()
	reads := appreg.NewReads(ctx, g)
	defer reads.Close()
	reads.Start(o.Prefetch())
	g = reads
	acts := &setup.GraphActions{Graph: g, Permissions: opts.Permissions(g, tok.TenantID), Wait: opts.Waiter(opts.Timeout),
		Now: opts.Now, Warn: opts.Warn, Token: tok, LoginURL: ep.LoginURL, GraphResource: ep.GraphResource,
		Meeting: meeting(opts, cfg, a, g, tok.TenantID, redirects), Pending: pending}
	p := &setup.Pipeline{Actions: acts, Now: opts.Now, Observe: observer(opts, cfg.Output)}
	res, runErr := p.Run(ctx, o)
	opts.IO.StopProgress()
	if res == nil || (runErr != nil && len(res.Stages) == 0) {
		return mapErr(runErr)
	}
	var fe *presets.FieldError
	var ue *setup.UsageError
	var me *setup.MissingAppIDError
	if errors.As(runErr, &fe) || errors.As(runErr, &ue) || errors.As(runErr, &me) {
		return mapErr(runErr)
	}
	// The new secret's value is printed or written to the hand-off file.
	err = acts.DeliverSecret(func() error {
		if opts.Handoff != "" && !opts.DryRun && res.Summary.Bundle.TenantID != "" && !isAdmin(runErr) {
			if err := writeHandoff(opts, res); err != nil {
				return err
			}
		}
		return cmdutil.Print(opts.IO, cfg.Output, res, Render)
	})
	if err != nil {
		return err
	}
	if isAdmin(runErr) && cfg.Output != config.OutputJSON {
		// The summary on stdout named the missing role and the link: the
		// error says only what the exit status means.
		return &cmdutil.AdminRequiredError{Err: errors.New("an administrator must finish this setup (see above)")}
	}
	return mapErr(runErr)
}

// pendingJournal is the pending-secret journal in the configuration
// directory (disabled when there is none).
func pendingJournal(opts *Options, tenant string) *appreg.Pending {
	dir := ""
	if opts.Getenv != nil {
		dir, _ = config.Dir(opts.Getenv)
	}
	return appreg.NewPending(dir, tenant)
}

func isAdmin(err error) bool {
	var na *setup.NeedsAdminError
	return errors.As(err, &na)
}

func mapErr(err error) error {
	var fe *presets.FieldError
	var ue *setup.UsageError
	var me *setup.MissingAppIDError
	var na *setup.NeedsAdminError
	var df *setup.DoctorFailedError
	var ua *consent.UnknownAppError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fe), errors.As(err, &me):
		return usage(err)
	case errors.As(err, &ue) && ue.Hint != "":
		return cmdutil.FlagErrorWithHint(errors.New(ue.Msg), ue.Hint)
	case errors.As(err, &ue):
		return cmdutil.FlagErrorf("%s", ue.Msg)
	case errors.As(err, &ua):
		// A wrong --app-id: usage, not a failure of the tenant.
		return cmdutil.FlagErrorWithHint(fmt.Errorf("--app-id: %w", ua),
			"Check the appId with the vendor (their documentation or support gives it as the Application or Client ID), then run setup again.")
	case errors.As(err, &na):
		return &cmdutil.AdminRequiredError{Err: err}
	case errors.As(err, &df):
		return &cmdutil.CheckFailedError{Failed: df.Failed}
	}
	return err
}

// writeHandoff writes the bundle (mode 0600). The secret then appears
// nowhere else. A file from an earlier run is kept when this run made no
// new secret, so the secret it holds is not lost.
func writeHandoff(opts *Options, res *setup.Result) error {
	b := &res.Summary.Bundle
	newSecret := secretOf(res) != ""
	if !newSecret && b.SecretNote != "" && setup.HandoffHoldsSecret(opts.Handoff) {
		b.HandoffWritten, b.HandoffKept, b.HandoffHasSecret = opts.Handoff, true, true
		return nil
	}
	out := *b
	out.ClientSecret = secretOf(res)
	data, err := out.Encode(opts.Handoff)
	if err != nil {
		return err
	}
	if err := appreg.WriteSecretFile(opts.Handoff, data); err != nil {
		return err
	}
	b.HandoffWritten, b.HandoffHasSecret = opts.Handoff, out.ClientSecret != ""
	return nil
}

// secretOf is the secret value this run made: the pipeline leaves it out
// of the summary when --handoff is given.
func secretOf(res *setup.Result) string { return res.NewSecret() }

func token(ctx context.Context, a *auth.Authenticator) (doctor.Token, error) {
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

// observer shows the live step list on a terminal: a spinner on the
// running step, a line per finished one. Off a terminal and in JSON mode
// nothing is drawn; the result lists the steps.
func observer(opts *Options, output string) func(setup.Stage) {
	if !opts.IO.IsStderrTTY() || output == config.OutputJSON {
		return nil
	}
	return func(st setup.Stage) {
		if st.Status == setup.Running {
			opts.IO.StartProgress(st.Title + "...")
			return
		}
		opts.IO.StopProgress()
		fmt.Fprintln(opts.IO.ErrOut, stageLine(opts.IO.ErrStyles(), st))
	}
}

func stageLine(s *ui.Styles, st setup.Stage) string {
	mark := "="
	switch st.Status {
	case setup.Done, setup.OK:
		mark = s.SuccessMark()
	case setup.Planned:
		mark = "+"
	case setup.Failed:
		mark = s.FailMark()
	case setup.Warned:
		mark = s.WarnMark()
	case setup.Skipped:
		mark = "-"
	}
	line := mark + " " + st.Title
	if st.Detail != "" {
		line += ": " + st.Detail
	}
	if st.Status == setup.Unchanged {
		line += " (unchanged)"
	}
	return line
}

// Render draws the step list and the one summary.
func Render(w io.Writer, s *ui.Styles, r *setup.Result) error {
	fmt.Fprintf(w, "Setup %s (%s)", r.Preset, r.Shape)
	if r.DryRun {
		fmt.Fprint(w, ", dry run: nothing is changed")
	}
	fmt.Fprintln(w)
	for _, st := range r.Stages {
		fmt.Fprintln(w, stageLine(s, st))
		for _, c := range st.Changes {
			if c.Status == "unchanged" && !r.DryRun {
				continue
			}
			var b strings.Builder
			plan.Steps{c}.Render(&b, s)
			fmt.Fprint(w, "    "+b.String())
		}
	}
	sum := r.Summary
	if sum.Message == "" {
		return nil // stopped before the summary; the error says why
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, sum.Message)
	if sum.NeedsAdmin != "" {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Ask an admin: "+sum.NeedsAdminAction)
		if sum.Bundle.ConsentURL != "" {
			fmt.Fprintln(w, "Admin-consent link: "+sum.Bundle.ConsentURL)
		}
		return nil
	}
	b := sum.Bundle
	fmt.Fprintln(w)
	fmt.Fprintf(w, "What %s needs:\n", r.Vendor)
	fields := []ui.Field{{Key: "Tenant ID", Value: b.TenantID}, {Key: "Primary domain", Value: b.PrimaryDomain}}
	if r.Shape == presets.CustomerRegistered {
		fields = append(fields, ui.Field{Key: "Application (client) ID", Value: b.ClientID})
		switch {
		case b.HandoffKept:
			fields = append(fields, ui.Field{Key: "Client secret", Value: "in " + b.HandoffWritten + ", written by an earlier run and kept as it was"})
		case b.HandoffHasSecret:
			fields = append(fields, ui.Field{Key: "Client secret", Value: "in " + b.HandoffWritten})
		case b.ClientSecret != "":
			fields = append(fields, ui.Field{Key: "Client secret", Value: b.ClientSecret + "  (shown once: store it now)"})
		case b.SecretNote != "":
			fields = append(fields, ui.Field{Key: "Client secret", Value: b.SecretNote})
		}
		if b.HandoffWritten != "" && !b.HandoffHasSecret {
			fields = append(fields, ui.Field{Key: "Hand-off", Value: "in " + b.HandoffWritten + " (without a client secret)"})
		}
		if !b.SecretExpires.IsZero() {
			fields = append(fields, ui.Field{Key: "Secret expires", Value: b.SecretExpires.Format("2006-01-02")})
		}
		fields = append(fields, ui.Field{Key: "Redirect URIs", Value: strings.Join(b.RedirectURIs, " ")})
	} else {
		fields = append(fields, ui.Field{Key: "Vendor app (client) ID", Value: b.ClientID})
		if b.HandoffWritten != "" {
			fields = append(fields, ui.Field{Key: "Hand-off", Value: "in " + b.HandoffWritten})
		}
	}
	fields = append(fields, ui.Field{Key: "Consent", Value: b.ConsentStatus})
	if b.ConsentURL != "" && r.Shape == presets.VendorHosted {
		fields = append(fields, ui.Field{Key: "Admin-consent link", Value: b.ConsentURL})
	}
	if err := s.KeyValues(w, fields); err != nil {
		return err
	}
	list := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, title)
		for _, it := range items {
			fmt.Fprintln(w, "  - "+it)
		}
	}
	list("What each recruiter is asked to consent to when connecting (each consents for themselves):", sum.UserConsent)
	list("Still manual:", sum.Manual)
	list("Test grant:", sum.TestGrant)
	list("To undo:", sum.Undo)
	list(r.Vendor+" notes:", sum.Notes)
	return nil
}

// needsTestGrant says whether setup's test meeting signs the test user in
// with teamsctl's own client (a vendor-hosted app with delegated meetings),
// which may need a temporary per-user grant the operator confirms.
func needsTestGrant(opts *Options, pre *presets.Preset) bool {
	return opts.TestUser != "" && !opts.SkipTest && !opts.DryRun && pre.Shape == presets.VendorHosted &&
		pre.Teams.Meeting != presets.MeetingNone && !pre.Teams.ApplicationAccessPolicy
}

// refuseUnconfirmedGrant stops setup before it changes anything when the
// test meeting needs a temporary grant nobody can confirm: off a terminal
// without --yes.
func refuseUnconfirmedGrant(ctx context.Context, opts *Options, cfg *config.Config, g graph.Client, pre *presets.Preset, tenant string) error {
	u, err := g.UserByID(ctx, opts.TestUser)
	if graph.IsNotFound(err) {
		return cmdutil.FlagErrorf("--test-user %s: no such user in the tenant; nothing was changed", opts.TestUser)
	}
	if err != nil {
		return err
	}
	tg := &meetingtest.TestGrant{Graph: g, Tenant: tenant, ClientAppID: cmp.Or(cfg.ClientID, auth.DefaultClientID), UserID: u.ID, User: opts.TestUser,
		Scopes: meetingtest.Scopes(meetingKind(pre))}
	missing, err := tg.Missing(ctx)
	if err != nil || len(missing) == 0 {
		return err
	}
	return cmdutil.FlagErrorWithHint(fmt.Errorf("--test-user %s: %s is vendor-hosted, so the test meeting signs the test user in with teamsctl's own client (%s), which lacks %s for them; setup makes that grant for this user only after you confirm it, and cannot ask here; nothing was changed",
		opts.TestUser, pre.Vendor, tg.ClientName, strings.Join(missing, " ")),
		"Pass --yes to let setup make the grant (removed after the test unless --keep-test-grant), or --skip-test to leave the test out.")
}

// meetingKind is what the preset's integration creates, as meeting test
// names it.
func meetingKind(pre *presets.Preset) meetingtest.Kind {
	if pre.Teams.Meeting == presets.MeetingEvent {
		return meetingtest.KindEvent
	}
	return meetingtest.KindOnlineMeeting
}
