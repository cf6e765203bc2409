package doctor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/teamsctl/teamsctl/internal/causes"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
)

// evaluator turns facts into checks; the checks of each report group are
// in checks_<group>.go.
type evaluator struct {
	f      *facts
	checks []Check
	// scopes and roles are the Graph permissions the app needs, and where
	// that list came from.
	scopes, roles []string
	source        string
}

// evaluate runs every check. The order is not the report's: a check that
// can be downstream of another runs after it, so it can say so (the
// enterprise app before the app registration and the tenant's consent
// setting; per-user checks last). sortChecks restores report order.
func evaluate(f *facts) []Check {
	e := &evaluator{f: f}
	e.scopes, e.roles, e.source = f.required()
	if !f.noApp {
		e.enterpriseApp()
		e.app()
	}
	e.tenant()
	e.licensing()
	e.rooms()
	for _, u := range f.users {
		e.user(u)
	}
	e.teams()
	markRootCauses(e.checks)
	sortChecks(e.checks, f.o.Users)
	return e.checks
}

func definition(id string) Definition {
	for _, d := range Catalog() {
		if d.ID == id {
			return d
		}
	}
	panic("doctor: unknown check " + id)
}

func (e *evaluator) add(id, subject string, status Status, observed, why string, fix *Fix) *Check {
	d := definition(id)
	e.checks = append(e.checks, Check{ID: id, Group: d.Group, Subject: subject, Title: d.Title, Status: status,
		Observed: observed, Why: why, Fix: fix})
	return &e.checks[len(e.checks)-1]
}

// problem returns the check id (for subject) when it failed or warned,
// following a downstream check to its root cause; nil when it passed,
// skipped or has not run yet.
func (e *evaluator) problem(id, subject string) *Check {
	for i := range e.checks {
		c := &e.checks[i]
		if c.ID != id || !strings.EqualFold(c.Subject, subject) {
			continue
		}
		switch c.Status {
		case Fail, Warn:
			return c
		case Downstream:
			return e.byKey(c.Because)
		}
		return nil
	}
	return nil
}

func (e *evaluator) byKey(key string) *Check {
	for i := range e.checks {
		if e.checks[i].Key() == key {
			return &e.checks[i]
		}
	}
	return nil
}

// downstream adds check id as a consequence of root: what it observed
// still shows, but fixing root fixes it, so it is not a failure of its own.
// A check calls it only where its root cannot have passed (the two read
// the same facts), so a nil root is a bug in the checks.
func (e *evaluator) downstream(id, subject string, root *Check, observed, why string) *Check {
	if root == nil {
		panic("doctor: " + id + " is downstream of a check that did not fail")
	}
	because := root.Key()
	c := e.add(id, subject, Downstream, observed, why, nil)
	c.Because = because
	return c
}

// markRootCauses flags the checks that downstream checks name.
func markRootCauses(checks []Check) {
	roots := map[string]bool{}
	for _, c := range checks {
		if c.Because != "" {
			roots[c.Because] = true
		}
	}
	for i := range checks {
		if roots[checks[i].Key()] {
			checks[i].RootCause = true
		}
	}
}

// skip adds a skipped check for an unknown fact.
func skipFor[T any](e *evaluator, id, subject string, r result[T]) {
	reason, missing := r.skipReason()
	c := e.add(id, subject, Skip, reason, "", nil)
	c.MissingPermissions = missing
}

// required returns the delegated scopes and app roles the integration
// needs: the expectations, else what the app registration asks of
// Microsoft Graph.
func (f *facts) required() (scopes, roles []string, source string) {
	scopes, roles = f.exp.DelegatedScopes, f.exp.ApplicationRoles
	if len(scopes) > 0 || len(roles) > 0 {
		return scopes, roles, "expected"
	}
	if !f.app.ok() || !f.graphSP.ok() {
		return nil, nil, ""
	}
	for _, rra := range f.app.v.RequiredResourceAccess {
		if !strings.EqualFold(rra.ResourceAppID, graph.MicrosoftGraphAppID) {
			continue
		}
		for _, ra := range rra.ResourceAccess {
			if ra.Type == graph.PermissionTypeScope {
				if s, ok := f.scopeByID(ra.ID); ok {
					scopes = append(scopes, s.Value)
				}
			} else if r, ok := f.roleByID(ra.ID); ok {
				roles = append(roles, r.Value)
			}
		}
	}
	return scopes, roles, "app registration"
}

