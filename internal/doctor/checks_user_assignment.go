package doctor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// The "User" group's assignment check. Entra lets a user sign in to an app
// that requires assignment when the user is assigned directly, or is a
// direct member of an assigned group, and then only if the tenant has
// Entra ID P1 or P2 and the group is a security or Microsoft 365 group:
// membership through a nested group does not count
// (learn.microsoft.com/entra/identity/enterprise-apps/assign-user-or-group-access-portal).

func (e *evaluator) userAssignment(u *userFacts) {
	f, subj := e.f, u.ref
	switch {
	case !f.sp.ok():
		e.add(IDUserAssignment, subj, Skip, "skipped: the enterprise app is unknown", "", nil)
		return
	case !f.sp.v.AppRoleAssignmentRequired:
		e.add(IDUserAssignment, subj, Pass, "Not needed: the app does not require assignment.", "", nil)
		return
	case !u.user.ok():
		skipFor(e, IDUserAssignment, subj, u.user)
		return
	case !u.direct.ok():
		skipFor(e, IDUserAssignment, subj, u.direct)
		return
	}
	if len(u.direct.v) > 0 {
		e.add(IDUserAssignment, subj, Pass, "Assigned directly.", "", nil)
		return
	}
	switch {
	case !u.groups.ok():
		skipFor(e, IDUserAssignment, subj, u.groups)
		return
	case !u.members.ok():
		skipFor(e, IDUserAssignment, subj, u.members)
		return
	case !f.groupAssigned.ok():
		skipFor(e, IDUserAssignment, subj, f.groupAssigned)
		return
	}
	// An unknown licence is not held against the group.
	has, known := f.premium()
	premium := has || !known
	var reasons []string
	var nestedIn []graph.Group // the user's own groups inside an assigned group
	for _, a := range f.groupAssigned.v {
		if i := slices.IndexFunc(u.groups.v.Groups, func(g graph.Group) bool { return strings.EqualFold(g.ID, a.PrincipalID) }); i >= 0 {
			g := u.groups.v.Groups[i]
			ok, why := graph.GroupGrantsAccess(g, premium)
			if ok {
				e.add(IDUserAssignment, subj, Pass, "Assigned through group "+g.DisplayName+".", "", nil)
				return
			}
			reasons = append(reasons, "a member of "+g.DisplayName+", which is assigned, but "+why)
			continue
		}
		if !memberOf(u.members.v, a.PrincipalID) {
			continue
		}
		inner := e.ownGroupsIn(u, a.PrincipalID)
		nestedIn = append(nestedIn, inner...)
		through := "a nested group"
		if len(inner) > 0 {
			through = groupNames(inner) + ", nested in it"
		}
		reasons = append(reasons, fmt.Sprintf("in %s only through %s; nesting does not count: only direct members of an assigned group may sign in", a.PrincipalDisplayName, through))
	}
	obs := "Not assigned, neither directly nor through any group."
	if len(reasons) > 0 {
		obs = "Not assigned: " + strings.Join(reasons, "; ") + "."
	}
	why := "The app requires assignment: the sign-in fails with AADSTS50105 (user not assigned to a role for the application)."

	// The fix names one group when it is clear which: the user's own group
	// inside an assigned group, else the user's only group that can be
	// assigned. Otherwise the user.
	group := e.groupToAssign(u, nestedIn, premium)
	fix := &Fix{Portal: "Entra admin center > Enterprise applications > " + f.sp.v.DisplayName + " > Users and groups > Add user/group",
		PowerShell: fmt.Sprintf("New-MgUserAppRoleAssignment -UserId %s -PrincipalId %s -ResourceId %s -AppRoleId %s", u.user.v.ID, u.user.v.ID, f.sp.v.ID, graph.DefaultAccessAppRoleID)}
	userCommand := "teamsctl app assign " + f.appID + " --user " + u.ref
	switch {
	case group != nil:
		fix.Command = "teamsctl app assign " + f.appID + " --group " + quoteArg(group.DisplayName)
		fix.Note = "Assigning " + group.DisplayName + " covers its other direct members and new colleagues too. To assign only this user: " + userCommand
	case !premium:
		fix.Command = userCommand
		fix.Note = "Without Entra ID P1 or P2 each recruiter is assigned as a user; teamsctl app assign " + f.appID + " --group NAME --as-users assigns a group's direct members."
	default:
		fix.Command = userCommand
		fix.Note = "Assigning the recruiters' group instead covers new colleagues too: teamsctl app assign " + f.appID + " --group NAME"
		if own := assignableGroups(u, premium); len(own) > 1 {
			fix.Note += " (" + u.ref + "'s groups: " + groupNames(own) + ")"
		}
	}
	// A policy that blocks the user on purpose is not worked around:
	// assigning them would only change the error they get.
	if block := e.problem(IDUserCA, subj); block != nil && block.Status == Fail {
		fix.Note = "doctor --fix does not assign " + u.ref + ": Conditional Access blocks them on purpose (see " + block.Key() + "). Assign them only if whoever owns that policy agrees they should use the app."
		e.add(IDUserAssignment, subj, Fail, obs, why, fix)
		return
	}
	fix.Automatic = true
	c := e.add(IDUserAssignment, subj, Fail, obs, why, fix)
	if group != nil {
		c.action = &Action{Kind: ActionAssignGroup, ServicePrincipalID: f.sp.v.ID, GroupID: group.ID, Group: group.DisplayName, AppRoleID: defaultRole(f.sp.v)}
	} else {
		c.action = &Action{Kind: ActionAssignUser, ServicePrincipalID: f.sp.v.ID, UserID: u.user.v.ID, UserUPN: u.ref, AppRoleID: defaultRole(f.sp.v)}
	}
}

