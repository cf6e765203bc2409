package graph

import "context"

// Inventory is the tenant-wide area of the Graph client that `teamsctl
// integrations` reads: objects by lists of keys and the consent given to
// one resource, each a filtered query (never a listing of every service
// principal). Lists of keys are sent in chunks of MaxInValues.
type Inventory interface {
	// ServicePrincipalsByAppIDs returns the service principals of these
	// appIds that exist in the tenant ($filter=appId in (...)).
	ServicePrincipalsByAppIDs(ctx context.Context, appIDs []string) ([]ServicePrincipal, error)
	// ServicePrincipalsByIDs returns the service principals with these
	// object ids ($filter=id in (...)); missing ones are left out.
	ServicePrincipalsByIDs(ctx context.Context, ids []string) ([]ServicePrincipal, error)
	// ApplicationsByAppIDs returns the app registrations of this tenant with
	// these appIds ($filter=appId in (...)).
	ApplicationsByAppIDs(ctx context.Context, appIDs []string) ([]Application, error)
	// ApplicationsTagged returns the app registrations carrying tag
	// ($filter=tags/any(t:t eq '...')).
	ApplicationsTagged(ctx context.Context, tag string) ([]Application, error)
	// GrantsToResource lists every delegated grant (tenant-wide and
	// per-user) to one resource service principal
	// ($filter=resourceId eq '...').
	GrantsToResource(ctx context.Context, resourceID string) ([]DelegatedGrant, error)
}

// MaxInValues is how many values teamsctl puts in one $filter "in (...)"
// clause: Microsoft Graph limits directory queries to 15 values or
// comparisons in a filter ("Query parameter limitations" of
// https://learn.microsoft.com/graph/aad-advanced-queries).
const MaxInValues = 15

// Chunks splits keys into slices of at most n, in order.
func Chunks(keys []string, n int) [][]string {
	var out [][]string
	for len(keys) > n {
		out = append(out, keys[:n:n])
		keys = keys[n:]
	}
	if len(keys) > 0 {
		out = append(out, keys)
	}
	return out
}
