package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/doctor"
	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/teamsctl"
)

// The status matrix: every status a check declares
// in doctor.Catalog() is triggered end to end by a seed variation, a state
// edit, a token's scopes, a Graph fault or the flags, and asserted on the
// JSON report. TestDoctorStatusMatrixCoversCatalog fails when a check or a
// status is added without a row here.

// matrixScenario is one doctor run. Scenarios naming the same seed and
// editing nothing else share one emulator (doctor without --fix only reads).
type matrixScenario struct {
	seed   string   // key of matrixSeeds
	scopes []string // the sign-in's permissions (default adminScopes)
	args   []string // after "doctor -o json"
	code   int
	// update edits the state and faults injects Graph errors; either gives
	// the scenario its own emulator.
	update func(st *emulator.State)
	faults func(st *emulator.State) []emulator.ScriptedFault
}

// matrixRow expects one check of a scenario's report.
type matrixRow struct {
	id       string
	subject  string
	status   doctor.Status
	scenario string
	observed []string // fragments of observed, why or the fix
}

const (
	gina = "gina.guest_fabrikam.com#EXT#@contoso.onmicrosoft.com"
	rob  = "rob.recruiter@contoso.onmicrosoft.com"
	// onlineMeetingsAll is OnlineMeetings.ReadWrite.All's app role id.
	onlineMeetingsAll = "b8bb2037-6e08-44ac-a4ea-4674e010e2a4"
)

// ownApp is elevato registered in this tenant, consented for User.Read and
// OnlineMeetings.ReadWrite, with the given audience, Web redirect URIs,
// secret end ("" for none) and public client flag.
func ownApp(audience, redirects, secretEnd string, publicClient bool) seedEdit {
	return func(s string) string {
		app := `    applications:
      - appId: ` + elevato + `
        displayName: elevato - MS Teams integration
        signInAudience: ` + audience + `
        webRedirectUris: [` + redirects + `]
        isFallbackPublicClient: ` + fmt.Sprint(publicClient) + `
        requiredResourceAccess:
          - resourceAppId: 00000003-0000-0000-c000-000000000000
            resourceAccess:
              - {id: e1fe6dd8-ba31-4d61-89e7-88639da4683d, type: Scope}
              - {id: a65f2972-a4f8-4f5e-afd7-69ccb046d5dc, type: Scope}
`
		if secretEnd != "" {
			app += `        passwordCredentials:
          - {keyId: 0b6f2a8e-3c1d-4e5f-9a7b-1c2d3e4f5a6b, displayName: handoff, hint: abc, secretText: s3cret, startDateTime: "2025-01-01T00:00:00Z", endDateTime: "` + secretEnd + `"}
`
		}
		s = insertBefore("    servicePrincipals:\n", app)(s)
		s = insertBefore("      - appId: c0ec60b5-60a8-4768-8053-870f11315492 # EBMS (vendor-hosted)\n", `      - appId: `+elevato+`
        accountEnabled: true
`)(s)
		return insertBefore("    authorizationPolicy:\n", `      - clientId: `+elevato+`
        resourceId: 00000003-0000-0000-c000-000000000000
        consentType: AllPrincipals
        scope: User.Read OnlineMeetings.ReadWrite
`)(s)
	}
}

var (
	workflowWithReviewers = replace("    adminConsentRequestPolicy:\n      isEnabled: false",
		"    adminConsentRequestPolicy:\n      reviewers: [{query: /users/admin@contoso.onmicrosoft.com, queryType: MicrosoftGraph}]\n      isEnabled: true")
	workflowNoReviewers  = replace("    adminConsentRequestPolicy:\n      isEnabled: false", "    adminConsentRequestPolicy:\n      isEnabled: true")
	usersMayRegisterApps = replace("      allowedToCreateApps: false", "      allowedToCreateApps: true")
	secretsBlocked       = replace("    defaultAppManagementPolicy:\n      isEnabled: false", "    defaultAppManagementPolicy:\n      isEnabled: true\n      passwordAdditionBlocked: true")
	secretLifetimeCapped = replace("    defaultAppManagementPolicy:\n      isEnabled: false", "    defaultAppManagementPolicy:\n      isEnabled: true\n      maxPasswordLifetime: P180D")
	ebmsNotConsentedYet  = []seedEdit{replace("      - appId: c0ec60b5-60a8-4768-8053-870f11315492 # EBMS (vendor-hosted)\n        accountEnabled: true\n        appRoleAssignmentRequired: true\n", ""),
		replace("        includeApplications: [c0ec60b5-60a8-4768-8053-870f11315492]", "        includeApplications: [None]")}
)