// unknownRequired are the Microsoft Graph permission ids the app
// registration requires that Graph's service principal does not publish.
func (f *facts) unknownRequired() []permissions.Unknown {
	if !f.app.ok() || !f.graphSP.ok() {
		return nil
	}
	sp := f.graphSP.v
	cat := &permissions.Catalog{ResourceAppID: sp.AppID, ResourceSPID: sp.ID, DisplayName: sp.DisplayName, Scopes: sp.OAuth2PermissionScopes, Roles: sp.AppRoles}
	_, _, unknown := consent.Required(f.app.v, cat)
	return unknown
}

func (f *facts) scopeByID(id string) (graph.PermissionScope, bool) {
	for _, s := range f.graphSP.v.OAuth2PermissionScopes {
		if strings.EqualFold(s.ID, id) {
			return s, true
		}
	}
	return graph.PermissionScope{}, false
}

func (f *facts) scope(value string) (graph.PermissionScope, bool) {
	if !f.graphSP.ok() {
		return graph.PermissionScope{}, false
	}
	for _, s := range f.graphSP.v.OAuth2PermissionScopes {
		if strings.EqualFold(s.Value, value) {
			return s, true
		}
	}
	return graph.PermissionScope{}, false
}

func (f *facts) roleByID(id string) (graph.AppRole, bool) {
	for _, r := range f.graphSP.v.AppRoles {
		if strings.EqualFold(r.ID, id) {
			return r, true
		}
	}
	return graph.AppRole{}, false
}

func (f *facts) role(value string) (graph.AppRole, bool) {
	if !f.graphSP.ok() {
		return graph.AppRole{}, false
	}
	for _, r := range f.graphSP.v.AppRoles {
		if strings.EqualFold(r.Value, value) {
			return r, true
		}
	}
	return graph.AppRole{}, false
}

// appLabel names the app in commands: its appId, else the argument.
func (f *facts) appLabel() string {
	if f.appID != "" {
		return f.appID
	}
	if f.exp.App != "" {
		return f.exp.App
	}
	return "<appId>"
}

func (f *facts) appName() string {
	switch {
	case f.app.ok():
		return f.app.v.DisplayName
	case f.sp.ok():
		return f.sp.v.DisplayName
	}
	return f.appLabel()
}

// covered returns the scopes of want that grants do not cover.
func uncovered(want []string, grants []graph.DelegatedGrant, resourceID string) []string {
	var have []string
	for _, g := range grants {
		if resourceID == "" || strings.EqualFold(g.ResourceID, resourceID) {
			have = append(have, strings.Fields(g.Scope)...)
		}
	}
	var missing []string
	for _, w := range want {
		if !containsFold(have, w) {
			missing = append(missing, w)
		}
	}
	return missing
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

func joinOr(list []string, none string) string {
	if len(list) == 0 {
		return none
	}
	return strings.Join(list, ", ")
}

func (e *evaluator) consentCommand(scopes []string) string {
	return fmt.Sprintf("teamsctl consent grant %s --delegated %s", e.f.appLabel(), strings.Join(scopes, ","))
}

func orDefault(list []string, def string) []string {
	if len(list) == 0 {
		return []string{def}
	}
	return list
}

func causeFix(c causes.Cause) *Fix {
	return &Fix{Command: c.Fix.Command, Portal: c.Fix.Portal, PowerShell: c.Fix.PowerShell, Note: c.Fix.Note}
}
