package setup

import (
	"context"
	"fmt"
	"strings"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/meetingtest"
	"github.com/teamsctl/teamsctl/internal/presets"
	"github.com/teamsctl/teamsctl/internal/setup"
)

// meeting is setup's meeting test (--test-user), as `meeting test` runs
// it: a customer-registered app signs the test user in with its client id
// and the secret this run made (kept in memory, never printed), adding a
// loopback redirect URI for the test when the app has none; a vendor's app
// cannot be signed in as, so the user signs in with teamsctl's own client
// and the result says the app's consent path was not exercised. In the
// sandbox the sandbox plays the test user. The temporary redirect URI is
// journaled in redirects until it is removed again.
func meeting(opts *Options, cfg *config.Config, a *auth.Authenticator, g graph.Client, tenant string, redirects *meetingtest.RedirectJournal) func(context.Context, setup.MeetingRequest) (*setup.MeetingResult, error) {
	return func(ctx context.Context, r setup.MeetingRequest) (out *setup.MeetingResult, err error) {
		if r.AccessPolicy != "" {
			return accessPolicyCheck(ctx, opts, cfg, a, g, r)
		}
		kind := meetingtest.KindOnlineMeeting
		if r.Kind == presets.MeetingEvent {
			kind = meetingtest.KindEvent
		}

		in := auth.AppSignIn{Tenant: tenant, ClientID: r.AppID, Secret: r.Secret, LoginHint: r.User,
			Retry: fmt.Sprintf("teamsctl meeting test %s --user %s", r.AppID, r.User)}
		if cfg.Sandbox {
			hc, err := opts.HTTPClient()
			if err != nil {
				return nil, err
			}
			in.ApproveDeviceCode = meetingtest.SandboxApprover(hc, a.Endpoints().LoginURL, r.User)
			in.Browser = meetingtest.SandboxBrowser{Client: hc}
		}
		req := meetingtest.Request{As: meetingtest.AsUser, Kind: kind, App: &meetingtest.App{AppID: r.AppID},
			OrganizerUPN: r.User, Subject: meetingtest.DefaultSubject, Duration: meetingtest.DefaultDuration}
		switch {
		case r.VendorApp:
			req.As, req.App.DisplayName = meetingtest.AsTeamsctl, r.AppID
			if sp, err := g.ServicePrincipalByAppID(ctx, r.AppID); err == nil && sp.DisplayName != "" {
				req.App.DisplayName = sp.DisplayName
			}
			req.Notes = meetingtest.OwnSignIn(&in, cfg.ClientID, req.App.DisplayName)
			u, err := g.UserByID(ctx, r.User)
			if err != nil {
				return nil, fmt.Errorf("--test-user %s: %w", r.User, err)
			}
			tg := &meetingtest.TestGrant{Graph: g, Tenant: tenant, Dir: cfg.Dir(), ClientAppID: in.ClientID, UserID: u.ID, User: r.User,
				Scopes: meetingtest.Scopes(kind), Log: opts.IO.ErrOut}
			grant, err := tg.Ensure(ctx, confirmGrant(opts, req.App.DisplayName, r.User))
			if err != nil {
				return nil, err
			}
			if grant != nil {
				defer func() { settleGrant(ctx, opts, tg, grant, out) }()
			}
		case r.Secret == "":
			return nil, nil // the secret was made by an earlier run: the summary names the command
		case r.AppOnly:
			in.Flow, req.As = auth.AppFlowClientCredentials, meetingtest.AsApp
			u, err := g.UserByID(ctx, r.User)
			if err != nil {
				return nil, fmt.Errorf("--test-user %s: %w", r.User, err)
			}
			req.Organizer = u.ID
		default:
			in.Flow = auth.AppFlowBrowser
			app, err := appreg.Find(ctx, g, r.AppID)
			if err != nil {
				return nil, err
			}
			req.App.DisplayName = app.DisplayName
			if !meetingtest.HasLoopback(app.Web.RedirectURIs) {
				tmp := &meetingtest.TempRedirect{Graph: g, ObjectID: app.ID, AppName: app.DisplayName,
					Platform: meetingtest.PlatformWeb, URI: meetingtest.LoopbackRedirect, Log: opts.IO.ErrOut, Journal: redirects}
				defer tmp.Restore(ctx)
				if err := tmp.Add(ctx); err != nil {
					return nil, err
				}
			}
		}
		req.App.Flow = string(in.Flow)
		tester := &meetingtest.Tester{SignIn: meetingtest.SignIn(a, opts.GraphWithToken, in, kind), Now: opts.Now}
		res, err := tester.Run(ctx, req)
		if err != nil {
			return nil, err
		}
		out = meetingResult(res)
		return out, nil
	}
}