var matrixSeeds = map[string][]seedEdit{
	"healthy":          {ebmsConsented, recruitersAssigned},
	"no-consent":       {recruitersAssigned, workflowNoReviewers},
	"unassigned":       {ebmsConsented, insertBefore("    authorizationPolicy:\n", "    appRoleAssignments:\n      - {principalId: "+rob+", resourceId: "+ebms+"}\n      - {principalId: \""+gina+"\", resourceId: "+ebms+"}\n")},
	"disabled":         {ebmsConsented, recruitersAssigned, ebmsDisabled},
	"not-consented":    ebmsNotConsentedYet,
	"app-role-granted": {ebmsConsented, recruitersAssigned, insertBefore("    authorizationPolicy:\n", "      - {principalId: "+ebms+", resourceId: 00000003-0000-0000-c000-000000000000, appRoleId: "+onlineMeetingsAll+"}\n")},
	"own-consentable":  {ownApp("AzureADMyOrg", elevatoURI, "2027-01-01T00:00:00Z", false), workflowWithReviewers, usersMayRegisterApps},
	"own-odd":          {ownApp("AzureADMultipleOrgs", "http://elevato.example/callback", "2027-01-01T00:00:00Z", true), secretsBlocked},
	"own-expired":      {ownApp("AzureADMyOrg", elevatoURI, "2026-01-01T00:00:00Z", false), secretLifetimeCapped},
	"own-expiring":     {ownApp("AzureADMyOrg", "", "2026-03-15T00:00:00Z", false)},
	"own-no-secret":    {ownApp("AzureADMyOrg", elevatoURI, "", false)},
	"own-bare":         {ownApp("AzureADMyOrg", "", "", false)},
	"business-user":    {ebmsConsented, recruitersAssigned, businessUser},
	"nested":           {ebmsConsented, assigned(`"HR Department"`)},
	// elevato registered here, nobody consented: no enterprise app yet.
	"own-unconsented": {ownApp("AzureADMyOrg", elevatoURI, "2027-01-01T00:00:00Z", false),
		replace("      - appId: "+elevato+"\n        accountEnabled: true\n", ""),
		replace("      - clientId: "+elevato+"\n        resourceId: 00000003-0000-0000-c000-000000000000\n        consentType: AllPrincipals\n        scope: User.Read OnlineMeetings.ReadWrite\n", "")},
	"smb": {smbFixture},
	"own-unknown-id": {ownApp("AzureADMyOrg", elevatoURI, "2027-01-01T00:00:00Z", false),
		insertBefore("        passwordCredentials:\n", "              - {id: 0f4e5a7b-1111-4222-8333-944455556666, type: Scope}\n")},
}

// ritaNotAssignedSignIn logs rita's sign-in to EBMS failing with AADSTS50105.
func ritaNotAssignedSignIn(st *emulator.State) {
	home := st.HomeTenant()
	home.SignIns = append(home.SignIns, &emulator.SignIn{ID: "7f0c1a2b-0000-4000-8000-000000000001", CreatedDateTime: doctorNow.Add(-time.Hour),
		UserID: home.UserByIDOrUPN(rita).ID, UserPrincipalName: rita, AppID: ebms, AppDisplayName: "EBMS Kalenderintegration", ClientAppUsed: "Browser",
		IsInteractive: true, ErrorCode: 50105, FailureReason: "not assigned", ConditionalAccess: "notApplied"})
}

func user(args []string, users ...string) []string {
	for _, u := range users {
		args = append(args, "--user", u)
	}
	return args
}

func scopesWithout(drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(adminScopes), func(s string) bool { return slices.Contains(drop, s) })
}

func spID(st *emulator.State, appID string) string {
	for _, sp := range st.HomeTenant().ServicePrincipals {
		if strings.EqualFold(sp.AppID, appID) {
			return sp.ID
		}
	}
	panic("no service principal " + appID)
}

