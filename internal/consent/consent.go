// Package consent grants and revokes permissions the way an admin means
// it: it merges into what exists and never wipes. Delegated consent is one
// oauth2PermissionGrant per client, resource and principal; a grant adds
// the missing scopes to it (PATCH) and creates it only when there is none,
// recovering when another writer created it meanwhile. Application
// permissions are app role assignments; only missing ones are added. A
// missing service principal (an own app or a vendor's multi-tenant app) is
// created first, waiting out Entra's replication.
package consent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/plan"
	"github.com/teamsctl/teamsctl/internal/replicate"
)

// Client is the part of Graph consent uses.
type Client interface {
	graph.ServicePrincipals
	graph.Grants
	ApplicationByAppID(ctx context.Context, appID string) (*graph.Application, error)
}

// Engine performs consent operations. With DryRun it reads and plans but
// writes nothing.
type Engine struct {
	Graph  Client
	Wait   *replicate.Waiter
	DryRun bool
	// Steps collects what was (or would be) done.
	Steps plan.Steps
	// StaleResource, when set, is told the appId of a resource API whose
	// service principal id turned out stale (see refreshResource), so the
	// caller can drop the cache it came from.
	StaleResource func(appID string)
}

// refreshResource runs when a write naming resource failed the way writes
// fail while a new object replicates. The resource API's service principal
// is not new (its id may come from a cache that outlived the tenant's
// object), so it is read again first: another id means the one given was
// stale, and resource takes the current one for an immediate retry; no
// service principal at all is an error, not lag. It reports whether the
// id changed; an unchanged id leaves the wait for replication to go on.
func (e *Engine) refreshResource(ctx context.Context, resource *graph.ServicePrincipal) (bool, error) {
	sp, err := e.Graph.ServicePrincipalByAppID(ctx, resource.AppID)
	switch {
	case graph.IsNotFound(err):
		// Not wrapped: a 404 would read as replication lag.
		return false, fmt.Errorf("%s (%s) has no service principal in this tenant: %v", resource.DisplayName, resource.AppID, err)
	case err != nil:
		return false, err
	case strings.EqualFold(sp.ID, resource.ID):
		return false, nil
	}
	if e.StaleResource != nil {
		e.StaleResource(resource.AppID)
	}
	resource.ID = sp.ID
	return true, nil
}

// retryStaleResource wraps a write naming resource for Wait.Do: on its
// first replication-like failure it refreshes resource and, when the id
// was stale, writes again at once.
func (e *Engine) retryStaleResource(resource *graph.ServicePrincipal, write func(ctx context.Context) error) func(ctx context.Context) error {
	checked := false
	return func(ctx context.Context) error {
		err := write(ctx)
		if err == nil || checked || !graph.IsReplicationError(err) {
			return err
		}
		checked = true
		changed, rerr := e.refreshResource(ctx, resource)
		if rerr != nil {
			return rerr
		}
		if changed {
			return write(ctx)
		}
		return err
	}
}

// EnsureServicePrincipal returns the service principal of appID, creating
// it when missing. For an app of this tenant that was just created, the
// creation is retried while Entra replicates the application; a vendor's
// appId that Entra does not know fails at once with a clear message.
// In a dry run a missing service principal is returned with an empty ID.
func (e *Engine) EnsureServicePrincipal(ctx context.Context, appID, name string) (*graph.ServicePrincipal, bool, error) {
	return e.ensureServicePrincipal(ctx, appID, name, false)
}

// EnsureOwnServicePrincipal is EnsureServicePrincipal for an app
// registration of this tenant the caller has just created or read: a
// "no backing application" answer is then replication, and is waited out.
func (e *Engine) EnsureOwnServicePrincipal(ctx context.Context, appID, name string) (*graph.ServicePrincipal, bool, error) {
	return e.ensureServicePrincipal(ctx, appID, name, true)
}

func (e *Engine) ensureServicePrincipal(ctx context.Context, appID, name string, own bool) (*graph.ServicePrincipal, bool, error) {
	sp, err := e.Graph.ServicePrincipalByAppID(ctx, appID)
	if err == nil {
		e.Steps.Add("create-service-principal", label(name, appID), plan.Unchanged)
		return sp, false, nil
	}
	if !graph.IsNotFound(err) {
		return nil, false, err
	}
	if e.DryRun {
		e.Steps.Add("create-service-principal", label(name, appID), plan.Planned)
		return &graph.ServicePrincipal{AppID: appID, DisplayName: name}, true, nil
	}
	if !own {
		if _, aerr := e.Graph.ApplicationByAppID(ctx, appID); aerr == nil {
			own = true
		}
	}
	var created *graph.ServicePrincipal
	err = e.Wait.Do(ctx, "creating the enterprise app of "+label(name, appID), func(ctx context.Context) error {
		sp, _, err := e.Graph.UpsertServicePrincipal(ctx, appID)
		if err != nil {
			if !own && isNoBackingApp(err) {
				// A vendor appId Entra does not know: waiting will not help.
				return &UnknownAppError{AppID: appID, Err: err}
			}
			return err
		}
		created = sp
		return nil
	})
	if created == nil && (err == nil || graph.IsAlreadyExists(err)) {
		// The upsert found it (204), or it was created moments ago and
		// has not replicated (409): someone else, or an attempt of ours
		// Graph processed, created it. Read it, waiting for it to
		// replicate.
		err = e.Wait.Do(ctx, "reading the enterprise app of "+label(name, appID), func(ctx context.Context) error {
			sp, err := e.Graph.ServicePrincipalByAppID(ctx, appID)
			created = sp
			return err
		})
		if err != nil {
			return nil, false, err
		}
		e.Steps.Add("create-service-principal", label(name, appID), plan.Unchanged)
		return created, false, nil
	}
	if err != nil {
		e.Steps = append(e.Steps, plan.Step{Action: "create-service-principal", Target: label(name, appID), Status: plan.Failed, Error: err.Error()})
		return nil, false, err
	}
	e.Steps.Add("create-service-principal", label(created.DisplayName, appID), plan.Done, "id "+created.ID)
	return created, true, nil
}

