// Package test implements `teamsctl meeting test`.
package test

import (
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
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/meetingtest"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/presets"
	"github.com/teamsctl/teamsctl/internal/setup"
)

// Options are the flags and dependencies of `meeting test`.
type Options struct {
	IO             *iostreams.IOStreams
	Config         func() (*config.Config, error)
	Auth           func() (*auth.Authenticator, error)
	Graph          func(ctx context.Context, needs ...auth.Need) (graph.Client, error)
	GraphWithToken func(source func(ctx context.Context) (auth.Token, error)) (graph.Client, error)
	HTTPClient     func() (*http.Client, error)
	Endpoints      func() (auth.Endpoints, error)
	Now            func() time.Time
	Getenv         func(string) string
	Browser        auth.Browser

	App               string
	As                string
	User              string
	Kind              string
	Subject           string
	Start             string
	Duration          time.Duration
	Attendees         []string
	Keep              bool
	TempRedirect      bool
	ClientSecretStdin bool
	Certificate       string
	// Verbose (-v) keeps the sign-in's trace and correlation ids in the
	// text output; JSON always has them.
	Verbose bool
	// Preset fills APP, --kind and --as the flags leave out.
	Preset cmdutil.PresetFlags
}

// NewCmdTest returns `teamsctl meeting test`.
func NewCmdTest(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, Auth: f.Auth, Graph: f.Graph, GraphWithToken: f.GraphWithToken,
		HTTPClient: f.HTTPClient, Endpoints: f.Endpoints, Now: f.Now, Getenv: f.Getenv, Browser: f.Browser}
	cmd := &cobra.Command{
		Use:   "test [APP]",
		Short: "Create, read back and delete a Teams meeting the way the integration does",
		Long: `Prove that an integration can create a Teams meeting: sign in the way the
app does (not as teamsctl), create an online meeting and/or a calendar event
with a Teams link, show the join link, and delete it again. Each step is timed;
a failure is explained with the same cause and fix as doctor, and exits 6.

APP is the app registration (appId, object id or exact name) or the appId of a
vendor-hosted app.

  --as user  (default; eRecruiter, elevato, EBMS, Recruitee) signs in with the
             app's client id as the test user: by device code when the app
             allows public client flows, otherwise in the browser with a
             loopback redirect (http://localhost). A confidential app needs its
             secret (--client-secret-stdin or TEAMSCTL_CLIENT_SECRET) or
             --certificate. --temp-redirect adds http://localhost to the app
             for the test and removes it afterwards, also on failure or Ctrl-C;
             after a killed run, the next meeting test or setup on the tenant
             removes it.
  --as app   (onlyfy) uses client credentials with the app's secret or
             certificate and creates the meeting for the organizer --user;
             Teams also needs an application access policy for the app.

Without APP, or for a vendor-hosted app teamsctl cannot sign in as, the user
signs in with teamsctl's own client: this shows whether the user can create
Teams meetings and events at all (licence, mailbox), not whether the app's
consent path works; doctor checks that.

Everything created is deleted unless --keep, also when a later step fails or
you press Ctrl-C. In the sandbox, which has no sign-in page, --user is the
test user the sandbox signs in.

--preset (a vendor preset, 'teamsctl presets list') or --preset-file fills
APP (the vendor's appId, or the name of the app registered for it), --kind
(the meeting the vendor creates) and --as (app for a preset with
application permissions). Flags given explicitly win.`,
		Example: `  # Delegated, as a recruiter, with the app's own sign-in
  teamsctl meeting test "Interview Scheduler" --user rita@contoso.com

  # A calendar invitation with a Teams link, as EBMS creates
  teamsctl meeting test c0ec60b5-60a8-4768-8053-870f11315492 --kind event --user rita@contoso.com

  # Application permissions (onlyfy), secret from the environment
  TEAMSCTL_CLIENT_SECRET=... teamsctl meeting test onlyfy --as app --user rita@contoso.com

  # A web app without a loopback redirect URI, secret from stdin
  printf '%s' "$SECRET" | teamsctl meeting test elevato --client-secret-stdin --temp-redirect -o json

  # EBMS from its preset: a calendar event, the user side with teamsctl's sign-in
  teamsctl meeting test --preset ebms --user rita@contoso.com`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.FlagErrorf("%s: unexpected argument %q (expects at most APP)", cmd.CommandPath(), args[1])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.App = args[0]
			}
			opts.Verbose, _ = cmd.Flags().GetBool("verbose")
			if err := opts.applyPreset(cmd); err != nil {
				return err
			}
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.StringEnumFlag(cmd, fl, &opts.As, "as", "", string(meetingtest.AsUser), []string{string(meetingtest.AsUser), string(meetingtest.AsApp)}, "Sign in as the test user (delegated) or as the app (application permissions)")
	fl.StringVar(&opts.User, "user", "", "Test user (--as user) or meeting organizer (--as app): UPN or object id")
	cmdutil.StringEnumFlag(cmd, fl, &opts.Kind, "kind", "", string(meetingtest.KindOnlineMeeting), meetingtest.Kinds, "What to create")
	fl.StringVar(&opts.Subject, "subject", meetingtest.DefaultSubject, "Meeting subject")
	fl.StringVar(&opts.Start, "start", "", "Start time: RFC 3339 (2025-06-02T14:00:00+02:00) or a duration from now (2h); default the next full hour")
	fl.DurationVar(&opts.Duration, "duration", meetingtest.DefaultDuration, "Meeting length")
	fl.StringArrayVar(&opts.Attendees, "attendee", nil, "E-mail address to invite to the calendar event (repeatable)")
	fl.BoolVar(&opts.Keep, "keep", false, "Keep the meeting and event instead of deleting them")
	fl.BoolVar(&opts.TempRedirect, "temp-redirect", false, "Add http://localhost to the app's redirect URIs for the test and remove it afterwards")
	fl.BoolVar(&opts.ClientSecretStdin, "client-secret-stdin", false, "Read the app's client secret from stdin (or set "+auth.EnvClientSecret+")")
	fl.StringVar(&opts.Certificate, "certificate", "", "PEM file with the app's certificate and private key (key password from "+auth.EnvCertificatePassword+")")
	_ = cmd.MarkFlagFilename("certificate", "pem")
	cmdutil.AddPresetFlags(cmd, &opts.Preset, "APP, --kind and --as", false)
	return cmd
}

