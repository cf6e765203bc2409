package shared

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/graph"
)

// Target is the client app a consent or access command acts on.
type Target struct {
	AppID string
	Name  string
	// Registration is set for an app of this tenant.
	Registration *graph.Application
	// SP is its service principal, when it exists.
	SP *graph.ServicePrincipal
}

// ResolveTarget finds APP: an app registration of this tenant (name,
// appId or object id), an enterprise app (display name or object id), or a
// vendor appId. The lookups that can answer go out together, so the common
// cases (an appId, a name) cost one round trip.
func ResolveTarget(ctx context.Context, g graph.Client, ref string) (*Target, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, fmt.Errorf("no app given")
	}
	if appreg.IsGUID(ref) {
		return resolveGUID(ctx, g, ref)
	}
	return resolveName(ctx, g, ref)
}

// resolveGUID reads the app registration and the enterprise app of ref as
// an appId together; only when neither exists is ref tried as an object id
// of either.
func resolveGUID(ctx context.Context, g graph.Client, ref string) (*Target, error) {
	var app *graph.Application
	var sp *graph.ServicePrincipal
	var appErr, spErr error
	var wg sync.WaitGroup
	wg.Go(func() { app, appErr = g.ApplicationByAppID(ctx, ref) })
	sp, spErr = g.ServicePrincipalByAppID(ctx, ref)
	wg.Wait()
	if err := errors.Join(notFoundIsNil(appErr), notFoundIsNil(spErr)); err != nil {
		return nil, err
	}
	if appErr == nil {
		return &Target{AppID: app.AppID, Name: app.DisplayName, Registration: app, SP: existing(sp, spErr)}, nil
	}
	if spErr == nil {
		return &Target{AppID: sp.AppID, Name: sp.DisplayName, SP: sp}, nil
	}
	wg.Go(func() { app, appErr = g.Application(ctx, ref) })
	sp, spErr = g.ServicePrincipal(ctx, ref)
	wg.Wait()
	if err := errors.Join(notFoundIsNil(appErr), notFoundIsNil(spErr)); err != nil {
		return nil, err
	}
	switch {
	case appErr == nil:
		t := &Target{AppID: app.AppID, Name: app.DisplayName, Registration: app}
		t.SP, spErr = g.ServicePrincipalByAppID(ctx, app.AppID)
		if err := notFoundIsNil(spErr); err != nil {
			return nil, err
		}
		t.SP = existing(t.SP, spErr)
		return t, nil
	case spErr == nil:
		return &Target{AppID: sp.AppID, Name: sp.DisplayName, SP: sp}, nil
	}
	return &Target{AppID: ref, Name: ref}, nil // a vendor appId without an enterprise app yet
}

// resolveName looks the name up among app registrations and enterprise
// apps together. An app registration wins (its enterprise app is the one
// with its appId); otherwise exactly one enterprise app of that name must
// exist: a vendor's app is found by the name its help page tells admins to
// search for ("EBMS Kalenderintegration").
func resolveName(ctx context.Context, g graph.Client, name string) (*Target, error) {
	var apps []graph.Application
	var sps []graph.ServicePrincipal
	var appsErr, spsErr error
	var wg sync.WaitGroup
	wg.Go(func() { apps, appsErr = g.ApplicationsByName(ctx, name) })
	sps, spsErr = g.ServicePrincipalsByName(ctx, name)
	wg.Wait()
	if err := errors.Join(appsErr, spsErr); err != nil {
		return nil, err
	}
	switch {
	case len(apps) > 1:
		return nil, &appreg.AmbiguousError{Name: name, Apps: apps}
	case len(apps) == 1:
		app := &apps[0]
		t := &Target{AppID: app.AppID, Name: app.DisplayName, Registration: app}
		for i := range sps {
			if strings.EqualFold(sps[i].AppID, app.AppID) {
				t.SP = &sps[i]
				return t, nil
			}
		}
		// The enterprise app may have been renamed in the portal.
		sp, err := g.ServicePrincipalByAppID(ctx, app.AppID)
		if err := notFoundIsNil(err); err != nil {
			return nil, err
		}
		t.SP = existing(sp, err)
		return t, nil
	case len(sps) == 1:
		return &Target{AppID: sps[0].AppID, Name: sps[0].DisplayName, SP: &sps[0]}, nil
	case len(sps) > 1:
		return nil, &AmbiguousEnterpriseAppError{Name: name, SPs: sps}
	}
	return nil, &NotFoundError{Name: name}
}

