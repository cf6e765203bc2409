// Package causes names the reasons a recruiting integration cannot work
// for a user, with the explanation and fix an admin can act on. doctor
// reports them as findings, meeting test maps its failures to them, so both
// say the same thing in the same words. Sign-in failures (AADSTS codes) are
// explained by package aadsts; this package covers what Graph and Teams
// report after sign-in.
package causes

import (
	"strings"

	"github.com/teamsctl/teamsctl/internal/presets"
)

// ID identifies a cause; ids are stable because doctor's JSON carries them.
type ID string

// Causes that Graph or Teams report after a successful sign-in.
const (
	TeamsLicenceMissing     ID = "teams-licence-missing"
	MailboxMissing          ID = "mailbox-missing"
	TeamsAccessPolicyAbsent ID = "teams-access-policy-missing"
	MeetingPolicyLobby      ID = "meeting-policy-lobby"
	InsufficientPrivileges  ID = "insufficient-privileges"
	AppPermissionMissing    ID = "app-permission-missing"
)

// Fix is what resolves a cause: a teamsctl command where one exists,
// otherwise a portal path or a PowerShell command. Fields may hold the
// placeholders {app_id}, {user_id} and {user}, filled by With.
type Fix struct {
	Command string `json:"command,omitempty"`
	Portal  string `json:"portal,omitempty"`
	// PowerShell may span lines; text output escapes it line by line.
	PowerShell string `json:"powershell,omitempty" text:"lines"`
	// Note carries caveats such as propagation delays.
	Note string `json:"note,omitempty"`
}

// Cause explains one reason.
type Cause struct {
	ID ID `json:"id"`
	// Title says what is wrong in a few words.
	Title string `json:"title"`
	// Why says why it matters for the integration.
	Why string `json:"why"`
	Fix Fix    `json:"fix"`
}

// Subject fills a cause's placeholders.
type Subject struct {
	AppID  string
	UserID string
	User   string // UPN
	// Policy is the Teams application access policy's name; the default
	// name when empty.
	Policy string
}

// With returns the cause with its placeholders filled.
func (c Cause) With(s Subject) Cause {
	r := strings.NewReplacer("{app_id}", orPlaceholder(s.AppID, "<appId>"),
		"{user_id}", orPlaceholder(s.UserID, "<user object id>"), "{user}", orPlaceholder(s.User, "<user>"),
		"{policy}", orPlaceholder(s.Policy, presets.DefaultAccessPolicyName))
	c.Title, c.Why = r.Replace(c.Title), r.Replace(c.Why)
	c.Fix.Command, c.Fix.Portal = r.Replace(c.Fix.Command), r.Replace(c.Fix.Portal)
	c.Fix.PowerShell, c.Fix.Note = r.Replace(c.Fix.PowerShell), r.Replace(c.Fix.Note)
	return c
}

func orPlaceholder(v, placeholder string) string {
	if v == "" {
		return placeholder
	}
	return v
}

// Lookup returns the cause with id.
func Lookup(id ID) (Cause, bool) {
	for _, c := range catalog {
		if c.ID == id {
			return c, true
		}
	}
	return Cause{}, false
}

// All lists every cause, for docs and tests.
func All() []Cause { return append([]Cause(nil), catalog...) }

// FromGraphError recognises the Graph errors of meeting and event creation
// that have a known cause: Graph's error code and message identify them
// (the wording of each is in graph.md section 7 and the emulator).
func FromGraphError(status int, code, message string) (Cause, bool) {
	lower := strings.ToLower(message)
	switch {
	case strings.EqualFold(code, "MailboxNotEnabledForRESTAPI"):
		return Lookup(MailboxMissing)
	case strings.Contains(lower, "application access policy") ||
		(strings.Contains(lower, "not authorized") && strings.Contains(lower, "on behalf of user")):
		return Lookup(TeamsAccessPolicyAbsent)
	case strings.Contains(lower, "teams license"):
		return Lookup(TeamsLicenceMissing)
	case status == 403 && strings.EqualFold(code, "Authorization_RequestDenied"):
		return Lookup(InsufficientPrivileges)
	}
	return Cause{}, false
}