var matrixScenarios = map[string]matrixScenario{
	"healthy":          {seed: "healthy", args: ebmsArgs(rita)},
	"vendor-no-scopes": {seed: "healthy", args: user([]string{ebms}, rita)},
	"no-app":           {seed: "healthy", args: user(nil, rita)},
	"need-admin":       {seed: "no-consent", args: ebmsArgs(rita), code: 6},
	"unassigned": {seed: "unassigned", args: ebmsArgs(rita, rob, "disabled@contoso.onmicrosoft.com", "nobody@contoso.onmicrosoft.com"), code: 6,
		update: ritaNotAssignedSignIn},
	// The same failed sign-in once rita is assigned: history, no cause left.
	"sign-in-history": {seed: "healthy", args: ebmsArgs(rita), update: ritaNotAssignedSignIn},
	"conditional-access": {seed: "unassigned", args: ebmsArgs(gina, rob), code: 6,
		update: func(st *emulator.State) {
			for _, p := range st.HomeTenant().ConditionalAccess {
				if p.DisplayName == "Require compliant device (report-only)" {
					p.State = "enabled"
				}
			}
		}},
	"disabled":         {seed: "disabled", args: ebmsArgs(rita), code: 6},
	"not-consented":    {seed: "not-consented", args: ebmsArgs(rita), code: 6},
	"app-not-found":    {seed: "healthy", args: []string{"No Such App"}, code: 6},
	"app-role-missing": {seed: "healthy", args: append(ebmsArgs(), "--application", "OnlineMeetings.ReadWrite.All"), code: 6},
	"app-role-granted": {seed: "app-role-granted", args: append(ebmsArgs(), "--application", "OnlineMeetings.ReadWrite.All")},
	"own-consentable":  {seed: "own-consentable", args: user([]string{elevato, "--scopes", "User.Read,offline_access"}, rita, gina), code: 6},
	"own-odd":          {seed: "own-odd", args: []string{elevato}, code: 6},
	"own-expired":      {seed: "own-expired", args: []string{elevato, "--redirect-uri", elevatoURI, "--scopes", "User.Read,OnlineMeetings.ReadWrite"}, code: 6},
	"own-expiring":     {seed: "own-expiring", args: []string{elevato}},
	"own-no-secret":    {seed: "own-no-secret", args: []string{elevato, "--redirect-uri", elevatoURI + "/other"}, code: 6},
	"own-bare":         {seed: "own-bare", args: []string{elevato}},
	"own-bare-public":  {seed: "own-bare", args: []string{elevato, "--public-client"}, code: 6},
	"own-unknown-id":   {seed: "own-unknown-id", args: []string{elevato}},
	// Groups as Entra counts them, and a tenant without Entra ID P1.
	"nested":          {seed: "nested", args: ebmsArgs(rita), code: 6},
	"own-unconsented": {seed: "own-unconsented", args: user([]string{elevato, "--scopes", "User.Read"}, rita)},
	"smb":             {seed: "smb", args: ebmsArgs(rosa), code: 6},
	// Presets saying what recruiters need.
	"mail-preset":   {seed: "healthy", args: []string{recruiteeApp, "--preset", "recruitee-mail", "--user", nolicense}, code: 6},
	"ebms-preset":   {seed: "healthy", args: []string{"--preset", "ebms", "--user", rita, "--user", nomailbox}, code: 6},
	"business-plan": {seed: "business-user", args: []string{ebms, "--preset", "erecruiter", "--user", rita, "--user", bea}, code: 6},
	"business-plan-no-user-read": {seed: "business-user", args: []string{ebms, "--preset", "erecruiter", "--user", bea}, code: 6,
		scopes: scopesWithout("User.Read.All", "Directory.Read.All", "DelegatedPermissionGrant.ReadWrite.All")},
	// Tokens lacking what a check reads.
	"no-policy-read": {seed: "healthy", args: ebmsArgs(rita), scopes: scopesWithout("Policy.Read.All", "AuditLog.Read.All")},
	"no-app-read": {seed: "healthy", args: ebmsArgs(rita), code: 6,
		scopes: scopesWithout("Application.ReadWrite.All", "Directory.Read.All")},
	"no-user-read": {seed: "healthy", args: ebmsArgs(rita), code: 6,
		scopes: scopesWithout("User.Read.All", "Directory.Read.All", "DelegatedPermissionGrant.ReadWrite.All")},
	// Graph refusing a read the token allows.
	"graph-refuses-assignments": {seed: "healthy", args: append(ebmsArgs(), "--application", "OnlineMeetings.ReadWrite.All"),
		faults: func(st *emulator.State) []emulator.ScriptedFault {
			id := spID(st, ebms)
			return []emulator.ScriptedFault{
				{Method: "GET", Path: "/servicePrincipals/" + id + "/appRoleAssignedTo", Nth: 1, Times: 10, Status: 403},
				{Method: "GET", Path: "/servicePrincipals/" + id + "/appRoleAssignments", Nth: 1, Times: 10, Status: 403}}
		}},
	"graph-refuses-service-principals": {seed: "own-expiring", args: []string{elevato, "--scopes", "User.Read"},
		faults: func(*emulator.State) []emulator.ScriptedFault {
			return []emulator.ScriptedFault{{Method: "GET", Path: "/servicePrincipals", Nth: 1, Times: 10, Status: 403}}
		}},
}

