package doctor

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/replicate"
)

// ActionKind is a safe, scoped fix --fix may apply. Tenant-wide settings
// (user consent, the consent workflow, Conditional Access, app management
// policies) have no ActionKind on purpose.
type ActionKind string

const (
	ActionGrantConsent    ActionKind = "grant-consent"     // this app's delegated permissions, tenant-wide
	ActionGrantAppRoles   ActionKind = "grant-app-roles"   // this app's application permissions
	ActionEnableSignIn    ActionKind = "enable-sign-in"    // this enterprise app
	ActionAssignUser      ActionKind = "assign-user"       // this user to this app
	ActionAssignGroup     ActionKind = "assign-group"      // the user's own group to this app
	ActionAddRedirectURIs ActionKind = "add-redirect-uris" // to this app registration
	ActionAddPermissions  ActionKind = "add-permissions"   // to this app registration
)

// Action is one fix with what it applies to.
type Action struct {
	Kind               ActionKind `json:"kind"`
	AppID              string     `json:"appId,omitempty"`
	AppObjectID        string     `json:"appObjectId,omitempty"`
	ServicePrincipalID string     `json:"servicePrincipalId,omitempty"`
	UserID             string     `json:"userId,omitempty"`
	UserUPN            string     `json:"user,omitempty"`
	GroupID            string     `json:"groupId,omitempty"`
	Group              string     `json:"group,omitempty"`
	AppRoleID          string     `json:"appRoleId,omitempty"`
	Scopes             []string   `json:"scopes,omitempty"`
	Roles              []string   `json:"roles,omitempty"`
	RedirectURIs       []string   `json:"redirectUris,omitempty"`
}

// Describe says in one line what the action changes.
func (a *Action) Describe() string {
	switch a.Kind {
	case ActionGrantConsent:
		return fmt.Sprintf("grant %s to app %s for all users (admin consent for this app only)", strings.Join(a.Scopes, ", "), a.AppID)
	case ActionGrantAppRoles:
		return fmt.Sprintf("grant the application permissions %s to app %s", strings.Join(a.Roles, ", "), a.AppID)
	case ActionEnableSignIn:
		return "enable the enterprise app " + a.ServicePrincipalID + " for users to sign in"
	case ActionAssignUser:
		return "assign " + a.UserUPN + " to the enterprise app"
	case ActionAssignGroup:
		return "assign the group " + a.Group + " to the enterprise app (its direct members may then sign in)"
	case ActionAddRedirectURIs:
		return "add the redirect URIs " + strings.Join(a.RedirectURIs, ", ") + " to the app registration"
	case ActionAddPermissions:
		return "add " + strings.Join(append(slices.Clone(a.Scopes), a.Roles...), ", ") + " to the app registration's API permissions"
	}
	return string(a.Kind)
}

// key identifies duplicate actions (several users needing the same grant).
func (a *Action) key() string {
	s := slices.Clone(a.Scopes)
	slices.Sort(s)
	return string(a.Kind) + "|" + a.AppID + a.AppObjectID + a.ServicePrincipalID + a.UserID + a.GroupID + "|" + strings.Join(s, " ") + strings.Join(a.Roles, " ") + strings.Join(a.RedirectURIs, " ")
}

// FixResult records one applied fix.
type FixResult struct {
	Checks []string `json:"checks"`
	Action Action   `json:"action"`
	Done   bool     `json:"done"`
	Error  string   `json:"error,omitempty"`
}

// Planned returns the distinct actions of the report's fixable checks,
// with the checks each one fixes.
func (r *Report) Planned() []FixResult {
	var out []FixResult
	index := map[string]int{}
	for _, c := range r.Fixable() {
		id := c.Key()
		k := c.action.key()
		if i, ok := index[k]; ok {
			out[i].Checks = append(out[i].Checks, id)
			continue
		}
		index[k] = len(out)
		out = append(out, FixResult{Checks: []string{id}, Action: *c.action})
	}
	return out
}

// FixGraph is what the fixes write through.
type FixGraph interface {
	consent.Client
	UpdateApplication(ctx context.Context, objectID string, u graph.ApplicationUpdate) error
	Application(ctx context.Context, objectID string) (*graph.Application, error)
}

// Fixer applies actions: consent through the consent engine, the rest
// with single scoped writes.
type Fixer struct {
	Graph FixGraph
	Wait  *replicate.Waiter
}