// applyPreset fills APP, --kind and --as the flags left out from
// --preset or --preset-file.
func (o *Options) applyPreset(cmd *cobra.Command) error {
	pre, err := o.Preset.Load()
	if err != nil || pre == nil {
		return err
	}
	changed := cmd.Flags().Changed
	if !changed("kind") {
		switch pre.Teams.Meeting {
		case presets.MeetingOnline:
			o.Kind = string(meetingtest.KindOnlineMeeting)
		case presets.MeetingEvent:
			o.Kind = string(meetingtest.KindEvent)
		default:
			return cmdutil.FlagErrorWithHint(fmt.Errorf("preset %s creates no Teams meetings (teams.meeting: %s)", pre.Name, pre.Teams.Meeting),
				"Run 'teamsctl doctor --preset "+pre.Name+" --user UPN' to check the integration instead, or pass --kind.")
		}
	}
	if !changed("as") && len(pre.Application) > 0 {
		o.As = string(meetingtest.AsApp)
	}
	if o.App == "" {
		if o.App, err = cmdutil.PresetApp(pre); err != nil {
			return err
		}
	}
	return nil
}

// validate reports every problem of the flags at once.
func (o *Options) validate() error {
	var missing []string
	if o.As == string(meetingtest.AsApp) && o.App == "" {
		missing = append(missing, "--as app needs APP: the application whose secret or certificate signs in")
	}
	if o.As == string(meetingtest.AsApp) && o.User == "" {
		missing = append(missing, "--as app needs --user: the organizer the app creates the meeting for")
	}
	if err := missingAll(missing, ""); err != nil {
		return err
	}
	if o.ClientSecretStdin && o.Certificate != "" {
		return cmdutil.FlagErrorf("use either --client-secret-stdin or --certificate, not both")
	}
	if o.Duration <= 0 {
		return cmdutil.FlagErrorf("--duration must be positive, e.g. 30m")
	}
	for _, a := range o.Attendees {
		if !strings.Contains(a, "@") {
			return cmdutil.FlagErrorf("--attendee %q is not an e-mail address", a)
		}
	}
	if len(o.Attendees) > 0 && o.Kind == string(meetingtest.KindOnlineMeeting) {
		return cmdutil.FlagErrorf("--attendee invites to the calendar event: use it with --kind event or both")
	}
	if _, err := parseStart(o.Start, time.Now()); err != nil {
		return err
	}
	return nil
}

// parseStart reads --start: RFC 3339, or a duration from now.
func parseStart(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(d), nil
	}
	return time.Time{}, cmdutil.FlagErrorf("--start %q: use RFC 3339 (2025-06-02T14:00:00Z) or a duration from now (2h)", s)
}

