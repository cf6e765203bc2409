package doctor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/graph"
)

// result is one fact: a value, the error reading it, or the permission
// the token lacked so it was never read.
type result[T any] struct {
	v       T
	err     error
	missing string // permission to add; the read was skipped
	read    read
	done    bool
}

func (r result[T]) ok() bool { return r.done && r.err == nil && r.missing == "" }

// notFound is a 404 (the object does not exist).
func (r result[T]) notFound() bool { return r.done && r.missing == "" && graph.IsNotFound(r.err) }

// skipReason says why a fact is unknown, for a skipped check.
func (r result[T]) skipReason() (string, []string) {
	switch {
	case !r.done:
		return "not checked: an earlier read it depends on failed", nil
	case r.missing != "":
		return fmt.Sprintf("skipped: reading the %s needs the %s permission, which this sign-in lacks (teamsctl login --scopes %s)", r.read.name, r.missing, r.missing), []string{r.missing}
	}
	var fb *graph.Forbidden
	if errors.As(r.err, &fb) && strings.EqualFold(fb.Code, graph.CodeNonPremiumTenant) {
		return fmt.Sprintf("skipped: Microsoft Graph does not serve the %s in a tenant without Microsoft Entra ID P1 or P2 (%s); no directory role or permission changes that. The Entra admin center still shows recent sign-ins.", r.read.name, fb.Code), nil
	}
	if errors.As(r.err, &fb) {
		return fmt.Sprintf("skipped: Microsoft Graph refused to read the %s (%s). A delegated sign-in also needs a directory role that may read it, e.g. Global Reader or Security Reader for Conditional Access and sign-in logs.", r.read.name, fb.Message), nil
	}
	return fmt.Sprintf("skipped: reading the %s failed: %v", r.read.name, r.err), nil
}

// userFacts are the per-user reads.
type userFacts struct {
	ref      string
	user     result[*graph.UserDetail]
	licences result[[]graph.LicenseDetail]
	members  result[*graph.Memberships]
	signIns  result[[]graph.SignIn]
	direct   result[[]graph.AppRoleAssignment]
	// groups are the user's direct groups: only they count for assignment.
	groups result[*graph.Memberships]
	grants result[[]graph.DelegatedGrant]
	whatIf result[[]graph.WhatIfResult]
}

// facts are everything the checks evaluate.
type facts struct {
	o   Options
	exp Expectations

	appID     string // resolved appId ("" when APP is unknown)
	noApp     bool   // no APP argument
	appLookup error  // resolving a name failed

	authz         result[*graph.AuthorizationPolicy]
	consentPolicy result[*graph.AdminConsentRequestPolicy]
	appPolicy     result[*graph.AppManagementPolicy]
	caPolicies    result[[]graph.ConditionalAccessPolicy]
	app           result[*graph.Application]
	sp            result[*graph.ServicePrincipal]
	graphSP       result[*graph.ServicePrincipal]
	grants        result[[]graph.DelegatedGrant]
	groupAssigned result[[]graph.AppRoleAssignment]
	appRoles      result[[]graph.AppRoleAssignment]
	skus          result[[]graph.SubscribedSku]
	secDefaults   result[bool]
	// consentRequest is the app's admin consent request in progress, read
	// only with the workflow on and a user to check.
	consentRequest result[*pendingConsentRequest]
	// nested are the groups nested in an assigned group, by its id: read
	// only for a user who is in it through nesting alone.
	nested map[string]*result[[]graph.Group]
	users  []*userFacts
}

// premium says whether the tenant has Entra ID P1 or P2, and whether that
// is known.
func (f *facts) premium() (has, known bool) {
	if !f.skus.ok() {
		return false, false
	}
	return graph.EntraIDPremium(f.skus.v) != "", true
}

// wave runs tasks concurrently, at most limit at a time.
type wave struct {
	g *errgroup.Group
}

func newWave(ctx context.Context, limit int) (*wave, context.Context) {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	return &wave{g: g}, ctx
}

// fetch schedules one read into r unless the token lacks its permission.
// Errors are kept in r (a check reports them), except those that make the
// whole run pointless: a rejected sign-in or cancellation.
func fetch[T any](w *wave, ctx context.Context, tok Token, rd read, r *result[T], fn func(ctx context.Context) (T, error)) {
	r.read, r.done = rd, true
	if ok, missing := rd.allowed(tok); !ok {
		r.missing = missing
		return
	}
	w.g.Go(func() error {
		r.v, r.err = fn(ctx)
		var authErr *auth.RequiredError
		if errors.As(r.err, &authErr) || errors.Is(r.err, context.Canceled) {
			return r.err
		}
		return nil
	})
}

