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
}

// Catalog lists every check in report order (docs/doctor.md's table is
// generated from it).
func Catalog() []Definition {
	return []Definition{
		{IDUserConsent, GroupTenant, "User consent setting allows what the app needs", []string{readAuthzPolicy.name, readGraphSP.name}, ""},
		{IDConsentWorkflow, GroupTenant, "Admin consent workflow", []string{readConsentPolicy.name}, ""},
		{IDAppRegistration, GroupTenant, "Who may register applications", []string{readAuthzPolicy.name}, ""},
		{IDSecretPolicy, GroupTenant, "App management policy allows the client secret", []string{readAppPolicy.name}, ""},
		{IDAppExists, GroupApp, "App registration exists in this tenant", []string{readApp.name}, ""},
		{IDAppAudience, GroupApp, "Sign-in audience", []string{readApp.name}, ""},
		{IDAppRedirectURIs, GroupApp, "Redirect URIs present, exact and https", []string{readApp.name}, "adds the missing redirect URIs"},
		{IDAppPermissions, GroupApp, "Required permissions configured", []string{readApp.name, readGraphSP.name}, "adds the missing permissions"},
		{IDAppCredentials, GroupApp, "Client secrets and certificates valid", []string{readApp.name}, ""},
		{IDAppPublicClient, GroupApp, "Public client flows", []string{readApp.name}, ""},
		{IDSPExists, GroupEnterpriseApp, "Enterprise app exists", []string{readSP.name}, "creates it with the consent (grant)"},
		{IDSPEnabled, GroupEnterpriseApp, "Enabled for users to sign in", []string{readSP.name}, "enables sign-in"},
		{IDSPAssignment, GroupEnterpriseApp, "Assignment required, and who is assigned", []string{readSP.name, readAssignments.name}, ""},
		{IDSPConsent, GroupEnterpriseApp, "Admin consent covers the required delegated permissions", []string{readSP.name, readGrants.name, readGraphSP.name}, "grants the missing permissions for this app"},
		{IDSPAppPermissions, GroupEnterpriseApp, "Application permissions granted", []string{readSP.name, readAppRoles.name}, "assigns the missing application permissions"},
		{IDUserAccount, GroupUser, "User exists and is enabled", []string{readUser.name}, ""},
		{IDUserAssignment, GroupUser, "User assigned to the app (directly or through a group)", []string{readSP.name, readMemberships.name, readAssignments.name}, "assigns the user"},
		{IDUserToken, GroupUser, "User can get a token without admin help", []string{readGrants.name, readAuthzPolicy.name, readGraphSP.name}, "grants the missing permissions for this app"},
		{IDUserTeamsLicence, GroupUser, "Microsoft Teams licence", []string{readLicences.name}, ""},
		{IDUserMailbox, GroupUser, "Exchange Online mailbox licence", []string{readLicences.name}, ""},
		{IDUserCA, GroupUser, "Conditional Access policies for this user and app", []string{evaluateCA.name + " or " + readCA.name}, ""},
		{IDUserSignIns, GroupUser, "Recent failed sign-ins to this app", []string{readSignIns.name}, ""},
		{IDTeamsAccessPolicy, GroupTeams, "Teams application access policy (app-only meetings)", nil, ""},
		{IDTeamsMeetingPolicy, GroupTeams, "Meeting policy: lobby and anonymous join", nil, ""},
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
	b.WriteString("| id | group | check | reads | --fix |\n| --- | --- | --- | --- | --- |\n")
	for _, d := range Catalog() {
		reads := strings.Join(d.Needs, ", ")
		if reads == "" {
			reads = "none (manual check)"
		}
		fix := d.AutoFix
		if fix == "" {
			fix = "-"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", d.ID, d.Group, d.Title, reads, fix)
	}
	b.WriteString("\nPermissions per read (any one suffices; skips name the first):\n\n| read | permissions |\n| --- | --- |\n")
	for _, r := range []read{readAuthzPolicy, readConsentPolicy, readAppPolicy, readCA, evaluateCA, readApp, readGrants, readAssignments, readUser, readLicences, readMemberships, readSignIns} {
		fmt.Fprintf(&b, "| %s | %s |\n", r.name, strings.Join(r.delegated, ", "))
	}
	return b.String()
}
