package setup

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/doctor"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/plan"
	"github.com/teamsctl/teamsctl/internal/replicate"
)

// GraphActions carries the stages out against Microsoft Graph, reading
// independent facts concurrently so a setup takes few round trips.
type GraphActions struct {
	Graph       graph.Client
	Permissions *permissions.Loader
	Wait        *replicate.Waiter
	Now         func() time.Time
	Warn        func(string)
	// Token describes the sign-in for doctor's pre-flight.
	Token doctor.Token
	// LoginURL and GraphResource build admin-consent links.
	LoginURL      string
	GraphResource string
	// Meeting runs the meeting test; nil means setup names the command
	// instead.
	Meeting func(ctx context.Context, r MeetingRequest) (*MeetingResult, error)
	// Pending journals a new secret until DeliverSecret (nil: no journal).
	Pending *appreg.Pending

	mu        sync.Mutex
	newSecret [2]string // object id and key id of the secret Register made
}

// DeliverSecret runs deliver, which prints the new secret's value or
// writes it to the hand-off file, through the journal (appreg.Pending's
// Deliver): once delivered, the secret is the user's.
func (a *GraphActions) DeliverSecret(deliver func() error) error {
	a.mu.Lock()
	obj, key := a.newSecret[0], a.newSecret[1]
	a.mu.Unlock()
	return a.Pending.Deliver(obj, key, deliver, a.Warn)
}