// ownGroupsIn are the user's direct groups nested (at any depth) in the
// assigned group, from the nested groups read for it.
func (e *evaluator) ownGroupsIn(u *userFacts, assignedID string) []graph.Group {
	r := e.f.nested[assignedID]
	if r == nil || !r.ok() {
		return nil
	}
	var out []graph.Group
	for _, g := range u.groups.v.Groups {
		if slices.ContainsFunc(r.v, func(n graph.Group) bool { return strings.EqualFold(n.ID, g.ID) }) {
			out = append(out, g)
		}
	}
	return out
}

// groupToAssign picks the group the fix assigns: the user's one
// assignable group nested in an assigned group, else the user's one
// assignable group; nil when there is no single such group.
func (e *evaluator) groupToAssign(u *userFacts, nestedIn []graph.Group, premium bool) *graph.Group {
	var candidates []graph.Group
	for _, g := range nestedIn {
		if ok, _ := graph.GroupGrantsAccess(g, premium); ok && !slices.ContainsFunc(candidates, func(c graph.Group) bool { return c.ID == g.ID }) {
			candidates = append(candidates, g)
		}
	}
	if len(candidates) == 0 {
		candidates = assignableGroups(u, premium)
	}
	if len(candidates) != 1 {
		return nil
	}
	return &candidates[0]
}

// assignableGroups are the user's direct groups whose assignment would let
// the user sign in.
func assignableGroups(u *userFacts, premium bool) []graph.Group {
	var out []graph.Group
	for _, g := range u.groups.v.Groups {
		if ok, _ := graph.GroupGrantsAccess(g, premium); ok {
			out = append(out, g)
		}
	}
	return out
}

func groupNames(gs []graph.Group) string {
	var names []string
	for _, g := range gs {
		names = append(names, g.DisplayName)
	}
	return strings.Join(names, ", ")
}

// quoteArg quotes a command argument with spaces for a shell.
func quoteArg(s string) string {
	if strings.ContainsAny(s, " '\"$") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

// defaultRole is the app role to assign users and groups: the default
// access role unless the app defines user roles (then the first enabled
// one).
func defaultRole(sp *graph.ServicePrincipal) string {
	for _, r := range sp.AppRoles {
		if r.IsEnabled && slices.Contains(r.AllowedMemberTypes, "User") {
			return r.ID
		}
	}
	return graph.DefaultAccessAppRoleID
}