func label(name, appID string) string {
	if name == "" || name == appID {
		return appID
	}
	return fmt.Sprintf("%s (%s)", name, appID)
}

func isNoBackingApp(err error) bool {
	var apiErr *graph.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	m := strings.ToLower(apiErr.Message)
	return apiErr.Status == 400 && (strings.Contains(m, "does not reference a valid application object") || strings.Contains(m, "nobackingapplicationobject"))
}

// UnknownAppError is an appId that is neither an app of this tenant nor a
// multi-tenant app Entra knows.
type UnknownAppError struct {
	AppID string
	// Err is Graph's answer. It is deliberately not unwrapped: Graph's
	// text is a replication error, and this one must not be retried.
	Err error
}

func (e *UnknownAppError) Error() string {
	return fmt.Sprintf("no application with appId %s exists in this tenant or as a multi-tenant app", e.AppID)
}

// Hint implements the hint convention.
func (e *UnknownAppError) Hint() string {
	return "Check the appId (the vendor's documentation gives it as Application or Client ID); an app of this tenant is also found by name: teamsctl app list."
}

// DelegatedRequest asks for delegated scopes of a resource for a client.
type DelegatedRequest struct {
	Client   *graph.ServicePrincipal
	Resource *graph.ServicePrincipal
	Scopes   []string // scope values, e.g. User.Read
	// PrincipalID grants for one user (consent type Principal); empty is
	// tenant-wide (AllPrincipals).
	PrincipalID  string
	PrincipalUPN string
}

// GrantResult says what a grant did.
type GrantResult struct {
	GrantID     string   `json:"grantId,omitempty"`
	ConsentType string   `json:"consentType"`
	PrincipalID string   `json:"principalId,omitempty"`
	Before      []string `json:"scopesBefore"`
	After       []string `json:"scopesAfter"`
	Added       []string `json:"scopesAdded"`
}

// findGrant returns the grant for client, resource and principal.
func findGrant(grants []graph.DelegatedGrant, resourceID, principalID string) *graph.DelegatedGrant {
	for i, g := range grants {
		if g.ResourceID != resourceID {
			continue
		}
		if principalID == "" && strings.EqualFold(g.ConsentType, graph.ConsentAllPrincipals) {
			return &grants[i]
		}
		if principalID != "" && strings.EqualFold(g.ConsentType, graph.ConsentPrincipal) && strings.EqualFold(g.PrincipalID, principalID) {
			return &grants[i]
		}
	}
	return nil
}

// SplitScopes splits a grant's scope string.
func SplitScopes(s string) []string { return strings.Fields(s) }