var doctorMatrix = []matrixRow{
	// tenant.user-consent
	{doctor.IDUserConsent, "", doctor.Pass, "healthy", []string{"admin consent covers them"}},
	{doctor.IDUserConsent, "", doctor.Fail, "no-user-read", []string{"whether an admin has is unknown", "consent grant " + ebms}},
	{doctor.IDUserConsent, "", doctor.Downstream, "need-admin", []string{"Need admin approval", "because: sp.consent"}},
	{doctor.IDUserConsent, "", doctor.Skip, "no-policy-read", []string{"Policy.Read.All"}},
	{doctor.IDUserConsent, "", doctor.Info, "vendor-no-scopes", []string{"pass --scopes"}},
	// tenant.admin-consent-workflow
	{doctor.IDConsentWorkflow, "", doctor.Pass, "own-consentable", []string{"1 reviewer"}},
	{doctor.IDConsentWorkflow, "", doctor.Warn, "healthy", []string{"Off"}},
	{doctor.IDConsentWorkflow, "", doctor.Warn, "need-admin", []string{"no reviewers"}},
	{doctor.IDConsentWorkflow, "", doctor.Skip, "no-policy-read", []string{"Policy.Read.All"}},
	// tenant.app-registration
	{doctor.IDAppRegistration, "", doctor.Skip, "no-policy-read", []string{"Policy.Read.All"}},
	{doctor.IDAppRegistration, "", doctor.Info, "healthy", []string{"Only admins"}},
	{doctor.IDAppRegistration, "", doctor.Info, "own-consentable", []string{"Any user"}},
	// tenant.entra-id-p1
	{doctor.IDEntraPremium, "", doctor.Pass, "healthy", []string{"through AAD_PREMIUM"}},
	{doctor.IDEntraPremium, "", doctor.Skip, "no-user-read", []string{"LicenseAssignment.Read.All"}},
	{doctor.IDEntraPremium, "", doctor.Info, "smb", []string{"No Entra ID P1 or P2"}},
	// tenant.security-defaults
	{doctor.IDSecurityDefaults, "", doctor.Pass, "healthy", []string{"Conditional Access protects sign-ins"}},
	{doctor.IDSecurityDefaults, "", doctor.Skip, "no-policy-read", []string{"Policy.Read.All"}},
	{doctor.IDSecurityDefaults, "", doctor.Info, "smb", []string{"register for multi-factor authentication"}},
	// tenant.rooms
	{doctor.IDRooms, "", doctor.Info, "ebms-preset", []string{"room mailbox"}},
	// tenant.secret-policy
	{doctor.IDSecretPolicy, "", doctor.Pass, "healthy", []string{"needs no client secret"}},
	{doctor.IDSecretPolicy, "", doctor.Pass, "own-consentable", []string{"No app management policy"}},
	{doctor.IDSecretPolicy, "", doctor.Fail, "own-odd", []string{"blocks new client secrets"}},
	{doctor.IDSecretPolicy, "", doctor.Skip, "no-policy-read", []string{"Policy.Read.All"}},
	{doctor.IDSecretPolicy, "", doctor.Info, "own-expired", []string{"at most 180 days"}},
	// app.registration
	{doctor.IDAppExists, "", doctor.Pass, "own-bare", []string{"elevato - MS Teams integration"}},
	{doctor.IDAppExists, "", doctor.Downstream, "not-consented", []string{"Not registered in this tenant", "because: sp.exists"}},
	{doctor.IDAppExists, "", doctor.Fail, "app-not-found", []string{"No Such App"}},
	{doctor.IDAppExists, "", doctor.Skip, "no-app-read", []string{"Application.Read.All"}},
	{doctor.IDAppExists, "", doctor.Info, "healthy", []string{"vendor-hosted"}},
	// app.audience
	{doctor.IDAppAudience, "", doctor.Pass, "own-bare", []string{"Single tenant"}},
	{doctor.IDAppAudience, "", doctor.Skip, "no-app-read", []string{"Application.Read.All"}},
	{doctor.IDAppAudience, "", doctor.Info, "own-odd", []string{"AzureADMultipleOrgs"}},
	// app.redirect-uris
	{doctor.IDAppRedirectURIs, "", doctor.Pass, "own-expired", []string{"exactly"}},
	{doctor.IDAppRedirectURIs, "", doctor.Warn, "own-odd", []string{"Not https: http://elevato.example/callback"}},
	{doctor.IDAppRedirectURIs, "", doctor.Warn, "own-expiring", []string{"No Web redirect URI", "AADSTS500113"}},
	{doctor.IDAppRedirectURIs, "", doctor.Fail, "own-no-secret", []string{"Missing: " + elevatoURI + "/other", "AADSTS50011", "teamsctl app redirect add " + elevato + " " + elevatoURI + "/other"}},
	{doctor.IDAppRedirectURIs, "", doctor.Skip, "no-app-read", []string{"Application.Read.All"}},
	{doctor.IDAppRedirectURIs, "", doctor.Info, "own-consentable", []string{"Pass --redirect-uri"}},
	// app.permissions
	{doctor.IDAppPermissions, "", doctor.Pass, "own-expired", []string{"every permission"}},
	{doctor.IDAppPermissions, "", doctor.Warn, "own-unknown-id", []string{"unknown delegated permission id 0f4e5a7b-1111-4222-8333-944455556666"}},
	{doctor.IDAppPermissions, "", doctor.Fail, "own-consentable", []string{"delegated offline_access"}},
	{doctor.IDAppPermissions, "", doctor.Skip, "graph-refuses-service-principals", []string{"refused"}},
	{doctor.IDAppPermissions, "", doctor.Info, "own-odd", []string{"User.Read, OnlineMeetings.ReadWrite"}},
	// app.credentials
	{doctor.IDAppCredentials, "", doctor.Pass, "own-consentable", []string{"Valid: secret handoff"}},
	{doctor.IDAppCredentials, "", doctor.Pass, "own-bare", []string{"needs none"}},
	{doctor.IDAppCredentials, "", doctor.Warn, "own-expiring", []string{"within 30 days"}},
	{doctor.IDAppCredentials, "", doctor.Fail, "own-expired", []string{"AADSTS7000222", "teamsctl app secret add " + elevato}},
	{doctor.IDAppCredentials, "", doctor.Fail, "own-no-secret", []string{"No client secret or certificate"}},
	{doctor.IDAppCredentials, "", doctor.Skip, "no-app-read", []string{"Application.Read.All"}},
	// app.public-client
	{doctor.IDAppPublicClient, "", doctor.Pass, "own-bare", []string{"Off"}},
	{doctor.IDAppPublicClient, "", doctor.Fail, "own-bare-public", []string{"AADSTS7000218"}},
	{doctor.IDAppPublicClient, "", doctor.Skip, "no-app-read", []string{"Application.Read.All"}},
	{doctor.IDAppPublicClient, "", doctor.Info, "own-odd", []string{"is on"}},
	// sp.exists
	{doctor.IDSPExists, "", doctor.Pass, "healthy", []string{"EBMS Kalenderintegration (object id"}},
	{doctor.IDSPExists, "", doctor.Fail, "not-consented", []string{"nobody in this tenant has consented"}},
	{doctor.IDSPExists, "", doctor.Skip, "no-app-read", []string{"Application.Read.All"}},
	{doctor.IDSPExists, "", doctor.Skip, "app-not-found", []string{"the app was not found"}},
	{doctor.IDSPExists, "", doctor.Info, "own-unconsented", []string{"the first recruiter who connects consents to User.Read and"}},
	// sp.enabled
	{doctor.IDSPEnabled, "", doctor.Pass, "healthy", nil},
	{doctor.IDSPEnabled, "", doctor.Fail, "disabled", []string{"AADSTS7000112", "teamsctl app access " + ebms + " --sign-in-enabled=true"}},
	{doctor.IDSPEnabled, "", doctor.Skip, "not-consented", []string{"does not exist"}},
	// sp.assignment
	{doctor.IDSPAssignment, "", doctor.Pass, "healthy", []string{"Groups assigned: Recruiters"}},
	{doctor.IDSPAssignment, "", doctor.Pass, "own-bare", []string{"Assignment required = No"}},
	{doctor.IDSPAssignment, "", doctor.Warn, "unassigned", []string{"Groups assigned: none"}},
	{doctor.IDSPAssignment, "", doctor.Warn, "smb", []string{"Groups assigned: Recruiting", "needs Microsoft Entra ID P1 or P2"}},
	{doctor.IDSPAssignment, "", doctor.Skip, "no-app-read", []string{"Application.Read.All"}},
	{doctor.IDSPAssignment, "", doctor.Info, "graph-refuses-assignments", []string{"Groups assigned: unknown"}},
	// sp.consent
	{doctor.IDSPConsent, "", doctor.Pass, "healthy", nil},
	{doctor.IDSPConsent, "", doctor.Warn, "own-consentable", []string{"offline_access", "Users may consent to them themselves"}},
	{doctor.IDSPConsent, "", doctor.Fail, "need-admin", []string{"Place.Read.All", "Need admin approval", "Grant admin consent"}},
	{doctor.IDSPConsent, "", doctor.Skip, "no-user-read", []string{"DelegatedPermissionGrant.Read.All"}},
	{doctor.IDSPConsent, "", doctor.Info, "vendor-no-scopes", []string{"pass --scopes"}},
	// sp.app-permissions
	{doctor.IDSPAppPermissions, "", doctor.Pass, "healthy", []string{"needs no application permissions"}},
	{doctor.IDSPAppPermissions, "", doctor.Pass, "app-role-granted", []string{"Granted: OnlineMeetings.ReadWrite.All"}},
	{doctor.IDSPAppPermissions, "", doctor.Fail, "app-role-missing", []string{"Not granted: OnlineMeetings.ReadWrite.All", "--application"}},
	{doctor.IDSPAppPermissions, "", doctor.Skip, "graph-refuses-assignments", []string{"refused"}},
	{doctor.IDSPAppPermissions, "", doctor.Skip, "vendor-no-scopes", []string{"pass --application"}},
	// user.account
	{doctor.IDUserAccount, rita, doctor.Pass, "healthy", []string{"Rita Recruiter, enabled, member"}},
	{doctor.IDUserAccount, gina, doctor.Pass, "conditional-access", []string{"guest"}},
	{doctor.IDUserAccount, "disabled@contoso.onmicrosoft.com", doctor.Fail, "unassigned", []string{"AADSTS50057"}},
	{doctor.IDUserAccount, "nobody@contoso.onmicrosoft.com", doctor.Fail, "unassigned", []string{"No user"}},
	{doctor.IDUserAccount, rita, doctor.Skip, "no-user-read", []string{"User.Read.All"}},
	// user.assignment
	{doctor.IDUserAssignment, rita, doctor.Pass, "healthy", []string{"through group Recruiters"}},
	{doctor.IDUserAssignment, rob, doctor.Pass, "unassigned", []string{"Assigned directly"}},
	{doctor.IDUserAssignment, rita, doctor.Pass, "own-consentable", []string{"does not require assignment"}},
	{doctor.IDUserAssignment, rita, doctor.Fail, "unassigned", []string{"AADSTS50105", "teamsctl app assign " + ebms + " --group Recruiters", "New-MgUserAppRoleAssignment"}},
	{doctor.IDUserAssignment, rita, doctor.Fail, "nested", []string{"only through Recruiters, nested in it", "--group Recruiters"}},
	{doctor.IDUserAssignment, rosa, doctor.Fail, "smb", []string{"needs Microsoft Entra ID P1 or P2", "--user " + rosa}},
	{doctor.IDUserAssignment, rita, doctor.Skip, "not-consented", []string{"enterprise app is unknown"}},
	{doctor.IDUserAssignment, rita, doctor.Skip, "no-user-read", []string{"User.Read.All"}},
	// user.token
	{doctor.IDUserToken, rita, doctor.Pass, "healthy", []string{"without any prompt"}},
	{doctor.IDUserToken, rita, doctor.Downstream, "own-consentable", []string{"offline_access", "may consent", "because: sp.consent"}},
	{doctor.IDUserToken, rita, doctor.Downstream, "need-admin", []string{"AADSTS90095", "because: sp.consent"}},
	{doctor.IDUserToken, rita, doctor.Downstream, "not-consented", []string{"AADSTS90094", "because: sp.exists"}},
	{doctor.IDUserToken, rita, doctor.Skip, "vendor-no-scopes", []string{"pass --scopes"}},
	{doctor.IDUserToken, rita, doctor.Skip, "no-user-read", []string{"DelegatedPermissionGrant.Read.All"}},
	// user.teams-licence
	{doctor.IDUserTeamsLicence, rita, doctor.Pass, "healthy", []string{"ENTERPRISEPACK"}},
	{doctor.IDUserTeamsLicence, nolicense, doctor.Pass, "mail-preset", []string{"Not needed"}},
	{doctor.IDUserTeamsLicence, gina, doctor.Fail, "conditional-access", []string{"licences: none"}},
	{doctor.IDUserTeamsLicence, rita, doctor.Skip, "no-user-read", []string{"User.Read.All"}},
	// user.mailbox
	{doctor.IDUserMailbox, rita, doctor.Pass, "healthy", []string{"Exchange Online mailbox enabled"}},
	{doctor.IDUserMailbox, nolicense, doctor.Pass, "mail-preset", []string{"EXCHANGESTANDARD"}},
	{doctor.IDUserMailbox, nomailbox, doctor.Fail, "ebms-preset", []string{"EXCHANGE_S_FOUNDATION"}},
	{doctor.IDUserMailbox, gina, doctor.Warn, "own-consentable", []string{"licences: none"}},
	{doctor.IDUserMailbox, gina, doctor.Fail, "conditional-access", []string{"licences: none"}},
	{doctor.IDUserMailbox, rita, doctor.Skip, "no-user-read", []string{"User.Read.All"}},
	// user.licence
	{doctor.IDUserLicence, bea, doctor.Pass, "business-plan", []string{"O365_BUSINESS_PREMIUM"}},
	{doctor.IDUserLicence, rita, doctor.Fail, "business-plan", []string{"Microsoft 365 Business plans", "ENTERPRISEPACK"}},
	{doctor.IDUserLicence, bea, doctor.Skip, "business-plan-no-user-read", []string{"User.Read.All"}},
	// user.conditional-access
	{doctor.IDUserCA, rita, doctor.Pass, "healthy", []string{"What If", "report-only"}},
	{doctor.IDUserCA, rob, doctor.Warn, "conditional-access", []string{"managed device required", "AADSTS53000"}},
	{doctor.IDUserCA, gina, doctor.Fail, "conditional-access", []string{"Block guests from EBMS", "AADSTS53003"}},
	{doctor.IDUserCA, rita, doctor.Skip, "no-policy-read", []string{"Policy.Read.All"}},
	// user.sign-ins
	{doctor.IDUserSignIns, rita, doctor.Pass, "healthy", []string{"No sign-ins"}},
	{doctor.IDUserSignIns, rita, doctor.Warn, "sign-in-history", []string{"AADSTS50105", "find no cause"}},
	{doctor.IDUserSignIns, rita, doctor.Downstream, "unassigned", []string{"AADSTS50105", "because: user.assignment (" + rita + ")"}},
	{doctor.IDUserSignIns, rita, doctor.Skip, "no-policy-read", []string{"AuditLog.Read.All"}},
	{doctor.IDUserSignIns, rosa, doctor.Skip, "smb", []string{"without Microsoft Entra ID P1 or P2"}},
	// teams.access-policy
	{doctor.IDTeamsAccessPolicy, "", doctor.Pass, "healthy", []string{"delegated permissions"}},
	{doctor.IDTeamsAccessPolicy, "", doctor.Skip, "vendor-no-scopes", []string{"unknown"}},
	{doctor.IDTeamsAccessPolicy, "", doctor.Skip, "no-app", []string{"unknown"}},
	{doctor.IDTeamsAccessPolicy, "", doctor.Info, "app-role-missing", []string{"New-CsApplicationAccessPolicy"}},
	// teams.meeting-policy
	{doctor.IDTeamsMeetingPolicy, "", doctor.Pass, "mail-preset", []string{"Not needed"}},
	{doctor.IDTeamsMeetingPolicy, "", doctor.Info, "healthy", []string{"Set-CsTeamsMeetingPolicy"}},
}

