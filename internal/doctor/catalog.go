package doctor

import (
	"fmt"
	"strings"
)

// Check ids are stable: scripts and the JSON schema rely on them.
const (
	IDUserConsent        = "tenant.user-consent"
	IDConsentWorkflow    = "tenant.admin-consent-workflow"
	IDAppRegistration    = "tenant.app-registration"
	IDSecretPolicy       = "tenant.secret-policy"
	IDRooms              = "tenant.rooms"
	IDEntraPremium       = "tenant.entra-id-p1"
	IDSecurityDefaults   = "tenant.security-defaults"
	IDAppExists          = "app.registration"
	IDAppAudience        = "app.audience"
	IDAppRedirectURIs    = "app.redirect-uris"
	IDAppPermissions     = "app.permissions"
	IDAppCredentials     = "app.credentials"
	IDAppPublicClient    = "app.public-client"
	IDSPExists           = "sp.exists"
	IDSPEnabled          = "sp.enabled"
	IDSPAssignment       = "sp.assignment"
	IDSPConsent          = "sp.consent"
	IDSPAppPermissions   = "sp.app-permissions"
	IDUserAccount        = "user.account"
	IDUserAssignment     = "user.assignment"
	IDUserToken          = "user.token"
	IDUserTeamsLicence   = "user.teams-licence"
	IDUserMailbox        = "user.mailbox"
	IDUserLicence        = "user.licence"
	IDUserCA             = "user.conditional-access"
	IDUserSignIns        = "user.sign-ins"
	IDTeamsAccessPolicy  = "teams.access-policy"
	IDTeamsMeetingPolicy = "teams.meeting-policy"
)

// Definition describes a check for docs and ordering.
type Definition struct {
	ID    string
	Group Group
	Title string
	// Needs are the Graph reads the check depends on, each with the
	// permissions that allow it (any one of them).
	Needs []string
	// AutoFix says what --fix does, if anything.
	AutoFix string
	// Statuses are every status the check can report, in the order pass,
	// warn, fail, skip, info, downstream. The end-to-end matrix in
	// cmd/teamsctl/doctor_matrix_test.go triggers each of them; a status
	// left out is unreachable by design, and the comment on the catalog
	// entry says why.
	Statuses []Status
}

func statuses(s ...Status) []Status { return s }

