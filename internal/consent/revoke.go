package consent

import (
	"context"
	"fmt"
	"strings"

	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/plan"
)

// NotGrantedError is a revoke of something that was never granted.
type NotGrantedError struct {
	What string
}

func (e *NotGrantedError) Error() string { return "nothing to revoke: " + e.What }

// Hint implements the hint convention.
func (e *NotGrantedError) Hint() string {
	return "Run 'teamsctl consent show APP' to see what is granted."
}

// RevokeDelegated removes scopes from the client's grant for the resource
// (all of them with all=true), deleting the grant when none remain. A scope
// that is not granted is an error only when none of the asked scopes is.
func (e *Engine) RevokeDelegated(ctx context.Context, r DelegatedRequest, all bool) (*GrantResult, error) {
	who := "all users"
	if r.PrincipalID != "" {
		who = r.PrincipalUPN
	}
	target := fmt.Sprintf("%s -> %s for %s", r.Client.DisplayName, r.Resource.DisplayName, who)
	grants, err := e.Graph.DelegatedGrants(ctx, r.Client.ID, r.Resource.ID)
	if err != nil {
		return nil, err
	}
	g := findGrant(grants, r.Resource.ID, r.PrincipalID)
	if g == nil {
		return nil, &NotGrantedError{What: fmt.Sprintf("%s has no delegated permissions of %s for %s", r.Client.DisplayName, r.Resource.DisplayName, who)}
	}
	have := SplitScopes(g.Scope)
	res := &GrantResult{GrantID: g.ID, ConsentType: g.ConsentType, PrincipalID: g.PrincipalID, Before: have, Added: []string{}}
	var keep, removed []string
	for _, s := range have {
		if all || containsFold(r.Scopes, s) {
			removed = append(removed, s)
		} else {
			keep = append(keep, s)
		}
	}
	if len(removed) == 0 {
		return nil, &NotGrantedError{What: fmt.Sprintf("%s is not granted %s for %s (granted: %s)",
			r.Client.DisplayName, strings.Join(r.Scopes, ", "), who, g.Scope)}
	}
	res.After = nonNil(keep)
	action := "revoke-delegated"
	if len(keep) == 0 {
		action = "delete-grant"
	}
	if e.DryRun {
		e.Steps.Add(action, target, plan.Planned, plan.Removed(removed)...)
		return res, nil
	}
	if len(keep) == 0 {
		err = e.Graph.DeleteDelegatedGrant(ctx, g.ID)
	} else {
		err = e.Graph.UpdateDelegatedGrantScope(ctx, g.ID, strings.Join(keep, " "))
	}
	if err != nil {
		return nil, e.fail(action, target, err)
	}
	e.Steps.Add(action, target, plan.Done, plan.Removed(removed)...)
	return res, nil
}

// RevokeAppRoles removes the client's assignments of the given roles; with
// all, every assignment the client holds on the resource, named by roles
// where they list it (by role id otherwise). With all, holding none is no
// error.
func (e *Engine) RevokeAppRoles(ctx context.Context, client, resource *graph.ServicePrincipal, roles []permissions.Permission, all bool) ([]string, error) {
	target := fmt.Sprintf("%s -> %s", client.DisplayName, resource.DisplayName)
	held, err := e.Graph.AppRoleAssignmentsOf(ctx, client.ID)
	if err != nil {
		return nil, err
	}
	var remove []graph.AppRoleAssignment
	var names []string
	for _, a := range held {
		if !strings.EqualFold(a.ResourceID, resource.ID) {
			continue
		}
		matched := false
		for _, r := range roles {
			if strings.EqualFold(r.ID, a.AppRoleID) {
				remove = append(remove, a)
				names = append(names, r.Value)
				matched = true
				break
			}
		}
		if all && !matched {
			remove = append(remove, a)
			names = append(names, a.AppRoleID)
		}
	}
	if len(remove) == 0 {
		if all {
			return nil, nil
		}
		return nil, &NotGrantedError{What: fmt.Sprintf("%s holds none of the application permissions %s", client.DisplayName, strings.Join(permissions.Values(roles), ", "))}
	}
	if e.DryRun {
		e.Steps.Add("remove-app-roles", target, plan.Planned, plan.Removed(names)...)
		return names, nil
	}
	for _, a := range remove {
		if err := e.Graph.RemoveAppRoleAssignment(ctx, resource.ID, a.ID); err != nil && !graph.IsNotFound(err) {
			return nil, e.fail("remove-app-roles", target, err)
		}
	}
	e.Steps.Add("remove-app-roles", target, plan.Done, plan.Removed(names)...)
	return names, nil
}

// DeleteEnterpriseApp deletes the service principal, which withdraws every
// consent and assignment of the app in this tenant (what vendors' pages
// tell admins to do).
func (e *Engine) DeleteEnterpriseApp(ctx context.Context, sp *graph.ServicePrincipal) error {
	target := label(sp.DisplayName, sp.AppID)
	if e.DryRun {
		e.Steps.Add("delete-enterprise-app", target, plan.Planned)
		return nil
	}
	if err := e.Graph.DeleteServicePrincipal(ctx, sp.ID); err != nil {
		return e.fail("delete-enterprise-app", target, err)
	}
	e.Steps.Add("delete-enterprise-app", target, plan.Done)
	return nil
}