// confirmGrant explains the temporary grant and asks for it on a
// terminal; --yes confirms it (the command refused to run without either).
func confirmGrant(opts *Options, vendorApp, user string) func(add []string) error {
	return func(add []string) error {
		opts.IO.StopProgress()
		if !opts.Yes {
			fmt.Fprintf(opts.IO.ErrOut, "%s is hosted by its vendor, so teamsctl cannot sign in as it: the test meeting signs %s in with teamsctl's own client,\n"+
				"which lacks %s for them. setup grants these to that client for %s only (a per-user grant; nothing tenant-wide)\n"+
				"and removes them after the test (--keep-test-grant keeps them).\n", vendorApp, user, strings.Join(add, " "), user)
		}
		return shared.Confirm(opts.IO, opts.Yes, fmt.Sprintf("Grant %s for %s for the test", strings.Join(add, " "), user))
	}
}

// settleGrant removes the test's grant, or keeps it with --keep-test-grant,
// and says which in the meeting test's result.
func settleGrant(ctx context.Context, opts *Options, tg *meetingtest.TestGrant, grant *meetingtest.Grant, out *setup.MeetingResult) {
	made := fmt.Sprintf("granted %s to %s for %s only (per-user)", strings.Join(grant.Scopes, " "), grant.Client, grant.User)
	var line string
	if opts.KeepTestGrant {
		line = made + "; kept (--keep-test-grant); remove it with: teamsctl consent revoke " + tg.ClientAppID + " --delegated " + strings.Join(grant.Scopes, ",") + " --user " + grant.User + " --yes"
		if err := tg.Keep(); err != nil {
			opts.Warn(err.Error())
		}
	} else if _, err := tg.Restore(ctx); err != nil {
		opts.Warn(err.Error())
		line = made + "; NOT removed: " + err.Error()
	} else {
		line = made + "; removed after the test"
	}
	if out != nil {
		out.Grants = append(out.Grants, line)
	}
}

// meetingResult is the meeting test's one line in setup's summary.
func meetingResult(res *meetingtest.Result) *setup.MeetingResult {
	out := &setup.MeetingResult{Passed: res.OK}
	if f := res.Failure; f != nil {
		out.Detail = fmt.Sprintf("%s failed: %s", f.Step, f.Error)
		if f.Cause != nil {
			out.Detail += " (" + f.Cause.Title + ")"
		}
		return out
	}
	what := "online meeting"
	if res.Kind == meetingtest.KindEvent {
		what = "calendar event with a Teams link"
	}
	out.Detail = fmt.Sprintf("%s created and deleted as %s", what, res.SignedInAs)
	if res.As == meetingtest.AsTeamsctl {
		out.Detail += " with teamsctl's own sign-in: the user can create meetings; the app's consent path was not exercised (doctor checks it)"
	}
	return out
}

// accessPolicyCheck is the test of a vendor-hosted app-only integration:
// its app creates meetings with the vendor's credentials, which teamsctl
// does not hold, and Teams lets it only for organizers an application
// access policy naming the app is granted to. The sandbox models those
// policies and is asked; in a tenant, where only Teams PowerShell can read
// them, the step says how to check.
func accessPolicyCheck(ctx context.Context, opts *Options, cfg *config.Config, a *auth.Authenticator, g graph.Client, r setup.MeetingRequest) (*setup.MeetingResult, error) {
	pre, err := (&cmdutil.PresetFlags{Name: opts.Vendor, File: opts.PresetFile}).Load()
	if err != nil {
		return nil, err
	}
	if !cfg.Sandbox {
		return &setup.MeetingResult{Skipped: true, Detail: "teamsctl cannot read Teams policies nor sign in as the vendor's app; verify in Teams PowerShell: " +
			setup.AccessPolicyVerifyPowerShell(pre, r.User)}, nil
	}
	u, err := g.UserByID(ctx, r.User)
	if err != nil {
		return nil, fmt.Errorf("--test-user %s: %w", r.User, err)
	}
	hc, err := opts.HTTPClient()
	if err != nil {
		return nil, err
	}
	policies, err := meetingtest.SandboxAccessPolicies(hc, a.Endpoints().LoginURL)
	if err != nil {
		return nil, err
	}
	if p := meetingtest.PolicyFor(policies, r.AppID, u.ID); p != nil {
		to := r.User
		if p.Global {
			to = "everyone (-Global)"
		}
		return &setup.MeetingResult{Passed: true, Detail: fmt.Sprintf("the Teams application access policy %s names the app and is granted to %s: the app can create meetings for %s (checked in the sandbox)", p.Identity, to, r.User)}, nil
	}
	return &setup.MeetingResult{Detail: fmt.Sprintf("no Teams application access policy lets the app create meetings for %s: grant %s as \"Still manual\" says (in the sandbox: teamsctl sandbox teams-policy grant --name %s --app %s --user %s)",
		r.User, r.AccessPolicy, r.AccessPolicy, r.AppID, r.User)}, nil
}