func run(ctx context.Context, o *Options) error {
	cfg, err := o.Config()
	if err != nil {
		return err
	}
	p, err := o.prepare(ctx, cfg)
	if err != nil {
		return err
	}
	if p.redirect != nil {
		defer p.redirect.Restore(ctx)
		if err := p.redirect.Add(ctx); err != nil {
			return err
		}
	}

	var res *meetingtest.Result
	if p.policy != nil {
		res = p.policy.Result()
	} else {
		start, _ := parseStart(o.Start, o.Now())
		tester := &meetingtest.Tester{SignIn: p.signIn, Now: o.Now, Progress: o.IO.StartProgress}
		res, err = tester.Run(ctx, meetingtest.Request{As: p.as, Kind: meetingtest.Kind(o.Kind), App: p.app,
			Organizer: p.organizerID, OrganizerUPN: p.organizerUPN, Subject: o.Subject, Start: start,
			Duration: o.Duration, Attendees: o.Attendees, Keep: o.Keep, Notes: p.notes, VendorHosted: p.vendorHosted})
		o.IO.StopProgress()
		if err != nil {
			return err
		}
	}
	if err := cmdutil.Print(o.IO, cfg.Output, res, renderer(o.Verbose)); err != nil {
		return err
	}
	if !res.OK {
		return &cmdutil.CheckFailedError{Failed: res.FailedChecks()}
	}
	return nil
}

// plan is what run resolved before testing: the app, the flow, who signs
// in, and the temporary redirect URI to add and remove.
type plan struct {
	o            *Options
	cfg          *config.Config
	admin        graph.Client
	a            *auth.Authenticator
	as           meetingtest.As
	app          *meetingtest.App
	appObjectID  string
	signIn       func(ctx context.Context) (*meetingtest.Session, error)
	organizerID  string
	organizerUPN string
	notes        []string
	redirect     *meetingtest.TempRedirect
	journal      *meetingtest.RedirectJournal
	// policy, when set, replaces the sign-in: a vendor-hosted app-only
	// integration's access-policy check.
	policy       *meetingtest.PolicyCheck
	vendorHosted bool
}

// policyCheck prepares the test of a vendor-hosted app-only integration:
// the Teams application access policy (the preset's name) for the
// organizer, read from the sandbox, or how to verify it in a tenant.
func (p *plan) policyCheck(ctx context.Context, cfg *config.Config) error {
	o := p.o
	pre, err := o.Preset.Load()
	if err != nil {
		return err
	}
	name := presets.DefaultAccessPolicyName
	if pre != nil {
		name = pre.AccessPolicyName()
	}
	id, upn, err := o.organizer(ctx, p)
	if err != nil {
		return err
	}
	p.as, p.organizerID, p.organizerUPN = meetingtest.AsApp, id, upn
	c := &meetingtest.PolicyCheck{App: p.app, Policy: name, Organizer: id, OrganizerUPN: upn, Kind: meetingtest.Kind(o.Kind), Sandbox: cfg.Sandbox,
		Verify: setup.AccessPolicyVerifyPowerShell(pre, upn)}
	if cfg.Sandbox {
		hc, err := o.HTTPClient()
		if err != nil {
			return err
		}
		if c.Policies, err = meetingtest.SandboxAccessPolicies(hc, p.a.Endpoints().LoginURL); err != nil {
			return err
		}
	}
	p.policy = c
	return nil
}

// prepare resolves APP and decides how to sign in.
// adminNeeds are what meeting test does with the admin's sign-in: find
// APP (registration or enterprise app) and add and remove the temporary
// redirect URI of a browser sign-in. organizerNeeds resolve --user for
// --as app. The test itself signs in as the app under test, with the
// app's own permissions.
var (
	adminNeeds     = permissions.Of(permissions.ReadApplications, permissions.WriteApplications)
	organizerNeeds = permissions.Of(permissions.ReadUsers)
)