// Catalog lists every check in report order (docs/doctor.md's table is
// generated from it).
func Catalog() []Definition {
	return []Definition{
		// never warn: either the users or an admin can consent, or nobody can;
		// downstream of sp.consent or sp.exists when the app lacks consent.
		{IDUserConsent, GroupTenant, "User consent setting allows what the app needs", []string{readAuthzPolicy.name, readGraphSP.name}, "", statuses(Pass, Fail, Skip, Info, Downstream)},
		// never fail: without the workflow users can still be helped by an admin.
		{IDConsentWorkflow, GroupTenant, "Admin consent workflow", []string{readConsentPolicy.name}, "", statuses(Pass, Warn, Skip)},
		// only ever informs: who may register apps is deliberate tenant policy, not a fault.
		{IDAppRegistration, GroupTenant, "Who may register applications", []string{readAuthzPolicy.name}, "", statuses(Skip, Info)},
		// never warn: a lifetime cap is information (info), a block is a failure.
		{IDSecretPolicy, GroupTenant, "App management policy allows the client secret", []string{readAppPolicy.name}, "", statuses(Pass, Fail, Skip, Info)},
		// never warn or fail: a tenant without P1 is common and works; the
		// checks it changes (assignment, Conditional Access, sign-ins) say how.
		{IDEntraPremium, GroupTenant, "Microsoft Entra ID P1 or P2", []string{readSubscriptions.name}, "", statuses(Pass, Skip, Info)},
		// never warn or fail: security defaults are deliberate protection.
		{IDSecurityDefaults, GroupTenant, "Security defaults", []string{readSecurityDefaults.name}, "", statuses(Pass, Skip, Info)},
		// only for integrations that list meeting rooms (a preset's
		// requires.rooms); only ever informs: doctor does not list rooms.
		{IDRooms, GroupTenant, "Meeting rooms set up as room mailboxes", nil, "", statuses(Info)},
		// never warn; info for a vendor-hosted app registered elsewhere,
		// downstream of sp.exists when neither exists.
		{IDAppExists, GroupApp, "App registration exists in this tenant", []string{readApp.name}, "", statuses(Pass, Fail, Skip, Info, Downstream)},
		// never warn or fail: a wider audience still works.
		{IDAppAudience, GroupApp, "Sign-in audience", []string{readApp.name}, "", statuses(Pass, Skip, Info)},
		{IDAppRedirectURIs, GroupApp, "Redirect URIs present, exact and https", []string{readApp.name}, "adds the missing redirect URIs", statuses(Pass, Warn, Fail, Skip, Info)},
		// warn when the app requires a permission id Graph does not publish.
		{IDAppPermissions, GroupApp, "Required permissions configured", []string{readApp.name, readGraphSP.name}, "adds the missing permissions", statuses(Pass, Warn, Fail, Skip, Info)},
		{IDAppCredentials, GroupApp, "Client secrets and certificates valid", []string{readApp.name}, "", statuses(Pass, Warn, Fail, Skip)},
		// never warn.
		{IDAppPublicClient, GroupApp, "Public client flows", []string{readApp.name}, "", statuses(Pass, Fail, Skip, Info)},
		// never warn; info when users create it by consenting themselves.
		{IDSPExists, GroupEnterpriseApp, "Enterprise app exists", []string{readSP.name}, "creates it with the consent (grant)", statuses(Pass, Fail, Skip, Info)},
		// never warn.
		{IDSPEnabled, GroupEnterpriseApp, "Enabled for users to sign in", []string{readSP.name}, "enables sign-in", statuses(Pass, Fail, Skip)},
		// never fail: whether a given user is assigned is user.assignment.
		{IDSPAssignment, GroupEnterpriseApp, "Assignment required, and who is assigned", []string{readSP.name, readAssignments.name}, "", statuses(Pass, Warn, Skip, Info)},
		// warn when users may consent to what is missing themselves.
		{IDSPConsent, GroupEnterpriseApp, "Admin consent covers the required delegated permissions", []string{readSP.name, readGrants.name, readGraphSP.name}, "grants the missing permissions for this app", statuses(Pass, Warn, Fail, Skip, Info)},
		// never warn.
		{IDSPAppPermissions, GroupEnterpriseApp, "Application permissions granted", []string{readSP.name, readAppRoles.name}, "assigns the missing application permissions", statuses(Pass, Fail, Skip)},
		// never warn.
		{IDUserAccount, GroupUser, "User exists and is enabled", []string{readUser.name}, "", statuses(Pass, Fail, Skip)},
		// never warn.
		{IDUserAssignment, GroupUser, "User assigned to the app (directly or through a group)", []string{readSP.name, readMemberships.name, readAssignments.name}, "assigns the user", statuses(Pass, Fail, Skip)},
		// never warn or fail of its own: what a user's consent lacks is what
		// the tenant-wide consent lacks (sp.consent), or the enterprise app is
		// missing (sp.exists); that check is the root cause.
		{IDUserToken, GroupUser, "User can get a token without admin help", []string{readGrants.name, readAuthzPolicy.name, readGraphSP.name}, "", statuses(Pass, Skip, Downstream)},
		// never warn: without Teams no meeting can be created (pass when the
		// integration creates none).
		{IDUserTeamsLicence, GroupUser, "Microsoft Teams licence", []string{readLicences.name}, "", statuses(Pass, Fail, Skip)},
		// warn when whether the integration needs a mailbox is unknown.
		{IDUserMailbox, GroupUser, "Exchange Online mailbox licence", []string{readLicences.name}, "", statuses(Pass, Warn, Fail, Skip)},
		// only with a preset's requires.licences; never warn.
		{IDUserLicence, GroupUser, "Licences the integration requires", []string{readLicences.name}, "", statuses(Pass, Fail, Skip)},
		{IDUserCA, GroupUser, "Conditional Access policies for this user and app", []string{evaluateCA.name + " or " + readCA.name}, "", statuses(Pass, Warn, Fail, Skip)},
		// never fail: past failures are history; downstream of the check that
		// still finds the latest failure's cause.
		{IDUserSignIns, GroupUser, "Recent failed sign-ins to this app", []string{readSignIns.name}, "", statuses(Pass, Warn, Skip, Downstream)},
		// never warn or fail: Graph cannot read the policy.
		{IDTeamsAccessPolicy, GroupTeams, "Teams application access policy (app-only meetings)", nil, "", statuses(Pass, Skip, Info)},
		// informs: Graph cannot read meeting policies, and the check reads
		// nothing, so it never skips; passes when the integration creates
		// no Teams meetings.
		{IDTeamsMeetingPolicy, GroupTeams, "Meeting policy: lobby and anonymous join", nil, "", statuses(Pass, Info)},
	}
}

// read is one kind of Graph read and the permissions that allow it (any
// one; the first is the least privileged and is the one skips name).
type read struct {
	name      string
	delegated []string
	app       []string
}

