package doctor

import (
	"strings"

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
	subject := causes.Subject{AppID: e.f.appLabel()}
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
		e.add(IDTeamsAccessPolicy, "", Info, "The integration creates meetings with application permissions ("+strings.Join(e.roles, ", ")+"): Teams also needs an application access policy naming the app, which Graph cannot read. Verify with: teamsctl meeting test --as app",
			cause.Why, causeFix(cause))
	default:
		e.add(IDTeamsAccessPolicy, "", Pass, "Not needed: the integration uses delegated permissions (meetings are created as the signed-in recruiter).", "", nil)
	}
	cause, _ := causes.Lookup(causes.MeetingPolicyLobby)
	cause = cause.With(subject)
	e.add(IDTeamsMeetingPolicy, "", Info, "Graph cannot read meeting policies. Check them if candidates must join or start meetings without the organiser.", cause.Why, causeFix(cause))
}
