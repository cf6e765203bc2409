package appreg

import (
	"context"
	"sync"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// Reads is a graph.Client that sends a command's independent first reads
// together (one round trip instead of one each) and skips reads whose
// answer this run already knows, so `app create` against a tenant 100 ms
// away takes four round trips: find the app, resolve the permissions, read
// the roles and the secret policy together; create the app; its service
// principal and secret together; the grant.
//
// It answers from memory only what cannot have changed meanwhile: the
// Microsoft Graph service principal, the user's roles and the app
// management policy (once per run); the prefetched name lookup (once); a
// service principal of an app created in this run (none yet: the first
// lookup is answered "not found", and a conflicting create re-reads);
// grants of a service principal created in this run (none yet, once).
// Everything else goes to Graph.
type Reads struct {
	graph.Client

	graphSP func() (*graph.ServicePrincipal, error)
	roles   func() ([]graph.DirectoryRole, error)
	policy  func() (*graph.AppManagementPolicy, error)

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	byName  map[string]func() ([]graph.Application, error)
	newApps map[string]bool // appIds created in this run
	newSPs  map[string]bool // service principal ids created in this run
}

// Prefetch says which reads to start at once.
type Prefetch struct {
	// Name starts the lookup of the app registrations with this name.
	Name string
	// GraphSP starts reading Microsoft Graph's service principal (its
	// permission catalog and the consent resource).
	GraphSP bool
	// Roles starts reading the user's directory roles.
	Roles bool
	// Policy starts reading the default app management policy.
	Policy bool
}

// NewReads wraps g; the memoized reads run with ctx. Close it when the
// command ends: a prefetched read nobody needed is cancelled then.
func NewReads(ctx context.Context, g graph.Client) *Reads {
	ctx, cancel := context.WithCancel(ctx)
	r := &Reads{Client: g, ctx: ctx, cancel: cancel, byName: map[string]func() ([]graph.Application, error){},
		newApps: map[string]bool{}, newSPs: map[string]bool{}}
	r.graphSP = sync.OnceValues(func() (*graph.ServicePrincipal, error) {
		return g.ServicePrincipalByAppID(ctx, graph.MicrosoftGraphAppID)
	})
	r.roles = sync.OnceValues(func() ([]graph.DirectoryRole, error) { return g.MyDirectoryRoles(ctx) })
	r.policy = sync.OnceValues(func() (*graph.AppManagementPolicy, error) { return g.DefaultAppManagementPolicy(ctx) })
	return r
}

// Start sends the reads p asks for, concurrently, without waiting: the
// calls that need them wait for their answers.
func (r *Reads) Start(p Prefetch) {
	ctx := r.ctx
	if p.Name != "" {
		name := p.Name
		f := sync.OnceValues(func() ([]graph.Application, error) { return r.Client.ApplicationsByName(ctx, name) })
		r.mu.Lock()
		r.byName[name] = f
		r.mu.Unlock()
		r.wg.Go(func() { _, _ = f() })
	}
	if p.GraphSP {
		r.wg.Go(func() { _, _ = r.graphSP() })
	}
	if p.Roles {
		r.wg.Go(func() { _, _ = r.roles() })
	}
	if p.Policy {
		r.wg.Go(func() { _, _ = r.policy() })
	}
}

// Close cancels the prefetched reads nobody waited for and waits for
// them, so no request outlives the command.
func (r *Reads) Close() {
	r.cancel()
	r.wg.Wait()
}

// ApplicationsByName answers the prefetched lookup once, then asks Graph.
func (r *Reads) ApplicationsByName(ctx context.Context, name string) ([]graph.Application, error) {
	r.mu.Lock()
	f := r.byName[name]
	delete(r.byName, name)
	r.mu.Unlock()
	if f != nil {
		return f()
	}
	return r.Client.ApplicationsByName(ctx, name)
}

// MyDirectoryRoles reads the roles once per run.
func (r *Reads) MyDirectoryRoles(context.Context) ([]graph.DirectoryRole, error) { return r.roles() }

// DefaultAppManagementPolicy reads the policy once per run.
func (r *Reads) DefaultAppManagementPolicy(context.Context) (*graph.AppManagementPolicy, error) {
	return r.policy()
}

// UpsertApplication remembers an app it created: it has no service
// principal.
func (r *Reads) UpsertApplication(ctx context.Context, uniqueName string, in graph.ApplicationCreate) (*graph.Application, bool, error) {
	app, created, err := r.Client.UpsertApplication(ctx, uniqueName, in)
	if err == nil && created && app != nil {
		r.mu.Lock()
		r.newApps[app.AppID] = true
		r.mu.Unlock()
	}
	return app, created, err
}

// ServicePrincipalByAppID answers Microsoft Graph's from memory, and "not
// found" (once) for an app created in this run.
func (r *Reads) ServicePrincipalByAppID(ctx context.Context, appID string) (*graph.ServicePrincipal, error) {
	if appID == graph.MicrosoftGraphAppID {
		sp, err := r.graphSP()
		if err != nil {
			return nil, err
		}
		cp := *sp
		return &cp, nil
	}
	r.mu.Lock()
	isNew := r.newApps[appID]
	delete(r.newApps, appID)
	r.mu.Unlock()
	if isNew {
		return nil, &graph.NotFound{APIError: &graph.APIError{Status: 404, Code: "Request_ResourceNotFound",
			Message: "no service principal yet for an application created in this run"}}
	}
	return r.Client.ServicePrincipalByAppID(ctx, appID)
}

// UpsertServicePrincipal remembers a service principal it created: it has
// no grants.
func (r *Reads) UpsertServicePrincipal(ctx context.Context, appID string) (*graph.ServicePrincipal, bool, error) {
	sp, created, err := r.Client.UpsertServicePrincipal(ctx, appID)
	if err == nil && created && sp != nil {
		r.mu.Lock()
		r.newSPs[sp.ID] = true
		r.mu.Unlock()
	}
	return sp, created, err
}

// DelegatedGrants answers "none" (once) for a service principal created
// in this run.
func (r *Reads) DelegatedGrants(ctx context.Context, clientID, resourceID string) ([]graph.DelegatedGrant, error) {
	r.mu.Lock()
	isNew := r.newSPs[clientID]
	delete(r.newSPs, clientID)
	r.mu.Unlock()
	if isNew {
		return nil, nil
	}
	return r.Client.DelegatedGrants(ctx, clientID, resourceID)
}