var (
	dirRead = []string{"Directory.Read.All", "Directory.ReadWrite.All"}

	readAuthzPolicy   = read{"authorization policy", []string{"Policy.Read.All", "Policy.ReadWrite.Authorization"}, nil}
	readConsentPolicy = read{"admin consent request policy", []string{"Policy.Read.All", "Policy.ReadWrite.ConsentRequest"}, nil}
	readAppPolicy     = read{"app management policy", []string{"Policy.Read.All", "Policy.Read.ApplicationConfiguration", "Policy.ReadWrite.ApplicationConfiguration"}, nil}
	readCA            = read{"Conditional Access policies", []string{"Policy.Read.All", "Policy.Read.ConditionalAccess", "Policy.ReadWrite.ConditionalAccess"}, nil}
	evaluateCA        = read{"Conditional Access What If", []string{"Policy.Read.ConditionalAccess", "Policy.Read.All"}, nil}
	readApp           = read{"app registration", append([]string{"Application.Read.All", "Application.ReadWrite.All", "Directory.AccessAsUser.All"}, dirRead...), []string{"Application.ReadWrite.OwnedBy"}}
	readSP            = readApp.renamed("enterprise app")
	readGraphSP       = readApp.renamed("Microsoft Graph's permissions")
	readGrants        = read{"delegated permission grants", append([]string{"DelegatedPermissionGrant.Read.All", "DelegatedPermissionGrant.ReadWrite.All", "Directory.AccessAsUser.All"}, dirRead...), nil}
	readAssignments   = read{"app role assignments", append([]string{"Application.Read.All", "Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "Directory.AccessAsUser.All"}, dirRead...), nil}
	readAppRoles      = readAssignments.renamed("application permissions")
	readUser          = read{"user", append([]string{"User.Read.All", "User.ReadWrite.All", "Directory.AccessAsUser.All"}, dirRead...), nil}
	readLicences      = read{"licences", append([]string{"User.Read.All", "User.ReadWrite.All"}, dirRead...), nil}
	readMemberships   = read{"group memberships", append([]string{"GroupMember.Read.All", "Group.Read.All", "Group.ReadWrite.All", "Directory.AccessAsUser.All"}, dirRead...), nil}
	readSignIns       = read{"sign-in logs", []string{"AuditLog.Read.All"}, nil}
	// appconsentapprovalroute-list-appconsentrequests.
	readConsentRequests = read{"admin consent requests", []string{"ConsentRequest.Read.All", "ConsentRequest.ReadWrite.All"}, nil}
	// Graph's "List subscribedSkus" names LicenseAssignment.Read.All least
	// privileged.
	readSubscriptions    = read{"tenant's subscriptions", append([]string{"LicenseAssignment.Read.All", "Organization.Read.All", "Organization.ReadWrite.All"}, dirRead...), nil}
	readSecurityDefaults = read{"security defaults policy", []string{"Policy.Read.All", "Policy.ReadWrite.SecurityDefaults"}, nil}
)

func (r read) renamed(name string) read { r.name = name; return r }

// allowed reports whether the token may make the read, and if not, the
// permission to add.
func (r read) allowed(t Token) (bool, string) {
	if t.has(r.delegated) || (t.AppOnly && t.has(r.app)) {
		return true, ""
	}
	return false, r.delegated[0]
}

// Markers around the generated checks table in docs/doctor.md.
const (
	tableStart = "<!-- checks table: generated from internal/doctor/catalog.go by go test ./internal/doctor -update -->"
	tableEnd   = "<!-- end of checks table -->"
)

// ChecksMarkdown renders the catalog as the markdown table of docs/doctor.md.
func ChecksMarkdown() string {
	var b strings.Builder
	b.WriteString("| id | group | check | statuses | reads | --fix |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, d := range Catalog() {
		reads := strings.Join(d.Needs, ", ")
		if reads == "" {
			reads = "none (manual check)"
		}
		fix := d.AutoFix
		if fix == "" {
			fix = "-"
		}
		var sts []string
		for _, st := range d.Statuses {
			sts = append(sts, string(st))
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", d.ID, d.Group, d.Title, strings.Join(sts, ", "), reads, fix)
	}
	b.WriteString("\nPermissions per read (any one suffices; skips name the first):\n\n| read | permissions |\n| --- | --- |\n")
	for _, r := range []read{readAuthzPolicy, readConsentPolicy, readAppPolicy, readSecurityDefaults, readSubscriptions, readCA, evaluateCA, readApp, readGrants, readAssignments, readUser, readLicences, readMemberships, readSignIns} {
		fmt.Fprintf(&b, "| %s | %s |\n", r.name, strings.Join(r.delegated, ", "))
	}
	return b.String()
}