// notFoundIsNil keeps the errors that are more than "there is none".
func notFoundIsNil(err error) error {
	if err == nil || graph.IsNotFound(err) {
		return nil
	}
	return err
}

// existing is sp when the lookup found it, else nil.
func existing(sp *graph.ServicePrincipal, err error) *graph.ServicePrincipal {
	if err != nil {
		return nil
	}
	return sp
}

// NotFoundError is an APP name matching neither an app registration nor an
// enterprise app.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no app registration or enterprise app named %q in this tenant", e.Name)
}

// Hint implements the hint convention.
func (e *NotFoundError) Hint() string {
	return "Run 'teamsctl app list' to see the app registrations; an enterprise app is named as Entra's Enterprise applications list shows it, and a vendor's app not yet in the tenant by its appId: 'teamsctl consent grant APPID'."
}

// AmbiguousEnterpriseAppError is a display name shared by several
// enterprise apps (a vendor's app consented twice under different appIds).
type AmbiguousEnterpriseAppError struct {
	Name string
	SPs  []graph.ServicePrincipal
}

func (e *AmbiguousEnterpriseAppError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d enterprise apps are named %q:", len(e.SPs), e.Name)
	for _, sp := range e.SPs {
		fmt.Fprintf(&b, "\n  appId %s (object id %s)", sp.AppID, sp.ID)
	}
	return b.String()
}

// Hint implements the hint convention.
func (e *AmbiguousEnterpriseAppError) Hint() string {
	return "Give the appId instead of the name."
}

// ResolveTargetInTenant is ResolveTarget together with the tenant's
// organization, read at the same time: the consent commands need both and
// neither read waits for the other.
func ResolveTargetInTenant(ctx context.Context, g graph.Client, ref string) (*graph.Organization, *Target, error) {
	var org *graph.Organization
	var orgErr error
	var wg sync.WaitGroup
	wg.Go(func() { org, orgErr = g.Organization(ctx) })
	t, err := ResolveTarget(ctx, g, ref)
	wg.Wait()
	if orgErr != nil {
		return nil, nil, orgErr
	}
	if err != nil {
		return nil, nil, err
	}
	return org, t, nil
}

// NoEnterpriseAppError is an app without a service principal in this
// tenant, for commands that act on the enterprise app.
type NoEnterpriseAppError struct{ App string }

func (e *NoEnterpriseAppError) Error() string {
	return fmt.Sprintf("%s has no enterprise app (service principal) in this tenant", e.App)
}

// Hint implements the hint convention.
func (e *NoEnterpriseAppError) Hint() string {
	return "'teamsctl consent grant APP' creates it (for a vendor's app, with the scopes the vendor documents)."
}

// ResolveEnterpriseApp is ResolveTarget for commands that need the
// service principal.
func ResolveEnterpriseApp(ctx context.Context, g graph.Client, ref string) (*Target, error) {
	t, err := ResolveTarget(ctx, g, ref)
	if err != nil {
		return nil, err
	}
	if t.SP == nil {
		return nil, &NoEnterpriseAppError{App: t.Name}
	}
	if t.SP.DisplayName == "" {
		t.SP.DisplayName = t.Name
	}
	return t, nil
}

// ResolvePrincipal finds the user (UPN or object id) or group (display
// name or object id) of an assignment.
func ResolvePrincipal(ctx context.Context, g graph.Client, user, group string) (consent.Principal, error) {
	if user != "" {
		u, err := g.UserByID(ctx, user)
		if err != nil {
			if graph.IsNotFound(err) {
				return consent.Principal{}, fmt.Errorf("--user %s: no such user in this tenant", user)
			}
			return consent.Principal{}, err
		}
		return consent.Principal{ID: u.ID, Type: "User", Name: u.UserPrincipalName}, nil
	}
	if appreg.IsGUID(group) {
		if gr, err := g.Group(ctx, group); err == nil {
			return consent.Principal{ID: gr.ID, Type: "Group", Name: gr.DisplayName}, nil
		}
	}
	groups, err := g.GroupsByName(ctx, group)
	if err != nil {
		return consent.Principal{}, err
	}
	switch len(groups) {
	case 0:
		return consent.Principal{}, fmt.Errorf("--group %s: no group with that name in this tenant", group)
	case 1:
		return consent.Principal{ID: groups[0].ID, Type: "Group", Name: groups[0].DisplayName}, nil
	}
	ids := make([]string, len(groups))
	for i, gr := range groups {
		ids[i] = gr.ID
	}
	return consent.Principal{}, fmt.Errorf("%d groups are named %q (object ids %s); give --group with the object id of one",
		len(groups), group, strings.Join(ids, ", "))
}