func (o *Options) prepare(ctx context.Context, cfg *config.Config) (*plan, error) {
	a, err := o.Auth()
	if err != nil {
		return nil, err
	}
	p := &plan{o: o, cfg: cfg, a: a, as: meetingtest.As(o.As)}
	secret, err := o.secret()
	if err != nil {
		return nil, err
	}
	in := auth.AppSignIn{LoginHint: o.User, Secret: secret, CertificatePath: o.Certificate,
		CertificatePassword: o.Getenv(auth.EnvCertificatePassword), Retry: o.retryCommand()}
	if cfg.Sandbox {
		if o.User == "" && p.as != meetingtest.AsApp {
			return nil, cmdutil.FlagErrorf("the sandbox has no sign-in page: name the test user with --user")
		}
		hc, err := o.HTTPClient()
		if err != nil {
			return nil, err
		}
		in.ApproveDeviceCode = meetingtest.SandboxApprover(hc, a.Endpoints().LoginURL, o.User)
		in.Browser = meetingtest.SandboxBrowser{Client: hc}
	}

	var vendorHosted bool
	if o.App != "" {
		if p.admin, err = o.Graph(ctx, adminNeeds...); err != nil {
			return nil, err
		}
		// Before APP is read: a URI an interrupted test left must not
		// pass for the app's own.
		if p.journal, err = recoverRedirects(ctx, o.IO, cfg, a, p.admin); err != nil {
			return nil, err
		}
		app, err := appreg.Find(ctx, p.admin, o.App)
		var nf *appreg.NotFoundError
		switch {
		case errors.As(err, &nf) && appreg.IsGUID(o.App):
			sp, spErr := p.admin.ServicePrincipalByAppID(ctx, o.App)
			if spErr != nil {
				if graph.IsNotFound(spErr) {
					return nil, err
				}
				return nil, spErr
			}
			vendorHosted = true
			p.app = &meetingtest.App{AppID: sp.AppID, DisplayName: sp.DisplayName}
		case err != nil:
			return nil, err
		default:
			p.app = &meetingtest.App{AppID: app.AppID, DisplayName: app.DisplayName}
			p.appObjectID = app.ID
			if err := p.chooseUserFlow(app, &in); err != nil {
				return nil, err
			}
		}
		in.ClientID = p.app.AppID
	}
	// After the admin's Graph sign-in, which the sandbox performs itself.
	in.Tenant = o.tenant(a, cfg)
	p.vendorHosted = vendorHosted

	switch {
	case p.as == meetingtest.AsApp && vendorHosted && secret == "" && o.Certificate == "":
		// The vendor's app signs in with the vendor's credentials: what
		// teamsctl can check is the Teams policy the app needs.
		if err := p.policyCheck(ctx, cfg); err != nil {
			return nil, err
		}
		return p, nil
	case p.as == meetingtest.AsApp:
		in.Flow = auth.AppFlowClientCredentials
		if secret == "" && o.Certificate == "" {
			return nil, cmdutil.FlagErrorf("--as app signs in as %s with its secret: pass --client-secret-stdin, set %s, or pass --certificate", p.app.DisplayName, auth.EnvClientSecret)
		}
		if p.organizerID, p.organizerUPN, err = o.organizer(ctx, p); err != nil {
			return nil, err
		}
	case p.app == nil || vendorHosted:
		p.ownSignIn(&in, vendorHosted)
	}
	if p.app != nil {
		p.app.Flow = string(in.Flow)
	}
	if p.organizerUPN == "" {
		p.organizerUPN = o.User
	}
	p.signIn = meetingtest.SignIn(a, o.GraphWithToken, in, meetingtest.Kind(o.Kind))
	return p, nil
}

// ownSignIn falls back to teamsctl's own client: the user side only.
func (p *plan) ownSignIn(in *auth.AppSignIn, vendorHosted bool) {
	p.as = meetingtest.AsTeamsctl
	vendorApp := ""
	if vendorHosted {
		vendorApp = p.app.DisplayName
	}
	p.notes = append(p.notes, meetingtest.OwnSignIn(in, p.cfg.ClientID, vendorApp)...)
}

// chooseUserFlow picks the delegated flow the app allows and notes the
// redirect URI it needs.
func (p *plan) chooseUserFlow(app *graph.Application, in *auth.AppSignIn) error {
	if p.as != meetingtest.AsUser {
		return nil
	}
	switch {
	case app.IsFallbackPublicClient && in.Secret == "" && in.CertificatePath == "":
		in.Flow = auth.AppFlowDeviceCode
		return nil
	case in.Secret != "" || in.CertificatePath != "":
		in.Flow = auth.AppFlowBrowser
		if meetingtest.HasLoopback(app.Web.RedirectURIs) {
			return nil
		}
		return p.needRedirect(app, meetingtest.PlatformWeb)
	default:
		in.Flow = auth.AppFlowBrowser
		if meetingtest.HasLoopback(app.PublicClientRedirectURIs) {
			return nil
		}
		if len(app.Web.RedirectURIs) > 0 && !p.o.TempRedirect {
			// Everything the test of a web app lacks, at once.
			missing := []string{fmt.Sprintf("%s is a web app: the test signs in with its secret: pass --client-secret-stdin, set %s, or pass --certificate", app.DisplayName, auth.EnvClientSecret)}
			if !meetingtest.HasLoopback(app.Web.RedirectURIs) {
				missing = append(missing, fmt.Sprintf("%s has no redirect URI teamsctl can receive a sign-in on (http://localhost): pass --temp-redirect to add it for the test and remove it afterwards", app.DisplayName))
			}
			return missingAll(missing, "")
		}
		return p.needRedirect(app, meetingtest.PlatformPublic)
	}
}