// Apply performs one action.
func (x *Fixer) Apply(ctx context.Context, a Action) error {
	g := x.Graph
	switch a.Kind {
	case ActionEnableSignIn:
		enabled := true
		return g.UpdateServicePrincipal(ctx, a.ServicePrincipalID, graph.ServicePrincipalUpdate{AccountEnabled: &enabled})
	case ActionAssignUser, ActionAssignGroup:
		principal := cmp.Or(a.UserID, a.GroupID)
		_, err := g.AssignAppRole(ctx, graph.AppRoleAssignment{AppRoleID: a.AppRoleID, PrincipalID: principal, ResourceID: a.ServicePrincipalID})
		if graph.IsAlreadyExists(err) {
			return nil
		}
		return err
	case ActionGrantConsent, ActionGrantAppRoles:
		eng := &consent.Engine{Graph: g, Wait: x.Wait}
		client, _, err := eng.EnsureServicePrincipal(ctx, a.AppID, a.AppID)
		if err != nil {
			return err
		}
		resource, err := g.ServicePrincipalByAppID(ctx, graph.MicrosoftGraphAppID)
		if err != nil {
			return err
		}
		if a.Kind == ActionGrantConsent {
			_, err = eng.GrantDelegated(ctx, consent.DelegatedRequest{Client: client, Resource: resource, Scopes: a.Scopes})
			return err
		}
		var roles []permissions.Permission
		for _, r := range a.Roles {
			for _, ar := range resource.AppRoles {
				if strings.EqualFold(ar.Value, r) {
					roles = append(roles, permissions.Permission{Kind: permissions.Application, Value: ar.Value, ID: ar.ID, AdminOnly: true})
				}
			}
		}
		_, err = eng.AssignAppRoles(ctx, client, resource, roles)
		return err
	case ActionAddRedirectURIs:
		app, err := g.Application(ctx, a.AppObjectID)
		if err != nil {
			return err
		}
		web := app.Web
		for _, u := range a.RedirectURIs {
			if !slices.Contains(web.RedirectURIs, u) {
				web.RedirectURIs = append(web.RedirectURIs, u)
			}
		}
		return g.UpdateApplication(ctx, a.AppObjectID, graph.ApplicationUpdate{Web: &web})
	case ActionAddPermissions:
		app, err := g.Application(ctx, a.AppObjectID)
		if err != nil {
			return err
		}
		resource, err := g.ServicePrincipalByAppID(ctx, graph.MicrosoftGraphAppID)
		if err != nil {
			return err
		}
		rra := slices.Clone(app.RequiredResourceAccess)
		i := slices.IndexFunc(rra, func(r graph.RequiredResourceAccess) bool {
			return strings.EqualFold(r.ResourceAppID, graph.MicrosoftGraphAppID)
		})
		if i < 0 {
			rra = append(rra, graph.RequiredResourceAccess{ResourceAppID: graph.MicrosoftGraphAppID})
			i = len(rra) - 1
		}
		access := slices.Clone(rra[i].ResourceAccess)
		add := func(id, kind string) {
			if !slices.ContainsFunc(access, func(r graph.ResourceAccess) bool { return strings.EqualFold(r.ID, id) && r.Type == kind }) {
				access = append(access, graph.ResourceAccess{ID: id, Type: kind})
			}
		}
		for _, s := range a.Scopes {
			for _, ps := range resource.OAuth2PermissionScopes {
				if strings.EqualFold(ps.Value, s) {
					add(ps.ID, graph.PermissionTypeScope)
				}
			}
		}
		for _, r := range a.Roles {
			for _, ar := range resource.AppRoles {
				if strings.EqualFold(ar.Value, r) {
					add(ar.ID, graph.PermissionTypeRole)
				}
			}
		}
		rra[i].ResourceAccess = access
		return g.UpdateApplication(ctx, a.AppObjectID, graph.ApplicationUpdate{RequiredResourceAccess: &rra})
	}
	return fmt.Errorf("unknown fix %q", a.Kind)
}

// ApplyFixes applies the planned fixes in order and returns their
// results; a failed fix does not stop the others.
func ApplyFixes(ctx context.Context, x *Fixer, planned []FixResult) []FixResult {
	out := slices.Clone(planned)
	for i := range out {
		if err := x.Apply(ctx, out[i].Action); err != nil {
			out[i].Error = err.Error()
			continue
		}
		out[i].Done = true
	}
	return out
}

// MarkFixed records, on a report made after the fixes, which checks the
// fixes repaired (they now pass).
func (r *Report) MarkFixed(results []FixResult) {
	r.Fixes = results
	fixed := map[string]bool{}
	for _, res := range results {
		if res.Done {
			for _, id := range res.Checks {
				fixed[id] = true
			}
		}
	}
	for i := range r.Checks {
		c := &r.Checks[i]
		if fixed[c.Key()] && c.Status == Pass {
			c.Fixed = true
		}
	}
}
