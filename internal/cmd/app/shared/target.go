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
// appId or object id), an enterprise app by object id, or a vendor appId.
func ResolveTarget(ctx context.Context, g graph.Client, ref string) (*Target, error) {
	app, err := appreg.Find(ctx, g, ref)
	if err == nil {
		t := &Target{AppID: app.AppID, Name: app.DisplayName, Registration: app}
		if sp, err := g.ServicePrincipalByAppID(ctx, app.AppID); err == nil {
			t.SP = sp
		}
		return t, nil
	}
	var nf *appreg.NotFoundError
	if !errors.As(err, &nf) || !appreg.IsGUID(ref) {
		return nil, err
	}
	if sp, err := g.ServicePrincipalByAppID(ctx, ref); err == nil {
		return &Target{AppID: sp.AppID, Name: sp.DisplayName, SP: sp}, nil
	}
	if sp, err := g.ServicePrincipal(ctx, ref); err == nil {
		return &Target{AppID: sp.AppID, Name: sp.DisplayName, SP: sp}, nil
	}
	return &Target{AppID: ref, Name: ref}, nil // a vendor appId without an enterprise app yet
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