// missingAll is one usage error naming every missing requirement.
func missingAll(missing []string, hint string) error {
	switch len(missing) {
	case 0:
		return nil
	case 1:
		if hint != "" {
			return cmdutil.FlagErrorWithHint(errors.New(missing[0]), hint)
		}
		return cmdutil.FlagErrorf("%s", missing[0])
	}
	msg := fmt.Sprintf("the test needs %d things:", len(missing))
	for _, m := range missing {
		msg += "\n  - " + m
	}
	if hint != "" {
		return cmdutil.FlagErrorWithHint(errors.New(msg), hint)
	}
	return cmdutil.FlagErrorf("%s", msg)
}

func (p *plan) needRedirect(app *graph.Application, platform string) error {
	if !p.o.TempRedirect {
		return cmdutil.FlagErrorWithHint(fmt.Errorf("%s has no redirect URI teamsctl can receive a sign-in on (http://localhost)", app.DisplayName),
			"Pass --temp-redirect to add http://localhost for the test and remove it afterwards.")
	}
	p.redirect = &meetingtest.TempRedirect{Graph: p.admin, ObjectID: app.ID, AppName: app.DisplayName, Platform: platform,
		URI: meetingtest.LoopbackRedirect, Log: p.o.IO.ErrOut, Journal: p.journal}
	return nil
}

// recoverRedirects removes the temporary redirect URIs that interrupted
// tests (a killed process) left on the signed-in tenant's apps, and
// returns the tenant's journal for this test's own. A URI that cannot be
// removed now is a warning: the next run tries again.
func recoverRedirects(ctx context.Context, ios *iostreams.IOStreams, cfg *config.Config, a *auth.Authenticator, g graph.Client) (*meetingtest.RedirectJournal, error) {
	tenant := ""
	if s, err := a.CurrentSession(); err == nil && s != nil {
		tenant = s.TenantID
	}
	j := meetingtest.NewRedirectJournal(cfg.Dir(), tenant)
	if err := j.Recover(ctx, g, ios.ErrOut); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		fmt.Fprintf(ios.ErrOut, "%s %v\n", ios.ErrStyles().Warn.Render("warning:"), err)
	}
	return j, nil
}

// organizer resolves --user for --as app to an object id, which Teams
// requires in /users/{id}/onlineMeetings.
func (o *Options) organizer(ctx context.Context, p *plan) (string, string, error) {
	if appreg.IsGUID(o.User) {
		return o.User, o.User, nil
	}
	g, err := o.Graph(ctx, organizerNeeds...)
	if err != nil {
		return "", "", err
	}
	u, err := g.UserByID(ctx, o.User)
	if err != nil {
		if graph.IsNotFound(err) {
			return "", "", cmdutil.FlagErrorf("--user %s: no such user in the tenant", o.User)
		}
		return "", "", err
	}
	return u.ID, u.UserPrincipalName, nil
}

func (o *Options) secret() (string, error) {
	if o.ClientSecretStdin {
		data, err := io.ReadAll(o.IO.In)
		if err != nil {
			return "", fmt.Errorf("reading the client secret from stdin: %w", err)
		}
		s := strings.TrimSpace(string(data))
		if s == "" {
			return "", cmdutil.FlagErrorf("--client-secret-stdin: stdin was empty")
		}
		return s, nil
	}
	return strings.TrimSpace(o.Getenv(auth.EnvClientSecret)), nil
}

// tenant is the tenant the test signs in to: the configured one, else the
// admin's signed-in tenant, so single-tenant apps work.
func (o *Options) tenant(a *auth.Authenticator, cfg *config.Config) string {
	if cfg.Tenant != "" && !cfg.Sandbox {
		return cfg.Tenant
	}
	if s, err := a.CurrentSession(); err == nil && s != nil {
		return s.TenantID
	}
	return ""
}

// retryCommand repeats this test, for the {login} of explanations.
func (o *Options) retryCommand() string {
	parts := []string{"teamsctl meeting test"}
	if o.App != "" {
		parts = append(parts, shellQuote(o.App))
	}
	if o.As != string(meetingtest.AsUser) {
		parts = append(parts, "--as", o.As)
	}
	if o.User != "" {
		parts = append(parts, "--user", o.User)
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if strings.ContainsAny(s, " '\"$") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}