// union adds want to have (case-insensitively), returning the new list and
// what was added.
func union(have, want []string) (all, added []string) {
	all = slices.Clone(have)
	for _, w := range want {
		if !containsFold(all, w) {
			all = append(all, w)
			added = append(added, w)
		}
	}
	return all, added
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// GrantDelegated merges the scopes into the client's grant for the
// resource: PATCH the union when a grant exists, create one otherwise, and
// when a concurrent writer created it first ("Permission entry already
// exists.") re-read and merge. Other grants (other users, other
// resources) are never touched.
func (e *Engine) GrantDelegated(ctx context.Context, r DelegatedRequest) (*GrantResult, error) {
	consentType := graph.ConsentAllPrincipals
	who := "all users"
	if r.PrincipalID != "" {
		consentType, who = graph.ConsentPrincipal, r.PrincipalUPN
	}
	target := fmt.Sprintf("%s -> %s for %s", r.Client.DisplayName, r.Resource.DisplayName, who)
	res := &GrantResult{ConsentType: consentType, PrincipalID: r.PrincipalID, Before: []string{}}
	resource := *r.Resource // refreshResource may correct its id
	r.Resource = &resource
	for attempt := 0; ; attempt++ {
		var existing *graph.DelegatedGrant
		if r.Client.ID != "" { // empty in a dry run when the SP is still to be created
			var grants []graph.DelegatedGrant
			err := e.Wait.Do(ctx, "reading the grants of "+r.Client.DisplayName, func(ctx context.Context) error {
				var err error
				grants, err = e.Graph.DelegatedGrants(ctx, r.Client.ID, r.Resource.ID)
				return err
			})
			if err != nil {
				return nil, err
			}
			existing = findGrant(grants, r.Resource.ID, r.PrincipalID)
		}
		if existing != nil {
			res.GrantID = existing.ID
			res.Before = SplitScopes(existing.Scope)
			all, added := union(res.Before, r.Scopes)
			res.After, res.Added = all, nonNil(added)
			if len(added) == 0 {
				e.Steps.Add("grant-delegated", target, plan.Unchanged, r.Scopes...)
				return res, nil
			}
			if e.DryRun {
				e.Steps.Add("grant-delegated", target, plan.Planned, plan.Added(added)...)
				return res, nil
			}
			err := e.Wait.Do(ctx, "updating the grant of "+r.Client.DisplayName, func(ctx context.Context) error {
				return e.Graph.UpdateDelegatedGrantScope(ctx, existing.ID, strings.Join(all, " "))
			})
			if err != nil {
				return nil, e.fail("grant-delegated", target, err)
			}
			e.Steps.Add("grant-delegated", target, plan.Done, plan.Added(added)...)
			return res, nil
		}
		all, _ := union(nil, r.Scopes)
		res.After, res.Added = all, all
		if e.DryRun {
			e.Steps.Add("grant-delegated", target, plan.Planned, plan.Added(all)...)
			return res, nil
		}
		var created *graph.DelegatedGrant
		err := e.Wait.Do(ctx, "granting consent to "+r.Client.DisplayName, e.retryStaleResource(r.Resource, func(ctx context.Context) error {
			g, err := e.Graph.CreateDelegatedGrant(ctx, graph.DelegatedGrant{ClientID: r.Client.ID, ConsentType: consentType,
				PrincipalID: r.PrincipalID, ResourceID: r.Resource.ID, Scope: strings.Join(all, " ")})
			created = g
			return err
		}))
		if graph.IsAlreadyExists(err) && attempt < 3 {
			// Someone, or an earlier attempt of ours, created it, but a
			// grant written moments ago may not be listed yet: wait until
			// the re-read shows it, then merge into it.
			err = e.Wait.Until(ctx, "the existing grant of "+r.Client.DisplayName+" to show", func(ctx context.Context) (bool, error) {
				grants, err := e.Graph.DelegatedGrants(ctx, r.Client.ID, r.Resource.ID)
				return findGrant(grants, r.Resource.ID, r.PrincipalID) != nil, err
			})
			if err != nil {
				return nil, e.fail("grant-delegated", target, err)
			}
			continue
		}
		if err != nil {
			return nil, e.fail("grant-delegated", target, err)
		}
		res.GrantID = created.ID
		e.Steps.Add("grant-delegated", target, plan.Done, plan.Added(all)...)
		return res, nil
	}
}

func (e *Engine) fail(action, target string, err error) error {
	e.Steps = append(e.Steps, plan.Step{Action: action, Target: target, Status: plan.Failed, Error: err.Error()})
	return err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// AssignAppRoles gives the client the application permissions (app roles
// of the resource) it does not hold yet.
func (e *Engine) AssignAppRoles(ctx context.Context, client, resource *graph.ServicePrincipal, roles []permissions.Permission) ([]string, error) {
	target := fmt.Sprintf("%s -> %s", client.DisplayName, resource.DisplayName)
	fresh := *resource // refreshResource may correct its id
	resource = &fresh
	var held []graph.AppRoleAssignment
	if client.ID != "" {
		err := e.Wait.Do(ctx, "reading the application permissions of "+client.DisplayName, func(ctx context.Context) error {
			var err error
			held, err = e.Graph.AppRoleAssignmentsOf(ctx, client.ID)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	var missing []permissions.Permission
	for _, r := range roles {
		if !slices.ContainsFunc(held, func(a graph.AppRoleAssignment) bool {
			return strings.EqualFold(a.AppRoleID, r.ID) && strings.EqualFold(a.ResourceID, resource.ID)
		}) {
			missing = append(missing, r)
		}
	}
	if len(missing) == 0 {
		if len(roles) > 0 {
			e.Steps.Add("assign-app-roles", target, plan.Unchanged, permissions.Values(roles)...)
		}
		return nil, nil
	}
	if e.DryRun {
		e.Steps.Add("assign-app-roles", target, plan.Planned, plan.Added(permissions.Values(missing))...)
		return permissions.Values(missing), nil
	}
	for _, r := range missing {
		err := e.Wait.Do(ctx, "assigning "+r.Value+" to "+client.DisplayName, e.retryStaleResource(resource, func(ctx context.Context) error {
			_, err := e.Graph.AssignAppRole(ctx, graph.AppRoleAssignment{AppRoleID: r.ID, PrincipalID: client.ID, ResourceID: resource.ID})
			return err
		}))
		if err != nil && !graph.IsAlreadyExists(err) {
			return nil, e.fail("assign-app-roles", target, err)
		}
	}
	e.Steps.Add("assign-app-roles", target, plan.Done, plan.Added(permissions.Values(missing))...)
	return permissions.Values(missing), nil
}
