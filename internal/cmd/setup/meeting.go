package setup

import (
	"context"
	"fmt"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/auth"
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
	return func(ctx context.Context, r setup.MeetingRequest) (*setup.MeetingResult, error) {
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
		return meetingResult(res), nil
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
