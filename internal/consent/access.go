package consent

import (
	"context"
	"fmt"
	"strings"

	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/plan"
)

// Principal is a user or group an enterprise app is assigned to.
type Principal struct {
	ID   string `json:"id"`
	Type string `json:"type"` // User or Group
	Name string `json:"name"`
}

// NotAssignedError is an unassign of a principal that holds no assignment.
type NotAssignedError struct {
	App       string
	Principal Principal
}

func (e *NotAssignedError) Error() string {
	return fmt.Sprintf("nothing to remove: %s %s is not assigned to %s", strings.ToLower(e.Principal.Type), e.Principal.Name, e.App)
}

// Hint implements the hint convention.
func (e *NotAssignedError) Hint() string {
	return "Run 'teamsctl app assignments APP' to see who is assigned."
}

// Assignments lists the users and groups assigned to the enterprise app
// (application permissions held by other apps are left out).
func (e *Engine) Assignments(ctx context.Context, sp *graph.ServicePrincipal) ([]graph.AppRoleAssignment, error) {
	all, err := e.Graph.AppRoleAssignedTo(ctx, sp.ID)
	if err != nil {
		return nil, err
	}
	out := []graph.AppRoleAssignment{}
	for _, a := range all {
		if a.PrincipalType == "User" || a.PrincipalType == "Group" {
			out = append(out, a)
		}
	}
	return out, nil
}

func assignedTo(list []graph.AppRoleAssignment, principalID string) []graph.AppRoleAssignment {
	var out []graph.AppRoleAssignment
	for _, a := range list {
		if strings.EqualFold(a.PrincipalID, principalID) {
			out = append(out, a)
		}
	}
	return out
}

// Assign gives the principal the app's default access, unless it already
// holds an assignment (then nothing changes).
func (e *Engine) Assign(ctx context.Context, sp *graph.ServicePrincipal, p Principal) error {
	return e.AssignAll(ctx, sp, []Principal{p})
}

// AssignAll assigns each principal like Assign, reading the app's
// assignments once. It stops at the first failure; a re-run assigns the
// rest.
func (e *Engine) AssignAll(ctx context.Context, sp *graph.ServicePrincipal, ps []Principal) error {
	have, err := e.Assignments(ctx, sp)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if err := e.assign(ctx, sp, p, have); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) assign(ctx context.Context, sp *graph.ServicePrincipal, p Principal, have []graph.AppRoleAssignment) error {
	target := fmt.Sprintf("%s -> %s", p.Name, label(sp.DisplayName, sp.AppID))
	if len(assignedTo(have, p.ID)) > 0 {
		e.Steps.Add("assign", target, plan.Unchanged)
		return nil
	}
	if e.DryRun {
		e.Steps.Add("assign", target, plan.Planned, strings.ToLower(p.Type))
		return nil
	}
	_, err := e.Graph.AssignAppRole(ctx, graph.AppRoleAssignment{AppRoleID: graph.DefaultAccessAppRoleID, PrincipalID: p.ID, ResourceID: sp.ID})
	if err != nil {
		return e.fail("assign", target, err)
	}
	e.Steps.Add("assign", target, plan.Done, strings.ToLower(p.Type))
	return nil
}

// Unassign removes every assignment of the principal to the app.
func (e *Engine) Unassign(ctx context.Context, sp *graph.ServicePrincipal, p Principal) error {
	target := fmt.Sprintf("%s -> %s", p.Name, label(sp.DisplayName, sp.AppID))
	have, err := e.Assignments(ctx, sp)
	if err != nil {
		return err
	}
	remove := assignedTo(have, p.ID)
	if len(remove) == 0 {
		return &NotAssignedError{App: label(sp.DisplayName, sp.AppID), Principal: p}
	}
	if e.DryRun {
		e.Steps.Add("unassign", target, plan.Planned)
		return nil
	}
	for _, a := range remove {
		if err := e.Graph.RemoveAppRoleAssignment(ctx, sp.ID, a.ID); err != nil && !graph.IsNotFound(err) {
			return e.fail("unassign", target, err)
		}
	}
	e.Steps.Add("unassign", target, plan.Done)
	return nil
}

// AccessSettings are the enterprise-app settings vendors' troubleshooting
// pages send admins to; nil leaves a setting alone.
type AccessSettings struct {
	AssignmentRequired *bool
	SignInEnabled      *bool
}

// SetAccess changes the settings that differ from sp's.
func (e *Engine) SetAccess(ctx context.Context, sp *graph.ServicePrincipal, s AccessSettings) error {
	target := label(sp.DisplayName, sp.AppID)
	var u graph.ServicePrincipalUpdate
	var details []string
	if s.AssignmentRequired != nil && *s.AssignmentRequired != sp.AppRoleAssignmentRequired {
		u.AppRoleAssignmentRequired = s.AssignmentRequired
		details = append(details, fmt.Sprintf("assignment required: %t -> %t", sp.AppRoleAssignmentRequired, *s.AssignmentRequired))
	}
	if s.SignInEnabled != nil && *s.SignInEnabled != sp.AccountEnabled {
		u.AccountEnabled = s.SignInEnabled
		details = append(details, fmt.Sprintf("enabled for sign-in: %t -> %t", sp.AccountEnabled, *s.SignInEnabled))
	}
	if len(details) == 0 {
		e.Steps.Add("set-access", target, plan.Unchanged)
		return nil
	}
	if e.DryRun {
		e.Steps.Add("set-access", target, plan.Planned, details...)
		return nil
	}
	if err := e.Graph.UpdateServicePrincipal(ctx, sp.ID, u); err != nil {
		return e.fail("set-access", target, err)
	}
	if u.AppRoleAssignmentRequired != nil {
		sp.AppRoleAssignmentRequired = *u.AppRoleAssignmentRequired
	}
	if u.AccountEnabled != nil {
		sp.AccountEnabled = *u.AccountEnabled
	}
	e.Steps.Add("set-access", target, plan.Done, details...)
	return nil
}