var catalog = []Cause{
	{
		ID:    TeamsLicenceMissing,
		Title: "{user} has no Microsoft Teams licence",
		Why:   "Teams meetings can only be organised by users with a Teams service plan enabled; the integration cannot create meetings for this recruiter.",
		Fix: Fix{
			Portal:     "Microsoft 365 admin center > Users > Active users > {user} > Licenses and apps: assign a licence that includes Microsoft Teams, and make sure the Teams app is switched on",
			PowerShell: "Set-MgUserLicense -UserId {user} -AddLicenses @{SkuId='<sku with Teams>'} -RemoveLicenses @()",
			Note:       "Licence changes can take a few minutes to reach Teams.",
		},
	},
	{
		ID:    MailboxMissing,
		Title: "{user} has no Exchange Online mailbox",
		Why:   "Calendar invitations (Outlook events with a Teams link) are created in the organiser's mailbox; without one, Graph answers MailboxNotEnabledForRESTAPI.",
		Fix: Fix{
			Portal: "Microsoft 365 admin center > Users > Active users > {user} > Licenses and apps: assign a licence that includes Exchange Online",
			Note:   "A new mailbox can take up to an hour to be provisioned.",
		},
	},
	{
		ID:    TeamsAccessPolicyAbsent,
		Title: "No Teams application access policy lets app {app_id} create meetings for {user}",
		Why:   "With application permissions (OnlineMeetings.ReadWrite.All) Teams also requires an application access policy naming the app, granted to the organiser or globally. Graph cannot read or set it.",
		Fix: Fix{
			PowerShell: "New-CsApplicationAccessPolicy -Identity {policy} -AppIds \"{app_id}\" -Description \"Recruiting integration\"\nGrant-CsApplicationAccessPolicy -PolicyName {policy} -Identity \"{user_id}\"   # least privilege: the organizer (or -Group for the recruiters); -Global for everyone",
			Note:       "Run in Teams PowerShell (Connect-MicrosoftTeams). The policy can take up to 30 minutes to apply. Check it with Get-CsUserPolicyAssignment -Identity {user} -PolicyType ApplicationAccessPolicy.",
		},
	},
	{
		ID:    MeetingPolicyLobby,
		Title: "Candidates may wait in the lobby or be unable to start the meeting",
		Why:   "Candidates join as anonymous or external users. Whether they can join, start the meeting without the recruiter, or skip the lobby is set by Teams meeting policies, which Graph cannot read.",
		Fix: Fix{
			Portal:     "Teams admin center > Meetings > Meeting policies > the recruiters' policy: Anonymous users can join a meeting = On, Who can bypass the lobby = Everyone (if the vendor asks for it)",
			PowerShell: "Set-CsTeamsMeetingPolicy -Identity <policy> -AllowAnonymousUsersToJoinMeeting $true -AutoAdmittedUsers Everyone -AllowAnonymousUsersToStartMeeting $true",
			Note:       "These loosen meeting security; apply them only to the recruiters' policy. Changes can take up to 24 hours.",
		},
	},
	{
		ID:    InsufficientPrivileges,
		Title: "The signed-in account lacks a permission or directory role for this operation",
		Why:   "Graph refused the call with Authorization_RequestDenied: the token lacks the permission, or the user lacks the directory role the operation needs.",
		Fix: Fix{
			Command: "teamsctl whoami",
			Note:    "whoami lists the token's permissions and your directory roles, and what they allow.",
		},
	},
	{
		ID:    AppPermissionMissing,
		Title: "App {app_id} lacks the Microsoft Graph permission to create meetings or events",
		Why:   "The integration's token does not carry the permission the call needs: OnlineMeetings.ReadWrite (or .All for application permissions) for online meetings, Calendars.ReadWrite for calendar events. Graph refused with Authorization_RequestDenied.",
		Fix: Fix{
			Command: "teamsctl consent grant {app_id}",
			Portal:  "Entra admin center > Identity > Applications > Enterprise applications > the app > Permissions > Grant admin consent",
			Note:    "The permission must also be listed on the app registration (API permissions); a vendor-hosted app lists it in the vendor's tenant.",
		},
	},
}
