package integrations

import (
	"context"
	"strings"
	"sync"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// memo is a read made once: the first caller's answer is every caller's.
type memo[T any] struct {
	mu   sync.Mutex
	done bool
	v    T
	err  error
}

func (m *memo[T]) get(ctx context.Context, read func(context.Context) (T, error)) (T, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.done {
		m.v, m.err = read(ctx)
		m.done = true
	}
	return m.v, m.err
}

// readsGraph answers doctor's reads from what the inventory read, so
// doctor's checks cost no request per integration: the enterprise apps,
// registrations, grants and app roles come from the inventory's filtered
// queries, the tenant-wide policies are read once for all integrations,
// and anything else goes to Graph.
type readsGraph struct {
	Graph
	inv *inventory

	authz       memo[*graph.AuthorizationPolicy]
	consent     memo[*graph.AdminConsentRequestPolicy]
	appPolicy   memo[*graph.AppManagementPolicy]
	secDefaults memo[bool]
}

func newReadsGraph(inv *inventory) *readsGraph { return &readsGraph{Graph: inv.o.Graph, inv: inv} }

func (r *readsGraph) AuthorizationPolicy(ctx context.Context) (*graph.AuthorizationPolicy, error) {
	return r.authz.get(ctx, r.Graph.AuthorizationPolicy)
}

func (r *readsGraph) AdminConsentRequestPolicy(ctx context.Context) (*graph.AdminConsentRequestPolicy, error) {
	return r.consent.get(ctx, r.Graph.AdminConsentRequestPolicy)
}

func (r *readsGraph) DefaultAppManagementPolicy(ctx context.Context) (*graph.AppManagementPolicy, error) {
	return r.appPolicy.get(ctx, r.Graph.DefaultAppManagementPolicy)
}

func (r *readsGraph) SecurityDefaultsEnabled(ctx context.Context) (bool, error) {
	return r.secDefaults.get(ctx, r.Graph.SecurityDefaultsEnabled)
}

func (r *readsGraph) SubscribedSkus(ctx context.Context) ([]graph.SubscribedSku, error) {
	return r.inv.skus, r.inv.skusErr
}

func (r *readsGraph) ServicePrincipalByAppID(ctx context.Context, appID string) (*graph.ServicePrincipal, error) {
	if strings.EqualFold(appID, graph.MicrosoftGraphAppID) {
		return r.inv.graphSP, nil
	}
	if c, ok := r.inv.byAppID[strings.ToLower(appID)]; ok {
		if c.sp == nil {
			return nil, notFound("service principal for appId " + appID)
		}
		return c.sp, nil
	}
	return r.Graph.ServicePrincipalByAppID(ctx, appID)
}

func (r *readsGraph) ApplicationByAppID(ctx context.Context, appID string) (*graph.Application, error) {
	if _, ok := r.inv.byAppID[strings.ToLower(appID)]; ok && r.inv.appsRead {
		if a := r.inv.ownApps[strings.ToLower(appID)]; a != nil {
			return a, nil
		}
		return nil, notFound("application with appId " + appID)
	}
	return r.Graph.ApplicationByAppID(ctx, appID)
}

// ClientGrants answers a client's tenant-wide grants from the grants on
// Microsoft Graph (the only resource doctor's consent check compares).
func (r *readsGraph) ClientGrants(ctx context.Context, clientID, userID string) ([]graph.DelegatedGrant, error) {
	if userID != "" {
		return r.Graph.ClientGrants(ctx, clientID, userID)
	}
	out := []graph.DelegatedGrant{}
	for _, g := range r.inv.grants {
		if strings.EqualFold(g.ClientID, clientID) && g.ConsentType == graph.ConsentAllPrincipals {
			out = append(out, g)
		}
	}
	return out, nil
}

// AppRoleAssignmentsOf answers a client's app roles on Microsoft Graph
// (the only resource doctor's application permission check compares).
func (r *readsGraph) AppRoleAssignmentsOf(ctx context.Context, principalSPID string) ([]graph.AppRoleAssignment, error) {
	out := []graph.AppRoleAssignment{}
	for _, a := range r.inv.roles {
		if strings.EqualFold(a.PrincipalID, principalSPID) {
			out = append(out, a)
		}
	}
	return out, nil
}

// AssignmentsTo answers the groups assigned to an integration from its
// assignments, read whole for the count.
func (r *readsGraph) AssignmentsTo(ctx context.Context, resourceID string, f graph.AssignmentFilter) ([]graph.AppRoleAssignment, error) {
	var c *candidate
	for _, cand := range r.inv.byAppID {
		if cand.sp != nil && strings.EqualFold(cand.sp.ID, resourceID) {
			c = cand
		}
	}
	if c == nil || f.PrincipalID != "" {
		return r.Graph.AssignmentsTo(ctx, resourceID, f)
	}
	if c.assignedErr != nil {
		return nil, c.assignedErr
	}
	out := []graph.AppRoleAssignment{}
	for _, a := range c.assigned {
		if f.PrincipalType == "" || strings.EqualFold(a.PrincipalType, f.PrincipalType) {
			out = append(out, a)
		}
		if f.Top > 0 && len(out) == f.Top {
			break
		}
	}
	return out, nil
}

// notFound is the NotFound an empty filtered read means.
func notFound(what string) error {
	return &graph.NotFound{APIError: &graph.APIError{Status: 404, Code: "Request_ResourceNotFound",
		Message: "no " + what + " in this tenant"}}
}
