package doctor

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// Checks of the "User" group: account, assignment and consent. Licences
// are in checks_user_licences.go, Conditional Access and sign-ins in
// checks_user_signin.go.

func (e *evaluator) user(u *userFacts) {
	f := e.f
	subj := u.ref
	userIDs := []string{IDUserAssignment, IDUserToken, IDUserTeamsLicence, IDUserMailbox, IDUserCA, IDUserSignIns}
	if len(f.exp.Licences) > 0 {
		userIDs = append(userIDs, IDUserLicence)
	}
	switch {
	case u.user.notFound():
		e.add(IDUserAccount, subj, Fail, "No user "+u.ref+" in this tenant.", "Check the spelling of the UPN; guests have UPNs like name_domain#EXT#@tenant.",
			&Fix{Portal: "Entra admin center > Users > All users"})
		for _, id := range userIDs {
			e.add(id, subj, Skip, "skipped: the user does not exist", "", nil)
		}
		return
	case !u.user.ok():
		skipFor(e, IDUserAccount, subj, u.user)
	case !u.user.v.AccountEnabled:
		e.add(IDUserAccount, subj, Fail, u.user.v.DisplayName+": the account is disabled (Block sign in = Yes).",
			"Every sign-in fails with AADSTS50057 (user disabled).",
			&Fix{Portal: "Microsoft 365 admin center > Users > Active users > " + u.ref + " > Unblock sign-in",
				PowerShell: "Update-MgUser -UserId " + u.ref + " -AccountEnabled:$true"})
	default:
		kind := "member"
		if strings.EqualFold(u.user.v.UserType, "Guest") {
			kind = "guest"
		}
		e.add(IDUserAccount, subj, Pass, fmt.Sprintf("%s, enabled, %s.", u.user.v.DisplayName, kind), "", nil)
	}

	// Conditional Access runs before assignment: --fix does not assign a
	// user a policy blocks on purpose. Sign-ins run last: they name the
	// check that still finds their cause.
	if !f.noApp {
		e.userCA(u)
		e.userAssignment(u)
		e.userToken(u)
	}
	e.licences(u)
	if !f.noApp {
		e.signIns(u)
	}
}

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
	if !u.members.ok() || !f.groupAssigned.ok() {
		if !u.members.ok() {
			skipFor(e, IDUserAssignment, subj, u.members)
		} else {
			skipFor(e, IDUserAssignment, subj, f.groupAssigned)
		}
		return
	}
	for _, a := range f.groupAssigned.v {
		for _, g := range u.members.v.Groups {
			if strings.EqualFold(a.PrincipalID, g.ID) {
				e.add(IDUserAssignment, subj, Pass, "Assigned through group "+g.DisplayName+".", "", nil)
				return
			}
		}
	}
	fix := &Fix{Command: "teamsctl app assign " + f.appID + " --user " + u.ref,
		Portal:     "Entra admin center > Enterprise applications > " + f.sp.v.DisplayName + " > Users and groups > Add user/group",
		PowerShell: fmt.Sprintf("New-MgUserAppRoleAssignment -UserId %s -PrincipalId %s -ResourceId %s -AppRoleId %s", u.user.v.ID, u.user.v.ID, f.sp.v.ID, graph.DefaultAccessAppRoleID),
		Note:       "Assigning the recruiters' group instead covers new colleagues too: teamsctl app assign " + f.appID + " --group NAME"}
	// A policy that blocks the user on purpose is not worked around:
	// assigning them would only change the error they get.
	if block := e.problem(IDUserCA, subj); block != nil && block.Status == Fail {
		fix.Note = "doctor --fix does not assign " + u.ref + ": Conditional Access blocks them on purpose (see " + block.Key() + "). Assign them only if whoever owns that policy agrees they should use the app."
		e.add(IDUserAssignment, subj, Fail, "Not assigned, neither directly nor through any group.",
			"The app requires assignment: the sign-in fails with AADSTS50105 (user not assigned to a role for the application).", fix)
		return
	}
	fix.Automatic = true
	c := e.add(IDUserAssignment, subj, Fail, "Not assigned, neither directly nor through any group.",
		"The app requires assignment: the sign-in fails with AADSTS50105 (user not assigned to a role for the application).", fix)
	c.action = &Action{Kind: ActionAssignUser, ServicePrincipalID: f.sp.v.ID, UserID: u.user.v.ID, UserUPN: u.ref, AppRoleID: defaultRole(f.sp.v)}
}

// defaultRole is the app role to assign users: the default access role
// unless the app defines user roles (then the first enabled one).
func defaultRole(sp *graph.ServicePrincipal) string {
	for _, r := range sp.AppRoles {
		if r.IsEnabled && slices.Contains(r.AllowedMemberTypes, "User") {
			return r.ID
		}
	}
	return graph.DefaultAccessAppRoleID
}

func (e *evaluator) userToken(u *userFacts) {
	f, subj := e.f, u.ref
	switch {
	case len(e.scopes) == 0:
		e.add(IDUserToken, subj, Skip, "skipped: the app's delegated permissions are unknown (pass --scopes)", "", nil)
		return
	case f.sp.notFound():
		e.userTokenVerdict(u, e.scopes, nil)
		return
	case !f.sp.ok():
		skipFor(e, IDUserToken, subj, f.sp)
		return
	case !f.grants.ok():
		skipFor(e, IDUserToken, subj, f.grants)
		return
	}
	missing := uncovered(e.scopes, f.grants.v, f.graphSPID())
	if u.grants.ok() {
		missing = uncovered(missing, u.grants.v, f.graphSPID())
	}
	if len(missing) == 0 {
		e.add(IDUserToken, subj, Pass, "Consent covers "+strings.Join(e.scopes, ", ")+": the user signs in without any prompt.", "", nil)
		return
	}
	var roles []graph.DirectoryRole
	if u.members.ok() {
		roles = u.members.v.Roles
	}
	e.userTokenVerdict(u, missing, roles)
}

// userTokenVerdict says what the user meets for the scopes consent does
// not cover. The missing tenant-wide consent (or the missing enterprise
// app) is the root cause, and its check carries the fix.
func (e *evaluator) userTokenVerdict(u *userFacts, missing []string, roles []graph.DirectoryRole) {
	f, subj := e.f, u.ref
	root := cmp.Or(e.problem(IDSPConsent, ""), e.problem(IDSPExists, ""))
	var blocked, reasons []string
	for _, s := range missing {
		if ok, why := e.userMayConsent(s, roles); !ok {
			blocked = append(blocked, s)
			if why != "" && !slices.Contains(reasons, why) {
				reasons = append(reasons, why)
			}
		}
	}
	if len(blocked) == 0 {
		e.downstream(IDUserToken, subj, root, "Not consented yet: "+strings.Join(missing, ", ")+". The user may consent to them on first connection.",
			"Each recruiter sees a consent prompt once; admin consent avoids it.")
		return
	}
	code := "AADSTS90094 \"Need admin approval\""
	if f.consentPolicy.ok() && f.consentPolicy.v.IsEnabled {
		code = "AADSTS90095 \"Approval required\" (the user can send a request to the reviewers)"
	}
	e.downstream(IDUserToken, subj, root, fmt.Sprintf("Needs admin consent for %s (%s).", strings.Join(blocked, ", "), strings.Join(reasons, "; ")),
		"Connecting the integration stops at "+code+"; the user cannot get a token without an admin.")
}