// matrixExempt are declared statuses the command cannot trigger yet, with
// the reason; each is a known gap, not a design decision.
var matrixExempt = map[string]string{}

func TestDoctorStatusMatrixCoversCatalog(t *testing.T) {
	covered := map[string]bool{}
	for _, r := range doctorMatrix {
		covered[r.id+"/"+string(r.status)] = true
		if _, ok := matrixScenarios[r.scenario]; !ok {
			t.Errorf("row %s/%s: no scenario %q", r.id, r.status, r.scenario)
		}
	}
	for _, d := range doctor.Catalog() {
		for _, st := range d.Statuses {
			key := d.ID + "/" + string(st)
			if !covered[key] && matrixExempt[key] == "" {
				t.Errorf("%s: no matrix row triggers %s (add one to doctorMatrix, or drop the status from the catalog with a comment saying why it is unreachable)", d.ID, st)
			}
			if covered[key] && matrixExempt[key] != "" {
				t.Errorf("%s is both covered and exempt", key)
			}
		}
	}
	for key := range covered {
		id, st, _ := strings.Cut(key, "/")
		i := slices.IndexFunc(doctor.Catalog(), func(d doctor.Definition) bool { return d.ID == id })
		if i < 0 || !slices.Contains(doctor.Catalog()[i].Statuses, doctor.Status(st)) {
			t.Errorf("matrix row %s: not a status the catalog declares", key)
		}
	}
}