func gather(ctx context.Context, o Options, exp Expectations) (*facts, error) {
	f := &facts{o: o, exp: exp, noApp: strings.TrimSpace(exp.App) == ""}
	g, tok := o.Graph, o.Token

	// Wave 0, only for an app given by name: find its appId.
	if !f.noApp {
		ref := strings.TrimSpace(exp.App)
		if appreg.IsGUID(ref) {
			f.appID = ref
		} else if ok, missing := readApp.allowed(tok); !ok {
			f.app = result[*graph.Application]{done: true, read: readApp, missing: missing}
		} else {
			a, err := appreg.Find(ctx, g, ref)
			f.app = result[*graph.Application]{done: true, read: readApp, v: a, err: err}
			if err == nil {
				f.appID = a.AppID
			} else {
				var authErr *auth.RequiredError
				if errors.As(err, &authErr) {
					return nil, err
				}
				f.appLookup = err
			}
		}
	}

	// Wave 1: everything that needs only the inputs.
	w, wctx := newWave(ctx, o.Concurrency)
	fetch(w, wctx, tok, readAuthzPolicy, &f.authz, g.AuthorizationPolicy)
	fetch(w, wctx, tok, readConsentPolicy, &f.consentPolicy, g.AdminConsentRequestPolicy)
	fetch(w, wctx, tok, readAppPolicy, &f.appPolicy, g.DefaultAppManagementPolicy)
	fetch(w, wctx, tok, readSubscriptions, &f.skus, g.SubscribedSkus)
	fetch(w, wctx, tok, readSecurityDefaults, &f.secDefaults, g.SecurityDefaultsEnabled)
	fetch(w, wctx, tok, readGraphSP, &f.graphSP, func(ctx context.Context) (*graph.ServicePrincipal, error) {
		return g.ServicePrincipalByAppID(ctx, graph.MicrosoftGraphAppID)
	})
	if f.appID != "" {
		if !f.app.done {
			fetch(w, wctx, tok, readApp, &f.app, func(ctx context.Context) (*graph.Application, error) {
				return g.ApplicationByAppID(ctx, f.appID)
			})
		}
		fetch(w, wctx, tok, readSP, &f.sp, func(ctx context.Context) (*graph.ServicePrincipal, error) {
			return g.ServicePrincipalByAppID(ctx, f.appID)
		})
	}
	for _, ref := range o.Users {
		u := &userFacts{ref: ref}
		f.users = append(f.users, u)
		fetch(w, wctx, tok, readUser, &u.user, func(ctx context.Context) (*graph.UserDetail, error) { return g.UserDetail(ctx, ref) })
		fetch(w, wctx, tok, readLicences, &u.licences, func(ctx context.Context) ([]graph.LicenseDetail, error) { return g.LicenseDetails(ctx, ref) })
		fetch(w, wctx, tok, readMemberships, &u.members, func(ctx context.Context) (*graph.Memberships, error) {
			return g.TransitiveMemberships(ctx, ref)
		})
		fetch(w, wctx, tok, readMemberships, &u.groups, func(ctx context.Context) (*graph.Memberships, error) {
			return g.DirectMemberships(ctx, ref)
		})
		if f.appID != "" {
			fetch(w, wctx, tok, readSignIns, &u.signIns, func(ctx context.Context) ([]graph.SignIn, error) {
				return g.SignIns(ctx, graph.SignInQuery{UserPrincipalName: ref, AppID: f.appID, Top: 20})
			})
		}
	}
	if err := w.g.Wait(); err != nil {
		return nil, err
	}

	// Wave 2: reads that need the ids found in wave 1.
	w, wctx = newWave(ctx, o.Concurrency)
	if f.sp.ok() {
		spID := f.sp.v.ID
		fetch(w, wctx, tok, readGrants, &f.grants, func(ctx context.Context) ([]graph.DelegatedGrant, error) {
			return g.ClientGrants(ctx, spID, "")
		})
		fetch(w, wctx, tok, readAssignments, &f.groupAssigned, func(ctx context.Context) ([]graph.AppRoleAssignment, error) {
			return g.AssignmentsTo(ctx, spID, graph.AssignmentFilter{PrincipalType: "Group", Top: 100})
		})
		// The roles are expected, or asked for by the app registration
		// (known once wave 1 read it).
		if _, roles, _ := f.required(); len(roles) > 0 {
			fetch(w, wctx, tok, readAppRoles, &f.appRoles, func(ctx context.Context) ([]graph.AppRoleAssignment, error) {
				return g.AppRoleAssignmentsOf(ctx, spID)
			})
		}
	}
	for _, u := range f.users {
		if !u.user.ok() {
			continue
		}
		userID := u.user.v.ID
		if f.sp.ok() {
			spID := f.sp.v.ID
			fetch(w, wctx, tok, readGrants, &u.grants, func(ctx context.Context) ([]graph.DelegatedGrant, error) {
				return g.ClientGrants(ctx, spID, userID)
			})
			fetch(w, wctx, tok, readAssignments, &u.direct, func(ctx context.Context) ([]graph.AppRoleAssignment, error) {
				return g.AssignmentsTo(ctx, spID, graph.AssignmentFilter{PrincipalID: userID})
			})
		}
		// Without Entra ID P1 there is no Conditional Access to evaluate.
		if has, known := f.premium(); f.appID != "" && (has || !known) {
			fetch(w, wctx, tok, evaluateCA, &u.whatIf, func(ctx context.Context) ([]graph.WhatIfResult, error) {
				return g.EvaluateConditionalAccess(ctx, userID, f.appID)
			})
		}
	}
	if err := w.g.Wait(); err != nil {
		return nil, err
	}

	// Wave 3, only when needed. Where What If could not evaluate a user's
	// Conditional Access: list the policies to evaluate them locally.
	// Listing is what costs on a large tenant (hundreds of policies,
	// several pages), so it is not done when What If answered. And for a
	// user in an assigned group only through nesting: the groups nested in
	// it, to name the user's own group inside it.
	has, known := f.premium()
	needCA := false
	for _, u := range f.users {
		needCA = needCA || (!u.whatIf.ok() && (has || !known))
	}
	nested := f.nestedToRead()
	cr, readRequests := g.(graph.ConsentRequests)
	readRequests = readRequests && f.appID != "" && len(f.users) > 0 && f.consentPolicy.ok() && f.consentPolicy.v.IsEnabled
	if needCA || len(nested) > 0 || readRequests {
		w, wctx = newWave(ctx, o.Concurrency)
		if needCA {
			fetch(w, wctx, tok, readCA, &f.caPolicies, g.ConditionalAccessPolicies)
		}
		f.nested = map[string]*result[[]graph.Group]{}
		for _, id := range nested {
			r := &result[[]graph.Group]{}
			f.nested[id] = r
			fetch(w, wctx, tok, readMemberships, r, func(ctx context.Context) ([]graph.Group, error) { return g.NestedGroups(ctx, id) })
		}
		// With the admin consent workflow on: the request users may have
		// sent for this app, to name it beside their AADSTS90095.
		if readRequests {
			fetch(w, wctx, tok, readConsentRequests, &f.consentRequest, func(ctx context.Context) (*pendingConsentRequest, error) {
				return pendingRequestFor(ctx, cr, f.appID)
			})
		}
		if err := w.g.Wait(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// pendingConsentRequest is an app's admin consent request in progress and
// the users' requests in it.
type pendingConsentRequest struct {
	graph.AppConsentRequest
	Users []graph.UserConsentRequest
}

// pendingRequestFor reads the app's request in progress (nil if none): the
// requests in progress, filtered by Graph, then its users' requests.
func pendingRequestFor(ctx context.Context, g graph.ConsentRequests, appID string) (*pendingConsentRequest, error) {
	apps, err := g.AppConsentRequests(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		if strings.EqualFold(a.AppID, appID) {
			users, err := g.UserConsentRequests(ctx, a.ID, true)
			if err != nil {
				return nil, err
			}
			return &pendingConsentRequest{AppConsentRequest: a, Users: users}, nil
		}
	}
	return nil, nil
}

// userRequest is the user's request in progress in the app's pending
// admin consent request, if any.
func (f *facts) userRequest(u *userFacts) (*pendingConsentRequest, *graph.UserConsentRequest) {
	if !f.consentRequest.ok() || f.consentRequest.v == nil {
		return nil, nil
	}
	r := f.consentRequest.v
	for i, ur := range r.Users {
		if strings.EqualFold(ur.UserPrincipalName, u.ref) || strings.EqualFold(ur.UserID, u.ref) ||
			(u.user.ok() && (strings.EqualFold(ur.UserID, u.user.v.ID) || strings.EqualFold(ur.UserPrincipalName, u.user.v.UserPrincipalName))) {
			return r, &r.Users[i]
		}
	}
	return r, nil
}

// nestedToRead are the assigned groups some user is in only through a
// nested group (in the transitive but not the direct memberships), when
// the user is not assigned directly.
func (f *facts) nestedToRead() []string {
	if !f.groupAssigned.ok() {
		return nil
	}
	var ids []string
	for _, u := range f.users {
		if !u.direct.ok() || len(u.direct.v) > 0 || !u.members.ok() || !u.groups.ok() {
			continue
		}
		for _, a := range f.groupAssigned.v {
			id := a.PrincipalID
			if memberOf(u.members.v, id) && !memberOf(u.groups.v, id) && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

func memberOf(m *graph.Memberships, groupID string) bool {
	return slices.ContainsFunc(m.Groups, func(g graph.Group) bool { return strings.EqualFold(g.ID, groupID) })
}

// graphSPID is Microsoft Graph's service principal id ("" if unknown).
func (f *facts) graphSPID() string {
	if f.graphSP.ok() {
		return f.graphSP.v.ID
	}
	return ""
}

func (f *facts) appInfo() *AppInfo {
	info := &AppInfo{Ref: f.exp.App, AppID: f.appID, Kind: "unknown"}
	if f.app.ok() {
		info.Kind, info.DisplayName = "own", f.app.v.DisplayName
	}
	if f.sp.ok() {
		info.ServicePrincipalID = f.sp.v.ID
		if info.DisplayName == "" {
			info.DisplayName = f.sp.v.DisplayName
		}
		if info.Kind == "unknown" && f.app.notFound() {
			info.Kind = "vendor"
		}
	}
	return info
}