// Tenant implements Actions: one wave of concurrent reads.
func (a *GraphActions) Tenant(ctx context.Context, req TenantRequest) (*Tenant, error) {
	t := &Tenant{}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		org, err := a.Graph.Organization(gctx)
		if err != nil {
			return err
		}
		t.ID, t.PrimaryDomain = org.ID, org.DefaultDomain
		return nil
	})
	g.Go(func() error {
		roles, err := a.Graph.MyDirectoryRoles(gctx)
		if err == nil {
			t.Roles, t.RolesKnown = roles, true
		}
		return nil // app-only sign-in: no roles to read; Graph decides
	})
	g.Go(func() error {
		cat, err := a.Permissions.Load(gctx, graph.MicrosoftGraphAppID)
		t.Catalog = cat
		return err
	})
	if req.Group != "" {
		g.Go(func() error {
			group, err := a.findGroup(gctx, req.Group)
			t.Group = group
			return err
		})
		g.Go(func() error {
			skus, err := a.Graph.SubscribedSkus(gctx)
			t.Premium = graph.EntraIDPremium(skus) != ""
			return err
		})
	}
	if req.VendorAppID != "" {
		g.Go(func() error {
			sp, err := a.Graph.ServicePrincipalByAppID(gctx, req.VendorAppID)
			if err != nil && !graph.IsNotFound(err) {
				return err
			}
			t.VendorSP = sp
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return t, nil
}

// Register implements Actions with appreg's plan/apply. Roles were
// checked before (from the first wave), so appreg does not read them again.
func (a *GraphActions) Register(ctx context.Context, d appreg.Desired, dryRun bool) (*appreg.Result, error) {
	reg := &appreg.Registrar{Graph: a.Graph, Wait: a.Wait, Now: a.Now, DryRun: dryRun, Warn: a.Warn, Pending: a.Pending,
		ConsentURL: func(appID string) string { return a.ConsentURL("", appID, nil) }}
	res, err := reg.Apply(ctx, d)
	if res != nil && res.Secret != nil && res.Secret.Value != "" {
		a.mu.Lock()
		a.newSecret = [2]string{res.ObjectID, res.Secret.KeyID}
		a.mu.Unlock()
	}
	return res, err
}

// EnableVendorApp implements Actions: the enterprise app first (read in
// the first wave when it exists), then consent, application permissions,
// sign-in and assignment concurrently.
func (a *GraphActions) EnableVendorApp(ctx context.Context, r VendorRequest) (*VendorResult, error) {
	eng := &consent.Engine{Graph: a.Graph, Wait: a.Wait, DryRun: r.DryRun, StaleResource: a.forgetCached}
	sp := r.Known
	if sp == nil {
		var err error
		sp, _, err = eng.EnsureServicePrincipal(ctx, r.AppID, r.Name)
		if err != nil {
			return &VendorResult{Plan: eng.Steps}, err
		}
	} else {
		eng.Steps.Add("create-service-principal", fmt.Sprintf("%s (%s)", sp.DisplayName, sp.AppID), plan.Unchanged)
	}
	if sp.DisplayName == "" {
		sp.DisplayName = r.Name
	}
	res := &VendorResult{ServicePrincipalID: sp.ID, DisplayName: sp.DisplayName}
	// Each concurrent part writes its own steps; they are joined in a
	// fixed order.
	parts := make([]plan.Steps, 4)
	var mu sync.Mutex
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	var wg sync.WaitGroup
	run := func(i int, fn func(e *consent.Engine) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := &consent.Engine{Graph: a.Graph, Wait: a.Wait, DryRun: r.DryRun, StaleResource: a.forgetCached}
			if err := fn(e); err != nil {
				fail(err)
			}
			parts[i] = e.Steps
		}()
	}
	if len(r.Delegated) > 0 {
		run(0, func(e *consent.Engine) error {
			_, err := e.GrantDelegated(ctx, consent.DelegatedRequest{Client: sp, Resource: r.Resource, Scopes: permissions.Values(r.Delegated)})
			return consent.ExplainForbidden(err, consent.OpDelegatedTenantWide, "")
		})
	}
	if len(r.Application) > 0 {
		run(1, func(e *consent.Engine) error {
			_, err := e.AssignAppRoles(ctx, sp, r.Resource, r.Application)
			return consent.ExplainForbidden(err, consent.OpGraphAppRoles, "")
		})
	}
	run(2, func(e *consent.Engine) error {
		on := true
		s := consent.AccessSettings{SignInEnabled: &on}
		if r.AssignmentRequired {
			s.AssignmentRequired = &on
		}
		if sp.ID == "" { // dry run, the enterprise app is still to be created
			sp := *sp
			return e.SetAccess(ctx, &sp, s)
		}
		return consent.ExplainForbidden(e.SetAccess(ctx, sp, s), consent.OpManageApps, "")
	})
	if r.Group != nil {
		run(3, func(e *consent.Engine) error { return assignGroup(ctx, e, sp, r.Group) })
	}
	wg.Wait()
	res.Plan = eng.Steps
	for _, p := range parts {
		res.Plan = append(res.Plan, p...)
	}
	return res, firstErr
}

// forgetCached drops the cached catalog whose service principal id the
// consent engine found stale.
func (a *GraphActions) forgetCached(appID string) {
	if a.Permissions != nil {
		a.Permissions.ForgetCached(appID)
	}
}

// findGroup finds the one group named name.
func (a *GraphActions) findGroup(ctx context.Context, name string) (*graph.Group, error) {
	groups, err := a.Graph.GroupsByName(ctx, name)
	if err != nil {
		return nil, err
	}
	switch len(groups) {
	case 0:
		return nil, &UsageError{Msg: fmt.Sprintf("--group: no group named %q in this tenant; nothing was changed", name)}
	case 1:
		return &groups[0], nil
	default:
		return nil, &UsageError{Msg: fmt.Sprintf("--group: %d groups are named %q; give the group's object id", len(groups), name)}
	}
}

func assignGroup(ctx context.Context, e *consent.Engine, sp *graph.ServicePrincipal, group *graph.Group) error {
	p := consent.Principal{ID: group.ID, Type: "Group", Name: group.DisplayName}
	if sp.ID == "" {
		e.Steps.Add("assign", p.Name+" -> "+sp.DisplayName, plan.Planned, "group")
		return nil
	}
	return e.Assign(ctx, sp, p)
}

// Doctor implements Actions. Settling re-runs doctor, with the replication
// backoff, while a check that setup's own writes decide still fails; when
// the budget is spent the last report stands.
func (a *GraphActions) Doctor(ctx context.Context, exp doctor.Expectations, users []string, settle bool) (*doctor.Report, error) {
	run := func(ctx context.Context) (*doctor.Report, error) {
		return doctor.Run(ctx, doctor.Options{Graph: a.Graph, Token: a.Token, Now: a.Now, Users: users}, exp)
	}
	if !settle || a.Wait == nil {
		return run(ctx)
	}
	var rep *doctor.Report
	err := a.Wait.Until(ctx, "the new consent and enterprise app to show in doctor's checks", func(ctx context.Context) (bool, error) {
		r, err := run(ctx)
		if err != nil {
			return false, err
		}
		rep = r
		return !failsOnWrittenObjects(r), nil
	})
	var waited *replicate.TimeoutError
	if errors.As(err, &waited) && rep != nil {
		return rep, nil // still failing after the budget: the report says why
	}
	return rep, err
}

// writtenChecks are the checks whose outcome setup's writes decide: the
// registration, its enterprise app, consent, assignment, and whether a user
// can now get a token. Other failures (licences, Conditional Access) are
// not replication lag, and are reported at once.
var writtenChecks = []string{"app.registration", "app.redirect-uris", "app.permissions", "app.credentials",
	"sp.exists", "sp.enabled", "sp.assignment", "sp.consent", "sp.app-permissions",
	"tenant.user-consent", "user.assignment", "user.token"}

func failsOnWrittenObjects(r *doctor.Report) bool {
	for _, c := range r.Checks {
		if c.Status == doctor.Fail && slices.Contains(writtenChecks, c.ID) {
			return true
		}
	}
	return false
}

// MeetingTest implements Actions.
func (a *GraphActions) MeetingTest(ctx context.Context, r MeetingRequest) (*MeetingResult, error) {
	if a.Meeting == nil {
		return nil, nil
	}
	return a.Meeting(ctx, r)
}

// ConsentURL implements Actions.
func (a *GraphActions) ConsentURL(tenant, appID string, scopes []string) string {
	if a.LoginURL == "" || tenant == "" {
		return ""
	}
	return consent.AdminConsentURL(consent.URLRequest{LoginURL: a.LoginURL, Tenant: tenant, ClientID: appID,
		Scopes: scopes, Resource: a.GraphResource})
}
