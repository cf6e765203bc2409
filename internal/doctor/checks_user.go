package doctor

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// Checks of the "User" group: account and consent. Assignment is in
// checks_user_assignment.go, licences in checks_user_licences.go,
// Conditional Access and sign-ins in checks_user_signin.go.

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

func (e *evaluator) userToken(u *userFacts) {
	f, subj := e.f, u.ref
	switch {
	case len(e.scopes) == 0:
		e.add(IDUserToken, subj, Skip, "skipped: the app's delegated permissions are unknown (pass --scopes)", "", nil)
		return
	case f.sp.notFound() && e.problem(IDSPExists, "") == nil && e.problem(IDUserConsent, "") == nil && !e.usersMayConsentAll():
		// Left to each user's consent, and whether they may give it is
		// unknown.
		skipFor(e, IDUserToken, subj, f.authz)
		return
	case f.sp.notFound() && e.problem(IDSPExists, "") == nil && e.problem(IDUserConsent, "") == nil:
		e.add(IDUserToken, subj, Pass, "The user may consent to "+strings.Join(e.scopes, ", ")+" on first connection (one consent prompt).", "", nil)
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
	root := cmp.Or(e.problem(IDSPConsent, ""), e.problem(IDSPExists, ""), e.problem(IDUserConsent, ""))
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
	observed := fmt.Sprintf("Needs admin consent for %s (%s).", strings.Join(blocked, ", "), strings.Join(reasons, "; "))
	if f.consentPolicy.ok() && f.consentPolicy.v.IsEnabled {
		code = "AADSTS90095 \"Approval required\" (the user can send a request to the reviewers)"
		observed += requestNote(f, u)
	}
	e.downstream(IDUserToken, subj, root, observed,
		"Connecting the integration stops at "+code+"; the user cannot get a token without an admin.")
}

// requestNote names the user's admin consent request for the app, and the
// command that approves it, when the requests could be read.
func requestNote(f *facts, u *userFacts) string {
	r, ur := f.userRequest(u)
	switch {
	case ur != nil:
		when := ""
		if !ur.CreatedDateTime.IsZero() {
			when = " on " + ur.CreatedDateTime.UTC().Format("2006-01-02 15:04") + " UTC"
		}
		return fmt.Sprintf(" Their admin consent request %s%s is pending (for %s): approve it with 'teamsctl consent requests approve %s', or deny it with 'teamsctl consent requests deny %s --reason TEXT'.",
			r.ID, when, strings.Join(r.PendingScopes, " "), r.ID, r.ID)
	case f.consentRequest.ok():
		return " They have no admin consent request pending for this app: they can send one from the \"Approval required\" page ('teamsctl consent requests list' shows the requests)."
	}
	return ""
}
