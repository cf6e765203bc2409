package doctor

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/teamsctl/teamsctl/internal/presets"

	"github.com/teamsctl/teamsctl/internal/causes"
)

// Checks of the "Teams (outside Graph)" group: settings Graph cannot
// read, with the manual steps.

func (e *evaluator) teams() {
	if !e.needsTeams() {
		const notNeeded = "Not needed: the integration creates no Teams meetings."
		e.add(IDTeamsAccessPolicy, "", Pass, notNeeded, "", nil)
		e.add(IDTeamsMeetingPolicy, "", Pass, notNeeded, "", nil)
		return
	}
	subject := causes.Subject{AppID: e.f.appLabel(), Policy: e.f.exp.AccessPolicy}
	if len(e.f.users) == 1 && e.f.users[0].user.ok() {
		subject.UserID, subject.User = e.f.users[0].user.v.ID, e.f.users[0].ref
	}
	var appOnlyMeetings bool
	for _, r := range e.roles {
		if strings.HasPrefix(strings.ToLower(r), "onlinemeetings.") || strings.HasPrefix(strings.ToLower(r), "calendars.") {
			appOnlyMeetings = true
		}
	}
	switch {
	case e.source == "":
		e.add(IDTeamsAccessPolicy, "", Skip, "skipped: the integration's permissions are unknown (give the APP, and --scopes or --application for a vendor app)", "", nil)
	case appOnlyMeetings:
		cause, _ := causes.Lookup(causes.TeamsAccessPolicyAbsent)
		cause = cause.With(subject)
		verify := "Verify with: teamsctl meeting test --as app"
		if e.f.exp.VendorHosted || e.f.appInfo().Kind == "vendor" {
			// teamsctl cannot sign in as a vendor's app: Teams PowerShell
			// shows the policy.
			who := cmp.Or(subject.User, "UPN")
			verify = fmt.Sprintf("Verify in Teams PowerShell: Get-CsApplicationAccessPolicy -Identity %s (AppIds lists the app); Get-CsUserPolicyAssignment -Identity %s -PolicyType ApplicationAccessPolicy",
				cmp.Or(e.f.exp.AccessPolicy, presets.DefaultAccessPolicyName), who)
		}
		e.add(IDTeamsAccessPolicy, "", Info, "The integration creates meetings with application permissions ("+strings.Join(e.roles, ", ")+"): Teams also needs the application access policy "+
			cmp.Or(e.f.exp.AccessPolicy, presets.DefaultAccessPolicyName)+" naming the app, which Graph cannot read. "+verify,
			cause.Why, causeFix(cause))
	default:
		e.add(IDTeamsAccessPolicy, "", Pass, "Not needed: the integration uses delegated permissions (meetings are created as the signed-in recruiter).", "", nil)
	}
	cause, _ := causes.Lookup(causes.MeetingPolicyLobby)
	cause = cause.With(subject)
	e.add(IDTeamsMeetingPolicy, "", Info, "Graph cannot read meeting policies. Check them if candidates must join or start meetings without the organiser.", cause.Why, causeFix(cause))
}