func TestDoctorStatusMatrix(t *testing.T) {
	// Emulators shared by scenarios that only read, started here so they
	// live until every parallel scenario is done.
	shared := map[string]*doctorEnv{}
	for _, sc := range matrixScenarios {
		if sc.update == nil && sc.faults == nil && shared[sc.seed] == nil {
			shared[sc.seed] = startDoctor(t, matrixSeeds[sc.seed]...)
		}
	}
	rows := map[string][]matrixRow{}
	for _, r := range doctorMatrix {
		rows[r.scenario] = append(rows[r.scenario], r)
	}
	for _, name := range slices.Sorted(maps.Keys(matrixScenarios)) {
		sc := matrixScenarios[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var d *doctorEnv
			if sc.update == nil && sc.faults == nil {
				d = shared[sc.seed]
			} else {
				d = startDoctor(t, matrixSeeds[sc.seed]...)
				if sc.update != nil {
					if err := d.emu.Server.Update(func(st *emulator.State) error { sc.update(st); return nil }); err != nil {
						t.Fatal(err)
					}
				}
				if sc.faults != nil {
					st, err := d.emu.Server.Snapshot()
					if err != nil {
						t.Fatal(err)
					}
					d.emu.Server.SetFaults(emulator.FaultOptions{Scripted: sc.faults(st)})
				}
			}
			scopes := sc.scopes
			if scopes == nil {
				scopes = adminScopes
			}
			r := runMatrix(t, d, scopes, sc.code, sc.args)
			for _, row := range rows[name] {
				expect(t, r, row.id, row.subject, row.status, row.observed...)
			}
			// Every status any scenario reports is one its check declares.
			for _, c := range r.Checks {
				i := slices.IndexFunc(doctor.Catalog(), func(d doctor.Definition) bool { return d.ID == c.ID })
				if i < 0 || !slices.Contains(doctor.Catalog()[i].Statuses, c.Status) {
					t.Errorf("%s (%s) reported %s, which the catalog does not declare: %s", c.ID, c.Subject, c.Status, c.Observed)
				}
			}
		})
	}
}

var runMu sync.Mutex

// runMatrix runs doctor -o json with its own config directory and token,
// so scenarios sharing an emulator run in parallel.
func runMatrix(t *testing.T, d *doctorEnv, scopes []string, wantCode int, args []string) *doctor.Report {
	t.Helper()
	env := maps.Clone(d.env)
	dir := t.TempDir()
	env["TEAMSCTL_CONFIG_DIR"], env["HOME"] = dir, dir
	env["TEAMSCTL_ACCESS_TOKEN"] = d.emu.Token(t, d.admin, "", scopes...)
	ios, _, out, errOut := iostreams.Test()
	deps := teamsctl.Deps{IOStreams: ios, Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return doctorNow }}
	full := append([]string{"doctor", "-o", "json"}, args...)
	// The Graph SDK registers its serializers in package globals when a
	// client is built, racily; a CLI builds one per process, so commands
	// run one at a time here while emulators start and reports are checked
	// in parallel.
	runMu.Lock()
	code := teamsctl.Run(context.Background(), full, deps)
	runMu.Unlock()
	if code != wantCode {
		t.Fatalf("%v exited %d, want %d\nstdout:\n%s\nstderr:\n%s", full, code, wantCode, out, errOut)
	}
	var r doctor.Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("doctor -o json: %v\n%s", err, out)
	}
	return &r
}
